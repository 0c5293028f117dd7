"""Numbers as creditors write them, in Chinese and English (money amounts: assistant.text.money).

Pure functions, Decimal out. Handles written numerals (十二万三千, 一百二十万), colloquial
ellipsis (八万五 = 85,000, 一千五 = 1,500: a trailing digit counts in the unit below the
last one said), Arabic digits mixed with units (5.6万, 3千, 1万5, 2w), thousands separators
(85,000), English k (85k, 1.5k) and currency marks (¥, RMB, 元, 块, yuan).
"""

from __future__ import annotations

import re
from decimal import Decimal

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
