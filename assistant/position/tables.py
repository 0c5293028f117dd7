"""Strict loaders for the tables behind the legal position (LPR, court fees, small claims), plus the
official law titles and money helpers the position modules share.

A malformed file fails on first use with a RuleError naming the file and the field.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.models import Basis, Model
from assistant.settings import KNOWLEDGE_DIR
from assistant.text.datafiles import load_model

# --------------------------------------------------------------------------- official titles

CIVIL_CODE = "中华人民共和国民法典"
CPL = "中华人民共和国民事诉讼法"
CPL_INTERPRETATION = "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"
LENDING = "最高人民法院关于审理民间借贷案件适用法律若干问题的规定"
LENDING_SCOPE = "最高人民法院关于新民间借贷司法解释适用范围问题的批复"
LIMITATION = "最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定"
IOU_REPLY = (
    "最高人民法院关于债务人在约定的期限届满后未履行债务而出具没有还款日期的欠款条"
    "诉讼时效期间应从何时开始计算问题的批复"
)
CRIMINAL_LAW = "中华人民共和国刑法"

CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def pct(x: Decimal) -> str:
    return f"{x.normalize():f}%"


def say(lang: str, zh: str, en: str) -> str:
    """The user-facing sentence in the case's language (basis notes stay Chinese: they point at law)."""
    return en if lang == "en" else zh


def joined(lang: str, sentences: list[str]) -> str:
    return (" " if lang == "en" else "").join(sentences)


def unique_basis(basis: list[Basis]) -> list[Basis]:
    """The same article cited once, first note kept."""
    seen: set[tuple[str, str]] = set()
    out: list[Basis] = []
    for item in basis:
        if (item.law, item.article) not in seen:
            seen.add((item.law, item.article))
            out.append(item)
    return out


class _Strict(Model):
    model_config = ConfigDict(frozen=True)


# --------------------------------------------------------------------------- LPR


class LprRow(_Strict):
    published: date
    percent: Decimal = Field(gt=0, lt=20)


class LprTransition(_Strict):
    contracts_before: date
    old_cap_percent: Decimal = Field(gt=0)


class LprTable(_Strict):
    source: str
    tenor: str
    current_to: date
    cap_multiple: Decimal = Field(gt=0)
    transition: LprTransition
    rates: list[LprRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> LprTable:
        dates = [r.published for r in self.rates]
        if dates != sorted(set(dates)):
            raise ValueError("rates must be in strictly increasing order of publication date")
        if self.current_to < dates[-1]:
            raise ValueError("current_to is earlier than the newest publication")
        return self


# --------------------------------------------------------------------------- court fees


class FlatFee(_Strict):
    up_to: Decimal = Field(gt=0)
    fee: Decimal = Field(ge=0)


class FeeBand(_Strict):
    over: Decimal = Field(ge=0)
    up_to: Decimal | None
    percent: Decimal = Field(gt=0, lt=100)


class FeeSchedule(_Strict):
    """A flat fee up to a first amount, then percent bands applied cumulatively (分段累计)."""

    flat: FlatFee
    bands: list[FeeBand]
    maximum: Decimal | None = None

    @model_validator(mode="after")
    def _contiguous(self) -> FeeSchedule:
        edge: Decimal | None = self.flat.up_to
        for band in self.bands:
            if edge is None or band.over != edge or (band.up_to is not None and band.up_to <= band.over):
                raise ValueError(f"bands must be contiguous and increasing; broken at {band}")
            edge = band.up_to
        if edge is not None:
            raise ValueError("the last band must be open-ended (up_to: null)")
        return self

    def fee(self, amount: Decimal) -> Decimal:
        total = self.flat.fee
        for band in self.bands:
            if amount > band.over:
                top = amount if band.up_to is None else min(amount, band.up_to)
                total += (top - band.over) * band.percent / Decimal(100)
        return total if self.maximum is None else min(total, self.maximum)


class FeeRule(_Strict):
    article: str
    note: str
    schedule: FeeSchedule


class FractionRule(_Strict):
    article: str
    note: str
    divisor: Decimal = Field(gt=0)


class SmallClaimsFee(_Strict):
    status: Literal["assumption", "rule"]
    divisor: Decimal = Field(gt=0)
    note: str


class CourtFeeTable(_Strict):
    law: str
    document: str
    litigation: FeeRule
    simple_procedure: FractionRule
    payment_order: FractionRule
    preservation: FeeRule
    small_claims: SmallClaimsFee


# --------------------------------------------------------------------------- small claims


class LawRef(_Strict):
    law: str
    article: str


class Exclusion(_Strict):
    item: str
    rule: str
    case_field: Literal["unreachable"] | None = None


class Exclusions(_Strict):
    law: str
    article: str
    items: list[Exclusion]


class ProvinceThreshold(_Strict):
    province: str
    wage_year: int = Field(ge=2000)
    threshold: Decimal = Field(gt=0)
    checked: date


class SmallClaimsRules(_Strict):
    statute: LawRef
    threshold_share_of_average_wage: Decimal
    agreed_ceiling_multiple_of_threshold: Decimal = Field(gt=1)
    exclusions: Exclusions
    provinces: list[ProvinceThreshold] = Field(default_factory=list)

    def threshold_for(self, province: str) -> ProvinceThreshold | None:
        if not province:
            return None
        rows = [p for p in self.provinces if p.province in province or province in p.province]
        return max(rows, key=lambda p: p.wage_year) if rows else None


# --------------------------------------------------------------------------- loading

M = TypeVar("M", bound=BaseModel)


# Each table is read once per knowledge directory (a test passes its own directory, never patches this module).


@lru_cache(maxsize=4)
def lpr_table(directory: Path = KNOWLEDGE_DIR) -> LprTable:
    return load_model(directory / "lpr.yaml", LprTable)


@lru_cache(maxsize=4)
def court_fee_table(directory: Path = KNOWLEDGE_DIR) -> CourtFeeTable:
    return load_model(directory / "court_fees.yaml", CourtFeeTable)


@lru_cache(maxsize=4)
def small_claims_rules(directory: Path = KNOWLEDGE_DIR) -> SmallClaimsRules:
    return load_model(directory / "small_claims.yaml", SmallClaimsRules)
