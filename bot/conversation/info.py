"""Help and the office's contact details."""

from __future__ import annotations

from bot.conversation import menu, privacy
from bot.conversation.context import Context
from bot.events import Incoming
from bot.messages import Message, text
from bot.offices import Office
from bot.thai import compact

HELP_WORDS = {"ช่วยเหลือ", "เมนู", "help", "menu", "วิธีใช้", "ทำอะไรได้บ้าง", "ใช้ยังไง"}
CONTACT_WORDS = ("ติดต่อ", "เบอร์โทร", "เวลาทำการ", "เปิดกี่โมง", "ปิดกี่โมง", "ที่อยู่อบต")
MAX_CONTACT_QUESTION = 16  # ติดต่ออบตยังไง, เบอร์โทรอบต: characters once compacted


def is_help(event: Incoming) -> bool:
    return compact(event.text) in HELP_WORDS or event.postback_data == "a=help"


def on_help(office: Office, ctx: Context, event: Incoming) -> tuple[Context, list[Message]] | None:
    if not is_help(event):
        return None
    body = f"{office.name} ช่วยท่านได้ดังนี้ค่ะ\n{menu.bullet_list()}"
    return ctx, [text(body, menu.quick_replies())]


def contact_text(office: Office) -> str:
    c = office.contact
    lines = [f"ติดต่อ {office.name}", f"🕗 เวลาทำการ: {c.hours}"]
    if c.phone:
        lines.append(f"📞 โทร: {c.phone}")
    if c.address:
        lines.append(f"📍 ที่อยู่: {c.address}")
    if c.website:
        lines.append(f"🌐 เว็บไซต์: {c.website}")
    lines.append("เหตุฉุกเฉินหรือเจ็บป่วยฉุกเฉิน โทร 1669 ได้ตลอด 24 ชั่วโมงค่ะ")
    lines.append(privacy.notice_line(office))
    return "\n".join(lines)


def on_contact(
    office: Office, ctx: Context, event: Incoming
) -> tuple[Context, list[Message]] | None:
    said = compact(event.text)
    # A longer question that mentions ติดต่อ (ติดต่อขออนุญาตก่อสร้าง) is for the FAQ.
    asks = len(said) <= MAX_CONTACT_QUESTION and any(w in said for w in CONTACT_WORDS)
    if not asks and event.postback_data != "a=contact":
        return None
    return ctx, [text(contact_text(office))]
