"""Money amounts in a narrative, read approximately: 5万, 二十多万, 十几万, 二三十万, 两三百, 200k, ¥3,000.

An approximate amount is read at its LOWER bound (二十多万 → 200000, 二三十万 → 200000, 十几万 → 110000):
a sale price compared with a market price, or a payment with the debt, then errs towards the debtor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "几": 1}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "w": 10_000, "W": 10_000, "k": 1000, "K": 1000, "千": 1000, "亿": 100_000_000}

AMOUNT = re.compile(
    r"(?P<arabic>\d[\d,]*(?:\.\d+)?)\s*(?P<abig>万|亿|千|\s?(?:million|mn)\b|(?<=\d)m\b|[kKwW](?![a-zA-Z]))?(?:多|余)?(?P<acur>块钱?|元|rmb|yuan|dollars?|pounds?)?"
    r"|(?P<cn>[零〇一二两三四五六七八九十百千几多]*[一二两三四五六七八九十百千几][零〇一二两三四五六七八九十百千几多]*(?:来|多)?)(?P<cbig>万|亿)?(?P<ccur>块钱?|元)?",
)


_MEASURE = re.compile(r"\s*(?:个|人|斤|米|公里|天|年|次|台|件|条|张|亩|平|家|名|位|多(?:个|人|斤|米|天|年|次))")


_MEASURE_EN = re.compile(r"\s*(?:km|kg|m\b|miles?|days?|years?|people|hours?|%|个|人|斤|米|公里|天|年|次|台|件|条|张|亩|平|号|元年)", re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    start: int
    end: int
    value: float
    has_unit: bool  # 万/块/元/k: a sum of money, not 三个人 or 两年


def _chinese_number(s: str) -> float | None:
    s = s.replace("多", "").replace("来", "")
    # adjacent digits are a range (二三十, 四五百): keep the lower, first one
    s = re.sub(r"([一二两三四五六七八九几])[一二两三四五六七八九几]+", r"\1", s)
    total, cur = 0, 0
    for ch in s:
        if ch in _DIGITS:
            cur = _DIGITS[ch]
        elif ch in _UNITS:
            total += (cur or 1) * _UNITS[ch]
            cur = 0
        elif ch == "千":
            total += (cur or 1) * 1000
            cur = 0
    total += cur
    return float(total) if total else None


def find_amounts(text: str, lo: int = 0, hi: int | None = None) -> list[Amount]:
    """Every money amount in text[lo:hi] that carries a unit (万, 块, 元, k, ¥)."""
    hi = len(text) if hi is None else hi
    out: list[Amount] = []
    for m in AMOUNT.finditer(text, lo, hi):
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
            parsed = _chinese_number(m.group("cn"))
            if parsed is None:
                continue
            value = parsed * (_BIG[m.group("cbig")] if m.group("cbig") else 1)
            # 两三百 / 四五百 in a money story: hundreds are money unless a measure word follows (三百个, 五百斤)
            bare_hundreds = re.search(r"[百千]$", m.group("cn")) and not _MEASURE.match(text, m.end())
            has_unit = bool(m.group("cbig") or m.group("ccur") or bare_hundreds)
        if has_unit and value > 0:
            out.append(Amount(m.start(), m.end(), value, True))
    return out
