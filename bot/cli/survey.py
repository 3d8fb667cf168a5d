"""Survey commands: the tally."""

from __future__ import annotations

import json
from datetime import date

import click

from bot.cli.common import make_app


def _office(app, slug: str):
    office = app.extensions["tambon.offices"].get(slug)
    if office is None:
        raise click.ClickException(f"no office {slug!r} in {app.config['TAMBON_OFFICES']}")
    return office


@click.command("tally")
@click.option("--office", "office_slug", required=True)
@click.option(
    "--survey", "survey_id", default=None, help="survey id (default: the office's survey)"
)
@click.option(
    "--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None, help="YYYY-MM-DD"
)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None, help="YYYY-MM-DD")
@click.option("--counter", default=None, help="counter code")
@click.option("--json", "as_json", is_flag=True, help="one JSON object: overall, aspects, items")
def tally_command(office_slug, survey_id, date_from, date_to, counter, as_json) -> None:
    """n, counts and % per level, mean, S.D., % satisfied and band (days in Asia/Bangkok)."""
    from bot import db
    from survey.definition import survey_for_office
    from survey.tally import Filters, tally

    app = make_app()
    office = _office(app, office_slug)
    current = survey_for_office(office)
    if survey_id not in (None, current.id):
        raise click.ClickException(
            f"office {office_slug} runs survey {current.id!r}, not {survey_id!r}"
        )
    if counter is not None and office.counter(counter) is None:
        raise click.ClickException(f"office {office_slug} has no counter {counter!r}")
    filters = Filters(office.slug, current.id, _day(date_from), _day(date_to), counter)
    with app.app_context():
        figures = tally(db.session(), filters, current)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False))
    else:
        click.echo(render_text(figures, office, current.title))


def _day(value) -> date | None:
    return value.date() if value else None


def _row(label: str, f: dict) -> str:
    counts = "  ".join(f"{f['counts'][k]:>4} ({f['percents'][k]:5.1f}%)" for k in f["counts"])
    if f["mean"] is None:
        return f"{label:<44} {f['n']:>5}  {counts}      -      -       -  -"
    return (
        f"{label:<44} {f['n']:>5}  {counts}  {f['mean']:5.2f}  {f['sd']:5.2f}  "
        f"{f['percent_satisfied']:6.2f}  {f['band']}"
    )


def render_text(figures: dict, office, title: str) -> str:
    levels = "  ".join(f"{'ระดับ ' + k:>13}" for k in figures["overall"]["counts"])
    span = f"{figures['from'] or 'เริ่มต้น'} ถึง {figures['to'] or 'ปัจจุบัน'}"
    lines = [
        f"{title} — {office.name}",
        f"ช่วงวันที่: {span}   จุดบริการ: {figures['counter'] or 'ทุกจุด'}",
        "",
        f"{'รายการ':<44} {'n':>5}  {levels}     x̄   S.D.  ร้อยละ  ระดับความพึงพอใจ",
    ]
    for aspect in figures["aspects"]:
        lines.append(_row(aspect["title"], aspect))
        lines += [
            _row("  " + i["text"][:40], i) for i in figures["items"] if i["aspect"] == aspect["id"]
        ]
    lines += [_row(i["text"][:42], i) for i in figures["items"] if i["aspect"] is None]
    lines.append(_row("ภาพรวม", figures["overall"]))
    return "\n".join(lines)


COMMANDS = [tally_command]
