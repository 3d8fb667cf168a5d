"""`tambon report`: reports for the office's executive (the annual satisfaction report)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import make_app
from bot.cli.survey import _office


@click.group("report")
def report() -> None:
    """Reports for the office's executive."""


@report.command("annual")
@click.option("--office", "office_slug", required=True)
@click.option(
    "--fiscal-year",
    "year",
    type=click.IntRange(2500, 2700),
    required=True,
    help="Buddhist era, e.g. 2569 (1 Oct 2025 – 30 Sep 2026)",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "xlsx"]),
    default=None,
    help="pdf or xlsx (default: from the file name, else pdf)",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def annual(office_slug: str, year: int, fmt: str | None, output: Path) -> None:
    """รายงานผลการสำรวจความพึงพอใจการให้บริการ ประจำปีงบประมาณ (PDF, or XLSX to edit)."""
    from bot import db
    from survey.annual_report import annual_figures, annual_pdf, annual_xlsx

    fmt = fmt or ("xlsx" if output.suffix.lower() == ".xlsx" else "pdf")
    app = make_app()
    office = _office(app, office_slug)
    with app.app_context():
        figures = annual_figures(db.session(), office, year)
    if fmt == "xlsx":
        annual_xlsx(figures, str(output))
    else:
        output.write_bytes(annual_pdf(figures))
    click.echo(f"wrote {output} ({figures['overall']['n']:,} responses)", err=True)


COMMANDS = [report]
