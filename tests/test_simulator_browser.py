"""The simulator in real headless Chromium (Debian's), driven by Playwright.

Each step: the page signs nothing itself — it asks the server for a signed event, posts it to
the webhook as LINE would, a real rq worker answers through line-bot-sdk to the fake LINE
platform, and the page shows what the fake received.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.faq import load_knowledge
from tests.conftest import ROOT

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}. Install Debian's package: "
            "`sudo apt-get install chromium` "
            "(make test does this itself when run as root), or set CHROMIUM to its path."
        )
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, line):
    context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="th-TH")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{line.base_url}/simulator/")
    page.select_option("#office", "nongbua")
    page.dialogs = dialogs
    yield page
    context.close()


def _delivered(page, line) -> None:
    """Wait until the page's webhook post was answered 200, then let a worker run."""
    expect(page.locator("body")).to_have_attribute("data-webhook-status", "200")
    expect(page.locator("body")).to_have_attribute("data-pending", "0")
    line.run_worker()


def _say(page, line, text: str) -> None:
    page.evaluate("document.body.dataset.webhookStatus = ''")
    page.fill("#message", text)
    page.click("#send")
    _delivered(page, line)


def test_follow_is_greeted(page, line):
    page.click("#follow")
    _delivered(page, line)
    expect(page.locator(".msg.bot").last).to_contain_text("ขอบคุณที่เพิ่ม องค์การบริหารส่วนตำบลหนองบัว")
    expect(page.locator(".quick-replies .chip")).to_have_count(5)


def test_a_question_gets_an_answer(page, line):
    _say(page, line, "ติดต่อ อบต. ยังไงคะ")
    expect(page.locator(".msg.citizen").last).to_have_text("ติดต่อ อบต. ยังไงคะ")
    expect(page.locator(".msg.bot").last).to_contain_text("เวลาทำการ")
    expect(page.locator(".msg.bot").last).to_contain_text("1669")


def test_the_knowledge_base_answers_and_suggests_in_the_simulator(page, line):
    _say(page, line, "เงินคนแก่ลงทะเบียนยังไงคะ")
    expect(page.locator(".msg.bot").first).to_contain_text("ลงทะเบียนรับเบี้ยยังชีพผู้สูงอายุ")
    expect(page.locator(".card .template-actions button")).to_have_text("ดาวน์โหลดแบบคำขอ")
    _say(page, line, "ภาษี")
    expect(page.locator(".msg.bot").last).to_contain_text("ลองเลือกหัวข้อที่ตรงที่สุด")
    chips = page.locator(".quick-replies .chip")
    expect(chips.last).to_have_text("ไม่ตรง ถามเจ้าหน้าที่")
    page.evaluate("document.body.dataset.webhookStatus = ''")
    chips.first.click()
    _delivered(page, line)
    answer = line.calls("reply")[-1]["body"]["messages"][0]["text"]
    demo = load_knowledge(ROOT / "knowledge" / "demo.yaml").entries
    assert answer in {e.answer for e in demo.values()}
    expect(page.locator(".msg.bot", has_text=answer.splitlines()[0])).to_have_count(1)


def test_tapping_a_quick_reply_sends_what_line_sends(page, line):
    _say(page, line, "สวัสดีค่ะ")
    expect(page.locator(".msg.bot").last).to_contain_text("ยินดีให้บริการ")
    page.evaluate("document.body.dataset.webhookStatus = ''")
    page.locator(".quick-replies .chip", has_text="ช่วยเหลือ").click()
    _delivered(page, line)
    expect(page.locator(".msg.citizen").last).to_have_text("ช่วยเหลือ")
    expect(page.locator(".msg.bot").last).to_contain_text("ช่วยท่านได้ดังนี้")
    (sent,) = [c for c in line.calls("reply") if "ช่วยท่านได้" in c["body"]["messages"][0]["text"]]
    assert sent["channel"] == "nongbua"


def test_a_rich_menu_tap_sends_its_text(page, line, app):
    from bot.richmenu import deploy

    with app.app_context():
        deploy(line.office("nongbua"))
    page.reload()
    page.select_option("#office", "nongbua")
    expect(page.locator("body")).to_have_attribute("data-rich-menu", "shown")
    page.evaluate("document.body.dataset.webhookStatus = ''")
    page.locator(".rich-menu .area[aria-label='ติดต่อ อบต.']").click()
    _delivered(page, line)
    expect(page.locator(".msg.bot").last).to_contain_text("เวลาทำการ")


def test_what_a_citizen_types_is_shown_as_text_never_as_html(page, line):
    attack = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    _say(page, line, attack)
    expect(page.locator(".msg.citizen").last).to_have_text(attack)
    assert page.locator(".chat img").count() == 0
    assert page.locator(".chat script").count() == 0
    assert page.dialogs == []


