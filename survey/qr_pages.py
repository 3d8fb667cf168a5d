"""QR codes and posters on the web: the public EIT QR that LINE shows as an image, and the
staff page from which counters download their QR codes and posters."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

from bot.staff.auth import current_user, login_required
from survey.links import line_survey_url, web_survey_url
from survey.poster import poster_pdf
from survey.qr import qr_png, qr_svg

public = Blueprint("qr_public", __name__)
staff = Blueprint("qr_staff", __name__, url_prefix="/admin/qr", template_folder="templates")
KINDS = {"line": "ประเมินผ่าน LINE", "web": "ประเมินผ่านเว็บไซต์", "eit": "แบบวัด EIT ของ ป.ป.ช."}


def _office(slug: str):
    office = current_app.extensions["tambon.offices"].get(slug)
    if office is None:
        abort(404)
    return office


def _image(url: str, fmt: str, filename: str | None = None) -> Response:
    data, mimetype = (qr_svg(url), "image/svg+xml") if fmt == "svg" else (qr_png(url), "image/png")
    headers = {"Cache-Control": "public, max-age=3600"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(data, mimetype=mimetype, headers=headers)


@public.get("/qr/<office_slug>/eit.png")
def eit_png(office_slug: str):
    return _image(_office(office_slug).eit_url, "png")


def _url_for(office, kind: str, counter_code: str | None) -> str:
    if kind == "eit":
        return office.eit_url
    counter = office.counter(counter_code or "")
    if counter is None:
        abort(404)
    if kind == "line":
        return line_survey_url(office, counter)
    return web_survey_url(current_app.config["PUBLIC_BASE_URL"], office, counter)


@staff.get("/")
@login_required
def index():
    office = _office(current_user().office)
    return render_template("survey/qr_downloads.html", office=office, kinds=KINDS)


@staff.get("/<kind>.<fmt>")
@login_required
def download(kind: str, fmt: str):
    if kind not in KINDS or fmt not in {"png", "svg"}:
        abort(404)
    office = _office(current_user().office)
    counter = request.args.get("counter")
    url = _url_for(office, kind, counter)
    name = f"{office.slug}-{kind}" + (f"-{counter}" if kind != "eit" else "") + f".{fmt}"
    return _image(url, fmt, name)


@staff.get("/posters.pdf")
@login_required
def posters():
    office = _office(current_user().office)
    code = request.args.get("counter")
    counters = office.counters if not code else [c for c in office.counters if c.code == code]
    if code and not counters:
        abort(404)
    pdf = poster_pdf(office, counters, current_app.config["PUBLIC_BASE_URL"])
    name = f"{office.slug}-posters" + (f"-{code}" if code else "") + ".pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
