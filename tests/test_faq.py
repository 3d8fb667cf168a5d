"""FAQ matching: Thai normalisation, knowledge-base checks, the matcher and `tambon faq`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import main
from bot.exceptions import ConfigError
from bot.faq.knowledge import load_knowledge
from bot.faq.matcher import Matcher
from bot.faq.smalltalk import is_smalltalk
from bot.faq.text import words
from bot.thai import canonical, normalise, skeleton

ROOT = Path(__file__).resolve().parent.parent
DEMO_KB = ROOT / "knowledge" / "demo.yaml"
JSON_KEYS = {"question", "status", "id", "score", "suggestions"}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge(DEMO_KB).entries)


def entry(**fields) -> dict:
    base = {
        "id": "garbage-fee",
        "category": "ขยะ",
        "question": "ค่าขยะเดือนละเท่าไหร่",
        "alternatives": ["ค่าขยะกี่บาท", "จ่ายค่าขยะที่ไหน"],
        "answer": "เดือนละ 20 บาทค่ะ",
    }
    return base | fields


def write_kb(tmp_path: Path, *entries: dict) -> Path:
    path = tmp_path / "kb.yaml"
    path.write_text(yaml.safe_dump({"entries": list(entries)}, allow_unicode=True), "utf-8")
    return path


# --- normalisation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ภาษีที่ดินปี๒๕๖๙", "ภาษีที่ดินปี2569"),  # Thai digits
        ("ด่วนมากกกกก", "ด่วนมาก"),  # a letter typed again and again
        ("เบี้ยยังชีพออกยังคะ", "เบี้ยยังชีพออกยัง"),  # trailing particle
        ("ค่าขยะ   เท่าไหร่ครับผม", "ค่าขยะ เท่าไหร่"),  # spacing and particle
        ("อบต.เปิดกี่โมง", "อบตเปิดกี่โมง"),  # abbreviation dot
        ("องค์การบริหารส่วนตำบลเปิดกี่โมง", "อบตเปิดกี่โมง"),  # long form, short form
        ("บัตรปชช.หาย", "บัตรประชาชนหาย"),
        ("รร.ผู้สูงอายุ", "โรงเรียนผู้สูงอายุ"),
        ("เบียยังชีพ", "เบี้ยยังชีพ"),  # typo: tone mark left out
        ("ภาษีทีดิน", "ภาษีที่ดิน"),
        ("ค่าน้ำปะปา", "ค่าน้ำประปา"),
        ("เเจ้งเกิด", "แจ้งเกิด"),  # sara e typed twice for sara ae
        ("ช่วงเที่ยงๆ", "ช่วงเที่ยง"),
        ("พรรคไหนดี", "พรรคไหนดี"),  # รร inside a word is not โรงเรียน
        ("เบียร์", "เบียร์"),
    ],
)
def test_canonical_spelling(typed, expected):
    assert canonical(typed) == expected


def test_normalise_keeps_its_behaviour():
    assert normalise("สวัสดีครับ") == "สวัสดี"
    assert normalise("ช่วงเที่ยงๆ") == "ช่วงเที่ยงๆ"


def test_tone_marks_do_not_separate_typos():
    assert skeleton("ที่ดิน") == skeleton("ทีดิน")


def test_words_drop_particles_anywhere_and_split_latin_runs():
    assert words("น้ำท่วมบ้านค่ะ ช่วยด้วย") == ["น้ำท่วม", "บ้าน", "ช่วย"]
    assert words("ยื่นคำร้อง (e-Service) ทางอบต.") == ["ยื่นคำร้อง", "e", "service", "ทาง", "อบต"]


# --- knowledge base ----------------------------------------------------------------------


def test_the_demo_knowledge_base_loads():
    knowledge = load_knowledge(DEMO_KB)
    assert len(knowledge.entries) == 58
    assert knowledge.entries["elderly-allowance-register"].links[0].label == "ดาวน์โหลดแบบคำขอ"


def test_a_repeated_id_is_named(tmp_path):
    path = write_kb(tmp_path, entry(), entry(question="ค่าเก็บขยะ"))
    with pytest.raises(ConfigError, match=r"entry garbage-fee: id: repeated"):
        load_knowledge(path)


def test_an_empty_answer_is_named(tmp_path):
    path = write_kb(tmp_path, entry(id="water-bill", answer="  "))
    with pytest.raises(ConfigError, match=r"entry water-bill: answer: empty"):
        load_knowledge(path)


def test_a_label_over_20_characters_is_named(tmp_path):
    label = "ดาวน์โหลดแบบคำขอรับเงินอุดหนุน"  # 25 characters as LINE counts them
    path = write_kb(tmp_path, entry(links=[{"label": label, "url": "https://example.go.th"}]))
    with pytest.raises(ConfigError, match=r"entry garbage-fee: links\[0\]\.label: .* 25 char"):
        load_knowledge(path)


def test_every_problem_is_listed_with_its_entry_and_field(tmp_path):
    path = write_kb(
        tmp_path,
        entry(id="Bad_Id"),
        entry(id="no-alternatives", alternatives=[]),
        entry(id="long-answer", answer="ก" * 5001, extra="x"),
    )
    with pytest.raises(ConfigError) as caught:
        load_knowledge(path)
    message = str(caught.value)
    assert "entry Bad_Id: id: use lowercase" in message
    assert "entry no-alternatives: alternatives: must be a non-empty list" in message
    assert "entry long-answer: answer: 5001 UTF-16 units" in message
    assert "entry long-answer: unknown field 'extra'" in message


def test_a_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_knowledge(tmp_path / "none.yaml")


# --- matcher -----------------------------------------------------------------------------


def test_colloquial_words_get_the_official_entry(matcher):
    match = matcher.ask("เงินคนแก่ลงทะเบียนยังไงคะ")
    assert (match.status, match.entry_id) == ("answer", "elderly-allowance-register")
    assert match.suggestions == []


def test_a_typo_still_finds_its_entry(matcher):
    assert matcher.ask("ภาษีทีดินจ่ายที่ไหนครับ").entry_id == "land-tax-payment"


@pytest.mark.parametrize("question", ["หวยงวดนี้ออกอะไร", "ราคาทองวันนี้เท่าไหร่", "???"])
def test_off_topic_is_not_answered(matcher, question):
    match = matcher.ask(question)
    assert match.status in ("fallback", "suggest")
    assert match.entry_id is None


@pytest.mark.parametrize("said", ["สวัสดีค่ะ", "ขอบคุณมากครับ 🙏", "โอเคค่ะ", "หวัดดีจ้า"])
def test_greetings_and_thanks_are_small_talk(matcher, said):
    assert is_smalltalk(said)
    assert matcher.ask(said).status == "smalltalk"


def test_a_greeting_before_a_question_is_not_small_talk(matcher):
    assert not is_smalltalk("สวัสดีค่ะ เบี้ยยังชีพเข้าวันไหน")
    assert matcher.ask("สวัสดีค่ะ เบี้ยยังชีพเข้าวันไหน").status != "smalltalk"


def test_a_vague_question_gets_at_most_three_suggestions(matcher):
    match = matcher.ask("เบี้ยยังชีพ")
    assert match.status == "suggest"
    assert 1 <= len(match.suggestions) <= 3
    assert all(s.startswith("elderly-allowance-") for s in match.suggestions)


def test_the_model_runs_on_one_blas_thread(matcher):
    from bot.faq.semantic import limit_blas_threads

    # Without threadpoolctl USE cannot limit BLAS itself; 4 threads on 2 cores were ~200 ms.
    assert limit_blas_threads(1)


def test_near_duplicate_phrasings_are_found(matcher):
    pairs = matcher.near_duplicates(0.75)
    assert {(p.first, p.second) for p in pairs} == {("corruption-complaint", "complaint-general")}


# --- tambon faq --------------------------------------------------------------------------


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, ["faq", *args], input=stdin)


def test_ask_json_prints_one_object(matcher):
    result = invoke("ask", "--kb", str(DEMO_KB), "--json", "เงินคนแก่ลงทะเบียนยังไงคะ")
    assert result.exit_code == 0, result.output
    [line] = result.output.splitlines()
    answer = json.loads(line)
    assert set(answer) == JSON_KEYS
    assert answer["status"] == "answer"
    assert answer["id"] == "elderly-allowance-register"
    assert isinstance(answer["score"], float)


@pytest.mark.parametrize("argument", [[], ["-"]])
def test_ask_reads_one_question_per_line_from_stdin(matcher, argument):
    stdin = "สวัสดีค่ะ\n\nหวยงวดนี้ออกอะไร\nเบี้ยยังชีพ\n"
    result = invoke("ask", "--kb", str(DEMO_KB), "--json", *argument, stdin=stdin)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [a["question"] for a in answers] == ["สวัสดีค่ะ", "หวยงวดนี้ออกอะไร", "เบี้ยยังชีพ"]
    assert [a["status"] for a in answers] == ["smalltalk", "fallback", "suggest"]
    assert answers[0]["id"] is None and answers[2]["suggestions"]


def test_ask_finds_the_office_knowledge_base(matcher, tmp_path, monkeypatch):
    offices = yaml.safe_load((ROOT / "offices.yaml").read_text("utf-8"))
    offices["offices"][0]["knowledge"] = str(DEMO_KB)
    path = tmp_path / "offices.yaml"
    path.write_text(yaml.safe_dump(offices, allow_unicode=True), "utf-8")
    monkeypatch.setenv("TAMBON_OFFICES", str(path))
    result = invoke("ask", "--office", "demo", "ค่าขยะเดือนละกี่บาทคะ")
    assert result.exit_code == 0, result.output
    assert "answer" in result.output and "garbage-fee" in result.output
    assert invoke("ask", "--office", "nowhere", "ค่าขยะ").exit_code == 1


def test_ask_needs_exactly_one_source():
    assert invoke("ask", "ค่าขยะ").exit_code == 2
    assert invoke("ask", "--office", "demo", "--kb", str(DEMO_KB), "ค่าขยะ").exit_code == 2


def test_check_passes_the_demo_with_a_near_duplicate_warning(matcher):
    result = invoke("check", "--kb", str(DEMO_KB))
    assert result.exit_code == 0, result.output
    assert "58 valid entries, 0 errors, 1 warnings" in result.output
    assert "corruption-complaint and complaint-general" in result.output


def test_check_fails_on_errors_naming_the_entry(matcher, tmp_path):
    path = write_kb(
        tmp_path,
        entry(),
        entry(),
        entry(id="water-bill", answer=""),
        entry(id="sign-tax", alternatives=["ภาษีป้าย"], question="ค่าขยะกี่บาท"),
    )
    result = invoke("check", "--kb", str(path))
    assert result.exit_code == 1
    assert "entry garbage-fee: id: repeated" in result.output
    assert "entry water-bill: answer: empty" in result.output
    assert "entry sign-tax: 'ค่าขยะกี่บาท' is also a question of garbage-fee" in result.output


def test_eval_prints_the_figures(matcher, tmp_path):
    cases = tmp_path / "cases.tsv"
    cases.write_text(
        "elderly-allowance-register\tเงินคนแก่ลงทะเบียนยังไงคะ\n"
        "garbage-fee\tค่าขยะเดือนละกี่บาทคะ\n"
        "-\tหวยงวดนี้ออกอะไร\n",
        "utf-8",
    )
    result = invoke("eval", "--kb", str(DEMO_KB), "--cases", str(cases))
    assert result.exit_code == 0, result.output
    for figure in ("top-1         100.0 %  (2/2)", "top-3", "confident-wrong", "off fallback"):
        assert figure in result.output
    assert "off answered    0.0 %  (0/1)" in result.output
