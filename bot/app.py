"""The app factory."""

from __future__ import annotations

import logging

from flask import Flask, Request, jsonify
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException

from bot import db, fonts, health, webhook
from bot.config import check_settings, load_settings, resolve_derived
from bot.connections import connect, resolve_redis_url
from bot.limits import MAX_WEBHOOK_BODY
from bot.offices import load_offices
from bot.qa import inbox
from bot.security import headers
from bot.security.network import trust_proxies
from bot.security.startup import check_production
from bot.staff import admin, auth
from bot.staff.auth import SESSION_LIFETIME

csrf = CSRFProtect()


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(load_settings())
    if test_config:
        app.config.update(test_config)
    resolve_derived(app.config)
    check_settings(app.config)
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_WEBHOOK_BODY,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    app.session_interface = NoSessionForLine()
    _configure_logging(app)

    production = app.config["TAMBON_ENV"] == "production"
    offices = app.config.get("OFFICES") or load_offices(
        app.config["TAMBON_OFFICES"], strict=production
    )
    if production:
        check_production(app.config, offices)
    app.extensions["tambon.offices"] = offices
    app.config["REDIS_URL"] = resolve_redis_url(app.config)
    app.extensions["tambon.redis"] = connect(app.config["REDIS_URL"])
    db.init_app(app)
    csrf.init_app(app)
    headers.init_app(app)
    trust_proxies(app)

    app.register_blueprint(webhook.bp)
    csrf.exempt(webhook.bp)  # LINE signs its requests; there is no browser session to forge
    app.register_blueprint(health.bp)
    app.register_blueprint(fonts.bp)
    from survey import dashboard, qr_pages, weekly_web  # late: survey imports bot (and its tables)
    from survey import web as survey_web

    app.register_blueprint(survey_web.bp)
    app.register_blueprint(weekly_web.bp)
    app.register_blueprint(qr_pages.public)
    app.register_blueprint(qr_pages.staff)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(inbox.bp)
    from privacy import pages as privacy_pages  # late: privacy imports the bot

    app.register_blueprint(privacy_pages.public)
    app.register_blueprint(privacy_pages.staff)
    if app.config["FAKE_LINE"]:
        from bot.fakeline import api as fakeline_api

        if app.config.get("FAKE_LINE_REDIS_URL"):
            app.extensions["tambon.fakeline.redis"] = connect(app.config["FAKE_LINE_REDIS_URL"])
        app.register_blueprint(fakeline_api.bp)
        csrf.exempt(fakeline_api.bp)  # LINE's API takes bearer tokens, not browser sessions
    if app.config["SIMULATOR"]:
        from bot import simulator

        app.register_blueprint(simulator.bp)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code and exc.code < 500 and not _wants_html():
            return jsonify({"message": exc.description}), exc.code
        return exc

    return app


def _wants_html() -> bool:
    from flask import request

    return request.accept_mimetypes.accept_html and not request.path.startswith(("/line/", "/_"))


class NoSessionForLine(SecureCookieSessionInterface):
    """LINE's webhook calls carry no cookie and need no session: skip reading and signing one
    (it is most of the per-request cost Flask adds to the webhook)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith("/line/"):
            return None  # Flask then uses a null session and never saves it
        return super().open_session(app, request)


def _configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
