"""EIT: the NACC's survey of citizens about the office, handed out on request."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.events import Incoming
from bot.messages import Message, text
from bot.offices import Office
from bot.thai import compact
from survey import service

EIT_WORDS = {"eit", "แบบวัดeit", "ประเมินita", "ita", "แบบประเมินita", "แบบวัดita", "ทำeit", "ลิงก์eit"}


def on_eit(office: Office, ctx: Context, event: Incoming) -> tuple[Context, list[Message]] | None:
    if compact(event.text) not in EIT_WORDS and event.postback_data != "a=eit":
        return None
    intro = (
        "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT) เป็นแบบสอบถามของสำนักงาน ป.ป.ช. "
        "ให้ประชาชนที่เคยมาติดต่อประเมินความโปร่งใสของหน่วยงานค่ะ ใช้เวลาประมาณ 5 นาที"
    )
    return ctx, [text(intro), *service.offer_eit(office, "", event.event_id, "line")]
