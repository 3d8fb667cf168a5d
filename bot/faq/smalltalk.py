"""Greetings, thanks and chat that need a friendly word, not an entry or a member of staff."""

from __future__ import annotations

import re

from bot.thai import compact

# Longest first, so ขอบคุณมาก is taken whole before ขอบคุณ.
PHRASES = sorted(
    {
        # greetings
        "สวัสดี", "หวัดดี", "ดีจ้า", "ดีค่ะ", "ดีครับ", "สวัสดีตอนเช้า", "อรุณสวัสดิ์",
        "hello", "hi", "hey", "กินข้าวยัง", "กินข้าวหรือยัง", "สบายดีไหม", "เป็นไงบ้าง",
        # thanks and acknowledgements
        "ขอบคุณ", "ขอบคุณมาก", "ขอบคุณมากๆ", "ขอบใจ", "thank", "thanks", "thankyou", "thx",
        "โอเค", "ok", "okay", "ได้เลย", "รับทราบ", "เข้าใจแล้ว", "เรียบร้อย", "ดีมาก", "เยี่ยม",
        # goodbyes and laughter
        "ลาก่อน", "บาย", "bye", "แล้วเจอกัน", "ฝันดี", "555", "ฮ่าๆ", "ฮ่า", "อิอิ",
        # chat addressed to the bot
        "คุณชื่ออะไร", "เป็นบอทไหม", "คุณเป็นใคร", "ทดสอบ", "test",
    },
    key=len,
    reverse=True,
)  # fmt: skip
# Politeness and emphasis that may surround a greeting: ครับผม, นะคะ, ๆ, punctuation, emoji.
_FILLER = re.compile(r"ครับผม|ครับ|คับ|ค่ะ|คะ|จ้า|จ้ะ|นะ|ทุกคน|แอดมิน|ๆ|[^\w]|_", re.UNICODE)


def is_smalltalk(text: str) -> bool:
    """True when nothing is left of `text` once greetings, thanks and politeness are taken."""
    said = compact(text)
    if not said:
        return False
    found = False
    for phrase in PHRASES:
        if phrase in said:
            said = said.replace(phrase, "")
            found = True
    return found and not _FILLER.sub("", said)
