"""Dates and loan terms in a narrative, resolved against `today`.

Absolute (2024年3月1日, 2024-03-01, March 1, 2024), partial (2024年3月, 去年5月, 3月1日),
relative (上个月, 三个月前, 去年, 半年前, last week, 3 months ago) and terms (约定三个月还清,
借期一年, for six months). Conventions are documented in knowledge/intake/dates.yaml.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from assistant.intake.lexicon import Dates, Precision, Unit, alternation
from assistant.text.numerals import parse_small_int

_CN = "〇零一二两三四五六七八九十"
_YEAR = rf"(?P<y>(?:19|20)\d{{2}}|[{_CN}]{{4}})"
_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_PART = r"(?P<part>上旬|中旬|下旬|初|中|底|末)?"
_MONTHS_EN = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {
    m.lower(): i for i, m in enumerate(calendar.month_abbr) if m
}
_MON = rf"(?<![A-Za-z])(?P<mon>{alternation(list(_MONTHS_EN))})(?![A-Za-z])\.?"
_EN_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24, "half a": 0}  # fmt: skip

# (regex, flags); order matters: earlier patterns claim their text first
_ABSOLUTE: list[tuple[str, int]] = [
    (rf"{_YEAR}\s*年\s*{_MONTH}\s*月\s*{_DAY}\s*[日号]", 0),
    (r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/.](?P<m>1[0-2]|0?[1-9])[-/.](?P<d>3[01]|[12]\d|0?[1-9])(?!\d)", 0),
    (rf"{_MON}\s+(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})", re.I),
    (rf"(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON},?\s+(?P<y>(?:19|20)\d{{2}})", re.I),
    (r"(?P<relm>上上个月|上上月|上个月|上月|这个月|本月|下个月|下月)(?P<part>底|末|初|中旬|下旬|上旬)", 0),
    (rf"(?P<rel>大前年|前年|去年|今年)(?:的)?{_MONTH}\s*月(?:份)?(?:{_DAY}\s*[日号])?{_PART}", 0),
    (rf"{_YEAR}\s*年\s*{_MONTH}\s*月(?:份)?{_PART}", 0),
    (rf"(?P<end>(?:the\s+)?end\s+of\s+){_MON}\s+(?P<y>(?:19|20)\d{{2}})", re.I),
    (r"(?P<end>(?:the\s+)?end\s+of\s+)(?P<y>(?:19|20)\d{2})", re.I),
    (rf"{_MON}\s+(?P<y>(?:19|20)\d{{2}})", re.I),
    (rf"(?:(?<=last )|(?<=Last )){_MON}", re.I),
    (rf"(?:(?<=in )|(?<=In )|(?<=since )|(?<=during )){_MON}(?!\s*\d)", re.I),
    (rf"(?:(?<=in )|(?<=In )){_MON}\s+(?P<rel>last year|this year)", re.I),
    (rf"{_YEAR}\s*年(?P<part>年初|年底|年末|初|底|末|上半年|下半年)?", 0),
    (r"(?P<rel>大前年|前年|去年|今年)(?P<part>年初|年底|年末|初|底|末|上半年|下半年)", 0),
    (rf"(?<![\d{_CN}个]){_MONTH}\s*月\s*{_DAY}\s*[日号]", 0),
    (rf"{_MON}\s+(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d:])", re.I),
    (rf"(?<![\d{_CN}个上本这每]){_MONTH}\s*月(?:份)?{_PART}(?![息利个])", 0),
    (r"(?:in|since|during)\s+(?P<y>(?:19|20)\d{2})(?!\d)", re.I),
    (r"(?P<part>年底|年末|年初)", 0),
]
_ABSOLUTE_RX = [re.compile(p, f) for p, f in _ABSOLUTE]
_REL_YEAR = {"大前年": -3, "前年": -2, "去年": -1, "今年": 0, "last year": -1, "this year": 0}
_REL_MONTH = {"上上个月": -2, "上上月": -2, "上个月": -1, "上月": -1, "这个月": 0, "本月": 0, "下个月": 1, "下月": 1}


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: date
    precision: Precision


@dataclass(frozen=True)
class LoanTerm:
    start: int
    end: int
    text: str
    months: int
    days: int

    def due_from(self, loan: date) -> date:
        return add_months(loan, self.months) + timedelta(days=self.days)


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def shift(today: date, unit: Unit, n: int) -> date:
    if unit == "day":
        return today + timedelta(days=n)
    if unit == "week":
        return today + timedelta(weeks=n)
    if unit == "month":
        return add_months(today, n)
    return add_months(today, 12 * n)


def _in_month(year: int, month: int, part: str | None) -> tuple[date, Precision]:
    last = calendar.monthrange(year, month)[1]
    day = {"中": 15, "中旬": 15, "下旬": 21, "底": last, "末": last}.get(part or "", 1)
    return date(year, month, day), "day" if part in ("底", "末") else "month"


def _in_year(year: int, part: str | None) -> tuple[date, Precision]:
    if part in ("年底", "年末", "底", "末"):
        return date(year, 12, 31), "month"
    if part == "下半年":
        return date(year, 7, 1), "month"
    return date(year, 1, 1), "year"


def _yearless(month: int, day: int, today: date, anchor: date | None) -> date:
    """The date in the anchor's year (moved a year on if it falls before the anchor), else the latest past one."""
    if anchor is not None:
        d = date(anchor.year, month, min(day, calendar.monthrange(anchor.year, month)[1]))
        return d if d >= anchor else add_months(d, 12)
    d = date(today.year, month, min(day, calendar.monthrange(today.year, month)[1]))
    return d if d <= today else add_months(d, -12)


