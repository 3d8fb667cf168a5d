"""QR codes and printable posters for an office's counters."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import make_app
from bot.offices import Counter, Office


def _office(app, slug: str) -> Office:
    office = app.extensions["tambon.offices"].get(slug)
    if office is None:
        raise click.ClickException(f"no office {slug!r} in {app.config['TAMBON_OFFICES']}")
    return office


def _counter(office: Office, code: str) -> Counter:
    counter = office.counter(code)
    if counter is None:
        known = ", ".join(c.code for c in office.counters) or "none"
        raise click.ClickException(
            f"office {office.slug} has no counter {code!r} (its counters: {known})"
        )
    return counter


def _check_choice(code: str | None, web: bool, eit: bool) -> None:
    if (code is None) != eit:
        raise click.UsageError("give exactly one of --counter CODE or --eit")
    if web and eit:
        raise click.UsageError("--web goes with --counter: the EIT has one link")


def _link(app, office: Office, code: str | None, web: bool, eit: bool) -> str:
    if eit:
        return office.eit_url
    from survey.links import line_survey_url, web_survey_url

    counter = _counter(office, code)
    if web:
        return web_survey_url(app.config["PUBLIC_BASE_URL"], office, counter)
    return line_survey_url(office, counter)


def _write(output: Path, data: bytes) -> None:
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"could not write {output}: {exc.strerror}") from None


@click.command("qr")
@click.option("--office", "office_slug", required=True, help="office slug from the offices file")
@click.option("--counter", "code", default=None, help="counter code: its survey link")
@click.option("--web", is_flag=True, help="the counter's web survey link instead of LINE's")
@click.option("--eit", is_flag=True, help="the office's EIT link")
@click.option("--format", "fmt", type=click.Choice(["png", "svg"]), default="png")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def qr(office_slug: str, code: str | None, web: bool, eit: bool, fmt: str, output: Path) -> None:
    """Write one QR code: a counter's survey link (LINE, or --web), or the office's --eit link."""
    from survey.qr import qr_png, qr_svg

    _check_choice(code, web, eit)
    app = make_app()
    url = _link(app, _office(app, office_slug), code, web, eit)
    _write(output, qr_svg(url) if fmt == "svg" else qr_png(url))
    click.echo(f"wrote {output}")
    click.echo(f"it carries {url}")


@click.command("poster")
@click.option("--office", "office_slug", required=True, help="office slug from the offices file")
@click.option("--counter", "code", default=None, help="one counter (default: every counter)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def poster(office_slug: str, code: str | None, output: Path) -> None:
    """Write A4 posters in Thai, one page a counter, with its survey and EIT QR codes.

    An office with no counters gets one page with its EIT code only."""
    from survey.poster import poster_pdf

    app = make_app()
    office = _office(app, office_slug)
    counters = office.counters if code is None else [_counter(office, code)]
    _write(output, poster_pdf(office, counters, app.config["PUBLIC_BASE_URL"]))
    pages = len(counters) or 1
    what = ", ".join(c.name for c in counters) or "EIT only: the office has no counters"
    click.echo(f"wrote {output}: {pages} page(s) for {office.name} ({what})")


COMMANDS = [qr, poster]
