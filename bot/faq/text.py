"""Questions turned into what the indexes compare: newmm words and letter n-grams."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache

from bot.thai import canonical, skeleton

# Words of local government that newmm's dictionary splits (อบต → อบ/ต).
EXTRA_WORDS = frozenset({"อบต", "อบจ", "ปปช", "สปสช", "อปพร", "เบี้ยยังชีพ", "คนแก่", "คนชรา"})
# Politeness and fillers anywhere in a message: they say nothing about the topic.
PARTICLES = frozenset(
    {
        "ค่ะ", "คะ", "ค่า", "คับ", "ครับ", "ครับผม", "คร้าบ", "จ้า", "จ้ะ", "จ๊ะ", "จ๋า",
        "นะ", "น่ะ", "นะคะ", "นะครับ", "ฮะ", "อ่ะ", "อะ", "เนอะ", "หน่อย", "ด้วย",
        "รบกวน", "สอบถาม", "ขอสอบถาม", "สวัสดี",
    }
)  # fmt: skip
# Question words and glue: they shape a question but say little about its topic.
FUNCTION_WORDS = frozenset(
    {
        "ที่ไหน", "ไหน", "ยังไง", "อย่างไร", "ไง", "เท่าไหร่", "อะไร", "บ้าง", "ได้", "ไหม",
        "หรือเปล่า", "รึเปล่า", "เปล่า", "ต้อง", "ไป", "มา", "จะ", "ที่", "ทำ", "ให้", "มี",
        "เป็น", "ของ", "ใน", "แล้ว", "ยัง", "เลย", "กี่", "ว่า", "คือ", "เมื่อไหร่", "ใคร",
        "หรือ", "และ", "กับ", "ก็", "อยู่", "ขอ", "อยาก", "เรา", "ผม", "ฉัน", "หนู",
        "ตอนนี้", "นี้", "นั้น", "ไร", "อยากทราบ", "ทราบ", "ถ้า", "แต่", "เพราะ", "ทำไม",
    }
)  # fmt: skip
# newmm returns a run of Latin letters and punctuation as one token: "(e-service)".
_RUNS = re.compile(r"[a-z0-9]+|[\u0e01-\u0e4e]+")


class Dictionary:
    """newmm's dictionary as a set: newmm only asks which words start at a position.

    pythainlp's Trie keeps a dict per letter, 76 MB for its 62,000 words; this is ~13 MB.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(w.strip() for w in words if w.strip())
        # Lengths of the words by their first two letters: few candidates to look up.
        lengths: dict[str, set[int]] = {}
        for word in self.words:
            lengths.setdefault(word[:2], set()).add(len(word))
        self.lengths = {start: tuple(sorted(n)) for start, n in lengths.items()}

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """The words that `text` has at `start`, shortest first (as Trie.prefixes)."""
        room = len(text) - start
        found = [text[start : start + 1]] if text[start : start + 1] in self.words else []
        for n in self.lengths.get(text[start : start + 2], ()):
            if 1 < n <= room and text[start : start + n] in self.words:
                found.append(text[start : start + n])
        return found

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


@cache
def _dictionary() -> Dictionary:
    from pythainlp.corpus.common import thai_words

    return Dictionary(thai_words() | EXTRA_WORDS)


def warm_up() -> None:
    """Load newmm's dictionary now (about a second) rather than on the first question."""
    _dictionary()
    words("สวัสดี")


def words(text: str) -> list[str]:
    """The topic words of `text`: canonical spelling, newmm, no particles or punctuation."""
    from pythainlp.tokenize import word_tokenize

    tokens = word_tokenize(
        canonical(text), custom_dict=_dictionary(), engine="newmm", keep_whitespace=False
    )
    runs = (run for token in tokens for run in _RUNS.findall(token))
    return [run for run in runs if run not in PARTICLES]


def letter_grams(found: list[str], sizes: tuple[int, ...] = (2, 3)) -> Counter[str]:
    """Letter n-grams of words() without tone marks: they survive typos that split words."""
    letters = skeleton("".join(found))
    return Counter(letters[i : i + n] for n in sizes for i in range(len(letters) - n + 1))


def with_parts(found: list[str]) -> list[str]:
    """words(), each followed by its parts when it is a compound of two dictionary words.

    newmm keeps compounds whole (รับเงิน, ภาษีที่ดิน, เงินช่วยเหลือ), so without the parts
    รับเงิน would share nothing with รับ … เงิน.
    """
    out = []
    for word in found:
        out.append(word)
        out.extend(_parts(word))
    return out


@lru_cache(maxsize=65536)  # bounded: questions bring words no dictionary has
def _parts(word: str) -> tuple[str, ...]:
    known = _dictionary()
    splits = [
        (word[:i], word[i:])
        for i in range(3, len(word) - 2)
        if word[:i] in known and word[i:] in known
    ]
    if not splits:
        return ()
    return max(splits, key=lambda pair: min(len(pair[0]), len(pair[1])))
