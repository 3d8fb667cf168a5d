"""LINE's documented limits, and fitting text into them."""

from __future__ import annotations

import unicodedata

MAX_MESSAGES_PER_REQUEST = 5
MAX_QUICK_REPLY_ITEMS = 13
MAX_ACTION_LABEL = 20
MAX_BUTTON_LABEL = 40
MAX_POSTBACK_DATA = 300
MAX_DISPLAY_TEXT = 300
MAX_TEXT = 5000
MAX_ALT_TEXT = 1500
MAX_MULTICAST_RECIPIENTS = 500
MAX_WEBHOOK_BODY = 1024 * 1024


def graphemes(text: str) -> int:
    """Characters as LINE counts a label: Thai vowel and tone marks join their base letter.

    Sara am (ำ) is counted on its own, the cautious reading: it may be counted either way.
    """
    return sum(1 for ch in text if not unicodedata.category(ch).startswith("M"))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` cut to `limit` grapheme clusters, never splitting a letter from its marks."""
    if graphemes(text) <= limit:
        return text
    kept, count = [], 0
    for ch in text:
        base = not unicodedata.category(ch).startswith("M")
        if base and count == limit - len(ellipsis):
            break
        kept.append(ch)
        count += base
    return "".join(kept).rstrip() + ellipsis


def fit_text(text: str) -> str:
    if utf16_units(text) <= MAX_TEXT:
        return text
    cut = text.encode("utf-16-le")[: (MAX_TEXT - 1) * 2].decode("utf-16-le", "ignore")
    return cut + "…"
