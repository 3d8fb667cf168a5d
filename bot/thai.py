"""Thai text as citizens type it, made comparable."""

from __future__ import annotations

import re
import unicodedata

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Polite particles and fillers that end a message without changing what it asks.
_PARTICLES = re.compile(
    r"(?:\s*(?:ครับผม|ครับ|คร้าบ|คับ|ค่ะ|คะ|ค๊ะ|จ้า|จ้ะ|จ๊ะ|นะคะ|นะครับ|นะ|หน่อย|ด้วย))+[\s!?.ๆ~]*$"
)
# A Thai letter typed three times or more is emphasis (มากกกก); digits are not (1000).
_REPEATS = re.compile(r"([\u0e01-\u0e4e])\1{2,}")
_ABBREVIATION_DOT = re.compile(r"(?<=[\u0e01-\u0e2e])\.")  # อบต. → อบต


def normalise(text: str) -> str:
    """NFC, Thai digits → 0-9, lower case, one space, no trailing particles, ก็อปปปป → ก็อป."""
    text = unicodedata.normalize("NFC", text).translate(_THAI_DIGITS).lower()
    text = _ABBREVIATION_DOT.sub("", _REPEATS.sub(r"\1", text))
    text = " ".join(text.split())
    stripped = _PARTICLES.sub("", text).strip(" !?.~")
    return stripped or text.strip()


def compact(text: str) -> str:
    """normalise() without any spaces: Thai is written without them anyway."""
    return normalise(text).replace(" ", "")


# Spellings citizens type for words the knowledge base spells properly. Each pattern only
# matches where the misspelling cannot be another word (เบียร์ and เบียด keep their เบีย).
_SPELLINGS = (
    (re.compile("เเ"), "แ"),  # sara e typed twice for sara ae
    (re.compile("มั้ย|มั๊ย"), "ไหม"),
    (re.compile("เบีย(?![ดนรว])"), "เบี้ย"),
    (re.compile("ทีดิน"), "ที่ดิน"),
    (re.compile("ทีไหน"), "ที่ไหน"),
    (re.compile("ปะปา"), "ประปา"),
    (re.compile("เบอ(?![ร์ะ])"), "เบอร์"),
    (re.compile("เต้นท์|เต๊นท์"), "เต็นท์"),
    (re.compile("ลิ้งค์|ลิงค์|ลิ้งก์"), "ลิงก์"),
    (re.compile("มอไซค์|มอไซ|มอเตอร์ไซ(?!ค์)"), "มอเตอร์ไซค์"),
    (re.compile("เท่าไร(?!่)"), "เท่าไหร่"),
    (re.compile("คอรัปชั่น|คอรัปชัน|คอร์รัปชั่น"), "คอร์รัปชัน"),
)
# Abbreviations, written without their dots once normalise() has run. The long form is what
# the sentence model understands; อบต goes the other way because everyone writes it so.
_ABBREVIATIONS = (
    (re.compile("องค์การบริหารส่วนตำบล"), "อบต"),
    (re.compile(r"(?<![\u0e01-\u0e4e])รร(?=[\u0e01-\u0e4e])"), "โรงเรียน"),
    (re.compile("ปชช"), "ประชาชน"),
    (re.compile("ศพด"), "ศูนย์พัฒนาเด็กเล็ก"),
    (re.compile("พรบ"), "พระราชบัญญัติ"),
    (re.compile("รพสต"), "โรงพยาบาลส่งเสริมสุขภาพตำบล"),
)
_MAI_YAMOK = re.compile(r"\s*ๆ+")  # เที่ยงๆ: repetition marks soften, they do not add meaning
# Tone marks, mai taikhu and thanthakhat: the marks most often left out or swapped in typing.
_TONE_MARKS = re.compile("[\u0e47-\u0e4c]")


def canonical(text: str) -> str:
    """normalise(), then common misspellings and abbreviations in one written form."""
    text = _MAI_YAMOK.sub("", normalise(text))
    for pattern, replacement in _SPELLINGS + _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return text


def skeleton(text: str) -> str:
    """Text without tone marks: ทีดิน and ที่ดิน, เบีย and เบี้ย look the same."""
    return _TONE_MARKS.sub("", text)
