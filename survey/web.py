"""GET/POST /s/<office>/<counter>: the same survey on a plain mobile page, for citizens
without LINE. Works without JavaScript; CSRF-protected; rate-limited per address; a signed
cookie stands for the browser so one browser answers once per period."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from itsdangerous import BadSignature, URLSafeSerializer

from bot.security import throttle
from bot.security.network import client_address, client_network
from privacy.keys import keyed_hash
from survey import service
from survey.definition import DEMOGRAPHICS, Survey, survey_for_office
from workers.queues import redis

bp = Blueprint("survey_web", __name__, url_prefix="/s", template_folder="templates")
BROWSER_COOKIE = "tambon_browser"
RATE_LIMIT = 20  # posts per address per window
RATE_WINDOW = 600
MAX_COMMENT = 2000
BURST_LIMIT = 3  # responses from one network within BURST_WINDOW before the rest are flagged
BURST_WINDOW = 15 * 60


def _where(office_slug: str, counter_code: str):
    office = current_app.extensions["tambon.offices"].get(office_slug)
    counter = office.counter(counter_code) if office else None
    if counter is None:
        abort(404)
    return office, counter


def _browser_id() -> tuple[str, bool]:
    """The signed random id of this browser, and whether it is new."""
    signer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="survey-browser")
    try:
        return signer.loads(request.cookies.get(BROWSER_COOKIE, "")), False
    except BadSignature:
        return secrets.token_hex(16), True


def _with_browser_cookie(response, browser: str, new: bool):
    if new:
        signer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="survey-browser")
        response.set_cookie(
            BROWSER_COOKIE,
            signer.dumps(browser),
            max_age=400 * 86400,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def _too_many_posts() -> bool:
    return throttle.over(
        redis(), f"tambon:survey-web-rate:{client_address()}", RATE_LIMIT, RATE_WINDOW
    )


def _burst_flag(office) -> str | None:
    """ "burst" when this network sent several responses within minutes: one person with many
    fresh browsers looks like this (so does a busy office's own Wi-Fi, hence flag, not refuse)."""
    network = keyed_hash("network", client_network())[:24]
    key = f"tambon:survey-web-net:{office.slug}:{network}"
    return "burst" if throttle.over(redis(), key, BURST_LIMIT, BURST_WINDOW) else None


@bp.route("/<office_slug>/<counter_code>", methods=["GET", "POST"])
def form(office_slug: str, counter_code: str):
    office, counter = _where(office_slug, counter_code)
    survey = survey_for_office(office)
    browser, new = _browser_id()
    who = service.respondent(office, "web:" + browser)
    if service.already_answered(office, survey, who, counter.code):
        page = render_template("survey/done.html", office=office, counter=counter, again=True)
        return _with_browser_cookie(make_response(page), browser, new)
    answers, errors = {}, {}
    if request.method == "POST":
        if _too_many_posts():
            return render_template("survey/busy.html", office=office), 429
        answers, errors = read_form(survey, request.form)
        if not errors:
            service.register(office, survey)
            data = {"sid": secrets.token_hex(8), "v": survey.version, "counter": counter.code,
                    "respondent": who, **answers}  # fmt: skip
            comment = answers.pop("comment")
            service.submit(office, survey, data, comment, "web", _burst_flag(office))
            done = redirect(
                url_for("survey_web.thanks", office_slug=office.slug, counter_code=counter.code)
            )
            return _with_browser_cookie(done, browser, new)
    page = render_template(
        "survey/form.html",
        office=office,
        counter=counter,
        survey=survey,
        demographics={k: DEMOGRAPHICS[k] for k in survey.demographics},
        chosen=request.form if request.method == "POST" else {},
        errors=errors,
    )
    status = 400 if errors else 200
    return _with_browser_cookie(make_response(page, status), browser, new)


def read_form(survey: Survey, form) -> tuple[dict, dict[str, str]]:
    """The answers, or Thai messages naming what is missing or wrong."""
    errors: dict[str, str] = {}
    if form.get("consent") != "yes":
        errors["consent"] = "กรุณาทำเครื่องหมายยินยอมก่อนส่งแบบประเมินค่ะ"
    answers: dict[str, int] = {}
    for item in survey.items():
        raw = form.get(f"item-{item.id}", "")
        if raw.isdigit() and int(raw) in survey.scale:
            answers[item.id] = int(raw)
        else:
            errors[f"item-{item.id}"] = "กรุณาเลือกระดับความพึงพอใจของข้อนี้"
    demo = {}
    for key in survey.demographics:
        value = form.get(f"demo-{key}", "")
        if value and value not in DEMOGRAPHICS[key][1]:
            errors[f"demo-{key}"] = "ตัวเลือกนี้ไม่ถูกต้อง"
        elif value:
            demo[key] = value
    comment = form.get("comment", "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = f"ข้อเสนอแนะยาวเกิน {MAX_COMMENT:,} ตัวอักษร กรุณาย่อให้สั้นลงค่ะ"
    return {"answers": answers, "demo": demo, "comment": comment}, errors


@bp.get("/<office_slug>/<counter_code>/thanks")
def thanks(office_slug: str, counter_code: str):
    office, counter = _where(office_slug, counter_code)  # the hand-out is counted as stored
    return render_template("survey/done.html", office=office, counter=counter, again=False)
