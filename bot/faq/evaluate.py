"""Evaluation cases (`expected_id<TAB>question`, `-` = out of scope) and the figures on them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.exceptions import ConfigError
from bot.faq.matcher import Match, Matcher

OUT_OF_SCOPE = "-"


@dataclass(frozen=True)
class Case:
    line: int
    expected: str  # an entry id, or "-"
    question: str

    @property
    def in_scope(self) -> bool:
        return self.expected != OUT_OF_SCOPE


@dataclass
class Figures:
    """Counts over in-scope cases (`n`) and out-of-scope ones (`off`)."""

    n: int = 0
    top1: int = 0
    top3: int = 0
    answered_right: int = 0
    confident_wrong: int = 0  # in scope, answered with another entry
    suggested_right: int = 0  # in scope, offered among the suggestions
    in_fallback: int = 0
    off: int = 0
    off_answered: int = 0  # out of scope, yet answered: the failure that matters most
    off_suggested: int = 0
    off_fallback: int = 0  # out of scope, handed to staff or taken as small talk
    misses: list[str] = field(default_factory=list)  # every confident answer that was wrong

    def lines(self) -> list[str]:
        return [
            f"in scope      {self.n} cases",
            f"top-1         {_rate(self.top1, self.n)}",
            f"top-3         {_rate(self.top3, self.n)}",
            f"answered      {_rate(self.answered_right, self.n)} with the right entry",
            f"confident-wrong {_rate(self.confident_wrong, self.n)} answered with another entry",
            f"suggested     {_rate(self.suggested_right, self.n)} right entry among suggestions",
            f"fallback      {_rate(self.in_fallback, self.n)} handed to staff",
            f"out of scope  {self.off} cases",
            f"off answered  {_rate(self.off_answered, self.off)} (confidently, wrongly)",
            f"off suggested {_rate(self.off_suggested, self.off)}",
            f"off fallback  {_rate(self.off_fallback, self.off)} (fallback or small talk)",
        ]

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if isinstance(v, int)}


def _rate(count: int, total: int) -> str:
    percent = 100 * count / total if total else 0.0
    return f"{percent:5.1f} %  ({count}/{total})"


def read_cases(path: str | Path) -> list[Case]:
    """The cases of a TSV file; a malformed line raises ConfigError naming it."""
    cases = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        if line.count("\t") != 1:
            raise ConfigError(f"{path}:{number}: expected `expected_id<TAB>question`")
        expected, question = line.split("\t")
        cases.append(Case(number, expected.strip(), question.strip()))
    return cases


def evaluate(matcher: Matcher, cases: Iterable[Case]) -> Figures:
    figures = Figures()
    for case in cases:
        if case.in_scope and case.expected not in matcher.entries:
            raise ConfigError(f"line {case.line}: no entry {case.expected!r} in the knowledge base")
        match, ranked = matcher.consider(case.question)
        ranking = [c.entry_id for c in ranked]
        if case.in_scope:
            _count_in_scope(figures, case, match, ranking)
        else:
            _count_out_of_scope(figures, case, match)
    return figures


def _count_in_scope(figures: Figures, case: Case, match: Match, ranking: list[str]) -> None:
    figures.n += 1
    figures.top1 += ranking[:1] == [case.expected]
    figures.top3 += case.expected in ranking[:3]
    if match.status == "answer":
        right = match.entry_id == case.expected
        figures.answered_right += right
        figures.confident_wrong += not right
        if not right:
            figures.misses.append(f"line {case.line}: {case.question} → {match.entry_id}")
    elif match.status == "suggest":
        figures.suggested_right += case.expected in match.suggestions
    else:
        figures.in_fallback += 1


def _count_out_of_scope(figures: Figures, case: Case, match: Match) -> None:
    figures.off += 1
    figures.off_answered += match.status == "answer"
    figures.off_suggested += match.status == "suggest"
    figures.off_fallback += match.status in ("fallback", "smalltalk")
    if match.status == "answer":
        figures.misses.append(
            f"line {case.line}: {case.question} → {match.entry_id} (out of scope)"
        )
