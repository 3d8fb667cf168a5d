"""The Messaging API endpoints the bot uses, answering as LINE would, and recording each call.

Mounted at /_fakeline when FAKE_LINE is on; point LINE_API_BASE_URL there.
"""

from __future__ import annotations

import time
import uuid
from functools import wraps

from flask import Blueprint, Response, current_app, g, jsonify, request

from bot.fakeline.checks import CHAT_ID, USER_ID, UUID, check_action, check_messages
from bot.fakeline.state import FakeLineState, Fault
from workers.queues import redis

bp = Blueprint("fakeline", __name__, url_prefix="/_fakeline")
RICH_MENU_SIZES = {(2500, 1686), (2500, 843), (1200, 810), (1200, 405), (800, 540), (800, 270)}
MAX_IMAGE_BYTES = 1024 * 1024
UNAUTHORIZED = (
    "Authentication failed. Confirm that the access token in the authorization header is valid."
)


def state() -> FakeLineState:
    """Kept in the app's Redis, or in its own (FAKE_LINE_REDIS_URL), so that a test can
    break the app's Redis without breaking LINE."""
    return FakeLineState(current_app.extensions.get("tambon.fakeline.redis") or redis())


def _answer(status: int, message: str = "", **extra) -> tuple[Response, int]:
    body = {"message": message, **extra} if message else (extra or {})
    return jsonify(body), status


def _refuse(problems: list[str]) -> tuple[Response, int]:
    details = [{"message": p.split(": ", 1)[-1], "property": p.split(": ", 1)[0]} for p in problems]
    return _answer(400, f"The request body has {len(problems)} error(s)", details=details)


