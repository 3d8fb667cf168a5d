"""Follow, join and hello."""

from __future__ import annotations

from bot.conversation import menu, privacy
from bot.conversation.context import Context
from bot.events import Incoming
from bot.messages import Message, text
from bot.offices import Office
from bot.thai import compact

HELLO = {"สวัสดี", "หวัดดี", "ดีจ้า", "ดีค่ะ", "ดีครับ", "hello", "hi", "สวัสดีตอนเช้า"}
THANKS = {"ขอบคุณ", "ขอบใจ", "ขอบคุณมาก", "thank", "thanks", "thankyou", "ok", "โอเค", "ได้เลย"}


def on_follow(office: Office, ctx: Context, _event: Incoming) -> tuple[Context, list[Message]]:
    body = (
        f"สวัสดีค่ะ 🙏 ขอบคุณที่เพิ่ม {office.name} เป็นเพื่อนนะคะ\n\n"
        f"ช่องทางนี้ช่วยท่านได้ดังนี้ค่ะ\n{menu.bullet_list()}\n\n"
        "เลือกจากปุ่มด้านล่าง หรือพิมพ์ข้อความมาได้เลยค่ะ\n\n"
        f"{privacy.notice_line(office)}"
    )
    return Context(), [text(body, menu.quick_replies())]


def on_join(office: Office, ctx: Context, _event: Incoming) -> tuple[Context, list[Message]]:
    body = (
        f"สวัสดีค่ะ ขอบคุณที่เชิญ {office.name} เข้ากลุ่มนะคะ\n"
        "ในกลุ่ม ระบบจะตอบเมื่อมีคนพิมพ์ “ช่วยเหลือ” เท่านั้น เพื่อไม่รบกวนการสนทนาค่ะ"
    )
    return ctx, [text(body)]


def on_hello(office: Office, ctx: Context, event: Incoming) -> tuple[Context, list[Message]] | None:
    said = compact(event.text).strip(",.!?")
    if said in HELLO or (len(said) <= 16 and said.startswith(tuple(HELLO))):
        body = f"สวัสดีค่ะ {office.name} ยินดีให้บริการค่ะ มีอะไรให้ช่วยไหมคะ"
        return ctx, [text(body, menu.quick_replies())]
    if said in THANKS:
        return ctx, [text("ยินดีค่ะ 😊 หากมีข้อสงสัยเพิ่มเติม พิมพ์มาได้ตลอดนะคะ")]
    return None
