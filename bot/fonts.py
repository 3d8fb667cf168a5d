"""Sarabun, the Thai font, from the fontpkg-sarabun package: for images, PDFs and pages.

Pages get it from this service too (/fonts/…), never from a CDN.
"""

from __future__ import annotations

from pathlib import Path

import fontpkg_sarabun
from flask import Blueprint, abort, send_from_directory

FONT_DIR = Path(fontpkg_sarabun.ROOT) / "files"
WEIGHTS = ("Regular", "Medium", "SemiBold", "Bold")

bp = Blueprint("fonts", __name__)


def sarabun(weight: str = "Regular") -> Path:
    if weight not in WEIGHTS:
        raise ValueError(f"Sarabun weight must be one of {WEIGHTS}")
    return FONT_DIR / f"Sarabun-{weight}.ttf"


@bp.get("/fonts/<name>")
def font_file(name: str):
    if name not in {sarabun(w).name for w in WEIGHTS}:
        abort(404)
    return send_from_directory(FONT_DIR, name, mimetype="font/ttf", max_age=30 * 86400)
