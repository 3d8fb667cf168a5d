"""`tambon faq check`: everything wrong with a knowledge base, and what will confuse matching."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.faq.knowledge import Knowledge, read_knowledge
from bot.faq.matcher import NEAR_DUPLICATE, Matcher
from bot.thai import compact


@dataclass
class CheckReport:
    entries: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_knowledge(path: str | Path, threshold: float = NEAR_DUPLICATE) -> CheckReport:
    """Errors stop the bot from loading the file; warnings point at likely mismatches.

    Raises ConfigError only when the file cannot be read as a knowledge base at all.
    """
    knowledge, errors = read_knowledge(path)
    report = CheckReport(len(knowledge.entries), errors, list(knowledge.warnings))
    report.errors += _shared_phrasings(knowledge)
    if knowledge.entries:
        report.warnings += _near_duplicates(Matcher(knowledge.entries), threshold)
    return report


def _shared_phrasings(knowledge: Knowledge) -> list[str]:
    """The same question (spaces and particles aside) in two entries: it can only match one."""
    owner: dict[str, str] = {}
    errors = []
    for entry in knowledge.entries.values():
        for text in dict.fromkeys(compact(p) for p in entry.phrasings):
            if text in owner and owner[text] != entry.id:
                errors.append(f"  entry {entry.id}: {text!r} is also a question of {owner[text]}")
            owner.setdefault(text, entry.id)
    return errors


def _near_duplicates(matcher: Matcher, threshold: float) -> list[str]:
    return [
        f"  entries {p.first} and {p.second} are hard to tell apart ({p.similarity:.2f}): "
        f"{p.first_text!r} / {p.second_text!r}"
        for p in matcher.near_duplicates(threshold)
    ]
