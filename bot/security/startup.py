"""What production refuses to start with: secrets anyone can read in this repository, a weak
SECRET_KEY, and the fake LINE platform (its pages have no login)."""

from __future__ import annotations

from bot.exceptions import ConfigError
from bot.offices import Office

# Values published in offices.yaml, tests/data/offices.yaml and the README: whoever holds one
# can sign LINE events. tests/test_security_startup.py keeps this list in step with the files.
SAMPLE_SECRETS = frozenset(
    {
        "demo-channel-secret-0123456789",
        "demo-access-token-0123456789",
        "nongbua-secret-0123456789abcdef",
        "nongbua-token-0123456789abcdef",
        "bankhok-secret-0123456789abcdef",
        "bankhok-token-0123456789abcdef",
    }
)
SAMPLE_KEYS = frozenset({"test-secret-key-0123456789abcdef", "change-me", "changeme"})
MIN_SECRET_KEY = 32
MIN_DISTINCT = 12  # characters: "a" * 40 is long but not random


def check_secret_key(key: str, production: bool) -> None:
    if not key:
        raise ConfigError("SECRET_KEY is not set: production needs a long random value")
    if not production:
        if len(key) < 16:
            raise ConfigError("SECRET_KEY is too short: use at least 32 random characters")
        return
    if len(key) < MIN_SECRET_KEY or len(set(key)) < MIN_DISTINCT or key in SAMPLE_KEYS:
        raise ConfigError(
            "SECRET_KEY is too weak for production: use at least 32 random characters, "
            'e.g. python -c "import secrets; print(secrets.token_hex(32))"'
        )


def check_production(config: dict, offices: dict[str, Office]) -> None:
    """Raise ConfigError naming the setting, office and field to change."""
    if config.get("FAKE_LINE"):
        raise ConfigError(
            "FAKE_LINE is on: production must talk to LINE itself (the fake platform's pages "
            "show every message to anyone); unset FAKE_LINE or use TAMBON_ENV=demo"
        )
    for office in offices.values():
        for field in ("channel_secret", "channel_access_token"):
            if getattr(office.line, field) in SAMPLE_SECRETS:
                raise ConfigError(
                    f"office {office.slug}: line.{field} is the public sample value; "
                    "set the channel's own value from the LINE Developers console"
                )
