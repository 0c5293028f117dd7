"""The intake lexicons (knowledge/intake/*.yaml), loaded through strict pydantic models.

Every word list is a set of regex fragments: Chinese matched as written, English
case-insensitively and only as whole words. A bad key or a bad regex fails at load time
with a RuleError naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, ValidationError, model_validator

from assistant.errors import RuleError
from assistant.models import EvidenceKind, Model, PartyKind, RatePeriod
from assistant.settings import KNOWLEDGE_DIR
from assistant.text.datafiles import read_yaml

INTAKE_DIR = KNOWLEDGE_DIR / "intake"
Unit = Literal["day", "week", "month", "year"]
Precision = Literal["day", "month", "year"]
EventKind = Literal["demand", "acknowledgement", "partial_payment", "promise", "contact", "lawsuit"]
StatusWord = Literal["unreachable", "evasive", "reachable"]
AmountRole = Literal[
    "principal", "owed", "repaid", "interest_deducted_upfront", "actually_received", "offer_monthly", "offer_down_payment"
]


def alternation(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


class Terms(Model):
    """Words in Chinese and English; `finditer` yields their matches, longest alternative first."""

    zh: list[str] = []
    en: list[str] = []
    _regex: re.Pattern[str] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _compile(self) -> Terms:
        parts = []
        if self.zh:
            parts.append(f"(?:{alternation(self.zh)})")
        if self.en:
            parts.append(f"(?i:(?<![A-Za-z])(?:{alternation(self.en)})(?![A-Za-z]))")
        for word in [*self.zh, *self.en]:
            try:
                re.compile(word)
            except re.error as exc:
                raise ValueError(f"bad pattern {word!r}: {exc}") from exc
        self._regex = re.compile("|".join(parts)) if parts else None
        return self

    @property
    def regex(self) -> re.Pattern[str] | None:
        return self._regex

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        if self._regex is not None:
            yield from self._regex.finditer(text, pos, len(text) if endpos is None else endpos)

    def match_at(self, text: str, pos: int) -> re.Match[str] | None:
        return self._regex.match(text, pos) if self._regex is not None else None


class Negation(Model):
    pre: Terms
    adjacent: Terms
    post: Terms
    scope_breakers: Terms
    window_zh: int
    window_en: int


class Evidence(Model):
    basis: str
    kinds: dict[EvidenceKind, Terms]


class Contact(Model):
    basis: str
    status: dict[StatusWord, Terms]
    events: dict[EventKind, Terms]
    channels: dict[str, Terms]


class Parties(Model):
    basis: str
    kinds: dict[PartyKind, Terms]
    creditor_self: dict[PartyKind, Terms]
    surnames: str


class RoleCue(Terms):
    side: Literal["before", "after"] = "before"


class Amounts(Model):
    basis: str
    roles: dict[AmountRole, list[RoleCue]]


class Rates(Model):
    basis: str
    day_count: int
    months_per_year: int
    periods: dict[RatePeriod, Terms]
    fen_percent: dict[RatePeriod, Decimal]
    li_percent: dict[RatePeriod, Decimal]
    bare_fen_period: RatePeriod
    interest_words: Terms
    no_interest: Terms


class RelativeWord(Terms):
    unit: Unit
    offset: int
    precision: Precision


class TermPatterns(Model):
    zh: list[str]
    en: list[str]
    _compiled: list[re.Pattern[str]] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _compile(self) -> TermPatterns:
        for pattern in [*self.zh, *self.en]:
            try:
                rx = re.compile(pattern, re.I)
            except re.error as exc:
                raise ValueError(f"bad pattern {pattern!r}: {exc}") from exc
            if not {"n", "unit"} <= set(rx.groupindex):
                raise ValueError(f"term pattern {pattern!r} needs groups (?P<n>...) and (?P<unit>...)")
            self._compiled.append(rx)
        return self

    @property
    def compiled(self) -> list[re.Pattern[str]]:
        return self._compiled


class Dates(Model):
    basis: str
    relative: list[RelativeWord]
    ago_units: dict[Unit, Terms]
    ago_words: Terms
    roles: dict[Literal["loan", "due", "last_contact"], Terms]
    terms: TermPatterns


class BasisTerms(Terms):
    basis: str


class IllegalPurpose(Model):
    basis: str
    kinds: dict[str, Terms]


class DebtorAssets(Model):
    positive: Terms
    negative: Terms


class Provinces(Model):
    basis: str
    names: dict[str, Terms]


class Facts(Model):
    guarantor: BasisTerms
    collateral: BasisTerms
    disputed: BasisTerms
    undisputed: Terms
    illegal_purpose: IllegalPurpose
    debtor_assets: DebtorAssets
    provinces: Provinces


class QuestionText(Model):
    zh: str
    en: str


class Question(Model):
    field: str
    zh: str
    en: str
    why_zh: str
    why_en: str
    # the question in the words of a debt that is not a loan (goods: 送货单、对账单…); the `trade` entry serves
    # every such debt without its own
    by_type: dict[str, QuestionText] = Field(default_factory=dict)

    def asked(self, debt_type: str | None, language: str) -> str:
        own = self.by_type.get(debt_type or "") or (self.by_type.get("trade") if debt_type not in (None, "loan", "guarantee") else None)
        return getattr(own or self, language)


class Questions(Model):
    questions: list[Question]


class IntakeLexicon(Model):
    negation: Negation
    evidence: Evidence
    contact: Contact
    parties: Parties
    amounts: Amounts
    rates: Rates
    dates: Dates
    facts: Facts
    questions: Questions


def _read(path: Path) -> object:
    return read_yaml(path, error=RuleError)


@lru_cache(maxsize=4)
def load_lexicon(directory: Path = INTAKE_DIR) -> IntakeLexicon:
    """Load and validate every intake lexicon; raise RuleError naming the faulty file."""
    parts: dict[str, object] = {}
    for name, field in IntakeLexicon.model_fields.items():
        path = directory / f"{name}.yaml"
        try:
            parts[name] = field.annotation.model_validate(_read(path))  # type: ignore[union-attr]
        except ValidationError as exc:
            raise RuleError(f"intake lexicon {path.name} is malformed: {exc}") from exc
    return IntakeLexicon.model_validate(parts)
