"""The weekly tally for admins: gather last week's figures, draw the chart, build the Flex
message. Sending and exactly-once live in workers/weekly.py."""

from __future__ import annotations

import re
import struct
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.exceptions import TambonError
from bot.limits import MAX_ALT_TEXT, fit
from bot.messages import Message, uri_action
from bot.offices import Office
from bot.qa.models import Question
from survey import charts
from survey.definition import survey_for_office
from survey.fiscal import SHORT_MONTHS, to_be
from survey.models import Response, ResponseTally
from survey.store import BANGKOK
from survey.tally import Filters, eit_distributions, tally

CHART_MAX_AGE = 30 * 24 * 3600  # LINE keeps showing old messages: the chart link must last
HISTORY_WEEKS = 8
NEWEST_COMMENTS = 3
COMMENT_CHARS = 80
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class BadWeek(TambonError):
    """A week written other than YYYY-Www, or one the calendar does not have."""


def parse_week(text: str) -> date:
    """The Monday of an ISO week written YYYY-Www (2026-W47)."""
    match = _WEEK.match(text.strip())
    try:
        if match is None:
            raise ValueError
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise BadWeek(
            f"สัปดาห์ {text!r} ไม่ถูกต้อง ต้องเขียนแบบ YYYY-Www เช่น 2026-W47 "
            f"(bad week {text!r}: expected YYYY-Www, e.g. 2026-W47)"
        ) from None


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def last_completed_week(now: datetime) -> date:
    """The Monday of the last ISO week that has ended, in Asia/Bangkok."""
    today = now.astimezone(BANGKOK).date()
    return today - timedelta(days=today.weekday() + 7)


def send_moment(office: Office, now: datetime) -> datetime:
    """When this week's report (on last week) is due, in Asia/Bangkok."""
    today = now.astimezone(BANGKOK).date()
    day = today - timedelta(days=today.weekday()) + timedelta(days=office.weekly_report.weekday)
    hour, minute = map(int, office.weekly_report.time.split(":"))
    return datetime.combine(day, time(hour, minute), BANGKOK)


def thai_day(day: date, *, year: bool = True) -> str:
    shown = f"{day.day} {SHORT_MONTHS[day.month - 1]}"
    return f"{shown} {to_be(day.year)}" if year else shown


