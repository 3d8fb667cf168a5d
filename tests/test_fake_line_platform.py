"""The fake must refuse what LINE refuses, or tests would pass where LINE fails."""

from __future__ import annotations

import pytest

TOKEN = "nongbua-token-0123456789abcdef"
CITIZEN = "U" + "6" * 32


def _post(client, path: str, body: dict, token: str = TOKEN, **headers):
    return client.post(
        f"/_fakeline{path}", json=body, headers={"Authorization": f"Bearer {token}", **headers}
    )


def _reply_token(app) -> str:
    from bot.fakeline.state import FakeLineState

    return FakeLineState(app.extensions["tambon.redis"]).issue_reply_token("nongbua", CITIZEN)


def test_a_bad_bearer_token_is_401(client):
    answer = _post(
        client,
        "/v2/bot/message/push",
        {"to": CITIZEN, "messages": [{"type": "text", "text": "x"}]},
        token="stolen",
    )
    assert answer.status_code == 401


def test_reply_tokens_are_single_use_and_per_channel(client, app):
    token = _reply_token(app)
    body = {"replyToken": token, "messages": [{"type": "text", "text": "สวัสดีค่ะ"}]}
    assert (
        _post(
            client, "/v2/bot/message/reply", body, token="bankhok-token-0123456789abcdef"
        ).status_code
        == 400
    )
    token = _reply_token(app)
    body["replyToken"] = token
    assert _post(client, "/v2/bot/message/reply", body).status_code == 200
    again = _post(client, "/v2/bot/message/reply", body)
    assert again.status_code == 400
    assert again.get_json()["message"] == "Invalid reply token"
    body["replyToken"] = "never-issued"
    assert _post(client, "/v2/bot/message/reply", body).status_code == 400


@pytest.mark.parametrize(
    ("messages", "complaint"),
    [
        ([{"type": "text", "text": "x"}] * 6, "between 1 and 5"),
        ([], "between 1 and 5"),
        ([{"type": "text", "text": "ก" * 5001}], "5000"),
        ([{"type": "text", "text": "  "}], "empty"),
        ([{"type": "text"}], "empty"),
        ([{"type": "hologram"}], "unknown message type"),
        (
            [
                {
                    "type": "image",
                    "originalContentUrl": "http://x/a.png",
                    "previewImageUrl": "https://x/a.png",
                }
            ],
            "HTTPS",
        ),
        (
            [
                {
                    "type": "text",
                    "text": "x",
                    "quickReply": {
                        "items": [
                            {
                                "type": "action",
                                "action": {"type": "message", "label": str(i), "text": "x"},
                            }
                            for i in range(14)
                        ]
                    },
                }
            ],
            "between 1 and 13",
        ),
        (
            [
                {
                    "type": "text",
                    "text": "x",
                    "quickReply": {
                        "items": [
                            {
                                "type": "action",
                                "action": {
                                    "type": "message",
                                    "label": "ประเมินความพึงพอใจการให้บริการ",
                                    "text": "x",
                                },
                            }
                        ]
                    },
                }
            ],
            "at most 20",
        ),
        (
            [
                {
                    "type": "text",
                    "text": "x",
                    "quickReply": {
                        "items": [
                            {
                                "type": "action",
                                "action": {"type": "postback", "label": "ok", "data": "d" * 301},
                            }
                        ]
                    },
                }
            ],
            "1 to 300",
        ),
        ([{"type": "flex", "altText": "", "contents": {"type": "bubble"}}], "altText"),
    ],
)
def test_messages_line_refuses_are_refused(client, app, messages, complaint):
    answer = _post(
        client, "/v2/bot/message/reply", {"replyToken": _reply_token(app), "messages": messages}
    )
    assert answer.status_code == 400
    assert complaint in str(answer.get_json())


