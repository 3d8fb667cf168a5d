"""Staff pages: login, lockout, CSRF, cookies."""

from __future__ import annotations

import re

import pytest

from bot.staff.auth import MAX_FAILED_LOGINS, create_user

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(app):
    with app.app_context():
        create_user("nongbua", "somchai", PASSWORD, "admin")
    return "somchai"


def _csrf(client, path: str = "/admin/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _login(client, username: str, password: str, token: str | None = None):
    token = token or _csrf(client)
    return client.post(
        "/admin/login", data={"username": username, "password": password, "csrf_token": token}
    )


def test_admin_pages_need_a_login(client):
    answer = client.get("/admin/")
    assert answer.status_code == 302
    assert "/admin/login" in answer.headers["Location"]


def test_login_shows_the_office_page_with_its_webhook_url(client, staff):
    answer = _login(client, staff, PASSWORD)
    assert answer.status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    assert "องค์การบริหารส่วนตำบลหนองบัว" in page
    assert "/line/nongbua/webhook" in page


def test_the_session_cookie_is_httponly_and_samesite(client, staff):
    answer = _login(client, staff, PASSWORD)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_a_wrong_password_says_so_in_thai_without_saying_which_part(client, staff):
    wrong = _login(client, staff, "wrong password!")
    unknown = _login(client, "nobody", "wrong password!")
    assert wrong.status_code == unknown.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in wrong.get_data(as_text=True)
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in unknown.get_data(as_text=True)


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, staff):
    for _ in range(MAX_FAILED_LOGINS):
        _login(client, staff, "guess guess guess")
    locked = _login(client, staff, PASSWORD)
    assert locked.status_code == 401
    assert "ล็อก" in locked.get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(client, staff):
    answer = client.post("/admin/login", data={"username": staff, "password": PASSWORD})
    assert answer.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_logout_needs_csrf_and_ends_the_session(client, staff):
    _login(client, staff, PASSWORD)
    assert client.post("/admin/logout").status_code == 400
    token = _csrf(client, "/admin/")
    client.post("/admin/logout", data={"csrf_token": token})
    assert client.get("/admin/").status_code == 302


def test_next_cannot_send_the_user_to_another_site(client, staff):
    token = _csrf(client)
    answer = client.post(
        "/admin/login?next=//evil.example/admin",
        data={"username": staff, "password": PASSWORD, "csrf_token": token},
    )
    assert answer.headers["Location"].endswith("/admin/")


def test_passwords_are_stored_hashed(app, staff):
    from sqlalchemy import select

    from bot import db
    from bot.models import StaffUser

    with app.app_context():
        stored = db.session().scalar(select(StaffUser.password_hash))
    assert PASSWORD not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_cli_adds_a_user_asking_for_the_password(runner, app):
    from bot.cli import main

    result = runner.invoke(
        main,
        ["user", "add", "--office", "nongbua", "--role", "staff", "malee"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "created staff malee" in result.output
    again = runner.invoke(
        main, ["user", "add", "--office", "nongbua", "malee"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert again.exit_code != 0 and "exists already" in again.output
    short = runner.invoke(main, ["user", "add", "--office", "nongbua", "x"], input="short\nshort\n")
    assert short.exit_code != 0 and "at least" in short.output
    elsewhere = runner.invoke(
        main, ["user", "add", "--office", "nowhere", "y"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert elsewhere.exit_code != 0 and "no office" in elsewhere.output
