"""Setting up: database schema, staff accounts, offices file."""

from __future__ import annotations

import click

from bot.cli.common import make_app
from bot.exceptions import ConfigError
from bot.models import ROLES


@click.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create or update the schema to the latest version."""
    from bot.config import load_settings
    from bot.migrate import upgrade

    url = load_settings()["DATABASE_URL"]
    upgrade(url, revision)
    click.echo(f"database is at {revision}: {url.split('@')[-1]}")


@click.group()
def user() -> None:
    """Staff accounts for the /admin pages."""


@user.command("add")
@click.option("--office", required=True, help="office slug from the offices file")
@click.option("--role", type=click.Choice(ROLES), default="staff", show_default=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="TAMBON_NEW_PASSWORD",
    help="asked for when not given",
)
@click.argument("username")
def user_add(office: str, role: str, password: str, username: str) -> None:
    """Create a staff account (asks for the password)."""
    from bot.staff.auth import create_user

    app = make_app()
    with app.app_context():
        try:
            create_user(office, username, password, role)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"created {role} {username} for office {office}")


@click.group()
def offices() -> None:
    """The offices file."""


@offices.command("check")
@click.argument("path", required=False)
def offices_check(path: str | None) -> None:
    """Validate the offices file (TAMBON_OFFICES by default) and list its offices."""
    from bot.config import load_settings
    from bot.offices import load_offices

    path = path or load_settings()["TAMBON_OFFICES"]
    try:
        found = load_offices(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    for office in found.values():
        click.echo(
            f"{office.slug}: {office.name} ({office.line.basic_id}), "
            f"{len(office.counters)} counter(s), {len(office.admins)} admin(s)"
        )


COMMANDS = [db, user, offices]