def test_a_label_of_20_thai_letters_with_marks_is_accepted(client, app):
    label = "ประเมินความพึงพอใจนะคะ"[:22]
    message = {
        "type": "text",
        "text": "x",
        "quickReply": {
            "items": [
                {"type": "action", "action": {"type": "message", "label": label, "text": "x"}}
            ]
        },
    }
    answer = _post(
        client, "/v2/bot/message/reply", {"replyToken": _reply_token(app), "messages": [message]}
    )
    assert answer.status_code == 200, answer.get_json()


def test_push_with_a_retry_key_is_accepted_once(client):
    body = {"to": CITIZEN, "messages": [{"type": "text", "text": "คำตอบจากเจ้าหน้าที่"}]}
    key = "123e4567-e89b-12d3-a456-426614174000"
    first = _post(client, "/v2/bot/message/push", body, **{"X-Line-Retry-Key": key})
    second = _post(client, "/v2/bot/message/push", body, **{"X-Line-Retry-Key": key})
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.headers["x-line-accepted-request-id"]
    bad = _post(client, "/v2/bot/message/push", body, **{"X-Line-Retry-Key": "not-a-uuid"})
    assert bad.status_code == 400


def test_push_and_multicast_check_recipients(client):
    message = [{"type": "text", "text": "x"}]
    assert (
        _post(client, "/v2/bot/message/push", {"to": "someone", "messages": message}).status_code
        == 400
    )
    assert (
        _post(client, "/v2/bot/message/multicast", {"to": [], "messages": message}).status_code
        == 400
    )
    many = ["U" + f"{i:032x}" for i in range(501)]
    assert (
        _post(client, "/v2/bot/message/multicast", {"to": many, "messages": message}).status_code
        == 400
    )
    assert (
        _post(
            client, "/v2/bot/message/multicast", {"to": many[:500], "messages": message}
        ).status_code
        == 200
    )


def test_rich_menu_life_cycle(client):
    menu = {
        "size": {"width": 2500, "height": 843},
        "selected": True,
        "name": "เมนูหลัก",
        "chatBarText": "เมนู",
        "areas": [
            {
                "bounds": {"x": 0, "y": 0, "width": 1250, "height": 843},
                "action": {"type": "message", "label": "ถาม-ตอบ", "text": "ช่วยเหลือ"},
            }
        ],
    }
    assert _post(client, "/v2/bot/richmenu", {**menu, "chatBarText": "ก" * 15}).status_code == 400
    assert (
        _post(
            client, "/v2/bot/richmenu", {**menu, "size": {"width": 100, "height": 100}}
        ).status_code
        == 400
    )
    menu_id = _post(client, "/v2/bot/richmenu", menu).get_json()["richMenuId"]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    # no image yet → cannot be the default
    assert (
        client.post(f"/_fakeline/v2/bot/user/all/richmenu/{menu_id}", headers=auth).status_code
        == 400
    )
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    upload = client.post(
        f"/_fakeline/v2/bot/richmenu/{menu_id}/content",
        data=png,
        headers={**auth, "Content-Type": "image/png"},
    )
    assert upload.status_code == 200
    assert (
        client.post(f"/_fakeline/v2/bot/user/all/richmenu/{menu_id}", headers=auth).status_code
        == 200
    )
    assert (
        client.get("/_fakeline/v2/bot/user/all/richmenu", headers=auth).get_json()["richMenuId"]
        == menu_id
    )
    assert client.delete(f"/_fakeline/v2/bot/richmenu/{menu_id}", headers=auth).status_code == 200
    assert client.get("/_fakeline/v2/bot/user/all/richmenu", headers=auth).status_code == 404


def test_the_fake_is_not_mounted_unless_asked(redis_url, database_url):
    from bot import create_app
    from tests.conftest import _test_config

    app = create_app(_test_config(redis_url, database_url, FAKE_LINE=False))
    answer = app.test_client().post("/_fakeline/v2/bot/message/push", json={})
    assert answer.status_code == 404
