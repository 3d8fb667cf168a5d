"""A survey as a YAML file, checked, with a version that changes when its content does."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.exceptions import ConfigError

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
DEFAULT_SURVEY = DEFINITIONS / "satisfaction.yaml"
_ID = r"^[a-z][a-z0-9_]{0,39}$"

# Demographic questions offices ask; nothing sensitive (no health, disability, religion).
DEMOGRAPHICS: dict[str, tuple[str, dict[str, str]]] = {
    "gender": ("เพศ", {"male": "ชาย", "female": "หญิง", "unspecified": "ไม่ระบุ"}),
    "age_band": (
        "อายุ",
        {"-20": "ไม่เกิน 20 ปี", "21-40": "21–40 ปี", "41-60": "41–60 ปี", "61-": "มากกว่า 60 ปี"},
    ),
    "occupation": (
        "อาชีพ",
        {
            "farmer": "เกษตรกร",
            "labour": "รับจ้างทั่วไป",
            "business": "ค้าขาย/ธุรกิจส่วนตัว",
            "government": "รับราชการ/รัฐวิสาหกิจ",
            "student": "นักเรียน/นักศึกษา",
            "other": "อื่น ๆ",
        },
    ),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(_Strict):
    id: str = Field(pattern=_ID)
    text: str = Field(min_length=1, max_length=300)


class Aspect(_Strict):
    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    items: list[Item] = Field(min_length=1)


class Survey(_Strict):
    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    privacy_notice: str = Field(min_length=1)
    scale: dict[int, str] = Field(min_length=2)
    aspects: list[Aspect] = Field(min_length=1)
    overall: Item | None = None
    comment: str | None = None
    demographics: list[str] = Field(default_factory=list)

    @field_validator("scale")
    @classmethod
    def _scale(cls, value: dict[int, str]) -> dict[int, str]:
        if sorted(value) != list(range(1, len(value) + 1)):
            raise ValueError("scale values must be 1, 2, … n")
        return value

    @field_validator("demographics")
    @classmethod
    def _demographics(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in DEMOGRAPHICS]
        if unknown:
            raise ValueError(f"unknown demographics {unknown}; known: {', '.join(DEMOGRAPHICS)}")
        return value

    @model_validator(mode="after")
    def _unique_items(self) -> Survey:
        ids = [item.id for item in self.items()]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"item ids must be unique; repeated: {', '.join(dupes)}")
        return self

    def items(self) -> list[Item]:
        """Every rated item in asking order, the overall item last."""
        rated = [item for aspect in self.aspects for item in aspect.items]
        return [*rated, self.overall] if self.overall else rated

    def aspect_of(self, item_id: str) -> Aspect | None:
        return next((a for a in self.aspects if any(i.id == item_id for i in a.items)), None)

    @property
    def top(self) -> int:
        return max(self.scale)

    @property
    def version(self) -> str:
        """Content hash: an edited survey is a new version; old responses keep theirs."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def parse_survey(raw: dict, source: str = "survey") -> Survey:
    try:
        return Survey.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{source}: {problems}") from None


@lru_cache(maxsize=32)
def load_survey(path: str | Path = DEFAULT_SURVEY) -> Survey:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the survey: {exc}") from exc
    return parse_survey(raw if isinstance(raw, dict) else {}, str(path))


def survey_for_office(office) -> Survey:
    """The survey an office runs: its own file, or the default satisfaction survey."""
    return load_survey(office.survey.file or DEFAULT_SURVEY)
