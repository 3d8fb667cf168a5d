"""The dashboard on a phone, in Debian's Chromium driven by Playwright: no sideways scroll,
and every chart loads."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from bot.staff.auth import create_user
from tests.conftest import STAFF_PASSWORD
from tests.sample_responses import SCRIPT, store_sample
from tests.test_simulator_browser import CHROMIUM, CHROMIUM_ARGS

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture(scope="module")
def browser():
    """Closed with this module: Playwright's sync API allows one running instance at a time."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: `sudo apt-get install chromium`")
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def server(app):
    live = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{live.server_port}"
    live.shutdown()
    thread.join()


def test_the_dashboard_fits_a_phone_and_its_charts_load(app, server, browser):
    store_sample(app, 60)
    with app.app_context():
        create_user("nongbua", "somsri", STAFF_PASSWORD, "admin")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="th-TH", device_scale_factor=2
    )
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/admin/login")
    page.fill("input[name=username]", "somsri")
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/admin/")
    expect(page.locator("#stat-n")).to_have_text("60 คน")
    page.fill("#f-from", "2025-10-01")
    page.select_option("#f-counter", "1")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#scope")).to_contain_text("1 สำนักปลัด")
    charts = page.locator("img.chart")
    assert charts.count() == 3  # weeks, aspects, items (one counter chosen: no counter chart)
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=charts.nth(i).element_handle()
        )
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"sideways scroll on a phone: {widths}"
    assert page.locator("#comments script").count() == 0
    page.goto(f"{server}/admin/?counter=")
    expect(page.locator("#comments")).to_contain_text(SCRIPT.split(" ")[0])
    assert dialogs == []
    if os.environ.get("TAMBON_SCREENSHOT_DASHBOARD"):
        page.screenshot(path=os.environ["TAMBON_SCREENSHOT_DASHBOARD"], full_page=True)
    context.close()
