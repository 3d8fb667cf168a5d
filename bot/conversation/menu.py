"""What the bot can do, as the greeting, help text and quick replies show it.

Each capability adds its entry here, so greeting and help never promise what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.messages import Action, message_action


@dataclass(frozen=True)
class Entry:
    label: str  # quick-reply label (≤ 20 characters)
    says: str  # the text a tap sends
    explains: str  # one line in the help text


ENTRIES: list[Entry] = [
    Entry("ประเมินความพึงพอใจ", "ประเมิน", "ประเมินความพึงพอใจต่อการให้บริการ"),
    Entry("แบบวัด EIT", "EIT", "รับลิงก์แบบวัด EIT ของ ป.ป.ช."),
    Entry("ติดต่อ อบต.", "ติดต่อ", "ดูเวลาทำการ เบอร์โทร และที่อยู่ของสำนักงาน"),
    Entry("ช่วยเหลือ", "ช่วยเหลือ", "ดูว่าช่องทางนี้ช่วยอะไรได้บ้าง"),
    Entry("ข้อมูลของฉัน", "ข้อมูลของฉัน", "ดูหรือลบข้อมูลที่สำนักงานเก็บเกี่ยวกับท่าน"),
]


def quick_replies() -> list[Action]:
    return [message_action(e.label, e.says) for e in ENTRIES]


ASK_ANYTHING = "• พิมพ์คำถามได้เลย เช่น “เบี้ยผู้สูงอายุ” “จ่ายภาษีที่ดิน” ระบบจะตอบหรือส่งต่อให้เจ้าหน้าที่"


def bullet_list() -> str:
    return "\n".join([ASK_ANYTHING, *(f"• พิมพ์ “{e.says}” เพื่อ{e.explains}" for e in ENTRIES)])
