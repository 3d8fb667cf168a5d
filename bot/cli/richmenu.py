"""The office's rich menu on LINE."""

from __future__ import annotations

import click

from bot.cli.common import make_app


@click.group()
def richmenu() -> None:
    """The rich menu citizens see under the chat."""


@richmenu.command("deploy")
@click.option("--office", "office_slug", required=True, help="office slug from the offices file")
def richmenu_deploy(office_slug: str) -> None:
    """Draw the office's rich menu, make it the default, and delete the older ones."""
    from linebot.v3.messaging import ApiException
    from urllib3.exceptions import HTTPError

    from bot.richmenu import deploy

    app = make_app()
    office = app.extensions["tambon.offices"].get(office_slug)
    if office is None:
        raise click.ClickException(f"no office {office_slug!r} in {app.config['TAMBON_OFFICES']}")
    with app.app_context():
        try:
            menu_id = deploy(office)
        except ApiException as exc:
            raise click.ClickException(f"LINE answered {exc.status}: {exc.body}") from None
        except HTTPError as exc:
            raise click.ClickException(f"LINE unreachable: {exc}") from None
    click.echo(f"rich menu {menu_id} is now the default for {office_slug}")


COMMANDS = [richmenu]
