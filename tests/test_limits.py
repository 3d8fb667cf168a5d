"""LINE's limits, counted as LINE counts them."""

from __future__ import annotations

import pytest

from bot.limits import fit, fit_text, graphemes, utf16_units
from bot.messages import message_action, postback_action, text, with_quick_replies


def test_thai_marks_count_with_their_letter():
    assert graphemes("ที่") == 1  # ท + ี + ่
    assert graphemes("ประเมินความพึงพอใจ") == 16  # ิ and ึ join their letters
    assert graphemes("น้ำ") == 2  # the sara am counts, cautiously


def test_fit_never_leaves_a_mark_without_its_letter():
    label = fit("ประเมินความพึงพอใจการให้บริการของสำนักงาน", 20)
    assert graphemes(label) == 20
    assert label.endswith("…")
    assert label == "ประเมินความพึงพอใจการ…"


def test_labels_are_fitted_to_20():
    action = message_action("แบบประเมินความพึงพอใจต่อการให้บริการ")
    assert graphemes(action["label"]) <= 20
    assert action["text"] == "แบบประเมินความพึงพอใจต่อการให้บริการ"


def test_more_than_13_quick_replies_is_a_programming_error():
    with pytest.raises(ValueError, match="13"):
        with_quick_replies(text("x"), [message_action(str(i)) for i in range(14)])


def test_postback_data_over_300_is_refused():
    with pytest.raises(ValueError, match="300"):
        postback_action("ok", "d" * 301)


def test_long_text_is_cut_to_5000_utf16_units():
    long = "😀" * 3000  # 2 UTF-16 units each
    assert utf16_units(fit_text(long)) <= 5000
    assert fit_text("สั้น") == "สั้น"
