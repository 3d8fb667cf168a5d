"""`tambon export`: responses and tallies as CSV (UTF-8 with BOM) and XLSX, with no personal
data and no way for citizen text to run as a formula."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import datetime

import pytest
from openpyxl import load_workbook

from bot.cli import main
from survey.exports import neutralise
from survey.store import BANGKOK
from tests.sample_responses import FORMULA, SCRIPT, SURVEY, THAI, store_sample


@pytest.fixture
def tambon(runner):
    return lambda *args: runner.invoke(main, [str(a) for a in args])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+66 81", "'+66 81"),
        ("-ดี", "'-ดี"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("ดีมาก", "ดีมาก"),
        (4, 4),
    ],
)
def test_formula_starts_are_neutralised(value, expected):
    assert neutralise(value) == expected


def test_responses_csv_is_thai_in_excel_and_safe(app, tambon, tmp_path):
    payloads = store_sample(app, 50)
    out = tmp_path / "responses.csv"
    result = tambon("export", "--office", "nongbua", "--format", "csv", "-o", out)
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    header, body = rows[0], rows[1:]
    assert len(body) == 50
    assert header[:5] == [
        "รหัสคำตอบ",
        "วันเวลาที่ตอบ (เวลาประเทศไทย)",
        "ช่องทาง",
        "รหัสจุดบริการ",
        "จุดบริการ",
    ]
    assert SURVEY.items()[0].text in header and header[-2:] == ["ข้อเสนอแนะ", "หมายเหตุ"]
    comments = [r[-2] for r in body]
    assert THAI in comments and SCRIPT in comments
    assert "'" + FORMULA in comments and FORMULA not in comments
    assert "'+66 81 234 5678" in comments and "'-ที่จอดรถน้อยไป" in comments
    text = raw.decode("utf-8-sig")
    for p in payloads:  # no personal data, not even the keyed hash
        assert p["respondent"] not in text
    by_id = {r[0]: r for r in body}
    first = payloads[0]
    row = by_id[first["response_id"]]
    item = SURVEY.items()[0].id
    assert row[header.index(SURVEY.items()[0].text)] == str(first["answers"][item])
    bangkok = datetime.fromisoformat(first["submitted_at"]).astimezone(BANGKOK)
    assert row[1] == bangkok.strftime("%Y-%m-%d %H:%M:%S")
    assert row[header.index("อายุ")] in {"ไม่เกิน 20 ปี", "21–40 ปี", "41–60 ปี", "มากกว่า 60 ปี"}


def test_responses_xlsx_writes_text_as_strings_never_formulas(app, tambon, tmp_path):
    store_sample(app, 21)
    out = tmp_path / "responses.xlsx"
    result = tambon("export", "--office", "nongbua", "-o", out, "--from", "2025-10-01")
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["คำตอบ"]
    comments = list(next(sheet.iter_cols(min_col=sheet.max_column - 1, min_row=2)))
    assert sheet.max_row == 22
    assert {c.data_type for c in comments} <= {"s", "inlineStr"}
    assert FORMULA in [c.value for c in comments]
    assert THAI in [c.value for c in comments]
    with zipfile.ZipFile(out) as book:
        xml = b"".join(book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml


def test_tally_export_equals_tally(app, tambon, tmp_path):
    store_sample(app, 40)
    out = tmp_path / "tally.csv"
    result = tambon("export", "--office", "nongbua", "--what", "tally", "--counter", "1", "-o", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    figures = json.loads(tambon("tally", "--office", "nongbua", "--counter", "1", "--json").output)
    overall = rows[-1]
    assert overall[1] == "ภาพรวม"
    assert int(overall[2]) == figures["overall"]["n"]
    assert float(overall[-4]) == figures["overall"]["mean"]
    assert float(overall[-3]) == figures["overall"]["sd"]
    assert overall[-1] == figures["overall"]["band"]
    first_item = next(r for r in rows if r[1] == figures["items"][0]["text"])
    assert float(first_item[-2]) == figures["items"][0]["percent_satisfied"]


def test_dates_filter_the_export(app, tambon, tmp_path):
    store_sample(app, 40)
    out = tmp_path / "r.csv"
    tambon("export", "--office", "nongbua", "--from", "2026-01-01", "--to", "2026-01-31", "-o", out)
    body = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))[1:]
    assert body and all(r[1].startswith("2026-01-") for r in body)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--office", "nowhere"], "no office 'nowhere'"),
        (["--office", "nongbua", "--from", "2026-13-01"], "Invalid value for '--from'"),
        (
            ["--office", "nongbua", "--from", "2026-02-01", "--to", "2026-01-01"],
            "--from is after --to",
        ),
        (["--office", "nongbua", "--counter", "9"], "no counter '9'"),
    ],
)
def test_clear_errors(app, tambon, tmp_path, args, message):
    result = tambon("export", *args, "-o", tmp_path / "x.csv")
    assert result.exit_code != 0
    assert message in result.output
