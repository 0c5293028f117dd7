"""Money amounts as creditors write them: the one money parser.

Two readings of the same written forms, sharing one numeral parser (assistant.text.numerals):
- exact (`find_amounts`, `parse_amount`): ¥85,000, RMB 85,000, 85k, 三万块, 5.6万元, 八万五: what intake
  records and the checker compares with the case;
- approximate (`find_approximate_amounts`): 二十多万, 十几万, 二三十万, 两三百, 200k, read at their LOWER bound
  (二十多万 → 200000), so that a sale price compared with a market price, or a payment with the debt, errs
  towards the debtor in the classifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from assistant.text.numerals import BIG_UNITS, CN_DIGITS, NUMBER_RUN, parse_number

__all__ = ["AmountMatch", "ApproximateAmount", "find_amounts", "find_approximate_amounts", "parse_amount"]

# --------------------------------------------------------------------------- exact

_AMOUNT = re.compile(
    rf"(?P<pre>[¥￥]\s?|(?:RMB|CNY|人民币)\s?)?"
    rf"(?P<num>{NUMBER_RUN})"
    rf"(?:\s?(?P<k>[kKwW](?![A-Za-z])|thousand\b|million\b|mln\b))?"
    rf"(?:\s?(?P<cur>块钱|元|块|圆|(?:yuan|RMB|CNY|rmb|kuai)\b))?",
    re.IGNORECASE,
)
# a number followed by these is a count, a date, a duration or a rate, not money
_NOT_MONEY_AFTER = re.compile(r"\s?(?:[年月日号天周个次期岁%％分厘倍成折点:：/\-]|分之|percent|%|days?\b|weeks?\b|months?\b|years?\b|times\b)", re.I)
_NOT_MONEY_BEFORE = re.compile(r"(?:[\-/:：.]|分之|第)$")


def parse_amount(text: str) -> Decimal:
    """Parse one whole amount: '¥85,000', 'RMB 85,000', '85k', '1.5k', '三万块', '5.6万元', '120,000 yuan'."""
    m = _AMOUNT.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not an amount: {text!r}")
    return _value(m)


def _value(m: re.Match[str]) -> Decimal:
    value = parse_number(m.group("num"))
    k = (m.group("k") or "").lower()
    value *= {"k": 1000, "thousand": 1000, "w": 10_000, "million": 1_000_000, "mln": 1_000_000}.get(k, 1)
    # 85000, not 8.5E+4: integral amounts keep no exponent and no trailing zeros
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


@dataclass(frozen=True)
class AmountMatch:
    start: int
    end: int
    text: str
    value: Decimal
    marked: bool  # a currency mark or a unit (万, 千, k) was written; bare digits are weaker


def find_amounts(text: str, exclude: list[tuple[int, int]] | None = None) -> list[AmountMatch]:
    """Every money amount in `text`, left to right. Spans in `exclude` (dates, rates) are skipped."""
    found: list[AmountMatch] = []
    blocked = exclude or []
    pos = 0
    while (m := _AMOUNT.search(text, pos)) is not None:
        pos = m.end()
        lead = re.match(rf"[{''.join(CN_DIGITS)}]+(?=\d)", m.group("num"))
        if lead and not m.group("pre"):
            # "张三8万": a name's last character is not part of the number
            pos = m.start("num") + lead.end()
            continue
        start, end = m.span()
        num = m.group("num")
        if any(start < b_end and b_start < end for b_start, b_end in blocked):
            continue
        if num[0] in BIG_UNITS or num[0] in "百佰千仟":
            continue  # "万一", "千万别", "百分百": a unit cannot open an amount (十万 can)
        # 十 alone does not make money ("十来万", "十二个"): 百, 千, 万 and 亿 do
        has_cn_unit = any(ch in "百佰千仟" or ch in BIG_UNITS for ch in num)
        marked = bool(m.group("pre") or m.group("cur") or m.group("k") or has_cn_unit)
        # "10:30" or "1/2" is not money, but "：人民币100,000元" is: a currency mark settles it
        if not m.group("pre") and _NOT_MONEY_BEFORE.search(text[max(0, start - 2) : start]):
            continue
        if not (m.group("cur") or m.group("k")) and _NOT_MONEY_AFTER.match(text, m.end("num")):
            continue
        if not marked:
            digits = num.replace(",", "")
            # Chinese numerals without a unit are counts (三个, 一直); long digit runs are phone numbers
            if not digits[0].isdigit() or len(digits) >= 10:
                continue
        try:
            value = _value(m)
        except (ValueError, InvalidOperation):
            continue
        if value <= 0 or (not marked and value < 100):
            continue
        end = m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        found.append(AmountMatch(start, end, text[start:end], value, marked))
    return found



# --------------------------------------------------------------------------- approximate

_BIG = {"万": 10_000, "w": 10_000, "W": 10_000, "k": 1000, "K": 1000, "千": 1000, "亿": 100_000_000}

_APPROXIMATE = re.compile(
    r"(?P<arabic>\d[\d,]*(?:\.\d+)?)\s*(?P<abig>万|亿|千|\s?(?:million|mn)\b|(?<=\d)m\b|[kKwW](?![a-zA-Z]))?(?:多|余)?(?P<acur>块钱?|元|rmb|yuan|dollars?|pounds?)?"
    r"|(?P<cn>[零〇一二两三四五六七八九十百千几多]*[一二两三四五六七八九十百千几][零〇一二两三四五六七八九十百千几多]*(?:来|多)?)(?P<cbig>万|亿)?(?P<ccur>块钱?|元)?",
)


_MEASURE = re.compile(r"\s*(?:个|人|斤|米|公里|天|年|次|台|件|条|张|亩|平|家|名|位|多(?:个|人|斤|米|天|年|次))")


_MEASURE_EN = re.compile(r"\s*(?:km|kg|m\b|miles?|days?|years?|people|hours?|%|个|人|斤|米|公里|天|年|次|台|件|条|张|亩|平|号|元年)", re.IGNORECASE)


@dataclass(frozen=True)
class ApproximateAmount:
    start: int
    end: int
    value: float
    has_unit: bool  # 万/块/元/k: a sum of money, not 三个人 or 两年


def _approximate_number(s: str) -> float | None:
    """The lower bound of an approximate numeral: 二十多 → 20, 二三十 → 20, 十几 → 11, 两三百 → 200."""
    s = s.replace("多", "").replace("来", "")
    # adjacent digits are a range (二三十, 四五百): keep the lower, first one
    s = re.sub(r"([一二两三四五六七八九几])[一二两三四五六七八九几]+", r"\1", s).replace("几", "一")
    try:
        value = parse_number(s)
    except ValueError:
        return None
    return float(value) if value else None


def find_approximate_amounts(text: str, lo: int = 0, hi: int | None = None) -> list[ApproximateAmount]:
    """Every money amount in text[lo:hi] that carries a unit (万, 块, 元, k, ¥), read at its lower bound."""
    hi = len(text) if hi is None else hi
    out: list[ApproximateAmount] = []
    for m in _APPROXIMATE.finditer(text, lo, hi):
        if m.group("arabic"):
            try:
                value = float(m.group("arabic").replace(",", ""))
            except ValueError:
                continue
            big = m.group("abig")
            value *= (1_000_000 if big.strip().lower() in {"million", "mn", "m"} else _BIG.get(big, 1)) if big else 1
            digits = m.group("arabic")
            # a bare 3+ digit figure (20,000; 150000) is money in a debt story, a year (2025) is not
            bare = ("," in digits or value >= 100) and not re.fullmatch(r"(?:19|20)\d\d", digits) and not _MEASURE_EN.match(text, m.end())
            has_unit = bool(big or m.group("acur") or bare) or text[max(0, m.start() - 1) : m.start()] in {"¥", "$", "£", "￥"}
        else:
            parsed = _approximate_number(m.group("cn"))
            if parsed is None:
                continue
            value = parsed * (_BIG[m.group("cbig")] if m.group("cbig") else 1)
            # 两三百 / 四五百 in a money story: hundreds are money unless a measure word follows (三百个, 五百斤)
            bare_hundreds = re.search(r"[百千]$", m.group("cn")) and not _MEASURE.match(text, m.end())
            has_unit = bool(m.group("cbig") or m.group("ccur") or bare_hundreds)
        if has_unit and value > 0:
            out.append(ApproximateAmount(m.start(), m.end(), value, True))
    return out
