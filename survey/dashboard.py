"""The office dashboard on /admin: responses over time, per counter, per aspect and item,
comments, the year's target, EIT hand-outs; its charts as PNGs and its downloads. Every figure
comes from `tally` and survey/figures.py with the same filters, so it equals `tambon tally`."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    request,
    stream_with_context,
)

from bot import db
from bot.offices import Office
from bot.staff.auth import current_user, login_required
from privacy import audit
from survey import charts, exports, figures
from survey.definition import survey_for_office
from survey.fiscal import fiscal_year, fiscal_year_bounds, thai_short_date
from survey.store import BANGKOK
from survey.tally import Filters, eit_distributions, tally

bp = Blueprint("dashboard", __name__, url_prefix="/admin/dashboard", template_folder="templates")
COMMENTS_PER_PAGE = 20
WEEKS_IN_CHART = 12
CHARTS = {
    "weeks": "จำนวนผู้ตอบรายสัปดาห์",
    "aspects": "ค่าเฉลี่ยความพึงพอใจรายด้าน",
    "items": "ค่าเฉลี่ยความพึงพอใจรายข้อ",
    "counters": "จำนวนผู้ตอบแยกตามจุดบริการ",
}


@dataclass(frozen=True)
class Chosen:
    """The filters as the page shows them: dates in the form, and what was wrong with them."""

    date_from: date | None
    date_to: date | None
    counter: str | None
    errors: tuple[str, ...]

    def args(self) -> dict[str, str]:
        out = {"from": self.date_from, "to": self.date_to, "counter": self.counter}
        return {k: str(v) for k, v in out.items() if v}


def _office() -> Office:
    return current_app.extensions["tambon.offices"][current_user().office]


def _date(name: str, label: str, errors: list[str]) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label} “{raw}” ไม่ใช่วันที่ที่ถูกต้อง จึงไม่ได้ใช้กรองข้อมูล")
        return None


def chosen_filters(office: Office) -> Chosen:
    errors: list[str] = []
    date_from = _date("from", "วันที่เริ่มต้น", errors)
    date_to = _date("to", "วันที่สิ้นสุด", errors)
    if date_from and date_to and date_from > date_to:
        errors.append("วันที่เริ่มต้นอยู่หลังวันที่สิ้นสุด จึงสลับให้")
        date_from, date_to = date_to, date_from
    counter = request.args.get("counter") or None
    if counter is not None and office.counter(counter) is None:
        errors.append("ไม่พบจุดบริการที่เลือก จึงแสดงทุกจุดบริการ")
        counter = None
    return Chosen(date_from, date_to, counter, tuple(errors))


def _filters(office: Office, chosen: Chosen) -> Filters:
    survey = survey_for_office(office)
    return Filters(office.slug, survey.id, chosen.date_from, chosen.date_to, chosen.counter)


def dashboard_context(office: Office) -> dict:
    """What admin/index.html needs to show the dashboard."""
    chosen = chosen_filters(office)
    f = _filters(office, chosen)
    survey = survey_for_office(office)
    session = db.session()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    total_comments, shown = figures.comments(
        session, f, limit=COMMENTS_PER_PAGE, offset=(page - 1) * COMMENTS_PER_PAGE
    )
    year = fiscal_year(datetime.now(BANGKOK).date())
    return {
        "chosen": chosen,
        "figures": tally(session, f, survey),
        "weeks": figures.weekly_counts(session, f),
        "counters": figures.by_counter(session, f, office, survey.top),
        "flagged": figures.flagged(session, f),
        "eit": eit_distributions(session, office.slug, chosen.date_from, chosen.date_to),
        "comments": shown,
        "comments_total": total_comments,
        "page": page,
        "pages": max(1, -(-total_comments // COMMENTS_PER_PAGE)),
        "year": year,
        "year_bounds": fiscal_year_bounds(year),
        "year_count": figures.fiscal_year_responses(session, office.slug, survey.id, year),
        "target": office.survey.target,
        "charts": CHARTS,
        "channels": figures.CHANNELS,
        "counter_names": {c.code: c.name for c in office.counters},
        "short_date": thai_short_date,
    }


@bp.get("/chart/<name>.png")
@login_required
def chart(name: str):
    if name not in CHARTS:
        abort(404)
    office = _office()
    f = _filters(office, chosen_filters(office))
    survey = survey_for_office(office)
    session = db.session()
    if name == "weeks":
        weeks = figures.weekly_counts(session, f)[-WEEKS_IN_CHART:]
        labels = [thai_short_date(w, year=False).replace(" ", "\n") for w, _ in weeks]
        # Narrow, so that on a phone the picture shrinks less and the labels stay legible.
        png = charts.columns(labels, [n for _, n in weeks], width_px=720, height_px=480)
    elif name == "counters":
        rows = figures.by_counter(session, f, office, survey.top)
        png = charts.horizontal_bars(
            [r["name"] for r in rows], [r["n"] for r in rows], value_format="{:,.0f}", width_px=640
        )
    else:
        data = tally(session, f, survey)
        rows = data[name]
        labels = [r["title"] if name == "aspects" else r["text"] for r in rows]
        png = charts.horizontal_bars(labels, [r["mean"] for r in rows], xmax=5, width_px=640)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=300"})


@bp.get("/export.<fmt>")
@login_required
def export(fmt: str):
    what = request.args.get("what", "responses")
    if fmt not in {"csv", "xlsx"} or what not in {"responses", "tally"}:
        abort(404)
    office = _office()
    f = _filters(office, chosen_filters(office))
    survey = survey_for_office(office)
    session = db.session()
    if what == "tally":
        header, rows = (
            exports.tally_header(survey.scale),
            exports.tally_rows(tally(session, f, survey)),
        )
    else:
        header, rows = (
            exports.response_header(survey),
            exports.iter_responses(session, f, survey, office),
        )
    if what == "responses":
        user = current_user().username
        audit.record_export(office.slug, user, f"{what}.{fmt}", f.date_from, f.date_to)
    name = f"{office.slug}-{'ผลการประเมิน' if what == 'tally' else 'คำตอบ'}.{fmt}"
    disposition = (
        f"attachment; filename=\"{office.slug}-{what}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    )
    if fmt == "csv":
        body = stream_with_context(exports.csv_chunks(header, rows))
        return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})
    out = io.BytesIO()
    exports.write_xlsx(out, [("ผลการประเมิน" if what == "tally" else "คำตอบ", header, rows)])
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(out.getvalue(), mimetype=mimetype, headers={"Content-Disposition": disposition})


@bp.get("/annual.<fmt>")
@login_required
def annual(fmt: str):
    from survey.annual_report import annual_figures, annual_pdf, annual_xlsx

    if fmt not in {"pdf", "xlsx"}:
        abort(404)
    office = _office()
    year = request.args.get("year", type=int) or fiscal_year(datetime.now(BANGKOK).date())
    if not 2500 <= year <= 2700:
        abort(404)
    fig = annual_figures(db.session(), office, year)
    audit.record(office.slug, current_user().username, "annual-report", f"{year}.{fmt}")
    headers = {"Content-Disposition": f'attachment; filename="{office.slug}-annual-{year}.{fmt}"'}
    if fmt == "pdf":
        return Response(annual_pdf(fig), mimetype="application/pdf", headers=headers)
    out = io.BytesIO()
    annual_xlsx(fig, out)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(out.getvalue(), mimetype=mimetype, headers=headers)
