"""The dashboard on /admin: behind the login, its figures equal `tambon tally`, citizen text
is escaped, filters and downloads work."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from bot.cli import main
from tests.sample_responses import FORMULA, SCRIPT, store_sample


def _tally(runner, *args) -> dict:
    result = runner.invoke(main, ["tally", "--office", "nongbua", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _rows(page: str) -> dict[str, dict[str, str]]:
    """The tally table of the page: row id → {figure: text}."""
    table = page[page.index('id="tally"') : page.index("</table>", page.index('id="tally"'))]
    rows = {}
    for rid, body in re.findall(r'<tr class="[^"]*" data-id="([^"]+)">(.*?)</tr>', table, re.S):
        rows[rid] = {
            k: unescape(v.strip()) for k, v in re.findall(r'data-f="(\w+)">([^<]*)<', body)
        }
    return rows


def _expected(f: dict) -> dict[str, str]:
    return {
        "n": str(f["n"]),
        "mean": f"{f['mean']:.2f}",
        "sd": f"{f['sd']:.2f}",
        "percent_satisfied": f"{f['percent_satisfied']:.2f}",
        "band": f["band"],
    }


def test_the_dashboard_needs_a_login(client):
    for path in (
        "/admin/",
        "/admin/dashboard/chart/weeks.png",
        "/admin/dashboard/export.csv",
        "/admin/dashboard/annual.pdf",
    ):
        answer = client.get(path)
        assert answer.status_code == 302 and "/admin/login" in answer.headers["Location"]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"from": "2026-01-01", "to": "2026-06-30"},
        {"counter": "2"},
        {"from": "2025-12-01", "counter": "1"},
    ],
)
def test_dashboard_figures_equal_tally(app, staff_client, runner, query):
    store_sample(app, 70)
    page = staff_client.get("/admin/", query_string=query).get_data(as_text=True)
    args = [f"--{k}={v}" for k, v in query.items()]
    figures = _tally(runner, *args)
    rows = _rows(page)
    for row in [*figures["aspects"], *figures["items"]]:
        assert rows[row["id"]] == _expected(row), row["id"]
    assert rows["overall-all"] == _expected(figures["overall"])
    n = figures["overall"]["n"]
    assert f'id="stat-n">{n:,} คน' in page
    assert f'id="stat-mean">{figures["overall"]["mean"]:.2f}' in page


def test_the_office_page_keeps_its_connection_details(staff_client):
    page = staff_client.get("/admin/").get_data(as_text=True)
    assert "http://localhost/line/nongbua/webhook" in page
    assert "ยังไม่มีผู้ตอบในช่วงนี้" in page


def test_comments_are_escaped_newest_first_and_paged(app, staff_client):
    payloads = store_sample(app, 70)
    page = staff_client.get("/admin/").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    with_comment = sorted(
        (p for p in payloads if p["comment"]), key=lambda p: p["submitted_at"], reverse=True
    )
    section = page[page.index('id="comments"') :]
    shown = [unescape(t) for t in re.findall(r"<p>(.*?)</p>", section, re.S)]
    assert shown[:20] == [p["comment"] for p in with_comment[:20]]
    assert f"ข้อเสนอแนะจากผู้รับบริการ ({len(with_comment)})" in page
    second = staff_client.get("/admin/?page=2").get_data(as_text=True)
    section = second[second.index('id="comments"') :]
    shown = [unescape(t) for t in re.findall(r"<p>(.*?)</p>", section, re.S)]
    assert shown[0] == with_comment[20]["comment"]
    assert SCRIPT in [p["comment"] for p in with_comment]


def test_bad_filters_are_explained_not_fatal(app, staff_client):
    store_sample(app, 10)
    page = staff_client.get("/admin/?from=2026-02-30&counter=9").get_data(as_text=True)
    assert "ไม่ใช่วันที่ที่ถูกต้อง" in page
    assert "ไม่พบจุดบริการที่เลือก" in page
    assert 'id="stat-n">10 คน' in page


def test_target_and_eit_are_shown(app, staff_client):
    office = app.extensions["tambon.offices"]["nongbua"]
    app.extensions["tambon.offices"]["nongbua"] = office.model_copy(
        update={"survey": office.survey.model_copy(update={"target": 400})}
    )
    page = staff_client.get("/admin/").get_data(as_text=True)
    assert "/ 400 คน" in page
    assert "แจกไปแล้ว <b>0</b> ครั้ง" in page


@pytest.mark.parametrize("name", ["weeks", "aspects", "items", "counters"])
def test_charts_are_pngs(app, staff_client, name):
    store_sample(app, 15)
    answer = staff_client.get(f"/admin/dashboard/chart/{name}.png?from=2025-10-01")
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    assert answer.data.startswith(b"\x89PNG")
    assert staff_client.get("/admin/dashboard/chart/other.png").status_code == 404


def test_downloads_from_the_dashboard(app, staff_client, runner):
    store_sample(app, 25)
    answer = staff_client.get("/admin/dashboard/export.csv?what=responses&counter=1")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    text = answer.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert all(r[3] == "1" for r in rows[1:])
    assert "'" + FORMULA in [r[-2] for r in rows]
    assert len(rows) - 1 == _tally(runner, "--counter=1")["overall"]["n"]
    book = staff_client.get("/admin/dashboard/export.xlsx?what=tally")
    sheet = load_workbook(io.BytesIO(book.data))["ผลการประเมิน"]
    last = list(sheet.iter_rows(values_only=True))[-1]
    assert last[1] == "ภาพรวม" and last[2] == 25
    pdf = staff_client.get("/admin/dashboard/annual.pdf?year=2569")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
