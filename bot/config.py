"""Settings from the environment (and `.env`), turned into Flask config keys."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from dotenv import load_dotenv

from bot.exceptions import ConfigError
from bot.security.startup import check_secret_key

DEFAULT_LINE_API = "https://api.line.me"
DEFAULT_LINE_DATA_API = "https://api-data.line.me"
ENVIRONMENTS = ("production", "development", "demo", "test")


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def load_settings(env: dict[str, str] | None = None) -> dict:
    """Read the documented variables; `.env` in the working directory fills the gaps."""
    if env is None:
        load_dotenv(Path.cwd() / ".env", override=False)
        env = dict(os.environ)
    tambon_env = env.get("TAMBON_ENV", "production")
    if tambon_env not in ENVIRONMENTS:
        raise ConfigError(
            f"TAMBON_ENV must be one of {', '.join(ENVIRONMENTS)}, not {tambon_env!r}"
        )
    var_dir = Path(env.get("TAMBON_VAR_DIR", "var")).resolve()
    line_api = env.get("LINE_API_BASE_URL", DEFAULT_LINE_API).rstrip("/")
    # A fake platform serves both hosts; LINE itself splits them.
    default_data_api = DEFAULT_LINE_DATA_API if line_api == DEFAULT_LINE_API else line_api
    production = tambon_env == "production"
    public_base = env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return {
        "TAMBON_ENV": tambon_env,
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'tambon.sqlite3'}",
        "REDIS_URL": env.get("REDIS_URL") or "",
        "TAMBON_OFFICES": env.get("TAMBON_OFFICES", "offices.yaml"),
        "LINE_API_BASE_URL": line_api,
        "LINE_DATA_API_BASE_URL": env.get("LINE_DATA_API_BASE_URL", default_data_api).rstrip("/"),
        "PUBLIC_BASE_URL": public_base,
        "SECRET_KEY": env.get("SECRET_KEY") or ("" if production else _dev_secret(var_dir)),
        "FAKE_LINE": _flag(env.get("FAKE_LINE")),
        # None: decided by TAMBON_ENV once every override is in (see resolve_derived)
        "SIMULATOR": _flag(env["SIMULATOR"]) if env.get("SIMULATOR") else None,
        "SESSION_COOKIE_SECURE": public_base.startswith("https://"),
        "FAKE_LINE_REDIS_URL": env.get("FAKE_LINE_REDIS_URL", ""),
        "TRUSTED_PROXIES": _count("TRUSTED_PROXIES", env.get("TRUSTED_PROXIES")),
        **_line_timeout(env.get("LINE_TIMEOUT")),
    }


def _line_timeout(value: str | None) -> dict:
    """LINE_TIMEOUT="connect,read" in seconds (default 3.05,15)."""
    if not value:
        return {}
    try:
        connect, read = (float(part) for part in value.split(","))
    except ValueError:
        message = f"LINE_TIMEOUT must be two numbers, connect,read: not {value!r}"
        raise ConfigError(message) from None
    return {"LINE_TIMEOUT": (connect, read)}


def _count(name: str, value: str | None) -> int:
    if not value:
        return 0
    if not value.strip().isdigit():
        raise ConfigError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


def private_dir(path: Path) -> Path:
    """Make `path` (var/: the database, Redis' files, keys) readable by this user only."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _dev_secret(var_dir: Path) -> str:
    """Outside production a key is made once and kept, so sessions survive restarts."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    private_dir(var_dir)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def resolve_derived(config: dict) -> None:
    """Settings that follow from others unless set outright."""
    if config.get("SIMULATOR") is None:
        config["SIMULATOR"] = config["TAMBON_ENV"] != "production"


def check_settings(config: dict) -> None:
    check_secret_key(config.get("SECRET_KEY", ""), config["TAMBON_ENV"] == "production")
