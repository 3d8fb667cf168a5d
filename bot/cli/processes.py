"""Running the service: web, worker, cron, and the demo that starts all three."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import requests

from bot.cli.common import make_app
from bot.exceptions import ConfigError

DEMO_ADMIN = "admin"


@click.command()
@click.option("--port", type=int, envvar="PORT", default=8000, show_default=True)
def serve(port: int) -> None:
    """The web process: gunicorn with gunicorn.conf.py, as the Procfile runs it."""
    env = _with_redis_url(dict(os.environ))
    env["PORT"] = str(port)
    os.execvpe(sys.executable, [sys.executable, "-m", "gunicorn", "bot:create_app()"], env)  # noqa: S606


def _with_redis_url(env: dict[str, str]) -> dict[str, str]:
    """Start the embedded Redis here, once, so every gunicorn worker just connects to it."""
    if not env.get("REDIS_URL"):
        from bot.config import load_settings
        from bot.connections import embedded_redis_url

        env["REDIS_URL"] = embedded_redis_url(load_settings(env)["VAR_DIR"])
    return env


@click.command()
@click.option("--burst", is_flag=True, help="one worker in this process until the queues are empty")
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    envvar="WORKER_PROCESSES",
    default=None,
    help="worker processes (default: one per CPU core)",
)
def worker(burst: bool, processes: int | None) -> None:
    """rq workers on the app's queues under a supervisor that restarts them, hands a dead
    worker's job back at once and runs delayed retries."""
    from workers.pool import default_processes, supervise
    from workers.worker import run

    app = make_app()
    if burst:
        run(app, burst=True)
    else:
        supervise(app, processes or default_processes())


@click.command()
def cron() -> None:
    """The one process that enqueues scheduled jobs (rq's CronScheduler)."""
    from bot.connections import connect
    from workers.cron import build_scheduler

    app = make_app()
    scheduler = build_scheduler(connect(app.config["REDIS_URL"], blocking=True))
    if not scheduler.acquire():
        raise click.ClickException("another `tambon cron` is running; run exactly one")
    scheduler.start()


@click.command("send-webhook")
@click.option("--office", "office_slug", required=True)
@click.option("--url", default=None, help="webhook base URL (default: PUBLIC_BASE_URL)")
@click.argument("body", type=click.File("rb"))
def send_webhook(office_slug: str, url: str | None, body) -> None:
    """Sign a webhook body with the office's channel secret and post it, as LINE would."""
    from bot.config import load_settings
    from bot.fakeline.sender import sign
    from bot.offices import load_offices

    settings = load_settings()
    try:
        office = load_offices(settings["TAMBON_OFFICES"]).get(office_slug)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if office is None:
        raise click.ClickException(f"no office {office_slug!r}")
    raw = body.read()
    target = f"{url or settings['PUBLIC_BASE_URL']}/line/{office_slug}/webhook"
    headers = {
        "Content-Type": "application/json",
        "x-line-signature": sign(raw, office.line.channel_secret),
    }
    answer = requests.post(target, data=raw, headers=headers, timeout=10)
    click.echo(f"{answer.status_code} {answer.text.strip()}")
    if answer.status_code != 200:
        sys.exit(1)


