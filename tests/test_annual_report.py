"""`tambon report annual`: the Thai annual satisfaction report, as PDF and XLSX. The PDF is
rendered and its text layer read back: the figures must be those of `tally`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image, ImageStat

from bot.cli import main
from tests.sample_responses import SCRIPT, THAI, store_sample


@pytest.fixture
def tambon(runner):
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} is missing: install poppler-utils (apt-get install poppler-utils)")
    return found


def _text(pdf: Path) -> str:
    """The text layer without whitespace (poppler puts a space after ำ in shaped text)."""
    out = subprocess.run(
        [_poppler("pdftotext"), "-raw", pdf, "-"], check=True, capture_output=True, text=True
    ).stdout
    return "".join(out.replace("\u200b", "").split())


def _pages(pdf: Path) -> int:
    info = subprocess.run(
        [_poppler("pdfinfo"), pdf], check=True, capture_output=True, text=True
    ).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))


def _tally(tambon, **dates) -> dict:
    args = [f"--{k}={v}" for k, v in dates.items()]
    result = tambon("tally", "--office", "nongbua", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_annual_pdf_carries_the_tally_figures_in_thai(app, tambon, tmp_path):
    store_sample(app, 80)
    out = tmp_path / "annual.pdf"
    result = tambon("report", "annual", "--office", "nongbua", "--fiscal-year", 2569, "-o", out)
    assert result.exit_code == 0, result.output
    if os.environ.get("TAMBON_REPORT_COPY"):
        shutil.copy(out, os.environ["TAMBON_REPORT_COPY"])
    figures = _tally(tambon, **{"from": "2025-10-01", "to": "2026-09-30"})
    assert figures["overall"]["n"] == 80
    text = _text(out)
    assert "รายงานผลการสำรวจความพึงพอใจการให้บริการประจำปีงบประมาณพ.ศ.2569" in text
    assert "1ตุลาคม2568ถึง30กันยายน2569" in text
    overall = figures["overall"]
    assert f"x̄={overall['mean']:.2f},S.D.={overall['sd']:.2f}" in text
    assert f"ร้อยละ{overall['percent_satisfied']:.2f}" in text
    assert "ผู้ตอบแบบสำรวจทั้งสิ้น80คน" in text
    for row in [*figures["aspects"], *figures["items"]]:
        cells = (
            f"{row['n']}{row['mean']:.2f}{row['sd']:.2f}{row['percent_satisfied']:.2f}{row['band']}"
        )
        assert cells in text, (row["id"], cells)
    assert "".join(THAI.split()) in text  # tone marks and upper vowels survive
    assert "".join(SCRIPT.split()) in text  # printed as written, not interpreted
    assert "หน้า2" in text
    assert _pages(out) >= 4


def test_page_one_is_drawn_not_blank(app, tambon, tmp_path):
    store_sample(app, 20)
    out = tmp_path / "annual.pdf"
    tambon("report", "annual", "--office", "nongbua", "--fiscal-year", 2569, "-o", out)
    subprocess.run(
        [_poppler("pdftoppm"), "-png", "-r", "60", "-f", "1", "-l", "1", out, tmp_path / "p"],
        check=True,
    )
    (png,) = tmp_path.glob("p-*.png")
    page = Image.open(png).convert("L")
    assert page.size[0] < page.size[1]  # A4 portrait
    dark = sum(ImageStat.Stat(page.point(lambda v: 255 if v < 128 else 0)).sum) / 255
    assert dark > 2000, "page 1 looks blank"


def test_a_year_without_responses_says_so(app, tambon, tmp_path):
    out = tmp_path / "empty.pdf"
    result = tambon("report", "annual", "--office", "nongbua", "--fiscal-year", 2570, "-o", out)
    assert result.exit_code == 0, result.output
    assert "ยังไม่มีผู้ตอบแบบสำรวจความพึงพอใจ" in _text(out)


def test_the_xlsx_report_has_the_same_figures(app, tambon, tmp_path):
    store_sample(app, 30)
    out = tmp_path / "annual.xlsx"
    result = tambon("report", "annual", "--office", "nongbua", "--fiscal-year", 2569, "-o", out)
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == [
        "สรุป",
        "ผลการประเมิน",
        "ข้อมูลผู้ตอบ",
        "งานบริการและจุดบริการ",
        "ข้อเสนอแนะ",
    ]
    figures = _tally(tambon, **{"from": "2025-10-01", "to": "2026-09-30"})
    rows = list(book["ผลการประเมิน"].iter_rows(values_only=True))
    assert rows[-1][1] == "ภาพรวม" and rows[-1][2] == 30
    assert rows[-1][-4] == figures["overall"]["mean"]
    comments = [r[2] for r in book["ข้อเสนอแนะ"].iter_rows(min_row=2, values_only=True)]
    assert THAI in comments
    assert all(c.data_type == "s" for c in book["ข้อเสนอแนะ"]["C"][1:])


def test_responses_outside_the_fiscal_year_are_left_out(app, tambon, tmp_path):
    store_sample(app, 10)
    out = tmp_path / "annual.pdf"
    tambon("report", "annual", "--office", "nongbua", "--fiscal-year", 2568, "-o", out)
    assert "ยังไม่มีผู้ตอบ" in _text(out)  # the sample lies in 2569, not 2568


def test_unknown_office_is_a_clear_error(app, tambon, tmp_path):
    result = tambon(
        "report", "annual", "--office", "nowhere", "--fiscal-year", 2569, "-o", tmp_path / "x.pdf"
    )
    assert result.exit_code != 0
    assert "no office 'nowhere'" in result.output
