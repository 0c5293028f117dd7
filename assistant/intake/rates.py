"""The agreed interest rate, however it was said, as a `Rate` in percent a year.

Conventions (see knowledge/intake/rates.yaml): month × 12, day × 365; 分/厘 scale with the
period (年息一分 = 10 %, 月息一分 = 1 %, 日息一分 = 0.1 %); a bare 分 ("利息一分五", "2分利") is
月息; a bare percentage with no period is not read; "无息" is a stated rate of 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from assistant.intake.lexicon import Rates, alternation
from assistant.models import Rate, RatePeriod, Span
from assistant.text.money import parse_amount
from assistant.text.numerals import NUMBER_RUN, parse_number

_NUM = r"\d+(?:\.\d+)?|[一二两三四五六七八九十]+(?:点[零一二三四五六七八九]+)?"
_DIGIT = r"\d|[一二三四五六七八九]"
_PERCENT = rf"(?:(?P<pct>{_NUM})\s*[%％]|百分之(?P<pct_cn>{_NUM})|千分之(?P<permille>{_NUM})|万分之(?P<per10k>{_NUM}))"
_FEN = rf"(?:(?P<fen>\d+(?:\.\d+)?|[一二两三四五六七八九十])\s*分(?:(?P<fen_frac>{_DIGIT})\s*厘?)?(?![之钟钱没都也不])|(?P<li>\d+(?:\.\d+)?|[一二两三四五六七八九])\s*厘)"
_EN_PERIOD = {"year": RatePeriod.year, "annum": RatePeriod.year, "annual": RatePeriod.year, "annually": RatePeriod.year,
              "yearly": RatePeriod.year, "p.a.": RatePeriod.year, "month": RatePeriod.month, "monthly": RatePeriod.month,
              "day": RatePeriod.day, "daily": RatePeriod.day}  # fmt: skip
_OVERDUE = re.compile(r"(?:逾期|罚息|违约金|overdue|late|penalty)[^，,。；;]{0,6}$", re.I)


@dataclass(frozen=True)
class _Patterns:
    with_period: re.Pattern[str]
    interest_first: re.Pattern[str]
    fen_then_interest: re.Pattern[str]
    english: list[re.Pattern[str]]
    interest_amount: re.Pattern[str]


def _patterns(lex: Rates) -> _Patterns:
    groups = "".join(f"(?P<p_{p.value}>{alternation(lex.periods[p].zh)})|" for p in RatePeriod).rstrip("|")
    period = rf"(?:按)?(?:{groups})"
    interest = alternation(lex.interest_words.zh)
    value = rf"(?:{_PERCENT}|{_FEN})"
    return _Patterns(
        with_period=re.compile(rf"{period}(?:的)?(?:{interest})?(?:率)?(?:为|是|按|约定|算|按照|给|大概|约)?\s*{value}"),
        interest_first=re.compile(rf"(?:{interest})(?:率)?(?:为|是|按|约定|算|按照|给|大概|约)?\s*(?:{period})?\s*{value}"),
        fen_then_interest=re.compile(rf"{_FEN}(?:的)?(?:{interest}|利)"),
        english=[
            re.compile(r"(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent)\s*(?:interest\s*)?(?:(?:a|per|each|every)\s+)?"
                       r"(?P<en>year|annum|month|day|annually|monthly|daily|yearly|annual|p\.a\.)", re.I),
            re.compile(r"(?P<en>annual|monthly|daily|yearly)\s+(?:interest\s+)?(?:rate\s+)?(?:of\s+|at\s+|is\s+)?"
                       r"(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent)", re.I),
        ],  # fmt: skip
        interest_amount=re.compile(
            rf"(?P<period>每个月|每月|一个月|每年|一年)(?:的)?(?:利息|付息|给(?:我)?利息|给我|付)(?:是|为|有)?\s*"
            rf"(?P<amt>{NUMBER_RUN}\s*(?:[kKwW])?\s*(?:元|块钱|块)?)"
        ),
    )


def _number(text: str) -> Decimal:
    if "点" in text:
        whole, frac = text.split("点", 1)
        digits = "".join(str(int(parse_number(ch))) for ch in frac)
        return parse_number(whole) + Decimal(f"0.{digits}")
    return parse_number(text)


def _period_of(m: re.Match[str], default: RatePeriod | None = None) -> RatePeriod | None:
    for p in RatePeriod:
        if m.groupdict().get(f"p_{p.value}"):
            return p
    if m.groupdict().get("en"):
        return _EN_PERIOD[m.group("en").lower()]
    return default


def _stated_percent(m: re.Match[str], period: RatePeriod, lex: Rates) -> Decimal | None:
    g = m.groupdict()
    if g.get("pct") or g.get("pct_cn"):
        return _number(g.get("pct") or g["pct_cn"])
    if g.get("permille"):
        return _number(g["permille"]) / 10
    if g.get("per10k"):
        return _number(g["per10k"]) / 100
    if g.get("fen"):
        fen = _number(g["fen"]) + (_number(g["fen_frac"]) / 10 if g.get("fen_frac") else 0)
        return fen * lex.fen_percent[period]
    if g.get("li"):
        return _number(g["li"]) * lex.li_percent[period]
    return None


def annualise(stated: Decimal, period: RatePeriod, lex: Rates) -> Decimal:
    factor = {RatePeriod.year: 1, RatePeriod.month: lex.months_per_year, RatePeriod.day: lex.day_count}[period]
    value = stated * factor
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _rate(text: str, m: re.Match[str], period: RatePeriod, lex: Rates) -> Rate | None:
    try:
        stated = _stated_percent(m, period, lex)
    except ValueError:
        return None
    if stated is None:
        return None
    stated = stated.quantize(Decimal(1)) if stated == stated.to_integral() else stated.normalize()
    return Rate(annual_percent=annualise(stated, period, lex), stated_period=period, stated_value=stated,
                source=Span(start=m.start(), end=m.end(), text=m.group()))  # fmt: skip


def find_rate(text: str, lex: Rates) -> Rate | None:
    """The first agreed (not overdue) rate in the text, or an explicit 0 for 无息; None when unsaid."""
    pats = _patterns(lex)
    candidates: list[tuple[int, Rate]] = []
    for rx, default in [(pats.with_period, None), (pats.interest_first, lex.bare_fen_period),
                        (pats.fen_then_interest, lex.bare_fen_period)] + [(rx, None) for rx in pats.english]:  # fmt: skip
        for m in rx.finditer(text):
            if _OVERDUE.search(text[max(0, m.start() - 12) : m.start()]):
                continue  # an overdue or penalty rate is not the agreed loan rate (民间借贷规定第二十八条)
            period = _period_of(m, None)
            # a percentage with no period is ambiguous; only 分/厘 have a customary default period
            if period is None and default is not None and (m.groupdict().get("fen") or m.groupdict().get("li")):
                period = default
            if period is None:
                continue
            rate = _rate(text, m, period, lex)
            if rate is not None:
                candidates.append((m.start(), rate))
    for m in lex.no_interest.finditer(text):
        candidates.append((m.start(), Rate(annual_percent=Decimal(0), stated_period=RatePeriod.year,
                                           stated_value=Decimal(0), source=Span(start=m.start(), end=m.end(), text=m.group()))))  # fmt: skip
    return min(candidates, key=lambda c: c[0])[1] if candidates else None


def find_interest_amount(text: str, lex: Rates) -> tuple[Span, Decimal, RatePeriod] | None:
    """Interest stated as money ("每月利息2000"), to be turned into a rate once the principal is known."""
    m = _patterns(lex).interest_amount.search(text)
    if not m:
        return None
    try:
        amount = parse_amount(m.group("amt").strip())
    except ValueError:
        return None
    period = RatePeriod.year if "年" in m.group("period") else RatePeriod.month
    return Span(start=m.start(), end=m.end(), text=m.group()), amount, period


def rate_from_amount(span: Span, amount: Decimal, period: RatePeriod, principal: Decimal, lex: Rates) -> Rate:
    """每月利息1000 on 60,000: 1.6667 %/month, 20 %/year (annualised from the exact ratio, to 0.01)."""
    exact = amount / principal * 100
    annual = annualise(exact, period, lex).quantize(Decimal("0.01"))
    annual = annual.quantize(Decimal(1)) if annual == annual.to_integral() else annual.normalize()
    return Rate(annual_percent=annual, stated_period=period, stated_value=exact.quantize(Decimal("0.0001")).normalize(), source=span)