@click.command()
@click.option("--port", type=int, envvar="PORT", default=8000, show_default=True)
def demo(port: int) -> None:
    """Everything on embedded defaults: SQLite, embedded Redis, the fake LINE platform."""
    base = f"http://127.0.0.1:{port}"
    bind = f"{os.environ.get('HOST', '127.0.0.1')}:{port}"  # HOST=0.0.0.0 to show other devices
    env = dict(os.environ)
    env.update(
        TAMBON_ENV="demo",
        FAKE_LINE="1",
        PORT=str(port),
        LINE_API_BASE_URL=f"{base}/_fakeline",
        PUBLIC_BASE_URL=env.get("PUBLIC_BASE_URL", base),
    )
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    env = _with_redis_url(env)
    from bot.config import load_settings
    from bot.migrate import upgrade

    upgrade(load_settings(env)["DATABASE_URL"])
    password = _demo_admin(env)
    tambon = [sys.executable, "-m", "bot.cli"]
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", bind, "bot:create_app()"], env=env
        ),
        subprocess.Popen([*tambon, "worker"], env=env),
        subprocess.Popen([*tambon, "cron"], env=env),
    ]
    try:
        _wait_healthy(base, children)
        subprocess.run([*tambon, "richmenu", "deploy", "--office", "demo"], env=env, check=True)
        _print_welcome(base, password)
        while all(child.poll() is None for child in children):
            time.sleep(1)
        click.echo("a demo process stopped; stopping the others", err=True)
    except KeyboardInterrupt:
        click.echo("\nหยุดการสาธิต / stopping the demo…")
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()


def _demo_admin(env: dict[str, str]) -> str:
    """The demo's admin account: made once, its password kept under var/."""
    from bot.config import load_settings
    from bot.staff.auth import create_user

    path = Path(load_settings(env)["VAR_DIR"]) / "demo-admin-password"
    if path.exists():
        return path.read_text().strip()
    password = secrets.token_urlsafe(9)
    app = make_app()
    with app.app_context():
        create_user("demo", DEMO_ADMIN, password, "admin")
    path.write_text(password)
    path.chmod(0o600)
    return password


def _wait_healthy(base: str, children: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            raise click.ClickException("a demo process failed to start; see the messages above")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise click.ClickException(f"{base}/healthz did not answer within 60 s")


def _print_welcome(base: str, password: str) -> None:
    click.echo(
        f"""
==========================================================================
 tambon พร้อมใช้งานแล้ว (โหมดสาธิต) / tambon demo is running
--------------------------------------------------------------------------
 ทดลองแชต / Simulator:       {base}/simulator/   ← เริ่มที่นี่ / start here
 หน้าผู้ดูแล / Admin:        {base}/admin   (ผู้ใช้ / user: {DEMO_ADMIN}, รหัสผ่าน / password: {password})
 ตรวจสุขภาพ / Health:        {base}/healthz
 Webhook ของสำนักงานสาธิต:   {base}/line/demo/webhook
 LINE จำลอง / Fake LINE:     {base}/_fakeline  (ข้อความที่บอตส่งถูกบันทึกไว้ที่นี่)

 ลองส่งตัวอย่าง webhook ของ LINE / send LINE's sample webhook body:
   .venv/bin/tambon send-webhook --office demo --url {base} FILE.json

 สรุปผลประจำสัปดาห์ทาง LINE / the weekly report on LINE (แชตของ "ปลัดสมชาย" ในหน้าทดลองแชต):
   .venv/bin/tambon report weekly --office demo --send

 เชื่อมต่อ LINE จริง / To connect a real LINE channel:
   1. ตั้งค่า DEMO_LINE_CHANNEL_SECRET และ DEMO_LINE_CHANNEL_ACCESS_TOKEN (หรือแก้ offices.yaml)
      set DEMO_LINE_CHANNEL_SECRET and DEMO_LINE_CHANNEL_ACCESS_TOKEN (or edit offices.yaml)
   2. ตั้ง PUBLIC_BASE_URL เป็น https://โดเมนของท่าน และ SECRET_KEY; อย่าตั้ง FAKE_LINE
      set PUBLIC_BASE_URL to your https:// address and SECRET_KEY; leave FAKE_LINE unset
   3. ใส่ Webhook URL  <PUBLIC_BASE_URL>/line/<office>/webhook  ใน LINE Developers Console
      paste that webhook URL in the LINE Developers Console and turn "Use webhook" on

 กด Ctrl-C เพื่อหยุด / press Ctrl-C to stop
==========================================================================
"""
    )


COMMANDS = [serve, worker, cron, send_webhook, demo]
