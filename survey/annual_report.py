"""รายงานผลการสำรวจความพึงพอใจการให้บริการ ประจำปีงบประมาณ: the annual report an office gives
its executive and publishes for the ITA, as a PDF (A4, Sarabun, shaped Thai) or an XLSX the
office can edit. Every figure comes from `tally` and survey/figures.py."""

from __future__ import annotations

import io
from datetime import datetime

from fpdf import FPDF, FontFace
from PIL import Image
from sqlalchemy.orm import Session

from bot.offices import Office
from survey import charts
from survey.definition import survey_for_office
from survey.exports import tally_header, tally_rows, write_xlsx
from survey.figures import (
    NO_COUNTER,
    by_counter,
    by_service,
    channel_counts,
    comments,
    demographics,
    monthly_counts,
)
from survey.fiscal import SHORT_MONTHS, fiscal_months, fiscal_year_bounds, thai_date, to_be
from survey.pdf import FONT, breakable, thai_pdf
from survey.store import BANGKOK
from survey.tally import BANDS, Filters, tally

TITLE = "รายงานผลการสำรวจความพึงพอใจการให้บริการ"
MAX_COMMENTS = 1000  # more are in `tambon export`; a report of thousands helps nobody
ACCENT = (18, 74, 140)
HEADING_FILL = (225, 234, 245)
MARGIN = 20.0


def annual_figures(session: Session, office: Office, year: int) -> dict:
    """Everything the report shows, for fiscal year `year` (Buddhist era)."""
    survey = survey_for_office(office)
    start, end = fiscal_year_bounds(year)
    f = Filters(office.slug, survey.id, start, end)
    figures = tally(session, f, survey)
    months = monthly_counts(session, f)
    total_comments, shown = comments(session, f, limit=MAX_COMMENTS)
    figures.update(
        office_name=office.name,
        year=year,
        start=start,
        end=end,
        survey_title=survey.title,
        scale=survey.scale,
        target=office.survey.target,
        counter_names={c.code: f"{c.code} {c.name}" for c in office.counters},
        demographics=demographics(session, f, survey.demographics),
        channels=channel_counts(session, f),
        counters=by_counter(session, f, office, survey.top),
        services=by_service(session, f, office, survey.top),
        months=[
            (f"{SHORT_MONTHS[m - 1]} {to_be(y) % 100}", months.get((y, m), 0))
            for y, m in fiscal_months(year)
        ],
        comments_total=total_comments,
        comments=shown,
        printed=datetime.now(BANGKOK).date(),
    )
    figures["summary"] = summary(figures)
    return figures


def _x(f: dict) -> str:
    return f"x̄ = {f['mean']:.2f}, S.D. = {f['sd']:.2f}"


def summary(fig: dict) -> str:
    """The paragraph an executive reads first, written from the figures."""
    n, overall = fig["overall"]["n"], fig["overall"]
    span = f"ระหว่างวันที่ {thai_date(fig['start'])} ถึง {thai_date(fig['end'])}"
    if not n or overall["mean"] is None:
        return f"ในปีงบประมาณ พ.ศ. {fig['year']} ({span}) ยังไม่มีผู้ตอบแบบสำรวจความพึงพอใจ"
    text = (
        f"ผลการสำรวจความพึงพอใจของผู้รับบริการของ{fig['office_name']} ประจำปีงบประมาณ พ.ศ. "
        f"{fig['year']} {span} มีผู้ตอบแบบสำรวจทั้งสิ้น {n:,} คน"
    )
    if fig["target"]:
        text += f" คิดเป็นร้อยละ {100 * n / fig['target']:.2f} ของเป้าหมาย {fig['target']:,} คน"
    text += (
        f" พบว่าผู้รับบริการมีความพึงพอใจต่อการให้บริการโดยรวมอยู่ในระดับ{overall['band']} "
        f"({_x(overall)}) คิดเป็นร้อยละ {overall['percent_satisfied']:.2f}"
    )
    aspects = [a for a in fig["aspects"] if a["mean"] is not None]
    if len(aspects) > 1:
        best = max(aspects, key=lambda a: a["mean"])
        worst = min(aspects, key=lambda a: a["mean"])
        text += (
            f" เมื่อพิจารณาเป็นรายด้าน พบว่า{best['title']}มีค่าเฉลี่ยสูงสุด (x̄ = {best['mean']:.2f}) "
            f"และ{worst['title']}มีค่าเฉลี่ยต่ำสุด (x̄ = {worst['mean']:.2f})"
        )
    items = [i for i in fig["items"] if i["mean"] is not None and i["aspect"] is not None]
    if len(items) > 1:
        best = max(items, key=lambda i: i["mean"])
        worst = min(items, key=lambda i: i["mean"])
        text += (
            f" เมื่อพิจารณาเป็นรายข้อ ข้อที่มีค่าเฉลี่ยสูงสุดคือ “{best['text']}” "
            f"(x̄ = {best['mean']:.2f}) ส่วนข้อที่มีค่าเฉลี่ยต่ำสุดคือ “{worst['text']}” "
            f"(x̄ = {worst['mean']:.2f}) ซึ่งควรนำไปพิจารณาปรับปรุงการให้บริการต่อไป"
        )
    return text


