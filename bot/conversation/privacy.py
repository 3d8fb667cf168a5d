""" "ข้อมูลของฉัน" (what the office holds about me), "ลบข้อมูลของฉัน" (erase it, once
confirmed) and the privacy notice, in LINE."""

from __future__ import annotations

from flask import current_app

from bot.conversation.context import Context
from bot.events import Incoming
from bot.messages import Message, message_action, postback_action, text
from bot.offices import Office
from bot.thai import compact
from privacy import citizen

Result = tuple[Context, list[Message]]
SHOW_WORDS = {"ข้อมูลของฉัน", "ดูข้อมูลของฉัน", "ข้อมูลส่วนตัวของฉัน", "ขอดูข้อมูลของฉัน"}
ERASE_WORDS = {"ลบข้อมูลของฉัน", "ลบข้อมูลส่วนตัว", "ขอลบข้อมูลของฉัน", "ลบข้อมูลส่วนตัวของฉัน"}
NOTICE_WORDS = {"นโยบายความเป็นส่วนตัว", "ความเป็นส่วนตัว", "pdpa", "นโยบายคุ้มครองข้อมูลส่วนบุคคล"}
CONFIRM = "a=erase-confirm"
CANCEL = "ยกเลิกการลบ"
CITIZEN_ACTOR = "ประชาชน (ทาง LINE)"


def notice_url(office: Office) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/privacy/{office.slug}"


def notice_line(office: Office) -> str:
    return f"🔒 นโยบายความเป็นส่วนตัว: {notice_url(office)}"


def on_request(office: Office, ctx: Context, event: Incoming) -> Result | None:
    said = compact(event.text).lower()
    if said in SHOW_WORDS or event.postback_data == "a=mydata":
        return ctx, [_what_we_hold(office, event)]
    if said in ERASE_WORDS or event.postback_data == "a=erase":
        return ctx, [_ask_to_confirm()]
    if said in NOTICE_WORDS:
        return ctx, [text(f"{office.name} ดูแลข้อมูลส่วนบุคคลของท่านตามนี้ค่ะ\n{notice_url(office)}")]
    return _on_confirm(office, ctx, event)


def _on_confirm(office: Office, ctx: Context, event: Incoming) -> Result | None:
    """The button erases whatever the conversation's state: a retried job finds the state
    erased by its first run, and must still erase (again) and say so."""
    if event.postback_data == CONFIRM:
        citizen.erase(citizen.in_line(office, event.user_id), CITIZEN_ACTOR, "erase-by-citizen")
        body = (
            "ลบข้อมูลของท่านเรียบร้อยแล้วค่ะ 🙏\n"
            "คำถาม การสนทนาที่ค้างอยู่ และข้อความที่รอดำเนินการถูกลบทั้งหมด "
            "คะแนนแบบประเมินยังนับในผลรวมโดยไม่มีสิ่งใดเชื่อมถึงท่าน\n"
            "หากส่งข้อความมาอีก ระบบจะเริ่มเก็บใหม่ตามนโยบายความเป็นส่วนตัวค่ะ"
        )
        return Context(), [text(body)]
    if compact(event.text) == CANCEL:
        return ctx, [text("ยกเลิกแล้วค่ะ ข้อมูลของท่านยังอยู่ครบ")]
    return None


def _what_we_hold(office: Office, event: Incoming) -> Message:
    who = citizen.in_line(office, event.user_id)
    parts = [f"ข้อมูลที่ {office.name} เก็บเกี่ยวกับท่านค่ะ"]
    for name, lines in citizen.describe(who):
        if lines:
            parts.append(f"\n【{name}】\n" + "\n".join(lines))
    parts.append(
        f"\nรหัสอ้างอิงของท่าน: {citizen.reference(who)}\n"
        "(แจ้งรหัสนี้ที่จุดบริการ หากต้องการให้เจ้าหน้าที่ช่วยลบข้อมูล)\n"
        f"{notice_line(office)}"
    )
    actions = [message_action("ลบข้อมูลของฉัน"), message_action("นโยบายความเป็นส่วนตัว")]
    return text("\n".join(parts), actions)


def _ask_to_confirm() -> Message:
    body = (
        "ต้องการลบข้อมูลของท่านทั้งหมดใช่ไหมคะ\n"
        "• คำถามที่ส่งถึงเจ้าหน้าที่และคำตอบ (รวมคำถามที่ยังรอคำตอบ)\n"
        "• การสนทนาที่ค้างอยู่\n"
        "• รหัสที่เชื่อมคำตอบแบบประเมินกับท่าน และข้อเสนอแนะที่ท่านเขียน\n"
        "ลบแล้วกู้คืนไม่ได้ค่ะ"
    )
    actions = [
        postback_action("ยืนยันลบข้อมูล", CONFIRM, "ยืนยันลบข้อมูล"),
        message_action("ยกเลิก", CANCEL),
    ]
    return text(body, actions)
