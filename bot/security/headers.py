"""Response headers that tell browsers what this site's pages may do."""

from __future__ import annotations

from flask import Flask, Response, request

# Pages run only this site's own scripts (inline styles stay: every value in them is escaped)
# and may not be framed (clickjacking of the admin pages).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    https = app.config["PUBLIC_BASE_URL"].startswith("https://")

    @app.after_request
    def _security_headers(response: Response) -> Response:
        if request.path.startswith("/line/"):
            return response  # LINE's servers, not a browser: the webhook's hot path skips this
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