def purpose(fig: dict) -> list[str]:
    return [
        f"1) เพื่อสำรวจระดับความพึงพอใจของผู้รับบริการที่มีต่อการให้บริการของ{fig['office_name']}",
        "2) เพื่อนำผลการสำรวจไปปรับปรุงและพัฒนาคุณภาพการให้บริการให้ตรงกับความต้องการของประชาชน",
        "3) เพื่อเผยแพร่ผลการสำรวจต่อสาธารณะ ตามแนวทางการประเมินคุณธรรมและความโปร่งใส"
        "ในการดำเนินงานของหน่วยงานภาครัฐ (ITA)",
    ]


def method(fig: dict) -> list[str]:
    channels = " และ ".join(f"{name} {n:,} คน" for name, n in fig["channels"].items()) or "—"
    levels = " ".join(f"{v} = {label}" for v, label in sorted(fig["scale"].items(), reverse=True))
    return [
        "ผู้รับบริการตอบแบบประเมินด้วยตนเองหลังรับบริการ โดยสแกนคิวอาร์โค้ดที่จุดให้บริการ "
        "แล้วตอบผ่าน LINE Official Account หรือผ่านเว็บไซต์ของสำนักงาน ไม่ต้องระบุชื่อ "
        "และระบบไม่เก็บข้อมูลที่ระบุตัวตนไว้กับคำตอบ",
        f"ช่องทางที่ตอบ: {channels}",
        f"แบบประเมิน “{fig['survey_title']}” เป็นมาตราส่วนประมาณค่า {len(fig['scale'])} ระดับ "
        f"({levels}) วิเคราะห์ด้วยจำนวน ร้อยละ ค่าเฉลี่ย (x̄) และส่วนเบี่ยงเบนมาตรฐาน (S.D.) "
        "ร้อยละความพึงพอใจ = ค่าเฉลี่ย ÷ 5 × 100",
    ]


def band_criteria() -> list[tuple[str, str]]:
    ceilings = [5.0, *(floor - 0.01 for floor, _ in BANDS[:-1])]
    floors = [floor for floor, _ in BANDS[:-1]] + [1.0]
    return [
        (f"{lo:.2f} – {hi:.2f}", label)
        for (lo, hi, (_, label)) in zip(floors, ceilings, BANDS, strict=True)
    ]


# ---- PDF -------------------------------------------------------------------------------


class _Report(FPDF):
    office_name = ""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 10)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, f"{TITLE} — {self.office_name}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 6, f"หน้า {self.page_no()}", align="R")


def annual_pdf(fig: dict) -> bytes:
    pdf = thai_pdf(_Report(format="A4"), f"{TITLE} ประจำปีงบประมาณ พ.ศ. {fig['year']}")
    pdf.office_name = fig["office_name"]
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    _cover(pdf, fig)
    _section(pdf, "1. วัตถุประสงค์")
    for line in purpose(fig):
        _para(pdf, line)
    _section(pdf, "2. วิธีการสำรวจ")
    for line in method(fig):
        _para(pdf, line)
    _para(pdf, "เกณฑ์การแปลความหมายค่าเฉลี่ย", bold=True)
    _table(pdf, ["ค่าเฉลี่ย", "ระดับความพึงพอใจ"], band_criteria(), (60, 60), center=True)
    _respondents(pdf, fig)
    _results(pdf, fig)
    _by_unit(pdf, fig)
    _comments(pdf, fig)
    return bytes(pdf.output())


def _cover(pdf: FPDF, fig: dict) -> None:
    pdf.ln(4)
    _centred(pdf, TITLE, 20, bold=True, color=ACCENT)
    _centred(pdf, f"ประจำปีงบประมาณ พ.ศ. {fig['year']}", 18, bold=True, color=ACCENT)
    _centred(pdf, fig["office_name"], 17, bold=True)
    _centred(pdf, f"ระหว่างวันที่ {thai_date(fig['start'])} ถึง {thai_date(fig['end'])}", 14)
    pdf.ln(4)
    o = fig["overall"]
    boxes = [
        ("ผู้ตอบแบบสำรวจ", f"{o['n']:,} คน"),
        ("ค่าเฉลี่ยโดยรวม", "—" if o["mean"] is None else f"{o['mean']:.2f}"),
        ("ร้อยละความพึงพอใจ", "—" if o["mean"] is None else f"{o['percent_satisfied']:.2f}"),
        ("ระดับความพึงพอใจ", o["band"] or "—"),
    ]
    _table(pdf, [b[0] for b in boxes], [[b[1] for b in boxes]], (42.5,) * 4, center=True, size=13)
    _section(pdf, "สรุปผลการสำรวจ")
    _para(pdf, fig["summary"])
    _para(pdf, f"จัดทำเมื่อ {thai_date(fig['printed'])}", size=11)


