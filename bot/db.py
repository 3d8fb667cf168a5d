"""SQLAlchemy engine and sessions, one engine per process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

SQLITE_BUSY_TIMEOUT = 15  # seconds a write waits for another process's lock


class Base(DeclarativeBase):
    pass


def normalise_url(url: str) -> str:
    """Accept the usual postgresql:// and postgres:// forms and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
    # The worker supervisor forks its workers: a child must not reuse the parent's sockets.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return engine


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["tambon.db"] = sessionmaker(engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def engine() -> Engine:
    return current_app.extensions["tambon.db"].kw["bind"]


def session() -> Session:
    """The request's (or job's) session, closed when the app context ends."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["tambon.db"]()
    return g.db_session


@contextmanager
def transaction() -> Iterator[Session]:
    """A fresh session whose work commits together or not at all."""
    with current_app.extensions["tambon.db"].begin() as s:
        yield s


def check_writable(timeout_ms: int = 500) -> None:
    """Raise OperationalError when the database cannot take a write now. On SQLite a
    reader still gets through while another process holds the write lock, so /healthz
    asks for that lock (and lets it go at once) to see what a job would meet."""
    with engine().connect() as conn:
        if conn.dialect.name != "sqlite":
            conn.execute(text("SELECT 1"))
            return
        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(timeout_ms)}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.exec_driver_sql("ROLLBACK")
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")


def insert_for(session: Session, model):
    """INSERT with ON CONFLICT (do nothing / do update) on both SQLite and PostgreSQL."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