def operation(name: str):
    """Authenticate by bearer token, apply injected faults, record the call and its answer."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.channel = _channel_of(request.headers.get("Authorization", ""))
            fault = None
            if g.channel is None:
                status, answer = 401, _answer(401, UNAUTHORIZED)
            else:
                fault = state().take_fault(name)
                if fault is None or fault.after_accepting:
                    answer = view(*args, **kwargs)
                if fault is not None:
                    answer = _faulty(fault, answer if fault.after_accepting else None)
                status = answer[1] if isinstance(answer, tuple) else answer.status_code
            state().record(
                {
                    "operation": name,
                    "channel": g.channel,
                    "method": request.method,
                    "path": request.path.removeprefix(bp.url_prefix),
                    "status": status,
                    "injected": fault is not None,
                    "retry_key": request.headers.get("X-Line-Retry-Key"),
                    "body": request.get_json(silent=True) if request.is_json else None,
                }
            )
            if fault is not None and fault.delay:
                # Recorded first: LINE has acted by now; only its answer is late. (Recorded
                # after the delay, a test could count the calls before this one showed up.)
                time.sleep(fault.delay)
            return answer

        return wrapper

    return decorate


def _faulty(fault: Fault, answer):
    if fault.status == 200 and answer is not None:
        return answer
    response, status = _answer(fault.status, f"injected failure {fault.status}")
    if fault.retry_after is not None:
        response.headers["Retry-After"] = str(fault.retry_after)
    return response, status


def _channel_of(authorization: str) -> str | None:
    scheme, _, token = authorization.partition(" ")
    if scheme != "Bearer" or not token:
        return None
    for office in current_app.extensions["tambon.offices"].values():
        if office.line.channel_access_token == token:
            return office.slug
    return None


def _json() -> dict | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _retry_key_conflict() -> tuple[Response, int] | None:
    key = request.headers.get("X-Line-Retry-Key")
    if key is None:
        return None
    if not UUID.match(key):
        return _answer(400, "The value of the X-Line-Retry-Key header is invalid")
    request_id = str(uuid.uuid4())
    g.request_id = request_id
    first = state().accept_retry_key(g.channel, key, request_id)
    if first is None:
        return None
    answer, _ = _answer(409, "The retry key is already accepted")
    answer.headers["x-line-accepted-request-id"] = first
    return answer, 409


@bp.post("/v2/bot/message/reply")
@operation("reply")
def reply():
    body = _json()
    if body is None:
        return _answer(400, "The request body is not valid JSON")
    problems = check_messages(body.get("messages"))
    if problems:
        return _refuse(problems)
    chat_id = state().use_reply_token(g.channel, str(body.get("replyToken", "")))
    if chat_id is None:
        return _answer(400, "Invalid reply token")
    state().deliver_to_chat(g.channel, chat_id, body["messages"], via="reply")
    return _answer(200, sentMessages=[{"id": uuid.uuid4().hex[:18]} for _ in body["messages"]])


@bp.post("/v2/bot/message/push")
@operation("push")
def push():
    body = _json()
    if body is None:
        return _answer(400, "The request body is not valid JSON")
    problems = check_messages(body.get("messages"))
    if not isinstance(body.get("to"), str) or not CHAT_ID.match(body["to"]):
        problems.append("to: must be a user, group or room id")
    if problems:
        return _refuse(problems)
    if (conflict := _retry_key_conflict()) is not None:
        return conflict
    state().deliver_to_chat(g.channel, body["to"], body["messages"], via="push")
    return _answer(200, sentMessages=[{"id": uuid.uuid4().hex[:18]} for _ in body["messages"]])


@bp.post("/v2/bot/message/multicast")
@operation("multicast")
def multicast():
    body = _json()
    if body is None:
        return _answer(400, "The request body is not valid JSON")
    problems = check_messages(body.get("messages"))
    to = body.get("to")
    if not isinstance(to, list) or not 1 <= len(to) <= 500:
        problems.append("to: size must be between 1 and 500")
    elif not all(isinstance(u, str) and USER_ID.match(u) for u in to):
        problems.append("to: every recipient must be a user id")
    if problems:
        return _refuse(problems)
    if (conflict := _retry_key_conflict()) is not None:
        return conflict
    for user_id in to:
        state().deliver_to_chat(g.channel, user_id, body["messages"], via="multicast")
    return _answer(200)


@bp.get("/v2/bot/profile/<user_id>")
@operation("profile")
def profile(user_id: str):
    if not USER_ID.match(user_id):
        return _answer(404, "Not found")
    return _answer(200, userId=user_id, displayName="ผู้ทดสอบ " + user_id[-4:], language="th")


@bp.post("/v2/bot/chat/loading/start")
@operation("loading")
def loading():
    body = _json() or {}
    seconds = body.get("loadingSeconds", 20)
    if not isinstance(body.get("chatId"), str) or not USER_ID.match(body["chatId"]):
        return _refuse(["chatId: must be a user id"])
    if not isinstance(seconds, int) or seconds % 5 or not 5 <= seconds <= 60:
        return _refuse(["loadingSeconds: must be 5, 10, … 60"])
    return _answer(202)


@bp.post("/v2/bot/richmenu")
@operation("richmenu.create")
def create_rich_menu():
    body = _json()
    if body is None:
        return _answer(400, "The request body is not valid JSON")
    problems = _rich_menu_problems(body)
    if problems:
        return _refuse(problems)
    return _answer(200, richMenuId=state().create_rich_menu(g.channel, body))


def _rich_menu_problems(menu: dict) -> list[str]:
    out = []
    size = menu.get("size") or {}
    width, height = size.get("width"), size.get("height")
    if (width, height) not in RICH_MENU_SIZES:
        out.append("size: not a rich menu size LINE accepts")
    if not isinstance(menu.get("selected"), bool):
        out.append("selected: required")
    if not isinstance(menu.get("name"), str) or not 1 <= len(menu["name"]) <= 300:
        out.append("name: must be 1 to 300 characters")
    chat_bar = menu.get("chatBarText")
    if not isinstance(chat_bar, str) or not 1 <= len(chat_bar) <= 14:
        out.append("chatBarText: must be 1 to 14 characters")
    areas = menu.get("areas")
    if not isinstance(areas, list) or not 1 <= len(areas) <= 20:
        return [*out, "areas: size must be between 1 and 20"]
    for i, area in enumerate(areas):
        bounds = area.get("bounds") if isinstance(area, dict) else None
        if not isinstance(bounds, dict):
            out.append(f"areas[{i}].bounds: required")
            continue
        x, y, w, h = (bounds.get(k, -1) for k in ("x", "y", "width", "height"))
        if min(x, y) < 0 or w < 1 or h < 1 or x + w > (width or 0) or y + h > (height or 0):
            out.append(f"areas[{i}].bounds: outside the rich menu")
        out += check_action(area.get("action"), f"areas[{i}].action")
    return out


@bp.post("/v2/bot/richmenu/<menu_id>/content")
@operation("richmenu.upload")
def upload_rich_menu_image(menu_id: str):
    if menu_id not in state().rich_menus(g.channel):
        return _answer(404, "Not found")
    if request.mimetype not in {"image/png", "image/jpeg"}:
        return _answer(415, "Unsupported Media Type")
    data = request.get_data()
    if not data or len(data) > MAX_IMAGE_BYTES:
        return _answer(400, "The image must be at most 1 MB")
    if state().rich_menu_image(menu_id) is not None:
        return _answer(400, "An image has already been uploaded to the richmenu")
    state().set_rich_menu_image(menu_id, request.mimetype, data)
    return _answer(200)


@bp.get("/v2/bot/richmenu/<menu_id>/content")
@operation("richmenu.download")
def download_rich_menu_image(menu_id: str):
    image = state().rich_menu_image(menu_id)
    if image is None or menu_id not in state().rich_menus(g.channel):
        return _answer(404, "Not found")
    return Response(image[1], mimetype=image[0]), 200


@bp.get("/v2/bot/richmenu/list")
@operation("richmenu.list")
def list_rich_menus():
    menus = [{"richMenuId": k, **v} for k, v in state().rich_menus(g.channel).items()]
    return _answer(200, richmenus=menus)


@bp.delete("/v2/bot/richmenu/<menu_id>")
@operation("richmenu.delete")
def delete_rich_menu(menu_id: str):
    if not state().delete_rich_menu(g.channel, menu_id):
        return _answer(404, "Not found")
    return _answer(200)


@bp.post("/v2/bot/user/all/richmenu/<menu_id>")
@operation("richmenu.set_default")
def set_default_rich_menu(menu_id: str):
    if menu_id not in state().rich_menus(g.channel):
        return _answer(404, "Not found")
    if state().rich_menu_image(menu_id) is None:
        return _answer(400, "Must upload richmenu image before applying it to user")
    state().set_default_rich_menu(g.channel, menu_id)
    return _answer(200)


@bp.get("/v2/bot/user/all/richmenu")
@operation("richmenu.get_default")
def get_default_rich_menu():
    menu_id = state().default_rich_menu(g.channel)
    if menu_id is None:
        return _answer(404, "Not found")
    return _answer(200, richMenuId=menu_id)


@bp.delete("/v2/bot/user/all/richmenu")
@operation("richmenu.cancel_default")
def cancel_default_rich_menu():
    state().set_default_rich_menu(g.channel, None)
    return _answer(200)


@bp.get("/v2/bot/message/<message_id>/content")
@operation("content")
def message_content(message_id: str):
    content = state().content(message_id)
    if content is None:
        return _answer(404, "Not found")
    return Response(content[1], mimetype=content[0]), 200


@bp.get("/_calls")
def recorded_calls():
    """Every call the fake received, for the demo, the simulator and tests in other processes."""
    return jsonify(state().calls(request.args.get("operation") or None))
