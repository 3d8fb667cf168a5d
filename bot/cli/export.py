"""`tambon export`: raw responses or the tally tables as CSV or XLSX."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import make_app
from bot.cli.survey import _day, _office
from privacy import audit

DATE = click.DateTime(["%Y-%m-%d"])
CLI_ACTOR = "tambon export (บนเครื่องแม่ข่าย)"


@click.command("export")
@click.option("--office", "office_slug", required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    default=None,
    help="csv or xlsx (default: from the file name)",
)
@click.option("--from", "date_from", type=DATE, default=None, help="YYYY-MM-DD")
@click.option("--to", "date_to", type=DATE, default=None, help="YYYY-MM-DD")
@click.option("--counter", default=None, help="counter code")
@click.option(
    "--what", type=click.Choice(["responses", "tally"]), default="responses", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(office_slug, fmt, date_from, date_to, counter, what, output) -> None:
    """Responses (no personal data) or the tally, days in Asia/Bangkok; UTF-8 CSV with BOM."""
    from bot import db
    from survey import exports
    from survey.definition import survey_for_office
    from survey.tally import Filters, tally

    fmt = fmt or output.suffix.lstrip(".").lower()
    if fmt not in {"csv", "xlsx"}:
        raise click.ClickException("give --format csv|xlsx or a file name ending .csv or .xlsx")
    app = make_app()
    office = _office(app, office_slug)
    if counter is not None and office.counter(counter) is None:
        raise click.ClickException(f"office {office_slug} has no counter {counter!r}")
    if date_from and date_to and date_from > date_to:
        raise click.ClickException("--from is after --to")
    survey = survey_for_office(office)
    f = Filters(office.slug, survey.id, _day(date_from), _day(date_to), counter)
    with app.app_context():
        session = db.session()
        if what == "tally":
            header, rows = (
                exports.tally_header(survey.scale),
                exports.tally_rows(tally(session, f, survey)),
            )
            _write(fmt, output, "ผลการประเมิน", header, rows)
        else:
            audit.record_export(office.slug, CLI_ACTOR, output.name, f.date_from, f.date_to)
            total = exports.count_responses(session, f)
            with click.progressbar(length=total, label="ส่งออกคำตอบ", file=sys.stderr) as bar:
                rows = exports.iter_responses(session, f, survey, office, progress=bar.update)
                _write(fmt, output, "คำตอบ", exports.response_header(survey), rows)
    click.echo(f"wrote {output}", err=True)


def _write(fmt: str, output: Path, title: str, header: list[str], rows) -> None:
    from survey import exports

    if fmt == "csv":
        with output.open("w", encoding="utf-8", newline="") as out:
            exports.write_csv(out, header, rows)
    else:
        exports.write_xlsx(str(output), [(title, header, rows)])


COMMANDS = [export_command]
