"""Printable A4 posters for service counters: scan to rate the service, or to answer the EIT.

One page a counter. An office with no counters still gets one page, with the EIT code only:
the EIT belongs to the office, not to a counter, and offices put it up all the same.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from fpdf import FPDF

from bot.offices import Counter, Office
from survey.links import line_survey_url, web_survey_url
from survey.pdf import FONT, thai_pdf
from survey.qr import qr_svg

MARGIN = 15.0
ACCENT = (18, 74, 140)  # dark blue: reads well in print, and in grey on a mono printer
INK = (30, 30, 30)
RULE = (170, 180, 195)
FOOTER_TOP = 297 - 30.0
EIT_STRIP = 58.0  # height of the framed EIT code under the survey codes
LABELS = 20.0  # a label and its hint under a code
SMALLEST_TYPE = 12  # pt; long names shrink to this before they take more lines
SMALLEST_CODE = 45.0  # mm; smaller, the LINE link's dense code is hard to scan from print

LINE_LABEL = ("ประเมินผ่าน LINE", "(สำหรับผู้ใช้ LINE)")
WEB_LABEL = ("ประเมินผ่านเว็บไซต์", "(ไม่ต้องมี LINE)")
EIT_LABEL = "แบบวัด EIT ของ ป.ป.ช."
EIT_ABOUT = (
    "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก\n"
    "ช่วยบอก ป.ป.ช. ว่าหน่วยงานของเราโปร่งใสเพียงใด\n"
    "ใช้เวลาไม่นาน ไม่ต้องระบุชื่อ"
)
SURVEY_TITLE = "ขอความกรุณาประเมินความพึงพอใจในการรับบริการ"
HOW_TO = "สแกนคิวอาร์โค้ดด้วยกล้องโทรศัพท์หรือแอป LINE เพื่อประเมินความพึงพอใจ ใช้เวลาประมาณ 2 นาที ไม่ต้องระบุชื่อ"
THANKS = "ขอบคุณที่มาใช้บริการ ทุกความคิดเห็นช่วยให้เราบริการท่านได้ดียิ่งขึ้น"


def poster_pdf(office: Office, counters: Sequence[Counter], public_base_url: str) -> bytes:
    """One page for each counter given; with none, one EIT-only page for the office."""
    pdf = _new_pdf(office)
    for counter in counters:
        _counter_page(pdf, office, counter, public_base_url)
    if not counters:
        _eit_page(pdf, office)
    return bytes(pdf.output())


def _new_pdf(office: Office) -> FPDF:
    pdf = thai_pdf(FPDF(format="A4"), f"โปสเตอร์ประเมินความพึงพอใจ — {office.name}")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)  # the layout fits a page; a page break would split it
    return pdf


def _counter_page(pdf: FPDF, office: Office, counter: Counter, base_url: str) -> None:
    pdf.add_page()
    _office_heading(pdf, office)
    _text(pdf, f"จุดบริการ: {counter.name}", 22, bold=True, max_lines=2)
    _text(pdf, f"บริการ: {counter.service}", 18, max_lines=2)
    pdf.ln(5)
    _text(pdf, SURVEY_TITLE, 20, bold=True, color=ACCENT)
    _text(pdf, HOW_TO, 17)
    strip_top = FOOTER_TOP - EIT_STRIP - 4
    size, top = _fit(pdf, strip_top, 80.0)
    card = (pdf.epw - 10) / 2
    _qr_card(pdf, line_survey_url(office, counter), LINE_LABEL, MARGIN, top, card, size)
    web = web_survey_url(base_url, office, counter)
    _qr_card(pdf, web, WEB_LABEL, MARGIN + card + 10, top, card, size)
    _eit_strip(pdf, office, strip_top, EIT_STRIP)
    _footer(pdf)


def _eit_page(pdf: FPDF, office: Office) -> None:
    pdf.add_page()
    _office_heading(pdf, office)
    _text(pdf, "ขอเชิญร่วมตอบ" + EIT_LABEL, 24, bold=True, color=ACCENT)
    _text(pdf, EIT_ABOUT, 17)
    pdf.ln(2)
    _text(pdf, "สแกนคิวอาร์โค้ดด้วยกล้องโทรศัพท์ แล้วเปิดลิงก์ที่ขึ้นมา", 17)
    size, top = _fit(pdf, FOOTER_TOP, 100.0)
    _qr_card(pdf, office.eit_url, (EIT_LABEL, ""), MARGIN, top, pdf.epw, size)
    _footer(pdf)


def _fit(pdf: FPDF, bottom: float, largest: float) -> tuple[float, float]:
    """The size of the codes that fit between the text above and `bottom`, and their top:
    centred in the space, so a short name leaves no hole above the EIT strip or footer."""
    room = bottom - pdf.get_y() - LABELS - 8
    size = max(SMALLEST_CODE, min(largest, room))
    return size, pdf.get_y() + 4 + max(0.0, room - size) / 2


def _office_heading(pdf: FPDF, office: Office) -> None:
    _text(pdf, office.name, 28, bold=True, color=ACCENT, max_lines=2)
    y = pdf.get_y() + 2
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.8)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.set_y(y + 4)


def _text(
    pdf: FPDF,
    text: str,
    size: float,
    *,
    bold: bool = False,
    color: tuple = INK,
    x: float = MARGIN,
    width: float = 0,
    max_lines: int = 0,
) -> None:
    """Centred, wrapped text; the next line starts below it. With max_lines, the type shrinks
    (down to SMALLEST_TYPE) until the text fits in that many lines."""
    width = width or pdf.epw
    pdf.set_font(FONT, "B" if bold else "", size)
    while max_lines and size > SMALLEST_TYPE and len(_lines(pdf, text, width)) > max_lines:
        size -= 1
        pdf.set_font_size(size)
    pdf.set_text_color(*color)
    pdf.set_x(x)
    pdf.multi_cell(width, size * 0.5, text, align="C", new_x="LEFT", new_y="NEXT")


def _lines(pdf: FPDF, text: str, width: float) -> list[str]:
    return pdf.multi_cell(width, 1, text, dry_run=True, output="LINES")


def _qr_card(
    pdf: FPDF, url: str, label: tuple[str, str], x: float, y: float, width: float, size: float
) -> None:
    """A QR code with its label below, and a hint in smaller type when there is one."""
    pdf.image(io.BytesIO(qr_svg(url)), x=x + (width - size) / 2, y=y, w=size, h=size)
    pdf.set_y(y + size + 1)
    _text(pdf, label[0], 18, bold=True, x=x, width=width)
    if label[1]:
        _text(pdf, label[1], 16, x=x, width=width)


def _eit_strip(pdf: FPDF, office: Office, y: float, height: float) -> None:
    """The EIT code beside a few words on what it is, in a light frame below the survey codes."""
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.4)
    pdf.rect(MARGIN, y, pdf.epw, height, round_corners=True, corner_radius=3)
    size = height - 6
    pdf.image(io.BytesIO(qr_svg(office.eit_url)), x=MARGIN + 4, y=y + 3, w=size, h=size)
    text_x = MARGIN + size + 10
    text_w = pdf.w - MARGIN - 4 - text_x
    pdf.set_y(y + 6)
    _text(pdf, EIT_LABEL, 18, bold=True, color=ACCENT, x=text_x, width=text_w)
    _text(pdf, EIT_ABOUT, 15, x=text_x, width=text_w)


def _footer(pdf: FPDF) -> None:
    y = FOOTER_TOP + 4
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.4)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.set_y(y + 4)
    _text(pdf, THANKS, 17, bold=True, color=ACCENT)
