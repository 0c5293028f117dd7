"""Article numbers in every form people write them: 第293条之一, 第二百九十三条之一, 293, 二百九十三.

Chinese statutes number articles in Chinese numerals (第二百九十三条); inserted articles carry a
suffix (之一, 之二 …, e.g. 刑法第二百九十三条之一 added by 刑法修正案（十一）). Everything here is pure
string arithmetic for numbers 1-9999.
"""

from __future__ import annotations

import re

__all__ = [
    "parse_article",
    "parse_chinese_number",
    "to_chinese_number",
    "to_chinese_article",
    "normalise_article",
    "CHINESE_DIGITS",
]

CHINESE_DIGITS = "零一二三四五六七八九"
_DIGIT_VALUE = {ch: i for i, ch in enumerate(CHINESE_DIGITS)} | {"〇": 0, "两": 2, "○": 0}
_UNIT_VALUE = {"十": 10, "百": 100, "千": 1000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")

# "之一".."之九十九": the suffix of an inserted article
_SUFFIX = r"(?:之[一二三四五六七八九十]{1,3})"
_ARTICLE_RE = re.compile(
    rf"^\s*第?\s*(?P<num>[0-9０-９]{{1,4}}|[零〇○一二两三四五六七八九十百千]{{1,12}})\s*条?\s*(?P<suffix>{_SUFFIX})?\s*$"
)


def parse_chinese_number(text: str) -> int:
    """二百零三 -> 203, 十五 -> 15, 一千二百六十 -> 1260. Raises ValueError on anything else."""
    if not text:
        raise ValueError("empty Chinese numeral")
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in text:
        if ch in _DIGIT_VALUE:
            if digit is not None and digit != 0:
                # two digits in a row ("二三") is not a positional numeral we accept
                raise ValueError(f"not a Chinese numeral: {text!r}")
            digit = _DIGIT_VALUE[ch]
        elif ch in _UNIT_VALUE:
            unit = _UNIT_VALUE[ch]
            if unit >= last_unit:
                raise ValueError(f"not a Chinese numeral: {text!r}")
            # a bare 十 at the start means 一十 (十五 = 15)
            total += (digit if digit else 1) * unit
            digit = None
            last_unit = unit
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    if digit:
        total += digit
    if not 0 < total < 10_000:
        raise ValueError(f"Chinese numeral out of range 1-9999: {text!r}")
    return total


def to_chinese_number(n: int) -> str:
    """203 -> 二百零三, 15 -> 十五, 110 -> 一百一十, 1005 -> 一千零五 (statute style)."""
    if not 0 < n < 10_000:
        raise ValueError(f"article number out of range 1-9999: {n}")
    parts: list[str] = []
    units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    pending_zero = False
    for value, name in units:
        d = (n // value) % 10
        if d == 0:
            if parts:
                pending_zero = True
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        # statutes write 十五 for 15 but 一百一十 for 110
        if not (value == 10 and d == 1 and not parts):
            parts.append(CHINESE_DIGITS[d])
        parts.append(name)
    return "".join(parts)


def parse_article(article: str | int) -> tuple[int, str]:
    """Any article form -> (number, suffix). ``"第293条之一"`` -> ``(293, "之一")``; ``577`` -> ``(577, "")``."""
    if isinstance(article, bool):
        raise ValueError(f"not an article number: {article!r}")
    if isinstance(article, int):
        if not 0 < article < 10_000:
            raise ValueError(f"article number out of range 1-9999: {article}")
        return article, ""
    m = _ARTICLE_RE.match(article)
    if not m:
        raise ValueError(f"not an article number: {article!r}")
    raw = m.group("num").translate(_FULLWIDTH)
    number = int(raw) if raw.isdigit() else parse_chinese_number(raw)
    if not 0 < number < 10_000:
        raise ValueError(f"article number out of range 1-9999: {article!r}")
    return number, m.group("suffix") or ""


def to_chinese_article(number: int, suffix: str = "") -> str:
    """(293, "之一") -> 第二百九十三条之一."""
    if suffix and not re.fullmatch(_SUFFIX, suffix):
        raise ValueError(f"not an article suffix: {suffix!r}")
    return f"第{to_chinese_number(number)}条{suffix}"


def normalise_article(article: str | int) -> str:
    """Any article form -> the statute form 第X条[之N]."""
    return to_chinese_article(*parse_article(article))