def _resolve(m: re.Match[str], today: date, anchor: date | None) -> tuple[date, Precision]:
    g = m.groupdict()
    part = "底" if g.get("end") else g.get("part")
    if g.get("relm"):  # 上个月底: the end of last month
        month_start = add_months(today.replace(day=1), _REL_MONTH[g["relm"]])
        return _in_month(month_start.year, month_start.month, part)
    month = parse_small_int(g["m"]) if g.get("m") else (_MONTHS_EN[g["mon"].lower()] if g.get("mon") else None)
    day = parse_small_int(g["d"]) if g.get("d") else None
    if g.get("y"):
        year: int | None = parse_small_int(g["y"])
    elif g.get("rel"):
        year = today.year + _REL_YEAR[g["rel"].lower()]
    else:
        year = None
    if year is not None:
        if month is None:
            return _in_year(year, part)
        if day is None:
            return _in_month(year, month, part)
        return date(year, month, day), "day"
    if month is None:  # bare 年底: the year being talked about; with none, unknown
        if anchor is None:
            raise ValueError("年底 without a year in context")
        return _in_year(anchor.year, part)
    if day is None:
        start = _yearless(month, 1, today, anchor)
        return _in_month(start.year, month, part)
    return _yearless(month, day, today, anchor), "day"


def _relative_patterns(lex: Dates) -> list[tuple[re.Pattern[str], Unit, int | None, Precision]]:
    found: list[tuple[re.Pattern[str], Unit, int | None, Precision]] = []
    for word in lex.relative:
        rx = word.regex
        if rx is not None:
            found.append((rx, word.unit, word.offset, word.precision))
    ago = alternation(lex.ago_words.zh)
    for unit, terms in lex.ago_units.items():
        zh = rf"(?P<n>\d{{1,3}}|[{_CN}半]{{1,3}}|几)(?:多)?(?:{alternation(terms.zh)})(?:多)?(?:{ago})"
        en = rf"(?P<n>\d{{1,3}}|{alternation(list(_EN_NUM))})\s+(?:{alternation(terms.en)})\s+(?:ago|before now)"
        precision: Precision = "day" if unit in ("day", "week") else "month"  # 两年前: a month, not Jan 1
        found.append((re.compile(zh), unit, None, precision))
        found.append((re.compile(en, re.I), unit, None, precision))
    return found


def _count(n: str) -> float:
    if n in _EN_NUM:
        return _EN_NUM[n] or 0.5
    if n.lower() in _EN_NUM:
        return _EN_NUM[n.lower()] or 0.5
    if n == "半":
        return 0.5
    return float(parse_small_int(n.replace("半", "")) + (0.5 if n.endswith("半") else 0))


def find_dates(text: str, today: date, lex: Dates) -> list[DateMention]:
    """Every date mention, left to right, with its resolution and precision."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []

    def free(a: int, b: int) -> bool:
        return not any(a < e and s < b for s, e in taken)

    raw: list[tuple[int, int, re.Match[str] | None, date | None, Precision]] = []
    for rx in _ABSOLUTE_RX:
        for m in rx.finditer(text):
            if free(*m.span()) and m.group().strip():
                taken.append(m.span())
                raw.append((m.start(), m.end(), m, None, "day"))
    for rx, unit, offset, precision in _relative_patterns(lex):
        for m in rx.finditer(text):
            if not free(*m.span()):
                continue
            if offset is None:
                try:
                    n = _count(m.group("n"))
                except ValueError:
                    continue
                if n == int(n):
                    value = shift(today, unit, -int(n))
                else:  # 一个半月前: fractions counted in days
                    value = shift(today, "day", -round(n * {"day": 1, "week": 7, "month": 30, "year": 365}[unit]))
            else:
                value = shift(today, unit, offset)
            if precision == "month":
                value = value.replace(day=1)
            elif precision == "year":
                value = date(value.year, 1, 1)
            taken.append(m.span())
            raw.append((m.start(), m.end(), None, value, precision))
    anchor: tuple[int, date] | None = None  # the last mention with a year, for 3月1日 in the same sentence
    year_groups = ("y", "rel", "relm")
    for start, end, m, value, precision in sorted(raw, key=lambda r: r[0]):
        if m is not None:
            same_sentence = anchor is not None and not re.search(r"[。！？!?\n；;]", text[anchor[0] : start])
            # 3月1日 takes its year from the same sentence; a bare 年底 from anything said before
            use_anchor = anchor is not None and (same_sentence or not (m.groupdict().get("m") or m.groupdict().get("mon")))
            try:
                value, precision = _resolve(m, today, anchor[1] if anchor and use_anchor else None)
            except ValueError:
                continue
            if not any(m.groupdict().get(k) for k in year_groups):
                found.append(DateMention(start, end, text[start:end], value, precision))
                continue
        assert value is not None
        anchor = (end, value)
        found.append(DateMention(start, end, text[start:end], value, precision))
    return found


def find_terms(text: str, lex: Dates) -> list[LoanTerm]:
    """Loan terms such as 约定三个月还清, 借期一年, 'for six months'."""
    terms: list[LoanTerm] = []
    for rx in lex.terms.compiled:
        for m in rx.finditer(text):
            try:
                n = _count(m.group("n"))
            except ValueError:
                continue
            unit = m.group("unit").lower()
            if unit.startswith(("年", "year")):
                months, days = round(12 * n), 0
            elif unit.startswith(("个月", "month")):
                months, days = int(n), round((n - int(n)) * 30)
            elif unit.startswith(("周", "个星期", "week")):
                months, days = 0, round(7 * n)
            else:
                months, days = 0, round(n)
            terms.append(LoanTerm(m.start(), m.end(), m.group(), months, days))
    return sorted(terms, key=lambda t: t.start)
