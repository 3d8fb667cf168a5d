"""The satisfaction survey in LINE: consent, one item per message, optional demographics and
comment, then thanks and the EIT link. State lives in the conversation context (30 min).

Postback data carries survey, version, item, value and the session id, so a stale tap
from an older session is recognised and never counted.
"""

from __future__ import annotations

import copy
import re
import secrets
from urllib.parse import parse_qsl, urlencode

from bot.conversation.context import Context
from bot.events import Incoming
from bot.messages import Message, postback_action, text
from bot.offices import Office
from bot.thai import compact, normalise
from survey import service
from survey.definition import DEMOGRAPHICS, Survey, survey_for_office

START_WORDS = {"ประเมิน", "แบบประเมิน", "ประเมินความพึงพอใจ", "ทำแบบประเมิน", "แบบสอบถาม"}
STOP_WORDS = {"หยุด", "หยุดทำ", "ยกเลิก", "เลิก", "ไม่ทำแล้ว"}
NONE_WORDS = {"ไม่มี", "ไม่มีค่ะ", "ไม่มีครับ", "-", "ไม่"}
COUNTER_REF = re.compile(r"จุดบริการ\s*:?\s*([A-Za-z0-9_-]{1,20})")
Result = tuple[Context, list[Message]]


# --- steps ------------------------------------------------------------------------------
def steps(survey: Survey) -> list[tuple[str, str]]:
    """("item", id) for each rated item, ("demo", key) for each demographic, ("comment", "")."""
    out = [("item", item.id) for item in survey.items()]
    out += [("demo", key) for key in survey.demographics]
    return [*out, ("comment", "")] if survey.comment else out


def _data(ctx: Context, **extra: str) -> str:
    return urlencode({"sid": ctx.data["sid"], **extra})


def _nav_actions(ctx: Context, step: int) -> list[dict]:
    actions = [postback_action("↩ ย้อนกลับ", _data(ctx, nav="back"), "ย้อนกลับ")] if step > 0 else []
    return [*actions, postback_action("หยุดทำ", _data(ctx, nav="stop"), "หยุดทำแบบประเมิน")]


def ask(survey: Survey, ctx: Context) -> Message:
    """The message for the step the citizen is on."""
    step = ctx.data["step"]
    kind, key = steps(survey)[step]
    if kind == "item":
        return _ask_item(survey, ctx, step, key)
    if kind == "demo":
        title, options = DEMOGRAPHICS[key]
        chips = [
            postback_action(label, _data(ctx, d=key, val=code), label)
            for code, label in options.items()
        ]
        chips.append(postback_action("ข้าม", _data(ctx, d=key, val=""), "ข้าม"))
        body = f"ข้อมูลทั่วไป (ไม่ตอบก็ได้ค่ะ)\n{title}ของท่าน"
        return text(body, [*chips, *_nav_actions(ctx, step)])
    body = f"{survey.comment}\nพิมพ์ข้อเสนอแนะได้เลยค่ะ หรือกด “ไม่มี”"
    return text(
        body, [postback_action("ไม่มี", _data(ctx, comment="none"), "ไม่มี"), *_nav_actions(ctx, step)]
    )


def _ask_item(survey: Survey, ctx: Context, step: int, item_id: str) -> Message:
    item = next(i for i in survey.items() if i.id == item_id)
    aspect = survey.aspect_of(item_id)
    heading = f"ข้อ {step + 1}/{len(survey.items())}" + (f" · {aspect.title}" if aspect else "")
    chips = [
        postback_action(
            f"{value} {label}",
            urlencode(
                {
                    "sv": survey.id,
                    "v": survey.version,
                    "i": item_id,
                    "val": value,
                    "sid": ctx.data["sid"],
                }
            ),
            f"{value} {label}",
        )
        for value, label in sorted(survey.scale.items(), reverse=True)
    ]
    return text(f"{heading}\n{item.text}", [*chips, *_nav_actions(ctx, step)])


# --- starting ---------------------------------------------------------------------------
def wants_to_start(event: Incoming) -> bool:
    said = compact(event.text)
    from_counter_qr = said.startswith("ประเมิน") and COUNTER_REF.search(normalise(event.text))
    return bool(
        said in START_WORDS
        or said.startswith("ประเมินความพึงพอใจ")
        or from_counter_qr
        or event.postback_data == "a=survey"
    )


def on_start(office: Office, ctx: Context, event: Incoming) -> Result | None:
    if not wants_to_start(event):
        return None
    survey = survey_for_office(office)
    counter = _counter(office, event.text)
    who = service.respondent(office, event.user_id)
    if service.already_answered(office, survey, who, counter):
        where = f" {office.counter(counter).name}" if counter else ""
        body = f"ท่านได้ประเมินความพึงพอใจ{where}ในรอบนี้แล้วค่ะ ขอบคุณมากนะคะ 🙏"
        return ctx, [text(body), *service.offer_eit(office, counter, event.event_id, "line")]
    service.register(office, survey)
    started = Context(
        "survey",
        {
            "sid": secrets.token_hex(5),
            "v": survey.version,
            "counter": counter,
            "respondent": who,
            "step": -1,
            "answers": {},
            "demo": {},
        },
    )
    where = f"\nจุดบริการ: {office.counter(counter).name}" if counter else ""
    notice = f"{survey.title}{where}\n\n{survey.privacy_notice.strip()}\n\nใช้เวลาประมาณ 2 นาทีค่ะ"
    consent = [
        postback_action("ยินยอม เริ่มประเมิน", _data(started, consent="yes"), "ยินยอมและเริ่มประเมิน"),
        postback_action("ไม่ยินยอม", _data(started, consent="no"), "ไม่ยินยอม"),
    ]
    return started, [text(notice, consent)]


