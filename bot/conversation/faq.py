"""Questions answered from the office's knowledge base: answer, suggest, or leave to staff.

A confident match is answered; a likely one offers up to three topics as quick replies
(tapping one answers it); anything else falls through to the fallback, which hands the
question to staff. After an answer or suggestions the citizen can still say "none of these"
and the question goes to staff, so a wrong guess never leaves them stuck.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qsl, urlencode

from bot.conversation.context import Context
from bot.events import Incoming
from bot.faq.knowledge import Entry
from bot.faq.office import office_matcher
from bot.limits import fit
from bot.messages import Message, postback_action, text, uri_action, with_quick_replies
from bot.offices import Office
from bot.qa.handoff import hand_off, record_outcome

Result = tuple[Context, list[Message]]
ASKED = "faq_question"  # the question behind the last answer or suggestions, for "to staff"
MAX_TEMPLATE_TEXT = 160  # a buttons template without title or image

SMALLTALK_REPLY = "ยินดีค่ะ 😊 หากมีข้อสงสัยเรื่องงานของสำนักงาน พิมพ์ถามมาได้เลยนะคะ"
SUGGEST_INTRO = "ขออภัยค่ะ ไม่แน่ใจว่าท่านหมายถึงเรื่องใด ลองเลือกหัวข้อที่ตรงที่สุดด้านล่างนะคะ"
SUGGEST_LIST = "\n".join(["{intro}", "", "{lines}"])
NONE_OF_THESE = "ไม่ตรง ถามเจ้าหน้าที่"
NOT_WHAT_I_ASKED = "ยังไม่ตรง ถามเจ้าหน้าที่"
GONE = "ขออภัยค่ะ หัวข้อนี้ไม่มีแล้ว รบกวนพิมพ์คำถามอีกครั้งนะคะ"


def on_question(office: Office, ctx: Context, event: Incoming) -> Result | None:
    if event.kind == "postback":
        return _on_postback(office, ctx, event)
    if event.kind != "text":
        return None
    matcher = office_matcher(office)
    if matcher is None:
        return None
    match = matcher.ask(event.text)
    if match.status == "smalltalk":
        record_outcome(office, event, "smalltalk")
        return ctx, [text(SMALLTALK_REPLY)]
    if match.status == "answer":
        record_outcome(office, event, "answer", match.entry_id)
        return _remember(ctx, event.text), answer(matcher.entries[match.entry_id])
    if match.status == "suggest":
        record_outcome(office, event, "suggest")
        entries = [matcher.entries[i] for i in match.suggestions]
        return _remember(ctx, event.text), [suggestions(entries)]
    return None  # fallback: the router's last handler hands the question to staff


def answer(entry: Entry) -> list[Message]:
    """The entry's answer, its links as buttons, and a way to ask staff instead."""
    staff = [postback_action(NOT_WHAT_I_ASKED, urlencode({"a": "faq", "staff": "1"}))]
    if not entry.links:
        return [text(entry.answer, staff)]
    buttons = {
        "type": "buttons",
        "text": fit(f"ลิงก์เกี่ยวกับเรื่อง{entry.question}", MAX_TEMPLATE_TEXT),
        "actions": [uri_action(link.label, link.url) for link in entry.links],
    }
    links = {"type": "template", "altText": "ลิงก์ที่เกี่ยวข้อง", "template": buttons}
    return [text(entry.answer), with_quick_replies(links, staff)]


def suggestions(entries: list[Entry]) -> Message:
    lines = "\n".join(f"{n}. {e.question}" for n, e in enumerate(entries, start=1))
    actions = [
        postback_action(f"{n}. {e.question}", _data(e.id), display_text=e.question)
        for n, e in enumerate(entries, start=1)
    ]
    actions.append(postback_action(NONE_OF_THESE, urlencode({"a": "faq", "staff": "1"})))
    return text(SUGGEST_LIST.format(intro=SUGGEST_INTRO, lines=lines), actions)


def _on_postback(office: Office, ctx: Context, event: Incoming) -> Result | None:
    data = dict(parse_qsl(event.postback_data))
    if data.get("a") != "faq":
        return None
    asked = ctx.data.get(ASKED, "")
    rest = {k: v for k, v in ctx.data.items() if k != ASKED}
    if data.get("staff"):
        if not asked:
            return ctx, [text("รบกวนพิมพ์คำถามที่ต้องการถามเจ้าหน้าที่มาได้เลยค่ะ")]
        question = dataclasses.replace(event, kind="text", text=asked, postback_data="")
        return dataclasses.replace(ctx, data=rest), hand_off(office, question)
    matcher = office_matcher(office)
    entry = matcher.entries.get(data.get("id", "")) if matcher else None
    if entry is None:
        return ctx, [text(GONE)]
    record_outcome(office, event, "picked", entry.id)
    return _remember(ctx, asked), answer(entry)


def _remember(ctx: Context, question: str) -> Context:
    return dataclasses.replace(ctx, data={**ctx.data, ASKED: question})


def _data(entry_id: str) -> str:
    return urlencode({"a": "faq", "id": entry_id})
