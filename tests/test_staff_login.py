"""Staff pages: login, lockout, CSRF, cookies."""

from __future__ import annotations

import re

import pytest

from bot.staff.auth import MAX_ATTEMPTS_PER_ADDRESS, MAX_FAILED_LOGINS, WRONG, create_user

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
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in locked.get_data(as_text=True)


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


def _from(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_parallel_guesses_against_a_live_server_get_no_more_checks_than_the_limit(line, staff):
    """The attack of the security review: guesses raced from 8 threads (each its own browser)
    used to read the same failure count, so 10+ were checked and the account never locked."""
    import concurrent.futures
    import threading

    import requests

    barrier = threading.Barrier(8)

    def guesses(n: int) -> list[str]:
        browser = requests.Session()
        page = browser.get(f"{line.base_url}/admin/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        barrier.wait()
        said = []
        for i in range(3):
            data = {"username": staff, "password": f"guess {n}-{i}", "csrf_token": token}
            said.append(browser.post(f"{line.base_url}/admin/login", data=data).text)
        return said

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = [page for said in pool.map(guesses, range(8)) for page in said]
    checked = [page for page in answers if WRONG in page]
    assert len(answers) == 24
    assert len(checked) <= MAX_FAILED_LOGINS
    browser = requests.Session()
    page = browser.get(f"{line.base_url}/admin/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    right = {"username": staff, "password": PASSWORD, "csrf_token": token}
    answer = browser.post(f"{line.base_url}/admin/login", data=right, allow_redirects=False)
    assert answer.status_code == 401 and "ระงับการเข้าสู่ระบบชั่วคราว" in answer.text


def test_a_stranger_locking_an_account_does_not_lock_out_its_owner(app, staff):
    stranger = _from(app.test_client(), "203.0.113.9")
    for _ in range(MAX_FAILED_LOGINS + 1):
        _login(stranger, staff, "guess guess guess")
    assert "ระงับ" in _login(stranger, staff, PASSWORD).get_data(as_text=True)
    owner = _from(app.test_client(), "192.0.2.10")
    assert _login(owner, staff, PASSWORD).status_code == 302


def test_an_unknown_name_is_answered_exactly_like_a_real_one(app, staff):
    pages = {}
    for name in (staff, "nobody-here"):
        client = _from(app.test_client(), "198.51.100.7")
        said = [_login(client, name, "guess guess guess") for _ in range(MAX_FAILED_LOGINS + 1)]
        pages[name] = [(a.status_code, _alert(a)) for a in said]
    assert pages[staff] == pages["nobody-here"]
    assert "ระงับ" in pages[staff][-1][1]


def _alert(answer) -> str:
    return re.search(r'role="alert">([^<]*)<', answer.get_data(as_text=True)).group(1)


def test_one_address_trying_many_names_is_slowed_down(app, staff):
    client = _from(app.test_client(), "198.51.100.8")
    token = _csrf(client)
    for i in range(MAX_ATTEMPTS_PER_ADDRESS):
        assert _login(client, f"name{i}", "guess guess guess", token).status_code == 401
    busy = _login(client, staff, PASSWORD, token)
    assert busy.status_code == 429
    assert "บ่อยเกินไป" in busy.get_data(as_text=True)
    assert _login(_from(app.test_client(), "198.51.100.9"), staff, PASSWORD).status_code == 302


def test_a_cookie_copied_before_logout_no_longer_opens_the_admin_pages(app, client, staff):
    _login(client, staff, PASSWORD)
    copied = client.get_cookie("session").value
    token = _csrf(client, "/admin/")
    client.post("/admin/logout", data={"csrf_token": token})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/admin/").status_code == 302


def test_a_next_with_a_line_break_is_a_bad_request_not_a_crash(client, staff):
    token = _csrf(client)
    answer = client.post(
        "/admin/login?next=/admin%0d%0aX-Evil:1",
        data={"username": staff, "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 400


def test_with_redis_away_a_login_is_refused_politely_unchecked(app, client, staff):
    import redis

    token = _csrf(client)
    app.extensions["tambon.redis"] = redis.Redis(unix_socket_path="/nonexistent/redis.sock")
    answer = _login(client, staff, PASSWORD, token)
    assert answer.status_code == 503
    assert "ระบบขัดข้องชั่วคราว" in answer.get_data(as_text=True)
