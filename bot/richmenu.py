"""The office's rich menu: four big buttons drawn with Pillow, deployed with the Messaging API."""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from linebot.v3.messaging import RichMenuRequest
from PIL import Image, ImageDraw, ImageFont, features

from bot.fonts import sarabun
from bot.line_client import TIMEOUT, blob_api, messaging_api
from bot.messages import message_action
from bot.offices import Office

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 2500, 1686
COLUMNS, ROWS = 2, 2
NAME_PREFIX = "tambon:"  # only menus named so are ours to delete
CHAT_BAR_TEXT = "เมนู"
MAX_IMAGE_BYTES = 1024 * 1024
FONT_FILE = sarabun("Bold")
LARGEST_FONT = 130
BACKGROUND = "#F3F6F4"
CARD = "#FFFFFF"
INK = "#1E293B"
CARD_MARGIN, CARD_RADIUS = 28, 64
LABEL_MARGIN = 90  # each side of a label inside its card
ICON_RADIUS = 190
Box = tuple[int, int, int, int]
Icon = Callable[[ImageDraw.ImageDraw, tuple[int, int], int], None]


@dataclass(frozen=True)
class Button:
    label: str  # drawn on the image, and the action's label (≤ 20 characters)
    says: str  # what a tap sends, as if typed: a text the router answers
    colour: str
    icon: Icon


@dataclass(frozen=True)
class BuiltMenu:
    menu: dict  # a RichMenuRequest, as LINE's JSON
    image: bytes
    content_type: str


# Icons: simple shapes on the button's coloured disc, centred on `c`, `r` from centre to edge.
def _speech_bubbles(d: ImageDraw.ImageDraw, c: tuple[int, int], r: int) -> None:
    x, y = c
    d.rounded_rectangle((x - r, y - r * 0.8, x + r * 0.5, y + r * 0.2), r * 0.3, fill="white")
    d.polygon([(x - r * 0.7, y + 0.1 * r), (x - r * 0.8, y + 0.55 * r), (x - r * 0.3, y)], "white")
    _centred_text(d, (int(x - r * 0.25), int(y - r * 0.33)), "?", int(r * 0.8), "#06C755")
    # The answer bubble over a green halo, so it stands apart where it overlaps the question.
    for grow, fill in ((r * 0.1, "#06C755"), (0, "#E7F9EE")):
        box = (x - r * 0.2 - grow, y - grow, x + r + grow, y + r * 0.7 + grow)
        d.rounded_rectangle(box, r * 0.25 + grow, fill=fill)
        tail = [(x + r * 0.5 - grow, y + r * 0.6), (x + r * 0.8, y + r + grow * 1.5)]
        d.polygon([*tail, (x + r * 0.85 + grow, y + r * 0.6)], fill)
    for dot in (0.15, 0.4, 0.65):
        cx, cy, size = x + r * dot, y + r * 0.35, r * 0.08
        d.ellipse((cx - size, cy - size, cx + size, cy + size), fill="#06C755")