def test_urls_in_bot_text_become_links(page, line, app):
    from bot.fakeline.state import FakeLineState

    FakeLineState(app.extensions["tambon.redis"]).deliver_to_chat(
        "nongbua",
        page.eval_on_selector("#citizen", "e => e.value"),
        [{"type": "text", "text": "ดูเพิ่มที่ https://example.go.th/eit\nบรรทัดใหม่"}],
        via="push",
    )
    link = page.locator(".msg.bot a").last
    expect(link).to_have_attribute("href", "https://example.go.th/eit")
    expect(link).to_have_attribute("rel", "noopener noreferrer")


def test_a_whole_conversation_with_the_rich_menu(page, line, app):
    """Also makes docs/simulator.png when TAMBON_SCREENSHOT names a file."""
    from bot.richmenu import deploy

    with app.app_context():
        deploy(line.office("nongbua"))
    page.reload()
    page.select_option("#office", "nongbua")
    expect(page.locator("body")).to_have_attribute("data-rich-menu", "shown")
    page.click("#follow")
    _delivered(page, line)
    _say(page, line, "เปิดกี่โมงคะ")
    expect(page.locator(".msg.bot")).to_have_count(2)
    expect(page.locator(".msg.bot").last).to_contain_text("เวลาทำการ")
    target = os.environ.get("TAMBON_SCREENSHOT")
    if target:
        page.screenshot(path=target)


def test_scan_a_counter_qr_answer_the_whole_survey_and_get_the_eit_link(page, line, app):
    from bot import db
    from survey.definition import load_survey
    from survey.tally import Filters, tally

    survey = load_survey()
    page.select_option("#counter-qr", label="กองคลัง")
    page.click("#scan")
    expect(page.locator("#message")).to_have_value("ประเมิน จุดบริการ 2")
    page.evaluate("document.body.dataset.webhookStatus = ''")
    page.click("#send")
    _delivered(page, line)

    def tap(label: str) -> None:
        page.evaluate("document.body.dataset.webhookStatus = ''")
        page.locator(".quick-replies .chip", has_text=label).first.click()
        _delivered(page, line)

    expect(page.locator(".msg.bot").last).to_contain_text("กองคลัง")
    tap("ยินยอม เริ่มประเมิน")
    for number in range(1, len(survey.items()) + 1):
        expect(page.locator(".msg.bot").last).to_contain_text(f"ข้อ {number}/{len(survey.items())}")
        tap("4 มาก")
    for label in ("หญิง", "41–60 ปี", "ค้าขาย/ธุรกิจส่วนตัว", "ไม่มี"):
        tap(label)
    expect(page.locator(".msg.bot", has_text="ขอบคุณมากค่ะ")).to_have_count(1)
    expect(page.locator(".card .template-actions button")).to_have_text("ตอบแบบวัด EIT")
    line.run_worker()
    with app.app_context():
        figures = tally(db.session(), Filters("nongbua", survey.id, counter="2"), survey)
    assert figures["overall"]["n"] == 1
    assert figures["overall"]["mean"] == 4.0


def test_my_data_and_erasing_it_in_the_simulator_and_the_notice_on_a_phone(page, line, browser):
    _say(page, line, "ถามเรื่องงานบุญบั้งไฟปีนี้จัดวันไหนคะ")
    _say(page, line, "ข้อมูลของฉัน")
    expect(page.locator(".msg.bot").last).to_contain_text("รหัสอ้างอิงของท่าน")
    expect(page.locator(".msg.bot").last).to_contain_text("บั้งไฟ")
    page.evaluate("document.body.dataset.webhookStatus = ''")
    page.locator(".quick-replies .chip", has_text="ลบข้อมูลของฉัน").click()
    _delivered(page, line)
    expect(page.locator(".msg.bot").last).to_contain_text("ลบแล้วกู้คืนไม่ได้")
    page.evaluate("document.body.dataset.webhookStatus = ''")
    page.locator(".quick-replies .chip", has_text="ยืนยันลบข้อมูล").click()
    _delivered(page, line)
    expect(page.locator(".msg.bot").last).to_contain_text("ลบข้อมูลของท่านเรียบร้อยแล้ว")
    _say(page, line, "ข้อมูลของฉัน")
    expect(page.locator(".msg.bot").last).to_contain_text("ไม่มีคำถามที่ส่งถึงเจ้าหน้าที่")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    notice = phone.new_page()
    errors: list[str] = []
    notice.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    notice.goto(f"{line.base_url}/s/nongbua/1")
    notice.click("text=นโยบายความเป็นส่วนตัว")
    expect(notice.locator("h1")).to_have_text("นโยบายความเป็นส่วนตัว (ประกาศความเป็นส่วนตัว)")
    expect(notice.locator("#rights")).to_contain_text("ลบข้อมูลของฉัน")
    assert notice.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert errors == []  # the security headers block nothing the page needs
    phone.close()