def thai_range(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    if monday.month == sunday.month:
        return f"{monday.day}–{thai_day(sunday)}"
    return f"{thai_day(monday, year=monday.year != sunday.year)} – {thai_day(sunday)}"


@dataclass(frozen=True)
class WeeklyFigures:
    """Everything the message and chart show, as JSON-ready values (stored with the report)."""

    office: str
    office_name: str
    week: str
    date_from: str
    date_to: str
    responses: int
    responses_last_week: int
    mean: float | None
    band: str | None
    percent_satisfied: float | None
    best: dict | None  # {"text", "mean"}
    weakest: dict | None
    per_counter: list[dict]  # [{"code", "name", "responses"}]
    comments: int
    newest_comments: list[str]
    eit: int
    eit_by_counter: dict[str, int]
    unanswered: int
    history: list[dict]  # [{"week", "monday", "responses"}], oldest first, this week last

    def to_json(self) -> dict:
        return asdict(self)


def gather(session: Session, office: Office, monday: date) -> WeeklyFigures:
    sunday = monday + timedelta(days=6)
    current = survey_for_office(office)
    figures = tally(session, Filters(office.slug, current.id, monday, sunday), current)
    history = _responses_per_week(session, office.slug, current.id, monday)
    rated = [i for i in figures["items"] if i["mean"] is not None]
    best = max(rated, key=lambda i: i["mean"], default=None)
    weakest = min(rated, key=lambda i: i["mean"], default=None)
    comments = _comments(session, office.slug, monday, sunday)
    eit = eit_distributions(session, office.slug, monday, sunday)
    overall = figures["overall"]
    return WeeklyFigures(
        office=office.slug,
        office_name=office.name,
        week=week_label(monday),
        date_from=monday.isoformat(),
        date_to=sunday.isoformat(),
        responses=overall["n"],
        responses_last_week=history[-2]["responses"],
        mean=overall["mean"],
        band=overall["band"],
        percent_satisfied=overall["percent_satisfied"],
        best=best and {"text": best["text"], "mean": best["mean"]},
        weakest=weakest and {"text": weakest["text"], "mean": weakest["mean"]},
        per_counter=_per_counter(session, office, current.id, monday, sunday),
        comments=len(comments),
        newest_comments=[
            fit(" ".join(c.split()), COMMENT_CHARS) for c in comments[:NEWEST_COMMENTS]
        ],
        eit=eit["total"],
        eit_by_counter=eit["by_counter"],
        unanswered=_unanswered(session, office.slug),
        history=history,
    )


def _responses_per_week(session: Session, office: str, survey_id: str, monday: date) -> list[dict]:
    first = monday - timedelta(weeks=HISTORY_WEEKS - 1)
    rows = session.execute(
        select(ResponseTally.day, func.sum(ResponseTally.count))
        .where(
            ResponseTally.office == office,
            ResponseTally.survey_id == survey_id,
            ResponseTally.day >= first,
            ResponseTally.day <= monday + timedelta(days=6),
        )
        .group_by(ResponseTally.day)
    )
    per_week: dict[date, int] = defaultdict(int)
    for day, count in rows:
        per_week[day - timedelta(days=day.weekday())] += int(count)
    weeks = [first + timedelta(weeks=i) for i in range(HISTORY_WEEKS)]
    return [
        {"week": week_label(w), "monday": w.isoformat(), "responses": per_week[w]} for w in weeks
    ]


def _per_counter(
    session: Session, office: Office, survey_id: str, monday: date, sunday: date
) -> list[dict]:
    rows = session.execute(
        select(ResponseTally.counter, func.sum(ResponseTally.count))
        .where(
            ResponseTally.office == office.slug,
            ResponseTally.survey_id == survey_id,
            ResponseTally.day >= monday,
            ResponseTally.day <= sunday,
        )
        .group_by(ResponseTally.counter)
    )
    counts = {code: int(n) for code, n in rows}
    listed = [
        {"code": c.code, "name": c.name, "responses": counts.pop(c.code, 0)}
        for c in office.counters
    ]
    # Responses from a counter no longer configured, or from none, are still shown.
    listed += [
        {"code": code, "name": f"จุด {code}" if code else "ไม่ระบุจุดบริการ", "responses": n}
        for code, n in sorted(counts.items())
    ]
    return listed


def _comments(session: Session, office: str, monday: date, sunday: date) -> list[str]:
    return list(
        session.scalars(
            select(Response.comment)
            .where(
                Response.office == office,
                Response.day >= monday,
                Response.day <= sunday,
                Response.comment.is_not(None),
            )
            .order_by(Response.submitted_at.desc())
        )
    )


def _unanswered(session: Session, office: str) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Question)
        .where(Question.office == office, Question.status == "open")
    )


# The chart ------------------------------------------------------------------------------


def chart_png(figures: WeeklyFigures) -> bytes:
    """Responses per week, the last eight weeks, this week in LINE green. LINE shows Flex
    images up to 1024 px a side."""
    labels = [thai_day(date.fromisoformat(w["monday"]), year=False) for w in figures.history]
    values = [w["responses"] for w in figures.history]
    return charts.columns(
        labels,
        values,
        title="จำนวนผู้ตอบแบบสำรวจรายสัปดาห์ (8 สัปดาห์ล่าสุด)",
        highlight_last=True,
        width_px=960,
        height_px=540,
    )


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    return struct.unpack(">II", png[16:24])


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="tambon.weekly-chart")


def chart_token(secret: str, office: str, week: str) -> str:
    return _serializer(secret).dumps([office, week])


def read_chart_token(secret: str, token: str, max_age: int = CHART_MAX_AGE) -> tuple[str, str]:
    """(office, week); raises SignatureExpired when old, BadSignature when forged."""
    office, week = _serializer(secret).loads(token, max_age=max_age)
    return str(office), str(week)


# The message ----------------------------------------------------------------------------


def _text(body: str, **style) -> dict:
    return {"type": "text", "text": body or "—", "wrap": True, **style}


def _row(label: str, value: str) -> dict:
    return {
        "type": "box",
        "layout": "horizontal",
        "spacing": "md",
        "contents": [
            _text(label, size="sm", color=charts.MUTED_COLOUR, flex=5),
            _text(value, size="sm", flex=6, align="end"),
        ],
    }


