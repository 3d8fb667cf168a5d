"""`tambon report`: the weekly tally on LINE and the annual satisfaction report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli.common import make_app
from bot.cli.survey import _office


@click.group("report")
def report_group() -> None:
    """Reports for the office's admins."""


@report_group.command("weekly")
@click.option("--office", "office_slug", required=True)
@click.option("--week", default=None, help="ISO week YYYY-Www (default: the last completed one)")
@click.option("--send", is_flag=True, help="send it to the admins on LINE (once per week)")
@click.option(
    "--preview",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="write the message JSON to FILE and the chart to FILE with .png; send nothing",
)
def weekly_command(office_slug: str, week: str | None, send: bool, preview: Path | None) -> None:
    """The weekly tally on LINE: a Flex message in Thai with a chart (weeks in Asia/Bangkok)."""
    from bot.exceptions import LineRejectedError, LineTransientError
    from survey import weekly
    from workers import weekly as job

    if send == bool(preview):
        raise click.UsageError("choose one: --send or --preview FILE")
    try:
        monday = weekly.parse_week(week) if week else weekly.last_completed_week(datetime.now(UTC))
    except weekly.BadWeek as exc:
        raise click.BadParameter(str(exc), param_hint="--week") from None
    app = make_app()
    office = app.extensions["tambon.offices"].get(office_slug)
    if office is None:
        raise click.ClickException(
            f"ไม่พบสำนักงาน {office_slug!r} (no office {office_slug!r} in "
            f"{app.config['TAMBON_OFFICES']})"
        )
    label = weekly.week_label(monday)
    if send and monday > weekly.last_completed_week(datetime.now(UTC)):
        # Sent once per week: a report on a week still under way would stand for all of it.
        raise click.BadParameter(
            f"สัปดาห์ {label} ยังไม่สิ้นสุด จึงยังส่งไม่ได้ (week {label} has not ended yet: use --preview)",
            param_hint="--week",
        )
    with app.app_context():
        if preview:
            _, png, message = job.render(office, monday)
            preview.write_text(json.dumps(message, ensure_ascii=False, indent=2), encoding="utf-8")
            preview.with_suffix(".png").write_bytes(png)
            click.echo(f"{label}: wrote {preview} and {preview.with_suffix('.png')}")
            return
        try:
            click.echo(job.send_weekly_report(office.slug, label))
        except LineTransientError as exc:
            raise click.ClickException(
                f"LINE is busy or unreachable, try again later: {exc}"
            ) from None
        except LineRejectedError as exc:
            raise click.ClickException(f"LINE refused the message: {exc}") from None


@report_group.command("annual")
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


COMMANDS = [report_group]
