"""QR codes and counter posters: whatever is printed must scan back to exactly its link.

Real tools throughout: qrcode and fpdf2 write, cairosvg and poppler render, zxing-cpp reads.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import cairosvg
import pytest
import zxingcpp
from PIL import Image

from bot.cli import main
from survey.links import line_survey_url, web_survey_url
from survey.poster import poster_pdf

BASE = "https://tambon.example.go.th"
EIT = "https://itas.nacc.go.th/go/eit/test01"


@pytest.fixture
def tambon(runner, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE)
    return lambda *args: runner.invoke(main, [str(a) for a in args])


@pytest.fixture
def nongbua(app):
    return app.extensions["tambon.offices"]["nongbua"]


def _decoded(image: Image.Image) -> set[str]:
    return {code.text for code in zxingcpp.read_barcodes(image)}


def _qr_image(path: Path) -> Image.Image:
    data = path.read_bytes()
    if path.suffix == ".svg":
        data = cairosvg.svg2png(bytestring=data, output_width=600)
    return Image.open(io.BytesIO(data))


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} is missing: install poppler-utils (apt-get install poppler-utils)")
    return found


def _pages(pdf: Path, tmp_path: Path) -> list[Image.Image]:
    """Each page as a print shop would see it: rasterised at 150 dpi."""
    prefix = tmp_path / "page"
    subprocess.run([_poppler("pdftoppm"), "-png", "-r", "150", pdf, prefix], check=True)
    return [Image.open(p) for p in sorted(tmp_path.glob("page-*.png"))]


def _text(pdf: Path, page: int) -> str:
    """The page's text layer without whitespace. Poppler puts a space after ำ in shaped text
    (fpdf2 maps the second glyph of the decomposed vowel to nothing), and labels wrap."""
    out = subprocess.run(
        [_poppler("pdftotext"), "-raw", "-f", str(page), "-l", str(page), pdf, "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return "".join(out.split())


@pytest.mark.parametrize("fmt", ["png", "svg"])
@pytest.mark.parametrize(
    ("args", "which"),
    [(["--counter", "1"], "line"), (["--counter", "2", "--web"], "web"), (["--eit"], "eit")],
)
def test_qr_scans_to_exactly_its_link(tambon, nongbua, tmp_path, fmt, args, which):
    expected = {
        "line": line_survey_url(nongbua, nongbua.counter("1")),
        "web": f"{BASE}/s/nongbua/2",
        "eit": EIT,
    }[which]
    out = tmp_path / f"code.{fmt}"
    result = tambon("qr", "--office", "nongbua", *args, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and expected in result.output
    assert _decoded(_qr_image(out)) == {expected}


@pytest.mark.parametrize(
    "args",
    [[], ["--counter", "1", "--eit"], ["--eit", "--web"], ["--web"]],
)
def test_qr_needs_exactly_one_link(tambon, tmp_path, args):
    result = tambon("qr", "--office", "nongbua", *args, "-o", tmp_path / "x.png")
    assert result.exit_code == 2
    assert "--counter" in result.output
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("command", ["qr", "poster"])
def test_unknown_counter_is_a_clear_error(tambon, tmp_path, command):
    out = tmp_path / "x.out"
    result = tambon(command, "--office", "nongbua", "--counter", "9", "-o", out)
    assert result.exit_code == 1
    assert "office nongbua has no counter '9' (its counters: 1, 2)" in result.output
    assert not out.exists()


def test_unknown_office_is_a_clear_error(tambon, tmp_path):
    result = tambon("poster", "--office", "nowhere", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1
    assert "no office 'nowhere'" in result.output


def test_poster_has_a_page_a_counter_and_all_three_codes_scan(tambon, nongbua, tmp_path):
    out = tmp_path / "posters.pdf"
    result = tambon("poster", "--office", "nongbua", "-o", out)
    assert result.exit_code == 0, result.output
    assert "2 page(s)" in result.output

    pages = _pages(out, tmp_path)
    assert len(pages) == 2
    for number, (page, counter) in enumerate(zip(pages, nongbua.counters, strict=True), 1):
        line, web = line_survey_url(nongbua, counter), web_survey_url(BASE, nongbua, counter)
        assert _decoded(page) == {line, web, EIT}
        text = _text(out, number)
        for words in (
            "องค์การบริหารส่วนตำบลหนองบัว",
            f"จุดบริการ:{counter.name}",
            f"บริการ:{counter.service}",
            "ประเมินความพึงพอใจ",
            "ใช้เวลาประมาณ2นาทีไม่ต้องระบุชื่อ",
            "ประเมินผ่านLINE",
            "ประเมินผ่านเว็บไซต์(ไม่ต้องมีLINE)",
            "แบบวัดEITของป.ป.ช.",
            "ขอบคุณที่มาใช้บริการ",
        ):
            assert words in text


def test_poster_for_one_counter(tambon, nongbua, tmp_path):
    out = tmp_path / "counter2.pdf"
    assert tambon("poster", "--office", "nongbua", "--counter", "2", "-o", out).exit_code == 0
    [page] = _pages(out, tmp_path)
    counter = nongbua.counter("2")
    assert _decoded(page) == {
        line_survey_url(nongbua, counter),
        web_survey_url(BASE, nongbua, counter),
        EIT,
    }
    assert "จุดบริการ:กองคลัง" in _text(out, 1)


def test_office_without_counters_gets_an_eit_page(tambon, tmp_path):
    out = tmp_path / "bankhok.pdf"
    result = tambon("poster", "--office", "bankhok", "-o", out)
    assert result.exit_code == 0, result.output
    assert "EIT only" in result.output
    [page] = _pages(out, tmp_path)
    assert _decoded(page) == {"https://itas.nacc.go.th/go/eit/test02"}
    text = _text(out, 1)
    assert "เทศบาลตำบลบ้านโคก" in text and "ขอเชิญร่วมตอบแบบวัดEITของป.ป.ช." in text


def test_long_and_odd_names_keep_to_one_page_that_scans(nongbua, tmp_path):
    office = nongbua.model_copy(
        update={"name": "องค์การบริหารส่วนตำบลหนองบัวใหญ่ " * 4 + "& <b> %s {nb} 😀 漢字"}
    )
    counter = nongbua.counter("1").model_copy(
        update={"name": "ฝ่ายทะเบียนราษฎรและบัตรประจำตัวประชาชน " * 3, "service": "ภาษี " * 30}
    )
    out = tmp_path / "odd.pdf"
    out.write_bytes(poster_pdf(office, [counter], BASE))
    [page] = _pages(out, tmp_path)
    assert len(_decoded(page)) == 3
    assert "{nb}" in _text(out, 1)  # printed as written, not replaced by a page count
