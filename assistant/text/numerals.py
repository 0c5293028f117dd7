"""Numbers and money amounts as creditors write them, in Chinese and English.

Pure functions, Decimal out. Handles written numerals (十二万三千, 一百二十万), colloquial
ellipsis (八万五 = 85,000, 一千五 = 1,500: a trailing digit counts in the unit below the
last one said), Arabic digits mixed with units (5.6万, 3千, 1万5, 2w), thousands separators
(85,000), English k (85k, 1.5k) and currency marks (¥, RMB, 元, 块, yuan).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

_CN_CHARS = "".join(CN_DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
NUMBER_RUN = rf"(?:{ARABIC}|[{_CN_CHARS}])+"
_TOKEN = re.compile(rf"\d+(?:\.\d+)?|[{_CN_CHARS}]")

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


def parse_number(text: str) -> Decimal:
    """Parse a numeral run such as '十二万三千', '八万五', '5.6万', '1万5', '85,000' or '一百二十'.

    Raises ValueError when the text is not a number.
    """
    s = text.strip().replace(",", "").replace("，", "")
    if not s:
        raise ValueError("empty number")
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return Decimal(s)
    tokens = _TOKEN.findall(s)
    if "".join(tokens) != s:
        raise ValueError(f"not a number: {text!r}")
    total = Decimal(0)  # completed 万/亿 sections
    section = Decimal(0)  # the part below the current big unit
    pending: Decimal | None = None  # a digit not yet multiplied by a unit
    last_unit: int | None = None  # the most recent unit said, for ellipsis (八万五)
    largest_big = 0
    zero_seen = False
    for tok in tokens:
        if tok[0].isdigit():
            if pending is not None:
                raise ValueError(f"two numbers in a row: {text!r}")
            pending = Decimal(tok)
        elif tok in CN_DIGITS:
            if CN_DIGITS[tok] == 0:
                zero_seen = True
                continue
            if pending is not None:
                raise ValueError(f"digits without unit: {text!r}")
            pending = Decimal(CN_DIGITS[tok])
        elif tok in SMALL_UNITS:
            unit = SMALL_UNITS[tok]
            section += (pending if pending is not None else Decimal(1)) * unit
            pending, last_unit, zero_seen = None, unit, False
        else:
            unit = BIG_UNITS[tok]
            section += pending if pending is not None else Decimal(0)
            if section == 0 and total == 0:
                section = Decimal(1)  # '万元' alone is unusual, but '万' means one 万
            if unit > largest_big:
                total = (total + section) * unit
                largest_big = unit
            else:
                total += section * unit
            section, pending, last_unit, zero_seen = Decimal(0), None, unit, False
    if pending is not None:
        # colloquial ellipsis: 八万五 = 8万5千, 一千五 = 1500; after 零 the digit is units (一万零五)
        if last_unit is not None and not zero_seen and last_unit >= 10:
            pending *= Decimal(last_unit) / 10
        section += pending
    return total + section


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
        if _NOT_MONEY_BEFORE.search(text[max(0, start - 2) : start]):
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


def parse_small_int(text: str) -> int:
    """A count or calendar number: '3', '十二', '两', '二十一', '二〇二四' (digit by digit)."""
    s = text.strip()
    if s.isdigit():
        return int(s)
    if len(s) == 4 and all(ch in CN_DIGITS for ch in s):  # 二〇二四年: years are read digit by digit
        return int("".join(str(CN_DIGITS[ch]) for ch in s))
    value = parse_number(s)
    if value != value.to_integral():
        raise ValueError(f"not an integer: {text!r}")
    return int(value)
