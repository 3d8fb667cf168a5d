"""Knowledge-base commands: ask the matcher, check a file, evaluate on held-out cases."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.exceptions import ConfigError

if TYPE_CHECKING:
    from bot.faq.matcher import Match, Matcher

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("faq")
def faq() -> None:
    """Knowledge base (FAQ): ask, check, eval. See docs/knowledge-base.md."""


@faq.command("ask")
@click.option("--office", "office_slug", default=None, help="the office's knowledge base")
@click.option("--kb", "kb_path", type=FILE, default=None, help="a knowledge-base file")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per question")
@click.argument("question", required=False)
def ask_command(
    office_slug: str | None, kb_path: Path | None, as_json: bool, question: str | None
) -> None:
    """Match QUESTION, or each line of standard input when QUESTION is absent or `-`."""
    matcher = _matcher(_knowledge_path(office_slug, kb_path))
    for text in _questions(question):
        match = matcher.ask(text)
        if as_json:
            click.echo(json.dumps(_as_json(text, match), ensure_ascii=False))
        else:
            click.echo(_as_text(text, match, matcher))


@faq.command("check")
@click.option("--kb", "kb_path", type=FILE, required=True, help="a knowledge-base file")
def check_command(kb_path: Path) -> None:
    """Validate a knowledge base; exit 1 on errors. Near-duplicates are warnings."""
    from bot.faq.check import check_knowledge

    try:
        report = check_knowledge(kb_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    for title, lines in (("errors", report.errors), ("warnings", report.warnings)):
        if lines:
            click.echo(f"{title}:")
            click.echo("\n".join(lines))
    click.echo(
        f"{kb_path}: {report.entries} valid entries, "
        f"{len(report.errors)} errors, {len(report.warnings)} warnings"
    )
    if report.errors:
        raise SystemExit(1)


@faq.command("eval")
@click.option("--kb", "kb_path", type=FILE, required=True, help="a knowledge-base file")
@click.option("--cases", "cases_path", type=FILE, required=True, help="expected_id<TAB>question")
def eval_command(kb_path: Path, cases_path: Path) -> None:
    """Top-1, top-3, confident-wrong and out-of-scope figures on evaluation cases."""
    from bot.faq.evaluate import evaluate, read_cases

    matcher = _matcher(kb_path)
    try:
        figures = evaluate(matcher, read_cases(cases_path))
    except ConfigError as exc:
        raise click.ClickException(f"{cases_path}: {exc}") from None
    click.echo("\n".join(figures.lines()))
    for miss in figures.misses:
        click.echo(f"wrong answer: {miss}")


def _knowledge_path(office_slug: str | None, kb_path: Path | None) -> Path:
    if (office_slug is None) == (kb_path is None):
        raise click.UsageError("give exactly one of --office SLUG or --kb FILE")
    if kb_path is not None:
        return kb_path
    from bot.config import load_settings
    from bot.offices import load_offices

    try:
        settings = load_settings()
        offices = load_offices(settings["TAMBON_OFFICES"])
    except ConfigError as exc:
        raise click.ClickException(f"configuration error:\n{exc}") from None
    office = offices.get(office_slug)
    if office is None:
        raise click.ClickException(f"no office {office_slug!r} in {settings['TAMBON_OFFICES']}")
    if not office.knowledge:
        raise click.ClickException(f"office {office_slug} has no knowledge base (`knowledge:`)")
    return Path(office.knowledge)


def _matcher(path: Path) -> Matcher:
    from bot.faq.knowledge import load_knowledge
    from bot.faq.matcher import Matcher

    try:
        return Matcher(load_knowledge(path).entries)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _questions(question: str | None) -> Iterable[str]:
    if question not in (None, "-"):
        yield question
        return
    for line in sys.stdin:
        if line.strip():
            yield line.strip()


def _as_json(question: str, match: Match) -> dict:
    return {
        "question": question,
        "status": match.status,
        "id": match.entry_id,
        "score": round(match.score, 4),
        "suggestions": match.suggestions,
    }


def _as_text(question: str, match: Match, matcher: Matcher) -> str:
    if match.status == "answer":
        detail = f"{match.entry_id}: {matcher.entries[match.entry_id].question}"
    elif match.status == "suggest":
        detail = ", ".join(match.suggestions)
    else:
        detail = "-"
    return f"{question}\n  {match.status} ({match.score:.2f}) {detail}"


COMMANDS = [faq]
