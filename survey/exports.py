"""Raw responses and tally tables as CSV or XLSX, for offices that work in spreadsheets.

No personal data leaves: no LINE id, no respondent hash. Citizen text cannot run as a
formula: in CSV a cell that a spreadsheet would read as one gets a leading apostrophe; in
XLSX every text cell is written as a string. Responses stream in batches, so a year of a
busy office never sits in memory at once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.offices import Office
from survey.definition import DEMOGRAPHICS, Survey
from survey.figures import CHANNELS, local_time
from survey.models import Answer, Response
from survey.tally import Filters, _where

BATCH = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Progress = Callable[[int], None]
Row = list[object]


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# ---- responses -------------------------------------------------------------------------


def response_header(survey: Survey) -> list[str]:
    demographics = [DEMOGRAPHICS[key][0] for key in survey.demographics]
    items = [item.text for item in survey.items()]
    return [
        "รหัสคำตอบ",
        "วันเวลาที่ตอบ (เวลาประเทศไทย)",
        "ช่องทาง",
        "รหัสจุดบริการ",
        "จุดบริการ",
        *demographics,
        *items,
        "ข้อเสนอแนะ",
        "หมายเหตุ",
    ]


FLAGS = {"burst": "ส่งถี่จากเครือข่ายเดียวกัน"}


def count_responses(session: Session, f: Filters) -> int:
    return session.scalar(select(func.count()).select_from(Response).where(*_where(Response, f)))


def iter_responses(
    session: Session,
    f: Filters,
    survey: Survey,
    office: Office,
    *,
    batch: int = BATCH,
    progress: Progress | None = None,
) -> Iterator[Row]:
    """One row per response, oldest first, read `batch` at a time (keyset, not OFFSET)."""
    names = {c.code: c.name for c in office.counters}
    items = [item.id for item in survey.items()]
    last: tuple | None = None
    while True:
        query = select(Response).where(*_where(Response, f))
        if last is not None:
            at, rid = last
            query = query.where(
                or_(
                    Response.submitted_at > at, and_(Response.submitted_at == at, Response.id > rid)
                )
            )
        rows = session.scalars(
            query.order_by(Response.submitted_at, Response.id).limit(batch)
        ).all()
        if not rows:
            return
        answers = _answers(session, [r.id for r in rows])
        for r in rows:
            yield _response_row(r, survey, names, items, answers.get(r.id, {}))
        last = (rows[-1].submitted_at, rows[-1].id)
        session.expunge_all()  # keep memory flat over a million rows
        if progress:
            progress(len(rows))


def _answers(session: Session, ids: list[str]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    rows = session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value).where(Answer.response_id.in_(ids))
    )
    for rid, item, value in rows:
        found.setdefault(rid, {})[item] = value
    return found


def _response_row(
    r: Response, survey: Survey, names: dict[str, str], items: list[str], answers: dict
) -> Row:
    demographics = [
        DEMOGRAPHICS[key][1].get(getattr(r, key) or "", getattr(r, key) or "")
        for key in survey.demographics
    ]
    return [
        r.id,
        local_time(r.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
        CHANNELS.get(r.channel, r.channel),
        r.counter,
        names.get(r.counter, ""),
        *demographics,
        *(answers.get(item, "") for item in items),
        r.comment or "",
        FLAGS.get(r.flag or "", r.flag or ""),
    ]


# ---- tally -----------------------------------------------------------------------------


def tally_header(scale: dict[int, str]) -> list[str]:
    levels = sorted(scale, reverse=True)
    return [
        "ระดับ",
        "รายการ",
        "n",
        *(f"{scale[v]} ({v}) จำนวน" for v in levels),
        *(f"{scale[v]} ({v}) ร้อยละ" for v in levels),
        "ค่าเฉลี่ย (x̄)",
        "S.D.",
        "ร้อยละความพึงพอใจ",
        "ระดับความพึงพอใจ",
    ]


def tally_rows(figures: dict) -> list[Row]:
    """Each aspect followed by its items, items outside an aspect, then the overall line."""
    rows = []
    for aspect in figures["aspects"]:
        rows.append(_figure_row("ด้าน", aspect["title"], aspect))
        rows += [
            _figure_row("ข้อ", i["text"], i) for i in figures["items"] if i["aspect"] == aspect["id"]
        ]
    rows += [_figure_row("ข้อ", i["text"], i) for i in figures["items"] if i["aspect"] is None]
    rows.append(_figure_row("รวม", "ภาพรวม", figures["overall"]))
    return rows


def _figure_row(kind: str, label: str, f: dict) -> Row:
    blank = "" if f["mean"] is None else None
    return [
        kind,
        label,
        f["n"],
        *f["counts"].values(),
        *f["percents"].values(),
        blank if blank is not None else f["mean"],
        blank if blank is not None else f["sd"],
        blank if blank is not None else f["percent_satisfied"],
        f["band"] or "",
    ]


# ---- writers ---------------------------------------------------------------------------


def write_csv(out: IO[str], header: list[str], rows: Iterable[Row]) -> None:
    """UTF-8 with a BOM, so Excel opens Thai as Thai; `out` opened with newline=""."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])


def csv_chunks(header: list[str], rows: Iterable[Row], every: int = 500) -> Iterator[str]:
    """The CSV text in pieces, for a streamed HTTP answer."""
    buffer = io.StringIO()
    write_csv(buffer, header, ())
    writer = csv.writer(buffer)
    for i, row in enumerate(rows, 1):
        writer.writerow([neutralise(v) for v in row])
        if i % every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(out: IO[bytes] | str, sheets: list[tuple[str, list[str], Iterable[Row]]]) -> None:
    """One sheet per (title, header, rows); text is always a string cell, never a formula."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append([_xlsx_cell(sheet, h, bold=True) for h in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    book.save(out)


def _xlsx_cell(sheet, value: object, *, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make "=…" a formula
    if bold:
        cell.font = Font(bold=True)
    return cell
