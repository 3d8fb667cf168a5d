"""QR codes for the links citizens scan: PNG for chats and screens, SVG for print."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.svg import SvgPathImage

QUIET_ZONE = 4  # modules; scanners need this white margin to find the code


class _SvgOnWhite(SvgPathImage):
    """One path on a white square the size of the code. qrcode's own white background is
    100% wide, which fpdf2 reads as 100 units: its white then covers what is drawn beside."""

    def _svg(self, viewBox=None, **kwargs):
        svg = super()._svg(viewBox=viewBox, **kwargs)
        side = str(self.units(self.pixel_size, text=False))
        svg.append(ET.Element("rect", fill="#ffffff", x="0", y="0", width=side, height=side))
        return svg


def _code(url: str, box_size: int = 10) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_png(url: str, box_size: int = 10) -> bytes:
    """A black-on-white PNG, box_size pixels a module."""
    out = io.BytesIO()
    _code(url, box_size).make_image().save(out, format="PNG")
    return out.getvalue()


def qr_svg(url: str) -> bytes:
    """Vectors on white: sharp at any size, embedded as vectors by fpdf2, and still
    scannable where the viewer or the paper behind it is dark."""
    out = io.BytesIO()
    _code(url).make_image(image_factory=_SvgOnWhite).save(out)
    return out.getvalue()
