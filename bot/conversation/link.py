"""An admin links their LINE account by typing the one-time code from their /admin page."""

from __future__ import annotations

import re

from bot.conversation.context import Context
from bot.events import Incoming
from bot.messages import Message, text
from bot.offices import Office
from bot.staff import linking
from bot.thai import compact

_CODE = re.compile(rf"^\d{{{linking.CODE_DIGITS}}}$")
_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


def on_link_code(
    office: Office, ctx: Context, event: Incoming
) -> tuple[Context, list[Message]] | None:
    code = compact(event.text)  # Thai digits (๑๒๓…) count as digits
    if event.kind != "text" or not _CODE.match(code) or not linking.codes_pending(office.slug):
        return None
    user = linking.redeem(office.slug, code, event.user_id)
    if user is None:
        return ctx, [
            text("รหัสเชื่อมบัญชีไม่ถูกต้องหรือหมดอายุแล้วค่ะ กรุณาขอรหัสใหม่ที่หน้าผู้ดูแลระบบ แล้วส่งมาภายใน 10 นาทีนะคะ")
        ]
    return ctx, [text(_linked(office, user.username))]


def _linked(office: Office, username: str) -> str:
    schedule = office.weekly_report
    when = (
        f"ทุกวัน{_WEEKDAYS[schedule.weekday]} เวลา {schedule.time} น."
        if schedule.enabled
        else "เมื่อสำนักงานเปิดการส่งรายงาน"
    )
    return (
        f"เชื่อมบัญชี LINE นี้กับผู้ใช้ {username} ของ{office.name}เรียบร้อยแล้วค่ะ\n"
        f"ท่านจะได้รับสรุปผลแบบสำรวจประจำสัปดาห์ทางแชตนี้{when}\n"
        "ยกเลิกการเชื่อมได้ที่หน้าผู้ดูแลระบบค่ะ"
    )
