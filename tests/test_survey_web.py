"""The web survey for citizens without LINE."""

from __future__ import annotations

import re

from bot import db
from survey.definition import load_survey
from survey.models import Response
from survey.tally import Filters, tally
from survey.web import RATE_LIMIT

SURVEY = load_survey()
URL = "/s/nongbua/2"


def _csrf(client) -> str:
    page = client.get(URL).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _complete(value: int = 4, **extra) -> dict:
    form = {f"item-{item.id}": str(value) for item in SURVEY.items()}
    return {"consent": "yes", "demo-gender": "male", "comment": "", **form, **extra}


def _n(app, counter: str = "2") -> int:
    with app.app_context():
        return tally(db.session(), Filters("nongbua", SURVEY.id, counter=counter), SURVEY)[
            "overall"
        ]["n"]


def test_the_form_is_thai_and_complete_without_javascript(client):
    page = client.get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "องค์การบริหารส่วนตำบลหนองบัว · กองคลัง" in html
    assert "<script" not in html
    for item in SURVEY.items():
        assert f'name="item-{item.id}"' in html
    assert "ไม่ระบุตัวตน" in html  # the privacy notice


def test_unknown_office_or_counter_is_404(client):
    assert client.get("/s/nongbua/99").status_code == 404
    assert client.get("/s/nowhere/1").status_code == 404


def test_a_missing_answer_is_named_in_thai_and_nothing_typed_is_lost(client, app):
    form = _complete(comment="ที่จอดรถน้อย")
    del form["item-staff_polite"]
    answer = client.post(URL, data={**form, "csrf_token": _csrf(client)})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "กรุณาเลือกระดับความพึงพอใจของข้อนี้" in html
    assert 'class="card missing" id="item-staff_polite"' in html
    assert 'name="item-staff_fast"' not in html  # (no such item: guards the check below)
    assert 'name="item-process_clear" value="4" checked' in html
    assert "ที่จอดรถน้อย</textarea>" in html
    assert _n(app) == 0


def test_consent_is_required(client):
    answer = client.post(URL, data={**_complete(consent=""), "csrf_token": _csrf(client)})
    assert answer.status_code == 400
    assert "ยินยอม" in answer.get_data(as_text=True)


def test_a_post_without_csrf_token_is_refused(client, app):
    assert client.post(URL, data=_complete()).status_code == 400
    assert _n(app) == 0


def test_what_a_citizen_typed_is_escaped(client):
    attack = '<script>alert("x")</script>'
    form = _complete(comment=attack)
    del form["item-overall"]
    html = client.post(URL, data={**form, "csrf_token": _csrf(client)}).get_data(as_text=True)
    assert attack not in html
    assert "&lt;script&gt;" in html


def test_a_response_is_stored_once_and_the_browser_cannot_answer_again(client, app, line):
    answer = client.post(URL, data={**_complete(), "csrf_token": _csrf(client)})
    assert answer.status_code == 302
    assert "/thanks" in answer.headers["Location"]
    thanks = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "ขอบคุณมากค่ะ" in thanks and "itas.nacc.go.th" in thanks
    line.run_worker()
    assert _n(app) == 1
    with app.app_context():
        (stored,) = db.session().query(Response).all()
    assert (stored.channel, stored.counter, stored.gender) == ("web", "2", "male")
    again = client.get(URL).get_data(as_text=True)
    assert "ท่านได้ประเมินในรอบนี้แล้ว" in again
    assert client.post(URL, data={**_complete(), "csrf_token": "x"}).status_code in {200, 400}
    line.run_worker()
    assert _n(app) == 1


def test_another_browser_may_answer(app, line):
    for _ in range(2):
        client = app.test_client()
        assert (
            client.post(URL, data={**_complete(), "csrf_token": _csrf(client)}).status_code == 302
        )
    line.run_worker()
    assert _n(app) == 2


def test_posts_are_rate_limited_per_address(app):
    for i in range(RATE_LIMIT + 1):
        client = app.test_client()
        form = _complete()
        del form["item-overall"]  # incomplete: nothing is stored, only counted
        answer = client.post(URL, data={**form, "csrf_token": _csrf(client)})
        if i < RATE_LIMIT:
            assert answer.status_code == 400
    assert answer.status_code == 429
    assert "มากเกินไป" in answer.get_data(as_text=True)


def _eit_handouts(app) -> list[tuple[str, str]]:
    from survey.models import EitDistribution

    with app.app_context():
        return [(e.channel, e.counter) for e in db.session().query(EitDistribution).all()]


def test_a_forged_thanks_link_counts_no_eit_hand_out(client, app):
    """The review recorded 4 hand-outs for 0 responses with /thanks?r=<any uuid>."""
    for forged in ("0" * 8 + "-0000-0000-0000-" + "0" * 12, "-" * 36):
        assert client.get(f"{URL}/thanks", query_string={"r": forged}).status_code == 200
    assert _eit_handouts(app) == []


def test_a_real_web_response_counts_one_eit_hand_out_once_stored(client, app, line):
    client.post(URL, data={**_complete(), "csrf_token": _csrf(client)})
    client.get(f"{URL}/thanks")
    client.get(f"{URL}/thanks")
    assert _eit_handouts(app) == []  # not before the response is really stored
    line.run_worker()
    assert _eit_handouts(app) == [("web", "2")]


def test_many_fresh_browsers_on_one_network_are_flagged_on_the_dashboard(app, line):
    """Ballot stuffing with 8 fresh cookie jars: the form stays open (an office's Wi-Fi is one
    network too), but the burst is flagged for the admins, and in the export."""
    from survey.web import BURST_LIMIT

    for i in range(8):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"203.0.113.{10 + i}"
        browser.post(URL, data={**_complete(), "csrf_token": _csrf(browser)})
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    elsewhere.post(URL, data={**_complete(), "csrf_token": _csrf(elsewhere)})
    line.run_worker()
    with app.app_context():
        flags = sorted((r.flag or "") for r in db.session().query(Response).all())
    assert flags == [""] * (BURST_LIMIT + 1) + ["burst"] * (8 - BURST_LIMIT)
    from tests.conftest import log_in

    page = log_in(app, app.test_client(), "somsri").get("/admin/").get_data(as_text=True)
    assert "ส่งมาถี่ผิดปกติจากเครือข่ายเดียวกัน" in page
    assert f"<b>{8 - BURST_LIMIT}</b> คำตอบ" in page