def _section(title: str, rows: list[dict]) -> list[dict]:
    heading = _text(title, weight="bold", size="sm", margin="lg")
    return [{"type": "separator", "margin": "lg"}, heading, *rows]


def _number(value: float | None, pattern: str = "{:.2f}") -> str:
    return "—" if value is None else pattern.format(value)


def _item(item: dict | None) -> str:
    return "—" if item is None else f"{item['text']} ({item['mean']:.2f})"


def _summary_rows(f: WeeklyFigures) -> list[dict]:
    mean = "—" if f.mean is None else f"{f.mean:.2f} จาก 5 ({f.band})"
    return [
        _row("ผู้ตอบแบบสำรวจ", f"{f.responses:,} ราย"),
        _row("สัปดาห์ก่อนหน้า", f"{f.responses_last_week:,} ราย"),
        _row("ความพึงพอใจเฉลี่ย", mean),
        _row("ร้อยละความพึงพอใจ", _number(f.percent_satisfied, "{:.2f}%")),
    ]


def _detail_sections(f: WeeklyFigures) -> list[dict]:
    out = _section(
        "ผลรายข้อ",
        [
            _row("คะแนนสูงสุด", _item(f.best)),
            _row("ควรปรับปรุง", _item(f.weakest)),
        ],
    )
    counters = [_row(c["name"], f"{c['responses']:,} ราย") for c in f.per_counter]
    out += _section("ผู้ตอบแยกตามจุดบริการ", counters or [_row("ทุกจุด", f"{f.responses:,} ราย")])
    comments = [_text(f"“{c}”", size="xs", color="#555555") for c in f.newest_comments]
    out += _section(f"ความคิดเห็นใหม่ {f.comments:,} รายการ", comments)
    out += _section(
        "อื่น ๆ",
        [
            _row("แจกลิงก์/QR แบบวัด EIT", f"{f.eit:,} ครั้ง"),
            _row("คำถามที่รอเจ้าหน้าที่ตอบ", f"{f.unanswered:,} ข้อ"),
        ],
    )
    return out


def alt_text(f: WeeklyFigures) -> str:
    mean = "" if f.mean is None else f" ความพึงพอใจเฉลี่ย {f.mean:.2f} ({f.band})"
    body = (
        f"สรุปผลประจำสัปดาห์ {thai_range(date.fromisoformat(f.date_from))} "
        f"{f.office_name}: ผู้ตอบแบบสำรวจ {f.responses:,} ราย{mean} "
        f"คำถามรอตอบ {f.unanswered:,} ข้อ"
    )
    return fit(body, MAX_ALT_TEXT)


def build_message(
    f: WeeklyFigures, *, base_url: str, chart_url: str, chart_size: tuple[int, int]
) -> Message:
    """A Flex bubble in Thai. LINE fetches images over HTTPS only: on an http deployment
    (demo, development) the chart is a button that opens it instead."""
    header = [
        _text("สรุปผลประจำสัปดาห์", weight="bold", size="lg", color=charts.BAR_COLOUR),
        _text(f.office_name, weight="bold", size="sm"),
        _text(
            f"{thai_range(date.fromisoformat(f.date_from))} ({f.week})",
            size="xs",
            color=charts.MUTED_COLOUR,
        ),
    ]
    buttons = [
        {
            "type": "button",
            "style": "primary",
            "color": charts.BAR_COLOUR,
            "action": uri_action("เปิดแดชบอร์ด", f"{base_url}/admin/"),
        }
    ]
    bubble: dict = {
        "type": "bubble",
        "size": "mega",
        "header": {"type": "box", "layout": "vertical", "spacing": "xs", "contents": header},
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [*_summary_rows(f), *_detail_sections(f)],
        },
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons},
    }
    if chart_url.startswith("https://"):
        width, height = chart_size
        bubble["hero"] = {
            "type": "image",
            "url": chart_url,
            "size": "full",
            "aspectMode": "fit",
            "aspectRatio": f"{width}:{height}",
            "action": uri_action("ดูกราฟ", chart_url),
        }
    else:
        buttons.append(
            {"type": "button", "style": "link", "action": uri_action("ดูกราฟ", chart_url)}
        )
    return {"type": "flex", "altText": alt_text(f), "contents": bubble}
