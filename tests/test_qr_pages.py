"""QR codes on the web: the public EIT image LINE shows, and the staff download page."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from survey.links import line_survey_url, web_survey_url


def _decode(png: bytes) -> str:
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found.text


def test_the_eit_qr_image_is_public_and_carries_the_official_link(client, app):
    answer = client.get("/qr/nongbua/eit.png")
    assert answer.status_code == 200
    assert answer.mimetype == "image/png"
    assert _decode(answer.data) == app.extensions["tambon.offices"]["nongbua"].eit_url
    assert client.get("/qr/nowhere/eit.png").status_code == 404


def test_downloads_need_a_login(client):
    assert client.get("/admin/qr/").status_code == 302
    assert client.get("/admin/qr/line.png?counter=1").status_code == 302
    assert client.get("/admin/qr/posters.pdf").status_code == 302


def test_staff_download_each_counters_codes_and_posters(staff_client, app):
    office = app.extensions["tambon.offices"]["nongbua"]
    page = staff_client.get("/admin/qr/").get_data(as_text=True)
    assert "จุดบริการ 2 — กองคลัง" in page
    line_png = staff_client.get("/admin/qr/line.png?counter=2")
    assert 'filename="nongbua-line-2.png"' in line_png.headers["Content-Disposition"]
    assert _decode(line_png.data) == line_survey_url(office, office.counter("2"))
    web_png = staff_client.get("/admin/qr/web.png?counter=1")
    assert _decode(web_png.data) == web_survey_url(
        app.config["PUBLIC_BASE_URL"], office, office.counter("1")
    )
    assert staff_client.get("/admin/qr/line.svg?counter=1").mimetype == "image/svg+xml"
    assert staff_client.get("/admin/qr/line.png?counter=99").status_code == 404
    assert staff_client.get("/admin/qr/other.png").status_code == 404
    pdf = staff_client.get("/admin/qr/posters.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert staff_client.get("/admin/qr/posters.pdf?counter=99").status_code == 404