def _smiley(d: ImageDraw.ImageDraw, c: tuple[int, int], r: int) -> None:
    x, y = c
    d.ellipse((x - r, y - r, x + r, y + r), outline="white", width=max(1, r // 7))
    eye = r // 7
    for ex in (x - r * 0.38, x + r * 0.38):
        d.ellipse((ex - eye, y - r * 0.35 - eye, ex + eye, y - r * 0.35 + eye), fill="white")
    d.arc((x - r * 0.55, y - r * 0.45, x + r * 0.55, y + r * 0.6), 20, 160, "white", r // 7)


def _clipboard(d: ImageDraw.ImageDraw, c: tuple[int, int], r: int) -> None:
    x, y = c
    d.rounded_rectangle((x - r * 0.72, y - r * 0.85, x + r * 0.72, y + r), r * 0.12, fill="white")
    d.rounded_rectangle((x - r * 0.32, y - r, x + r * 0.32, y - r * 0.68), r * 0.1, fill=INK)
    for row in range(3):
        top = y - r * 0.35 + row * r * 0.45
        d.line(
            [(x - r * 0.5, top), (x - r * 0.38, top + r * 0.12), (x - r * 0.18, top - r * 0.12)],
            "#3B82F6",
            max(1, r // 12),
            joint="curve",
        )
        d.line([(x - r * 0.02, top), (x + r * 0.52, top)], "#94A3B8", max(1, r // 12))


def _phone(d: ImageDraw.ImageDraw, c: tuple[int, int], r: int) -> None:
    x, y = c
    d.rounded_rectangle((x - r * 0.55, y - r, x + r * 0.55, y + r), r * 0.18, fill="white")
    d.rounded_rectangle(
        (x - r * 0.42, y - r * 0.78, x + r * 0.42, y + r * 0.6), r * 0.06, fill="#CCFBF1"
    )
    d.ellipse((x - r * 0.1, y + r * 0.7, x + r * 0.1, y + r * 0.9), fill="#14B8A6")


def _short_name(office: Office) -> str:
    """What citizens call the office: อบต., เทศบาล, …"""
    for prefix, short in (("องค์การบริหารส่วนตำบล", "อบต."), ("เทศบาล", "เทศบาล")):
        if office.name.startswith(prefix):
            return short
    return "สำนักงาน"


def buttons(office: Office) -> list[Button]:
    """The four buttons, left to right, top to bottom."""
    return [
        Button("ถาม-ตอบ", "ช่วยเหลือ", "#06C755", _speech_bubbles),
        Button("ประเมินความพึงพอใจ", "ประเมิน", "#F59E0B", _smiley),
        Button("แบบวัด EIT", "EIT", "#3B82F6", _clipboard),
        Button(f"ติดต่อ {_short_name(office)}", "ติดต่อ", "#14B8A6", _phone),
    ]


def area(index: int) -> Box:
    """The tappable rectangle of button `index`, as (x, y, width, height)."""
    width, height = WIDTH // COLUMNS, HEIGHT // ROWS
    column, row = index % COLUMNS, index // COLUMNS
    return column * width, row * height, width, height


def label_centre(index: int) -> tuple[int, int]:
    x, y, width, height = area(index)
    return x + width // 2, y + int(height * 0.78)


def icon_centre(index: int) -> tuple[int, int]:
    x, y, width, height = area(index)
    return x + width // 2, y + int(height * 0.36)


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    # Raqm lifts a tone mark over an upper vowel (ที่, ปั้น); Pillow's basic layout, used when
    # raqm is missing (wheels need the system's libfribidi), draws them on top of each other.
    # Today's labels have no such pair, so they read right either way.
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(FONT_FILE), size, layout_engine=engine)


def label_size(labels: list[str]) -> int:
    """One font size for every label: the largest at which the longest still fits its card."""
    room = WIDTH // COLUMNS - 2 * (CARD_MARGIN + LABEL_MARGIN)
    widest = max(font(LARGEST_FONT).getlength(label) for label in labels)
    return min(LARGEST_FONT, int(LARGEST_FONT * room / widest))


def _centred_text(
    d: ImageDraw.ImageDraw, at: tuple[int, int], text: str, size: int, fill: str
) -> None:
    d.text(at, text, font=font(size), fill=fill, anchor="mm")


def draw(office: Office, *, labels: bool = True) -> Image.Image:
    """The menu image; `labels=False` leaves the text out (tests compare the two)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    d = ImageDraw.Draw(image)
    shown = buttons(office)
    size = label_size([b.label for b in shown])
    for index, button in enumerate(shown):
        x, y, width, height = area(index)
        card = (x + CARD_MARGIN, y + CARD_MARGIN, x + width - CARD_MARGIN, y + height - CARD_MARGIN)
        d.rounded_rectangle(card, CARD_RADIUS, fill=CARD, outline=button.colour, width=10)
        cx, cy = icon_centre(index)
        d.ellipse(
            (cx - ICON_RADIUS, cy - ICON_RADIUS, cx + ICON_RADIUS, cy + ICON_RADIUS),
            fill=button.colour,
        )
        button.icon(d, (cx, cy), int(ICON_RADIUS * 0.6))
        if labels:
            _centred_text(d, label_centre(index), button.label, size, INK)
    return image


def encode(image: Image.Image) -> tuple[bytes, str]:
    """PNG when it fits LINE's 1 MB, else a palette PNG, else JPEG."""
    candidates = (
        (lambda: image, "PNG", "image/png"),
        (lambda: image.quantize(64), "PNG", "image/png"),
        (lambda: image, "JPEG", "image/jpeg"),
    )
    for make, fmt, content_type in candidates:
        buffer = io.BytesIO()
        make().save(buffer, fmt, optimize=True, quality=85)
        if buffer.tell() <= MAX_IMAGE_BYTES:
            return buffer.getvalue(), content_type
    raise ValueError("the rich menu image does not fit in 1 MB")


def build_menu(office: Office) -> BuiltMenu:
    image, content_type = encode(draw(office))
    areas = [
        {
            "bounds": dict(zip(("x", "y", "width", "height"), area(i), strict=True)),
            "action": message_action(b.label, b.says),
        }
        for i, b in enumerate(buttons(office))
    ]
    menu = {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,
        "chatBarText": CHAT_BAR_TEXT,
        "areas": areas,
    }
    digest = hashlib.sha256(json.dumps(menu).encode() + image).hexdigest()[:12]
    menu["name"] = f"{NAME_PREFIX}{office.slug}:{digest}"
    return BuiltMenu(menu, image, content_type)


def deploy(office: Office) -> str:
    """Create the menu, upload its image, make it the default, then delete our older menus.

    Older menus go last, so citizens always have a menu while this runs; one left half-made
    by a failure is named as ours too, so the next deploy deletes it.
    """
    built = build_menu(office)
    api = messaging_api(office)
    menu_id = api.create_rich_menu(
        RichMenuRequest.from_dict(built.menu), _request_timeout=TIMEOUT
    ).rich_menu_id
    blob_api(office).set_rich_menu_image(
        menu_id,
        built.image,
        _headers={"Content-Type": built.content_type},
        _request_timeout=TIMEOUT,
    )
    api.set_default_rich_menu(menu_id, _request_timeout=TIMEOUT)
    for old in api.get_rich_menu_list(_request_timeout=TIMEOUT).richmenus:
        if old.rich_menu_id != menu_id and old.name.startswith(NAME_PREFIX):
            api.delete_rich_menu(old.rich_menu_id, _request_timeout=TIMEOUT)
            log.info("office %s: deleted older rich menu %s", office.slug, old.rich_menu_id)
    return menu_id
