"""Which handler answers an event. Pure: (office, context, event) → (context, replies)."""

from __future__ import annotations

from collections.abc import Callable

from bot.conversation import eit, fallback, faq, greeting, info, link, privacy, survey
from bot.conversation.context import Context
from bot.events import Incoming
from bot.limits import MAX_MESSAGES_PER_REQUEST
from bot.messages import Message
from bot.offices import Office

Result = tuple[Context, list[Message]]
Handler = Callable[[Office, Context, Incoming], Result | None]

# A conversation in a state (a survey under way) asks that state's handler first; it may
# decline (return None) so that, say, a question typed mid-survey is still answered.
STATE_HANDLERS: dict[str, Handler] = {"survey": survey.on_answer}
# When the state's handler declined, what to add so the conversation can resume.
STATE_REMINDERS: dict[str, Callable[[Office, Context], list[Message]]] = {"survey": survey.reminder}

# Tried in order for text and postbacks; the first that returns a result answers.
INTENTS: list[Handler] = [
    link.on_link_code,  # exactly six digits while an admin's code is live
    greeting.on_hello,
    info.on_help,
    info.on_contact,
    privacy.on_request,
    survey.on_start,
    eit.on_eit,
    faq.on_question,  # last: the knowledge base answers what no command took
]

SILENT = {
    "unfollow",
    "leave",
    "memberJoined",
    "memberLeft",
    "unsend",
    "videoPlayComplete",
    "beacon",
    "accountLink",
    "messageEdited",
}


def route(office: Office, ctx: Context, event: Incoming) -> Result:
    if event.standby or event.kind in SILENT:
        return (Context() if event.kind == "unfollow" else ctx), []
    if event.kind == "follow":
        return greeting.on_follow(office, ctx, event)
    if event.kind == "join":
        return greeting.on_join(office, ctx, event)
    if not event.one_to_one:
        # In groups the bot speaks only when asked, so a staff group is not flooded.
        answered = info.on_help(office, ctx, event) if event.kind == "text" else None
        return answered or (ctx, [])
    if event.kind not in {"text", "postback", "sticker", "media"}:
        return ctx, []
    state_handler = STATE_HANDLERS.get(ctx.state)
    if state_handler is not None:
        answered = state_handler(office, ctx, event)
        if answered is not None:
            return answered
    new_ctx, messages = _first_answer(office, ctx, event)
    reminder = STATE_REMINDERS.get(new_ctx.state)
    if reminder is not None:
        messages = [*messages, *reminder(office, new_ctx)][:MAX_MESSAGES_PER_REQUEST]
    return new_ctx, messages


def _first_answer(office: Office, ctx: Context, event: Incoming) -> Result:
    if event.kind in {"text", "postback"}:
        for intent in INTENTS:
            answered = intent(office, ctx, event)
            if answered is not None:
                return answered
    return fallback.on_anything(office, ctx, event)
