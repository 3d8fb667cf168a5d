"""`tambon richmenu deploy`: the office's rich menu, drawn in Thai and deployed with the SDK."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageDraw

from bot import richmenu
from bot.cli import main
from bot.conversation.context import Context
from bot.conversation.router import route
from bot.events import parse_event
from bot.fakeline import sender
from bot.limits import MAX_ACTION_LABEL, graphemes
from bot.offices import load_offices
from tests.conftest import TEST_OFFICES

OFFICES = load_offices(TEST_OFFICES)
CITIZEN = "U" + "7" * 32
# Menu texts whose capability has not landed yet: the router still gives the fallback.
NOT_YET_ANSWERED: set[str] = set()


@pytest.fixture
def deploy(line, runner, monkeypatch):
    """Runs `tambon richmenu deploy` against the fake LINE platform over HTTP."""
    for key in ("LINE_API_BASE_URL", "LINE_DATA_API_BASE_URL"):
        monkeypatch.setenv(key, f"{line.base_url}/_fakeline")

    def run(office: str = "nongbua"):
        return runner.invoke(main, ["richmenu", "deploy", "--office", office])

    return run


def _ours(line, office: str = "nongbua") -> dict[str, dict]:
    menus = line.fake.rich_menus(office)
    return {k: m for k, m in menus.items() if m["name"].startswith(richmenu.NAME_PREFIX)}


def test_deploy_makes_one_default_menu_with_its_image(deploy, line):
    result = deploy()
    assert result.exit_code == 0, result.output
    ((menu_id, menu),) = line.fake.rich_menus("nongbua").items()
    assert menu_id in result.output
    assert line.fake.default_rich_menu("nongbua") == menu_id
    content_type, data = line.fake.rich_menu_image(menu_id)
    assert content_type == "image/png" and len(data) <= 1024 * 1024
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (menu["size"]["width"], menu["size"]["height"])
    assert line.fake.rich_menus("bankhok") == {}


def test_the_menu_keeps_to_lines_limits(deploy, line):
    assert deploy().exit_code == 0
    (menu,) = line.fake.rich_menus("nongbua").values()
    width, height = menu["size"]["width"], menu["size"]["height"]
    assert 1 <= len(menu["chatBarText"]) <= 14
    assert 1 <= len(menu["areas"]) <= 20
    for area in menu["areas"]:
        b = area["bounds"]
        assert b["x"] >= 0 and b["y"] >= 0 and b["width"] > 0 and b["height"] > 0
        assert b["x"] + b["width"] <= width and b["y"] + b["height"] <= height
        assert graphemes(area["action"]["label"]) <= MAX_ACTION_LABEL
    covered = sum(a["bounds"]["width"] * a["bounds"]["height"] for a in menu["areas"])
    assert covered == width * height  # every part of the image does something


def test_deploying_again_leaves_one_menu_and_never_none(deploy, line):
    assert deploy().exit_code == 0
    (first,) = line.fake.rich_menus("nongbua")
    assert deploy().exit_code == 0
    (second,) = line.fake.rich_menus("nongbua")
    assert second != first
    assert line.fake.default_rich_menu("nongbua") == second
    (delete,) = line.calls("richmenu.delete")
    assert delete["path"].endswith(first)
    # The old menu goes only after the new one is the default.
    assert delete["seq"] > line.calls("richmenu.set_default")[-1]["seq"]


def test_menus_made_by_others_are_left_alone(deploy, line):
    festival = {**richmenu.build_menu(OFFICES["nongbua"]).menu, "name": "เมนูเทศกาล"}
    theirs = line.fake.create_rich_menu("nongbua", festival)
    assert deploy().exit_code == 0
    assert deploy().exit_code == 0
    assert theirs in line.fake.rich_menus("nongbua")
    assert len(_ours(line)) == 1


def test_a_failed_deploy_says_why_and_the_next_one_tidies_up(deploy, line):
    assert deploy().exit_code == 0
    line.fake.fail_next("richmenu.upload", 500)
    failed = deploy()
    assert failed.exit_code != 0
    assert "LINE answered 500" in failed.output
    assert len(_ours(line)) == 2  # the half-made one: no image, never the default
    assert deploy().exit_code == 0
    (only,) = _ours(line)
    assert line.fake.default_rich_menu("nongbua") == only


def test_an_unknown_office_is_a_clear_error(deploy, line):
    result = deploy("nowhere")
    assert result.exit_code != 0
    assert "no office 'nowhere'" in result.output
    assert line.calls() == []


@pytest.mark.parametrize("slug", sorted(OFFICES))
def test_every_button_sends_a_text_the_bot_answers(app, slug):
    office = OFFICES[slug]
    for area in richmenu.build_menu(office).menu["areas"]:
        said = area["action"]["text"]
        event = parse_event(sender.text_event(CITIZEN, said))
        with app.app_context():
            answered = route(office, Context(), event)
        if said not in NOT_YET_ANSWERED:
            shown = str(answered[1])
            assert "ส่งให้เจ้าหน้าที่แล้ว" not in shown and "ยังไม่เข้าใจ" not in shown, said


def test_the_contact_button_names_the_kind_of_office():
    labels = {s: richmenu.buttons(o)[-1].label for s, o in OFFICES.items()}
    assert labels == {"nongbua": "ติดต่อ อบต.", "bankhok": "ติดต่อ เทศบาล"}


def test_each_label_is_drawn_under_its_icon():
    office = OFFICES["nongbua"]
    ink = ImageChops.difference(richmenu.draw(office), richmenu.draw(office, labels=False))
    for index in range(len(richmenu.buttons(office))):
        x, y, width, height = richmenu.area(index)
        drawn = ink.crop((x, y, x + width, y + height)).getbbox()
        assert drawn is not None, f"button {index} has no label"
        left, top, right, bottom = drawn
        centre_x, centre_y = richmenu.label_centre(index)
        assert abs(x + (left + right) / 2 - centre_x) < 20
        assert y + top < centre_y < y + bottom
        assert right - left > width / 3  # a word, not a dot
        assert y + top > richmenu.icon_centre(index)[1] + richmenu.ICON_RADIUS


def test_sarabun_has_every_letter_of_the_labels():
    """A letter missing from the font would be drawn as an empty box (tofu)."""
    size = 80
    font = richmenu.font(size)

    def ink(text: str) -> bytes:
        image = Image.new("L", (size * 2, size * 2))
        ImageDraw.Draw(image).text((size, size), text, font=font, fill=255, anchor="mm")
        return image.tobytes()

    tofu = ink("漢")  # Sarabun has no Chinese: this is its empty box
    assert any(tofu)
    letters = {ch for o in OFFICES.values() for b in richmenu.buttons(o) for ch in b.label}
    for letter in letters - {" ", "-", "."}:
        assert ink(letter) != tofu, letter
