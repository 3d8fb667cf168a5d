"""A knowledge-base file (docs/knowledge-base.md), read and checked entry by entry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.exceptions import ConfigError
from bot.limits import MAX_ACTION_LABEL, MAX_TEXT, graphemes, utf16_units

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FIELDS = ("id", "category", "question", "alternatives", "answer", "links")
ANSWER_ADVISED = 1500  # characters a citizen reads comfortably on a phone (the docs' rule)
ALTERNATIVES_ADVISED = (5, 10)
MAX_LINKS = 2


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Entry:
    id: str
    category: str
    question: str
    alternatives: tuple[str, ...]
    answer: str
    links: tuple[Link, ...] = ()

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The canonical question first, then every alternative."""
        return (self.question, *self.alternatives)


@dataclass
class Knowledge:
    path: str
    entries: dict[str, Entry]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Problems:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def load_knowledge(path: str | Path) -> Knowledge:
    """Entries by id. Any error raises ConfigError naming the file, the entry and the field."""
    knowledge, errors = read_knowledge(path)
    if errors:
        raise ConfigError("\n".join([f"{path}: the knowledge base is not valid", *errors]))
    return knowledge


def read_knowledge(path: str | Path) -> tuple[Knowledge, list[str]]:
    """The valid entries, and every error found (for `tambon faq check`, which lists all)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: knowledge base file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise ConfigError(f"{path}: expected a mapping with an 'entries' list")
    problems = _Problems()
    entries: dict[str, Entry] = {}
    for index, item in enumerate(raw["entries"]):
        entry = _entry(item, index, problems)
        if entry is None:
            continue
        if entry.id in entries:
            problems.errors.append(f"  entry {entry.id}: id: repeated (each id must be unique)")
            continue
        entries[entry.id] = entry
    if not raw["entries"]:
        problems.errors.append("  entries: the list is empty")
    return Knowledge(str(path), entries, problems.warnings), problems.errors


def _entry(item: object, index: int, problems: _Problems) -> Entry | None:
    if not isinstance(item, dict):
        problems.errors.append(f"  entry #{index + 1}: expected a mapping of fields")
        return None
    name = _name(item, index)
    errors = [f"unknown field {key!r}" for key in item if key not in FIELDS]
    errors += _required_text(item, ("id", "category", "question", "answer"))
    errors += _id_problems(item.get("id"))
    errors += _answer_problems(item.get("answer"))
    alternatives, alt_errors = _alternatives(item.get("alternatives"))
    links, link_errors = _links(item.get("links"))
    errors += alt_errors + link_errors
    problems.errors += [f"  entry {name}: {error}" for error in errors]
    problems.warnings += [f"  entry {name}: {w}" for w in _advice(item, alternatives)]
    if errors:
        return None
    return Entry(
        id=item["id"],
        category=item["category"].strip(),
        question=item["question"].strip(),
        alternatives=alternatives,
        answer=item["answer"].strip(),
        links=links,
    )


def _name(item: dict, index: int) -> str:
    """How a message names the entry: its id where it has a usable one."""
    value = item.get("id")
    return value if isinstance(value, str) and value.strip() else f"#{index + 1}"


def _required_text(item: dict, keys: tuple[str, ...]) -> list[str]:
    errors = []
    for key in keys:
        value = item.get(key)
        if value is None:
            errors.append(f"{key}: missing")
        elif not isinstance(value, str):
            errors.append(f"{key}: must be text")
        elif not value.strip():
            errors.append(f"{key}: empty")
    return errors


def _id_problems(value: object) -> list[str]:
    if isinstance(value, str) and value.strip() and not ID_PATTERN.match(value):
        return ["id: use lowercase a-z, 0-9 and single hyphens, e.g. land-tax-late"]
    return []


def _answer_problems(value: object) -> list[str]:
    if isinstance(value, str) and utf16_units(value.strip()) > MAX_TEXT:
        units = utf16_units(value.strip())
        return [f"answer: {units} UTF-16 units, over LINE's {MAX_TEXT} for one text message"]
    return []


def _alternatives(value: object) -> tuple[tuple[str, ...], list[str]]:
    if value is None:
        return (), ["alternatives: missing"]
    if not isinstance(value, list) or not value:
        return (), ["alternatives: must be a non-empty list of questions"]
    errors = [
        f"alternatives[{i}]: must be non-empty text"
        for i, text in enumerate(value)
        if not isinstance(text, str) or not text.strip()
    ]
    return tuple(t.strip() for t in value if isinstance(t, str) and t.strip()), errors


def _links(value: object) -> tuple[tuple[Link, ...], list[str]]:
    if value is None:
        return (), []
    if not isinstance(value, list):
        return (), ["links: must be a list of {label, url}"]
    errors = [f"links: {len(value)} links, at most {MAX_LINKS}"] if len(value) > MAX_LINKS else []
    links = []
    for i, link in enumerate(value):
        if not isinstance(link, dict) or set(link) != {"label", "url"}:
            errors.append(f"links[{i}]: must have exactly a label and a url")
            continue
        label, url = link["label"], link["url"]
        if not isinstance(label, str) or not label.strip():
            errors.append(f"links[{i}].label: empty")
        elif graphemes(label) > MAX_ACTION_LABEL:
            errors.append(
                f"links[{i}].label: {label!r} is {graphemes(label)} characters, "
                f"LINE shows at most {MAX_ACTION_LABEL}"
            )
        if not isinstance(url, str) or not re.match(r"^https://\S+$", url):
            errors.append(f"links[{i}].url: must be an https:// address")
        else:
            links.append(Link(str(label), url))
    return tuple(links), errors


def _advice(item: dict, alternatives: tuple[str, ...]) -> list[str]:
    """Not errors: the bot works, but the docs' guidance is not followed."""
    advice = []
    answer = item.get("answer")
    if isinstance(answer, str) and ANSWER_ADVISED < len(answer.strip()) <= MAX_TEXT:
        advice.append(
            f"answer: {len(answer.strip())} characters; the guide is {ANSWER_ADVISED} or fewer: "
            "consider splitting the topic"
        )
    low, high = ALTERNATIVES_ADVISED
    if alternatives and not low <= len(alternatives) <= high:
        advice.append(f"alternatives: {len(alternatives)}; the guide is {low} to {high}")
    return advice
