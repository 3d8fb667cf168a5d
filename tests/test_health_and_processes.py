"""Health, the cron lock and the CLI's housekeeping commands."""

from __future__ import annotations

from bot import create_app
from bot.cli import main
from tests.conftest import _test_config
from workers.queues import SERIALIZER, AppQueue


def test_healthz_is_200_when_database_and_redis_answer(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json()["status"] == "ok"


def test_healthz_names_redis_when_it_is_down(database_url):
    app = create_app(_test_config("redis://127.0.0.1:1/0", database_url))
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert set(answer.get_json()["failing"]) == {"redis"}


def test_healthz_names_the_database_when_it_is_down(redis_url, tmp_path):
    missing = tmp_path / "no-such-dir" / "x.sqlite3"
    app = create_app(_test_config(redis_url, f"sqlite:///{missing}"))
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert set(answer.get_json()["failing"]) == {"database"}


def test_only_one_cron_process_runs(app):
    from workers.cron import build_scheduler

    conn = app.extensions["tambon.redis"]
    first, second = build_scheduler(conn), build_scheduler(conn)
    assert first.acquire()
    first.register_birth()
    assert not second.acquire()
    first.register_death()
    assert second.acquire()


def test_cron_heartbeat_job_runs_on_a_worker(app, line):
    from workers.maintenance import CRON_HEARTBEAT_KEY, heartbeat

    AppQueue("default", connection=app.extensions["tambon.redis"]).enqueue(heartbeat)
    line.run_worker()
    assert app.extensions["tambon.redis"].get(CRON_HEARTBEAT_KEY)


def test_the_schedule_is_in_utc_and_holds_the_heartbeat(app):
    from workers.cron import build_scheduler

    conn = app.extensions["tambon.redis"]
    jobs = build_scheduler(conn).get_jobs()
    assert [job.name for job in jobs] == ["heartbeat", "weekly-reports", "retention"]
    queued = jobs[0].enqueue(conn)  # as the cron process would
    assert AppQueue("default", connection=conn).fetch_job(queued.id).func_name.endswith("heartbeat")
    assert queued.serializer is SERIALIZER  # JSON, as every worker reads it


def test_offices_check_lists_offices_and_explains_errors(runner, tmp_path):
    result = runner.invoke(main, ["offices", "check"])
    assert result.exit_code == 0
    assert "nongbua: องค์การบริหารส่วนตำบลหนองบัว (@nongbua)" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("offices:\n  - slug: x\n", encoding="utf-8")
    result = runner.invoke(main, ["offices", "check", str(bad)])
    assert result.exit_code != 0
    assert "offices[0].name" in result.output


def test_db_upgrade_is_repeatable(runner):
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
