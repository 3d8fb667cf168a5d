"""The links that QR codes and posters carry, per office and counter."""

from __future__ import annotations

from urllib.parse import quote

from bot.offices import Counter, Office


def counter_start_text(counter: Counter) -> str:
    """What a counter's QR code types into the chat; the bot reads the counter code from it.
    Short on purpose: every Thai letter costs nine characters in the link, and the QR grows."""
    return f"ประเมิน จุดบริการ {counter.code}"


def line_survey_url(office: Office, counter: Counter) -> str:
    """Opens the office's chat with the counter's start text typed in (LINE's oaMessage link)."""
    basic_id = quote(office.line.basic_id, safe="")
    return f"https://line.me/R/oaMessage/{basic_id}/?{quote(counter_start_text(counter), safe='')}"


def web_survey_url(public_base_url: str, office: Office, counter: Counter) -> str:
    return f"{public_base_url.rstrip('/')}/s/{office.slug}/{quote(counter.code, safe='')}"


def add_friend_url(office: Office) -> str:
    return f"https://line.me/R/ti/p/{quote(office.line.basic_id, safe='')}"
