"""A bad offices file or setting stops start-up with a message naming the field."""

from __future__ import annotations

import textwrap

import pytest

from bot import create_app
from bot.config import load_settings, resolve_derived
from bot.exceptions import ConfigError
from bot.offices import load_offices
from tests.conftest import TEST_OFFICES, _test_config

GOOD = """
offices:
  - slug: nongbua
    name: อบต.หนองบัว
    line:
      channel_secret: ${NB_SECRET}
      channel_access_token: ${NB_TOKEN:-token-from-default-123}
      basic_id: "@nongbua"
    eit_url: https://itas.nacc.go.th/go/eit/abc
    counters:
      - {code: "1", name: สำนักปลัด, service: ทะเบียน}
"""


def _write(tmp_path, text: str):
    path = tmp_path / "offices.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_sample_offices_file_in_the_repo_is_valid():
    offices = load_offices("offices.yaml", env={})
    assert offices["demo"].line.basic_id.startswith("@")
    assert offices["demo"].counters


def test_secrets_come_from_the_environment(tmp_path):
    office = load_offices(_write(tmp_path, GOOD), env={"NB_SECRET": "s3cret-from-env"})["nongbua"]
    assert office.line.channel_secret == "s3cret-from-env"
    assert office.line.channel_access_token == "token-from-default-123"


def test_a_missing_secret_variable_names_the_field_and_the_variable(tmp_path):
    with pytest.raises(
        ConfigError, match=r"offices\[0\]\.line\.channel_secret: environment variable NB_SECRET"
    ):
        load_offices(_write(tmp_path, GOOD), env={})


@pytest.mark.parametrize(
    ("change", "names"),
    [
        (('basic_id: "@nongbua"', "basic_id: nongbua"), "offices[0].line.basic_id"),
        (("eit_url: https://", "eit_url: http://"), "offices[0].eit_url"),
        (('code: "1"', 'code: "a b"'), "offices[0].counters[0].code"),
        (("    name: อบต.หนองบัว\n", ""), "offices[0].name"),
        (("slug: nongbua", "slug: Nong Bua"), "offices[0].slug"),
        (("    eit_url", "    admins: [Ubad]\n    eit_url"), "offices[0].admins"),
        (("    eit_url", "    colour: red\n    eit_url"), "offices[0].colour"),
    ],
)
def test_each_bad_field_is_named(tmp_path, change, names):
    text = textwrap.dedent(GOOD).replace(*change)
    with pytest.raises(ConfigError) as caught:
        load_offices(_write(tmp_path, text), env={"NB_SECRET": "s3cret-from-env"})
    assert names in str(caught.value)


def test_repeated_slugs_and_counters_are_refused(tmp_path):
    text = textwrap.dedent(GOOD)
    doubled = text + text.split("offices:\n", 1)[1]
    with pytest.raises(ConfigError, match="repeated: nongbua"):
        load_offices(_write(tmp_path, doubled), env={"NB_SECRET": "x" * 10})
    counters = text.replace(
        "    counters:\n", '    counters:\n      - {code: "1", name: a, service: b}\n'
    )
    with pytest.raises(ConfigError, match="repeated: 1"):
        load_offices(_write(tmp_path, counters), env={"NB_SECRET": "x" * 10})


def test_unreadable_files_say_what_is_wrong(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_offices(tmp_path / "none.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_offices(_write(tmp_path, "offices: [\n"))
    with pytest.raises(ConfigError, match="offices"):
        load_offices(_write(tmp_path, "- just a list\n"))


def test_the_app_refuses_to_start_on_a_bad_offices_file(tmp_path, redis_url, database_url):
    bad = _write(tmp_path, "offices: []\n")
    with pytest.raises(ConfigError, match="offices"):
        create_app(_test_config(redis_url, database_url, TAMBON_OFFICES=str(bad)))


def test_production_needs_a_secret_key(redis_url, database_url):
    config = _test_config(redis_url, database_url, TAMBON_ENV="production", SECRET_KEY="")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(config)


def test_embedded_defaults_and_the_production_path(tmp_path):
    local = load_settings({"TAMBON_VAR_DIR": str(tmp_path), "TAMBON_ENV": "development"})
    assert local["DATABASE_URL"] == f"sqlite:///{tmp_path}/tambon.sqlite3"
    assert local["REDIS_URL"] == ""  # → embedded Redis under var/
    assert local["LINE_API_BASE_URL"] == "https://api.line.me"
    assert local["LINE_DATA_API_BASE_URL"] == "https://api-data.line.me"
    assert not local["FAKE_LINE"]
    resolve_derived(local)
    assert local["SIMULATOR"]
    production = load_settings(
        {
            "DATABASE_URL": "postgresql://u@db/tambon",
            "REDIS_URL": "redis://cache:6379/0",
            "PUBLIC_BASE_URL": "https://bot.example.go.th/",
            "SECRET_KEY": "k" * 40,
        }
    )
    assert production["TAMBON_ENV"] == "production"
    resolve_derived(production)
    assert not production["SIMULATOR"]
    assert production["SESSION_COOKIE_SECURE"]
    assert production["PUBLIC_BASE_URL"] == "https://bot.example.go.th"


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="TAMBON_ENV"):
        load_settings({"TAMBON_ENV": "staging"})


def test_test_offices_file_is_valid():
    assert set(load_offices(TEST_OFFICES)) == {"nongbua", "bankhok"}
