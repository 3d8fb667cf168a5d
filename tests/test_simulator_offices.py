"""The simulator acts only for the office of the staff member using it (security review:
staff of one office signed events with another office's secret and read its chats)."""

from __future__ import annotations

import re

CITIZEN = "U" + "5a" * 16


def _event(client, office: str):
    page = client.get("/simulator/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    asked = {"office": office, "user": CITIZEN, "kind": "text", "text": "สวัสดีค่ะ"}
    return client.post("/simulator/api/event", json=asked, headers={"X-CSRFToken": token})


def test_staff_cannot_act_for_another_office(staff_client):
    assert _event(staff_client, "bankhok").status_code == 404
    chat = staff_client.get(
        "/simulator/api/chat", query_string={"office": "bankhok", "user": CITIZEN}
    )
    assert chat.status_code == 404
    assert "bankhok" not in staff_client.get("/simulator/").get_data(as_text=True)


def test_staff_use_it_for_their_own_office(staff_client):
    made = _event(staff_client, "nongbua")
    assert made.status_code == 200
    assert made.get_json()["url"] == "/line/nongbua/webhook"


def test_a_guest_of_the_demo_tries_any_office(client):
    assert _event(client, "bankhok").status_code == 200