def _respondents(pdf: FPDF, fig: dict) -> None:
    _section(pdf, "3. ข้อมูลทั่วไปของผู้ตอบแบบสำรวจ")
    _para(pdf, f"ผู้ตอบแบบสำรวจทั้งสิ้น {fig['overall']['n']:,} คน จำแนกได้ดังนี้")
    for d in fig["demographics"]:
        rows = [(label, f"{n:,}", f"{pct:.2f}") for label, n, pct in d["rows"]]
        rows.append(("รวม", f"{d['total']:,}", "100.00" if d["total"] else "0.00"))
        _table(pdf, [d["title"], "จำนวน (คน)", "ร้อยละ"], rows, (80, 35, 35), center=True)
    months = fig["months"]
    _para(pdf, "จำนวนผู้ตอบแบบสำรวจรายเดือน", bold=True)
    png = charts.columns(
        [label.split()[0] for label, _ in months], [n for _, n in months], width_px=1200
    )
    _image(pdf, png)


def _results(pdf: FPDF, fig: dict) -> None:
    _section(pdf, "4. ผลการประเมินความพึงพอใจ")
    _para(pdf, "ค่าเฉลี่ย ส่วนเบี่ยงเบนมาตรฐาน ร้อยละ และระดับความพึงพอใจ รายด้านและรายข้อ", bold=True)
    lines = tally_rows(fig)
    bold = [i for i, row in enumerate(lines) if row[0] != "ข้อ"]
    rows = [
        [label, f"{n:,}", _num(mean), _num(sd), _num(pct), band_ or "—"]
        for _, label, n, *_, mean, sd, pct, band_ in lines
    ]
    header = ["รายการ", "n", "x̄", "S.D.", "ร้อยละ", "ระดับ"]
    _table(pdf, header, rows, (86, 14, 14, 14, 18, 24), bold_rows=bold)
    _para(pdf, "จำนวนและร้อยละของผู้ตอบ จำแนกตามระดับความพึงพอใจ", bold=True)
    levels = len(fig["scale"])
    freq = [
        [
            row[1],
            *(
                f"{c:,} ({p:.1f})"
                for c, p in zip(row[3 : 3 + levels], row[3 + levels :], strict=False)
            ),
        ]
        for row in lines
    ]
    header = ["รายการ", *(f"{v} {fig['scale'][v]}" for v in sorted(fig["scale"], reverse=True))]
    _table(pdf, header, freq, (70, 20, 20, 20, 20, 20), size=10, bold_rows=bold)
    aspects = fig["aspects"]
    _image(
        pdf,
        charts.horizontal_bars(
            [a["title"] for a in aspects],
            [a["mean"] for a in aspects],
            title="ค่าเฉลี่ยความพึงพอใจรายด้าน",
            xmax=5,
        ),
    )
    items = fig["items"]
    _image(
        pdf,
        charts.horizontal_bars(
            [i["text"] for i in items],
            [i["mean"] for i in items],
            title="ค่าเฉลี่ยความพึงพอใจรายข้อ",
            xmax=5,
        ),
    )


def _by_unit(pdf: FPDF, fig: dict) -> None:
    _section(pdf, "5. ผลการประเมินจำแนกตามงานบริการและจุดบริการ")
    header = ["", "n", "x̄", "S.D.", "ร้อยละ", "ระดับ"]
    widths = (86, 14, 14, 14, 18, 24)
    for title, rows in (("งานบริการ", fig["services"]), ("จุดบริการ", fig["counters"])):
        table = [
            [
                r["name"],
                f"{r['n']:,}",
                _num(r["mean"]),
                _num(r["sd"]),
                _num(r["percent_satisfied"]),
                r["band"] or "—",
            ]
            for r in rows
        ]
        _table(pdf, [title, *header[1:]], table or [["—"] * 6], widths)


def _comments(pdf: FPDF, fig: dict) -> None:
    _section(pdf, "6. ข้อเสนอแนะจากผู้รับบริการ")
    total, shown = fig["comments_total"], fig["comments"]
    if not total:
        _para(pdf, "ไม่มีผู้ให้ข้อเสนอแนะ")
        return
    more = f" (แสดง {len(shown):,} รายการล่าสุด)" if total > len(shown) else ""
    _para(pdf, f"มีผู้ให้ข้อเสนอแนะ {total:,} รายการ{more} เรียงจากล่าสุด")
    for i, c in enumerate(shown, 1):
        name = fig["counter_names"].get(c.counter, c.counter)
        where = "" if c.counter == "" else f" · จุดบริการ {name}"
        _para(pdf, f"{i}. {thai_date(c.submitted_at.date())}{where}", size=11, bold=True, after=0)
        _para(pdf, c.text, size=12)


