"""Offices served by one deployment, read from a YAML file and checked at start-up."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.exceptions import ConfigError

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
LINE_USER_ID = r"^U[0-9a-f]{32}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LineChannel(_Strict):
    channel_secret: str = Field(min_length=8)
    channel_access_token: str = Field(min_length=8)
    basic_id: str = Field(pattern=r"^@[a-z0-9._-]{2,30}$")


class Counter(_Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,20}$")
    name: str = Field(min_length=1)
    service: str = Field(min_length=1)


class Contact(_Strict):
    phone: str = ""
    address: str = ""
    hours: str = "วันจันทร์–วันศุกร์ 08:30–16:30 น. (เว้นวันหยุดราชการ)"
    website: str = ""


class SurveySettings(_Strict):
    file: str | None = None  # the default satisfaction survey when not given
    # One response per citizen per survey per period (per counter unless per_counter: false).
    period: Literal["day", "week", "month", "fiscal_year"] = "day"
    per_counter: bool = True
    target: int = Field(default=0, ge=0)  # responses the office aims for in a fiscal year


class WeeklyReportSettings(_Strict):
    """When admins get last week's tally on LINE, in Asia/Bangkok time."""

    enabled: bool = True
    weekday: int = Field(default=0, ge=0, le=6)  # 0 = Monday … 6 = Sunday
    time: str = Field(default="08:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class Retention(_Strict):
    """Days each kind of personal data is kept (privacy.retention applies them daily)."""

    questions_days: int = Field(default=365, ge=1)  # questions to staff and their answers
    survey_comments_days: int = Field(default=730, ge=1)  # free text; scores stay, anonymous
    audit_days: int = Field(default=730, ge=30)  # the log of staff access to personal data


class PrivacySettings(_Strict):
    """What the privacy notice (/privacy/<office>) says; empty fields fall back to the
    office's name and contact details."""

    controller: str = ""  # ผู้ควบคุมข้อมูลส่วนบุคคล: the office itself, by default
    dpo: str = ""  # เจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล: name or position
    dpo_contact: str = ""  # phone or e-mail of the DPO
    retention: Retention = Field(default_factory=Retention)


class Office(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    name: str = Field(min_length=1)
    line: LineChannel
    eit_url: str = Field(pattern=r"^https://\S+$")
    counters: list[Counter] = Field(default_factory=list)
    admins: list[str] = Field(default_factory=list)
    # A LINE group of the office's staff (C + 32 hex) gets question alerts; else the admins do.
    staff_group_id: str | None = Field(default=None, pattern=r"^C[0-9a-f]{32}$")
    contact: Contact = Field(default_factory=Contact)
    survey: SurveySettings = Field(default_factory=SurveySettings)
    knowledge: str | None = None  # the office's Q&A knowledge base (docs/knowledge-base.md)
    weekly_report: WeeklyReportSettings = Field(default_factory=WeeklyReportSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)

    @field_validator("admins")
    @classmethod
    def _admin_ids(cls, value: list[str]) -> list[str]:
        for uid in value:
            if not re.match(LINE_USER_ID, uid):
                raise ValueError("each admin must be a LINE user id: U followed by 32 hex digits")
        return value

    @field_validator("counters")
    @classmethod
    def _unique_counters(cls, value: list[Counter]) -> list[Counter]:
        codes = [c.code for c in value]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"counter codes must be unique; repeated: {', '.join(dupes)}")
        return value

    def counter(self, code: str) -> Counter | None:
        return next((c for c in self.counters if c.code == code), None)


class OfficesFile(_Strict):
    offices: list[Office] = Field(min_length=1)

    @field_validator("offices")
    @classmethod
    def _unique_slugs(cls, value: list[Office]) -> list[Office]:
        slugs = [o.slug for o in value]
        dupes = sorted({s for s in slugs if slugs.count(s) > 1})
        if dupes:
            raise ValueError(f"office slugs must be unique; repeated: {', '.join(dupes)}")
        return value


SECRET_FIELDS = ("channel_secret", "channel_access_token")


def _expand(node: object, env: dict[str, str], where: str, strict: bool = False) -> object:
    """Replace ${VAR} and ${VAR:-default} in strings, so secrets can stay out of the file.
    `strict` (production): a secret may not fall back to its default, which is public."""
    if isinstance(node, dict):
        return {
            k: _expand(v, env, f"{where}.{k}" if where else str(k), strict) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_expand(v, env, f"{where}[{i}]", strict) for i, v in enumerate(node)]
    if not isinstance(node, str):
        return node

    def substitute(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if default is not None and strict and where.endswith(SECRET_FIELDS):
            raise ConfigError(
                f"{where}: production will not use the sample default of ${{{name}}}: "
                f"set {name} to the channel's own value"
            )
        if default is not None:
            return default
        raise ConfigError(f"{where}: environment variable {name} is not set")

    return _ENV_REF.sub(substitute, node)


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"{source}: the offices file is not valid"]
    for problem in error.errors():
        where = ""
        for part in problem["loc"]:
            where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
        lines.append(f"  {where or '(top)'}: {problem['msg']}")
    return "\n".join(lines)


def load_offices(
    path: str | Path, env: dict[str, str] | None = None, *, strict: bool = False
) -> dict[str, Office]:
    """Offices by slug. Any problem raises ConfigError naming the file and the field."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: offices file not found (set TAMBON_OFFICES)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping with an 'offices' list")
    expanded = _expand(raw, dict(os.environ) if env is None else env, "", strict)
    try:
        parsed = OfficesFile.model_validate(expanded)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, str(path))) from None
    return {office.slug: _with_paths_from(path.parent, office) for office in parsed.offices}


def _with_paths_from(folder: Path, office: Office) -> Office:
    """Files named in the offices file are relative to it, wherever tambon runs from."""
    changes = {}
    if office.knowledge:
        changes["knowledge"] = str((folder / office.knowledge).resolve())
    if office.survey.file:
        survey = office.survey.model_copy(
            update={"file": str((folder / office.survey.file).resolve())}
        )
        changes["survey"] = survey
    return office.model_copy(update=changes) if changes else office
