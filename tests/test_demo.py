"""`tambon demo` (what `make demo` runs): every process up on embedded defaults, LINE's
sample body accepted, the replies recorded at the fake platform valid, Ctrl-C stops all."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
import requests

from tests.conftest import ROOT, line_contract, shared_file


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(condition, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def demo(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(TAMBON_VAR_DIR=str(tmp_path / "var"), TAMBON_OFFICES=str(ROOT / "offices.yaml"))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []  # drained all along, so a full pipe never blocks the demo
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    try:
        _wait_for(
            lambda: "press Ctrl-C" in "".join(output) or process.poll() is not None,
            what="the demo to start",
        )
        assert process.poll() is None, "".join(output)
        yield f"http://127.0.0.1:{port}", process, env, output
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def test_demo_serves_lines_sample_body_and_stops_on_ctrl_c(demo):
    base, process, env, output = demo
    banner = "".join(output)
    assert f"{base}/admin" in banner
    assert f"{base}/simulator/" in banner
    menu = requests.get(
        f"{base}/simulator/api/richmenu", params={"office": "demo"}, timeout=5
    ).json()
    assert menu["menu"]["chatBarText"] == "เมนู"  # make demo deployed the rich menu
    assert "โหมดสาธิต" in banner and "demo is running" in banner
    assert "/line/<office>/webhook" in banner
    assert requests.get(f"{base}/healthz", timeout=5).status_code == 200

    sample = shared_file("line-fixtures/webhook.json")
    sent = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "send-webhook",
            "--office",
            "demo",
            "--url",
            base,
            str(sample),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert sent.stdout.startswith("200")

    def accepted_calls():
        calls = requests.get(f"{base}/_fakeline/_calls", timeout=5).json()
        return [c for c in calls if c["status"] < 300]

    calls = _wait_for(accepted_calls, what="the worker to answer at the fake LINE platform")
    contract = line_contract()
    if contract is not None:
        for call in calls:
            assert contract.validate(call["method"], call["path"], call["body"]) == []

    var = Path(env["TAMBON_VAR_DIR"])
    assert stat.S_IMODE(var.stat().st_mode) == 0o700  # the review read password hashes here
    open_to_others = [p.name for p in var.iterdir() if p.stat().st_mode & 0o077]
    assert open_to_others == []
    listening = {
        c.laddr.ip
        for c in psutil.net_connections("tcp")
        if c.laddr.port == int(base.rsplit(":", 1)[1]) and c.status == "LISTEN"
    }
    assert listening == {"127.0.0.1"}

    children = psutil.Process(process.pid).children(recursive=True)
    assert len(children) >= 3  # web, worker, cron (and gunicorn's own workers)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's group
    process.wait(timeout=30)
    _, alive = psutil.wait_procs(children, timeout=20)
    assert alive == [], f"still running after Ctrl-C: {[p.cmdline() for p in alive]}"