def _num(value: float | str | None) -> str:
    return "—" if value in (None, "") else f"{value:.2f}"


def _centred(pdf: FPDF, text: str, size: float, *, bold: bool = False, color=(30, 30, 30)) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.5, breakable(text), align="C", new_x="LMARGIN", new_y="NEXT")


def _section(pdf: FPDF, title: str) -> None:
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FONT, "B", 16)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(30, 30, 30)


def _para(pdf: FPDF, text: str, *, size: float = 14, bold: bool = False, after: float = 2) -> None:
    """Citizen text too: markdown stays off, so nothing in it is interpreted."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(30, 30, 30)
    pdf.multi_cell(
        0, size * 0.45, breakable(text), align="L", markdown=False, new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(after)


def _table(
    pdf: FPDF,
    header: list[str],
    rows: list,
    widths: tuple,
    *,
    center: bool = False,
    size: float = 12,
    bold_rows: list[int] = (),
) -> None:
    pdf.set_font(FONT, "", size)
    align = ["LEFT", *(["RIGHT"] * (len(header) - 1))] if not center else "CENTER"
    heading = FontFace(emphasis="BOLD", fill_color=HEADING_FILL)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        text_align=align,
        headings_style=heading,
        line_height=size * 0.5,
        padding=1.2,
        borders_layout="SINGLE_TOP_LINE",
    ) as table:
        table.row([breakable(h) for h in header])
        for i, row in enumerate(rows):
            style = FontFace(emphasis="BOLD") if i in bold_rows else None
            table.row([breakable(str(v)) for v in row], style=style)
    pdf.ln(3)


def _image(pdf: FPDF, png: bytes) -> None:
    width_px, height_px = Image.open(io.BytesIO(png)).size
    height = pdf.epw * height_px / width_px
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=pdf.epw, h=height)
    pdf.ln(3)


# ---- XLSX ------------------------------------------------------------------------------


def annual_xlsx(fig: dict, out) -> None:
    """The same report as sheets an office can edit: summary, results, respondents, units,
    comments."""
    o = fig["overall"]
    about = [
        [TITLE],
        [f"ประจำปีงบประมาณ พ.ศ. {fig['year']}"],
        [fig["office_name"]],
        [f"ระหว่างวันที่ {thai_date(fig['start'])} ถึง {thai_date(fig['end'])}"],
        [],
        ["ผู้ตอบแบบสำรวจ (คน)", o["n"]],
        ["ค่าเฉลี่ยโดยรวม", o["mean"]],
        ["S.D.", o["sd"]],
        ["ร้อยละความพึงพอใจ", o["percent_satisfied"]],
        ["ระดับความพึงพอใจ", o["band"] or ""],
        [],
        ["สรุปผลการสำรวจ"],
        [fig["summary"]],
        [],
        ["วัตถุประสงค์"],
        *([line] for line in purpose(fig)),
        [],
        ["วิธีการสำรวจ"],
        *([line] for line in method(fig)),
    ]
    people = []
    for d in fig["demographics"]:
        people += [[d["title"], "", ""], *([label, n, pct] for label, n, pct in d["rows"]), []]
    people += [["จำนวนผู้ตอบรายเดือน", "", ""], *([label, n, ""] for label, n in fig["months"])]
    unit_header = ["งานบริการ / จุดบริการ", "n", "ค่าเฉลี่ย (x̄)", "S.D.", "ร้อยละความพึงพอใจ", "ระดับ"]
    units = [
        [r["name"], r["n"], r["mean"], r["sd"], r["percent_satisfied"], r["band"] or ""]
        for r in [
            *fig["services"],
            {"name": "", "n": "", "mean": "", "sd": "", "percent_satisfied": "", "band": ""},
            *fig["counters"],
        ]
    ]
    notes = [
        [c.submitted_at.strftime("%Y-%m-%d %H:%M"), c.counter or NO_COUNTER, c.text]
        for c in fig["comments"]
    ]
    write_xlsx(
        out,
        [
            ("สรุป", ["รายการ", "ค่า"], about),
            ("ผลการประเมิน", tally_header(fig["scale"]), tally_rows(fig)),
            ("ข้อมูลผู้ตอบ", ["รายการ", "จำนวน (คน)", "ร้อยละ"], people),
            ("งานบริการและจุดบริการ", unit_header, units),
            ("ข้อเสนอแนะ", ["วันเวลาที่ตอบ", "จุดบริการ", "ข้อเสนอแนะ"], notes),
        ],
    )
