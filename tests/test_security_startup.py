"""What production refuses to start with, and the headers and proxies of every page."""

from __future__ import annotations

import re

import pytest
import yaml

from bot import create_app
from bot.exceptions import ConfigError
from bot.security.startup import SAMPLE_SECRETS
from tests.conftest import ROOT, TEST_OFFICES, _test_config

STRONG_KEY = "f3b1c9d27a4e8f60b5c3d1e9a7f2046b8c5d3e1f"
SAMPLE = ROOT / "offices.yaml"


def _production(redis_url, database_url, **extra) -> dict:
    settings = {"SECRET_KEY": STRONG_KEY, "FAKE_LINE": False, "SIMULATOR": None}
    settings.update(extra)
    return _test_config(redis_url, database_url, TAMBON_ENV="production", **settings)


def test_production_refuses_the_sample_offices_file_without_its_secrets(
    redis_url, database_url, monkeypatch
):
    """The review's finding: the stock offices.yaml took events signed with its public secret."""
    monkeypatch.delenv("DEMO_LINE_CHANNEL_SECRET", raising=False)
    monkeypatch.delenv("DEMO_LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    config = _production(redis_url, database_url, TAMBON_OFFICES=str(SAMPLE))
    with pytest.raises(ConfigError) as caught:
        create_app(config)
    assert "offices[0].line.channel_secret" in str(caught.value)
    assert "DEMO_LINE_CHANNEL_SECRET" in str(caught.value)


def test_production_refuses_a_sample_secret_written_out(redis_url, database_url):
    config = _production(redis_url, database_url, TAMBON_OFFICES=str(TEST_OFFICES))
    with pytest.raises(ConfigError, match=r"office nongbua: line\.channel_secret is the public"):
        create_app(config)


def test_production_starts_with_the_channels_own_secrets(redis_url, database_url, monkeypatch):
    monkeypatch.setenv("DEMO_LINE_CHANNEL_SECRET", "a1b2c3d4e5f60718293a4b5c6d7e8f90")
    monkeypatch.setenv("DEMO_LINE_CHANNEL_ACCESS_TOKEN", "Zk3x" * 20)
    app = create_app(_production(redis_url, database_url, TAMBON_OFFICES=str(SAMPLE)))
    assert app.extensions["tambon.offices"]["demo"].line.channel_secret.startswith("a1b2")
    assert app.url_map.bind("x").test("/_fakeline/_calls") is False  # no fake platform
    assert app.test_client().get("/simulator/").status_code == 404


def test_production_refuses_the_fake_line_platform(redis_url, database_url, monkeypatch):
    monkeypatch.setenv("DEMO_LINE_CHANNEL_SECRET", "a1b2c3d4e5f60718293a4b5c6d7e8f90")
    monkeypatch.setenv("DEMO_LINE_CHANNEL_ACCESS_TOKEN", "Zk3x" * 20)
    config = _production(redis_url, database_url, TAMBON_OFFICES=str(SAMPLE), FAKE_LINE=True)
    with pytest.raises(ConfigError, match="FAKE_LINE"):
        create_app(config)


@pytest.mark.parametrize("key", ["x" * 40, "short-but-random-7f3a", "change-me"])
def test_production_refuses_a_weak_secret_key(redis_url, database_url, key):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(_production(redis_url, database_url, SECRET_KEY=key))


def test_the_list_of_sample_secrets_covers_every_sample_file():
    published = set()
    for path in (SAMPLE, TEST_OFFICES):
        for office in yaml.safe_load(path.read_text(encoding="utf-8"))["offices"]:
            for field in ("channel_secret", "channel_access_token"):
                value = office["line"][field]
                published.add(_default_of(value) or value)
    assert published <= SAMPLE_SECRETS


def _default_of(value: str) -> str | None:
    found = re.fullmatch(r"\$\{[A-Z_]+:-([^}]*)\}", value)
    return found.group(1) if found else None


def test_every_page_carries_the_security_headers(client):
    for path in ("/admin/login", "/s/nongbua/1", "/healthz"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain http: HSTS would lock it


def test_https_sites_ask_browsers_to_stay_on_https(redis_url, database_url):
    app = create_app(_test_config(redis_url, database_url, PUBLIC_BASE_URL="https://b.go.th"))
    assert "max-age=" in app.test_client().get("/healthz").headers["Strict-Transport-Security"]


def test_behind_a_trusted_proxy_each_citizen_has_their_own_address(redis_url, database_url):
    seen = []
    for hops in (0, 1):
        app = create_app(_test_config(redis_url, database_url, TRUSTED_PROXIES=hops))

        @app.get("/_whoami")
        def whoami():
            from bot.security.network import client_address

            return client_address()

        forwarded = {"X-Forwarded-For": "203.0.113.50, 198.51.100.1"}
        seen.append(app.test_client().get("/_whoami", headers=forwarded).get_data(as_text=True))
    assert seen == ["127.0.0.1", "198.51.100.1"]
