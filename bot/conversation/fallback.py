"""What the bot says when nothing else understood the message."""

from __future__ import annotations

from bot.conversation import menu
from bot.conversation.context import Context
from bot.events import Incoming
from bot.messages import Message, text
from bot.offices import Office
from bot.qa.handoff import hand_off
from bot.thai import compact

MIN_QUESTION = 4  # shorter than this ("?", "ครับ") is not a question to send to staff


def on_anything(office: Office, ctx: Context, event: Incoming) -> tuple[Context, list[Message]]:
    if event.kind == "text" and len(compact(event.text)) >= MIN_QUESTION:
        return ctx, hand_off(office, event)
    if event.kind == "sticker":
        body = "ขอบคุณสำหรับสติกเกอร์ค่ะ 😊 หากมีคำถาม พิมพ์มาได้เลยนะคะ"
    elif event.kind == "media":
        body = "ขออภัยค่ะ ตอนนี้ระบบอ่านได้เฉพาะข้อความ รบกวนพิมพ์เป็นข้อความแทนนะคะ"
    else:
        body = "ขออภัยค่ะ ระบบยังไม่เข้าใจข้อความนี้ 🙏\nลองพิมพ์ใหม่ให้สั้นลง หรือเลือกจากปุ่มด้านล่างได้เลยค่ะ"
    return ctx, [text(body, menu.quick_replies())]
