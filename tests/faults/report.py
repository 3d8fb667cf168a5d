"""Print the figures of the last fault-suite run (var/faults/*.json) as one table."""

from __future__ import annotations

import json

from tests.faults.conftest import REPORT_DIR


def main() -> None:
    for path in sorted(REPORT_DIR.glob("*.json")):
        figures = json.loads(path.read_text())
        print(f"{path.stem}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
