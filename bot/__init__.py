"""LINE side of tambon: the Flask app, webhook, LINE client and conversation."""

from bot.app import create_app

__all__ = ["create_app"]
