"""What every subcommand needs: the app, with configuration errors shown plainly."""

from __future__ import annotations

import click
from flask import Flask

from bot.exceptions import ConfigError


def make_app(**overrides) -> Flask:
    from bot.app import create_app
    from bot.migrate import is_current

    try:
        app = create_app(overrides or None)
    except ConfigError as exc:
        raise click.ClickException(f"configuration error:\n{exc}") from None
    if not is_current(app.config["DATABASE_URL"]):
        raise click.ClickException("the database schema is not up to date: run `tambon db upgrade`")
    return app