def _counter(office: Office, said: str) -> str:
    match = COUNTER_REF.search(normalise(said))
    return match.group(1) if match and office.counter(match.group(1)) else ""


# --- answering --------------------------------------------------------------------------
def on_answer(office: Office, ctx: Context, event: Incoming) -> Result | None:
    """Handle the citizen's move in the survey; None when the message is about something else."""
    survey = survey_for_office(office)
    ctx = Context(ctx.state, copy.deepcopy(ctx.data))  # the caller's context stays as it was
    if ctx.data.get("v") != survey.version:
        return Context(), [text("แบบประเมินมีการปรับปรุง รบกวนเริ่มใหม่โดยพิมพ์ “ประเมิน” นะคะ")]
    if event.kind == "postback":
        data = dict(parse_qsl(event.postback_data))
        if data.get("sid") != ctx.data["sid"]:
            return (
                None
                if "sid" not in data
                else (ctx, [text("ปุ่มนี้เป็นของแบบประเมินชุดก่อนค่ะ"), ask(survey, ctx)])
            )
        return _on_postback(office, survey, ctx, data)
    if event.kind != "text":
        return None
    return _on_text(office, survey, ctx, event.text)


def _on_postback(office: Office, survey: Survey, ctx: Context, data: dict) -> Result:
    step = ctx.data["step"]
    if data.get("consent") == "no" or data.get("nav") == "stop":
        return Context(), [text("ยกเลิกแบบประเมินแล้วค่ะ หากพร้อมเมื่อไร พิมพ์ “ประเมิน” ได้เลยนะคะ")]
    if data.get("consent") == "yes" and step == -1:
        return _advance(office, survey, ctx)
    if data.get("nav") == "back" and step > 0:
        ctx.data["step"] = step - 1
        return ctx, [ask(survey, ctx)]
    if step < 0:
        return ctx, [text("กรุณากด “ยินยอม เริ่มประเมิน” ก่อนนะคะ")]
    kind, key = steps(survey)[step]
    if kind == "item" and data.get("i") == key and data.get("val", "").isdigit():
        return _record(office, survey, ctx, "answers", key, int(data["val"]))
    if kind == "demo" and data.get("d") == key:
        return _record(office, survey, ctx, "demo", key, data.get("val", ""))
    if kind == "comment" and data.get("comment") == "none":
        return _finish(office, survey, ctx, comment="")
    return ctx, [ask(survey, ctx)]  # a tap on an older question: show where we are


def _on_text(office: Office, survey: Survey, ctx: Context, said: str) -> Result | None:
    step, word = ctx.data["step"], compact(said)
    if word in STOP_WORDS:
        return Context(), [text("ยกเลิกแบบประเมินแล้วค่ะ หากพร้อมเมื่อไร พิมพ์ “ประเมิน” ได้เลยนะคะ")]
    if step < 0:
        return None
    kind, key = steps(survey)[step]
    if kind == "item":
        value = _typed_value(survey, word)
        return None if value is None else _record(office, survey, ctx, "answers", key, value)
    if kind == "comment":
        return _finish(office, survey, ctx, comment="" if word in NONE_WORDS else said.strip())
    return None


def _typed_value(survey: Survey, word: str) -> int | None:
    """An answer typed instead of tapped: '5', 'มากที่สุด', '4 มาก'."""
    if word.isdigit() and int(word) in survey.scale:
        return int(word)
    labels = {compact(label): value for value, label in survey.scale.items()}
    return labels.get(word.lstrip("0123456789"))


def _record(office: Office, survey: Survey, ctx: Context, where: str, key: str, value) -> Result:
    if where == "answers" and value not in survey.scale:
        return ctx, [ask(survey, ctx)]
    if value != "":
        ctx.data[where][key] = value
    return _advance(office, survey, ctx)


def _advance(office: Office, survey: Survey, ctx: Context) -> Result:
    ctx.data["step"] += 1
    if ctx.data["step"] >= len(steps(survey)):
        return _finish(office, survey, ctx, comment="")
    return ctx, [ask(survey, ctx)]


def _finish(office: Office, survey: Survey, ctx: Context, comment: str) -> Result:
    response_id = service.submit(office, survey, ctx.data, comment, channel="line")
    thanks = "ขอบคุณมากค่ะ 🙏 ระบบบันทึกความคิดเห็นของท่านแล้ว\nคำตอบไม่ระบุตัวตน และจะนำไปปรับปรุงการให้บริการค่ะ"
    eit = service.offer_eit(office, ctx.data["counter"], response_id, "after-survey")
    return Context(), [text(thanks), *eit]


def reminder(office: Office, ctx: Context) -> list[Message]:
    """Appended when a message mid-survey was about something else: the survey waits."""
    survey = survey_for_office(office)
    if ctx.data.get("v") != survey.version or ctx.data.get("step", -1) < 0:
        return []
    return [ask(survey, ctx)]
