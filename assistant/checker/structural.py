"""Structural legality checks: numbers and citations the patterns cannot judge alone.

- amounts: rates stated in the draft vs the protected cap (4×LPR at formation, 民间借贷规定第二十五条,
  all charges together, 第二十九条), amounts demanded vs principal + protected interest;
- citations: every cited article through assistant.law.citations.verify_citations;
- contact_time: contact hours vs settings.contact_window_start..end, and contact intervals;
- case_purpose: a payment demand for a debt the case marks as illegal (gambling).
Parameters and texts live in the rules' YAML; this module is the arithmetic.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from assistant.checker.rules import RuleRegistry
from assistant.checker.segments import Finding, Segments, cue_present
from assistant.law.citations import verify_citations
from assistant.models import Case, CitationStatus, InterestPosition, Severity, ViolationCode
from assistant.position import interest_position
from assistant.settings import get_settings
from assistant.text.money import find_amounts
from assistant.text.numerals import parse_number

__all__ = ["structural_findings", "find_rates", "RateMention"]

_NUM = r"[0-9０-９]{1,4}(?:\.[0-9]{1,4})?"
_CN_NUM = r"[零〇一二两三四五六七八九十百点]{1,6}"
_PERCENT = re.compile(rf"(?P<num>{_NUM})\s*(?:%|％|\s?percent\b)|百分之(?P<cn>{_CN_NUM}|{_NUM})", re.IGNORECASE)
_PER_MILLE = re.compile(rf"(?P<frac>千分之|万分之)(?P<num>{_NUM}|{_CN_NUM})")
_FEN_LI = re.compile(
    rf"(?P<pre>月息|月利率?|年息|年利率?|日息|日利率?|利息|按)?\s*(?P<num>{_NUM}|[一二两三四五六七八九十半]{{1,3}})\s*(?P<unit>分|厘)(?P<post>利|息|钱|的利息)?"
)
_DAY = re.compile(r"日利率|日息|日利|每日|每天|按日|一天|\bper day\b|\ba day\b|\bdaily\b|\beach day\b", re.IGNORECASE)
_WEEK = re.compile(r"每周|每星期|每礼拜|一周|\bper week\b|\ba week\b|\bweekly\b|\beach week\b", re.IGNORECASE)
_MONTH = re.compile(r"月利率|月息|月利|每月|按月|一个月|\bper month\b|\ba month\b|\bmonthly\b|\beach month\b", re.IGNORECASE)
_YEAR = re.compile(r"年利率|年息|年化|年利|每年|按年|\bper (?:annum|year)\b|\ba year\b|\bannual(?:ly|ized)?\b|\bp\.a\.|\bAPR\b", re.IGNORECASE)
_RATE_WORD = re.compile(r"利率|利息|息|年化|罚息|违约金|滞纳金|费|\binterest\b|\brate\b|\bAPR\b|\bpenalt|\bfee\b|\bcharge", re.IGNORECASE)
_DEMAND = re.compile(r"应还|还需|需还|要还|得还|必须还|还我|共计|合计|总计|一共|总共|本利|本金加利息|本息|连本带利|尚欠|欠款|应付|支付|归还|偿还|还款|还清|结清|转入|\btotal\b|\bowe\b|\bbalance\b|\bpay\b|\brepay\b", re.IGNORECASE)
_ZH_HOUR = re.compile(
    r"(?P<period>今天晚上|明天晚上|每天晚上|今晚|明晚|每晚|晚上|夜里|夜间|半夜|深夜|凌晨|清晨|每天早上|明天早上|早上|早晨|明早|上午|中午|下午|傍晚)?"
    r"\s*(?P<h>[0-9０-９]{1,2}|[零一二两三四五六七八九十]{1,3})\s*(?:点|时)(?P<m>半|[0-9０-９]{1,2}(?=分)|[一二三四五]十[一二三四五六七八九]?(?=分))?"
)
_H24 = re.compile(r"(?<![0-9.:：])(?P<h>[01]?[0-9]|2[0-3])[:：](?P<m>[0-5][0-9])(?![0-9])")
# a chat or SMS time stamp at the start of a line ([23:47], 【2026-11-20 23:47】): the message itself was sent then
_SENT_STAMP = re.compile(
    r"(?m)^[ \t]*[\[【(（][ \t]*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ \t]+)?(?P<h>[01]?[0-9]|2[0-3])[:：](?P<m>[0-5][0-9])(?:[:：][0-5][0-9])?[ \t]*[\]】)）]"
)
_EN_HOUR = re.compile(r"\b(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5][0-9]))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])", re.IGNORECASE)
_NIGHT_WORD = re.compile(r"大半夜|半夜|深夜|午夜|夜里|夜间|凌晨(?!\s*[0-9０-９一二两三四五六七八九十])|\bovernight\b|\bin the early hours\b|\bevery night\b|\beach night\b|\bnightly\b|\bat night\b|\bmidnight\b|\bin the middle of the night\b|\blate at night\b", re.IGNORECASE)
_INTERVAL_ZH = re.compile(r"每隔?\s*(?P<n>[0-9]{1,3}|[一二两三四五六七八九十半几]{1,3})?\s*个?\s*(?P<u>分钟|小时|钟头)")
_INTERVAL_EN = re.compile(r"\bevery (?:(?P<n>[0-9]{1,3}|few|couple of) )?(?P<u>minutes?|hours?)\b|\bhourly\b", re.IGNORECASE)
_PER_DAY = re.compile(r"(?:每天|每日|一天)[^。！？!?\n]{0,6}?(?P<n>[0-9]{1,3}|[两三四五六七八九十]{1,3})\s*(?:个|通|次)(?:电话)?|\b(?P<en>[0-9]{1,2}|four|five|six|seven|eight|nine|ten) times (?:a|per|each) day\b", re.IGNORECASE)
_EN_NUMBERS = {"four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "few": 3, "couple of": 2}
_ILLEGAL_PURPOSE = re.compile(r"gambl|赌|毒|drug|illegal|非法", re.IGNORECASE)
_CITATION_HINT = re.compile(r"条|《|\b(?:art|article|articles|law|code)\b", re.IGNORECASE)
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
# "[语音 0:32]", "Voice 0:15", "通话时长 3:05": a duration, not a clock time
_DURATION_BEFORE = re.compile(r"(?:语音|通话|时长|录音|voice|call|duration)[\s:：]*$", re.IGNORECASE)


def _number(raw: str) -> Decimal | None:
    raw = raw.translate(_FULLWIDTH)
    try:
        if re.fullmatch(r"[0-9.]+", raw):
            return Decimal(raw)

        if raw == "半":
            return Decimal("0.5")
        if "点" in raw:  # 百分之二十四点五
            whole, frac = raw.split("点", 1)
            digits = "".join(str("零一二三四五六七八九".index(c)) for c in frac if c in "零一二三四五六七八九")
            return parse_number(whole) + Decimal(f"0.{digits or 0}")
        return parse_number(raw)
    except (ValueError, InvalidOperation, ArithmeticError):
        return None


class RateMention:
    __slots__ = ("start", "end", "annual")

    def __init__(self, start: int, end: int, annual: Decimal) -> None:
        self.start, self.end, self.annual = start, end, annual


def _period_factor(text: str, start: int, end: int, seg: Segments) -> int:
    """Days, months or years: the nearest period word in the clause decides (default: a year)."""
    lo = max(seg.clause_start(start), start - 30)
    hi = min(len(text), end + 20)
    best: tuple[int, int] | None = None
    for rx, factor in ((_DAY, 365), (_WEEK, 52), (_MONTH, 12), (_YEAR, 1)):
        for m in rx.finditer(text, lo, hi):
            dist = start - m.end() if m.end() <= start else m.start() - end
            if best is None or dist < best[0]:
                best = (max(dist, 0), factor)
    return best[1] if best else 1


def find_rates(seg: Segments) -> list[RateMention]:
    """Every interest rate stated in the text, normalised to percent a year."""
    text, found = seg.text, []
    # cheap substring tests first: most texts state no rate at all
    has_percent = "%" in text or "％" in text or "百分之" in text or "percent" in text.lower()
    for m in _PERCENT.finditer(text) if has_percent else ():
        value = _number(m.group("num") or m.group("cn") or "")
        lo = max(seg.clause_start(m.start()), m.start() - 30)
        if value is None or not _RATE_WORD.search(text, lo, min(len(text), m.end() + 20)):
            continue
        found.append(RateMention(m.start(), m.end(), value * _period_factor(text, m.start(), m.end(), seg)))
    for m in _PER_MILLE.finditer(text) if "分之" in text else ():
        value = _number(m.group("num"))
        if value is not None:
            pct = value / (10 if m.group("frac") == "千分之" else 100)
            found.append(RateMention(m.start(), m.end(), pct * _period_factor(text, m.start(), m.end(), seg)))
    for m in _FEN_LI.finditer(text) if ("分" in text or "厘" in text) else ():
        pre, post = m.group("pre") or "", m.group("post") or ""
        if not (pre and pre != "按") and not post:
            continue  # 3分 alone is a score or a minute; 月息3分 / 3分利 is a rate
        value = _number(m.group("num"))
        if value is None:
            continue
        pct = value if m.group("unit") == "分" else value / 10
        annual = pct * 10 if pre.startswith("年") else pct * 365 / 100 * 10 if pre.startswith("日") else pct * 12
        found.append(RateMention(m.start(), m.end(), annual))
    return found


_PERIODIC_INTEREST = re.compile(
    r"(?P<per>每天|每日|一天|每周|每星期|每礼拜|一周|每月|一个月|每个月)(?:的)?(?:利息|息|利钱)(?:是|为|要)?\s*"
)
# "本金100000元", "本金为：人民币100,000元", "principal of RMB 100,000": the amount itself is called principal
_PRINCIPAL_BEFORE = re.compile(r"(?:本金|\bprincipal\b)(?:为|是|金额|of)?[：:\s]*(?:人民币|RMB|CNY)?\s*$", re.IGNORECASE)
_PRINCIPAL_IN_TEXT = re.compile(r"(?:借款|借了?|本金|欠款)(?:是|为)?\s*")
_PER_FACTOR = {"天": 365, "日": 365, "周": 52, "星期": 52, "礼拜": 52, "月": 12}


def periodic_interest_rates(text: str, principal: Decimal | None) -> list[RateMention]:
    """每周利息一千 on a loan of 一万: an interest AMOUNT per period, turned into a yearly percent."""
    if "利" not in text and "息" not in text:
        return []
    amounts = find_amounts(text)
    if principal is None:  # the first amount after 借款/本金 in the text
        for m in _PRINCIPAL_IN_TEXT.finditer(text):
            nxt = next((a for a in amounts if a.start == m.end()), None)
            if nxt is not None:
                principal = nxt.value
                break
    if not principal:
        return []
    out = []
    for m in _PERIODIC_INTEREST.finditer(text):
        amount = next((a for a in amounts if a.start == m.end()), None)
        if amount is None:
            continue
        factor = next(f for k, f in _PER_FACTOR.items() if k in m.group("per"))
        out.append(RateMention(amount.start, amount.end, amount.value / principal * 100 * factor))
    return out


def _position(case: Case | None) -> InterestPosition | None:
    if case is None:
        return None
    try:
        return interest_position(case)
    except Exception:  # noqa: BLE001 - a position failure must not break the check; the fallback cap applies
        return None


def _amount_findings(reg: RuleRegistry, seg: Segments, case: Case | None) -> list[Finding]:
    rule = reg.rules[ViolationCode.EXCESSIVE_AMOUNT]
    params = rule.amounts
    if params is None:
        return []
    pos = _position(case)
    cap: Decimal | None = params.fallback_cap_percent
    if pos is not None:
        cap = pos.cap_percent if pos.cap_applies else None
    out: list[Finding] = []
    rates = find_rates(seg) + periodic_interest_rates(seg.text, case.outstanding if case is not None else None)
    cancel = list(rule.context.cancel) + ["law_disclaimer"]
    for r in rates:
        if cap is None or r.annual <= cap + params.rate_tolerance_percent:
            continue
        if cue_present(reg, "rate_reference", seg, r.start, r.end) or any(
            cue_present(reg, c, seg, r.start, r.end) for c in cancel
        ):
            continue
        detail = f"折合年利率约{r.annual.quantize(Decimal('0.01'))}%，上限{cap}%"
        out.append(Finding(rule.code, r.start, r.end, 1.0, "excessive_amount:rate_above_cap", rule.severity, detail))
    if case is None or case.outstanding is None:
        return out
    total = _allowed_total(case, pos, params.days_per_year)
    for a in find_amounts(seg.text, exclude=[(r.start, r.end) for r in rates]):
        lo, hi = seg.sentence(a.start, a.end)
        # an amount called principal can never exceed the principal actually lent less repayments
        # (民间借贷规定第二十六条: interest deducted in advance was never lent), whatever interest is due
        limit = case.outstanding if _PRINCIPAL_BEFORE.search(seg.text, max(lo, a.start - 14), a.start) else total
        if limit is None:
            continue
        tolerance = max(limit * params.amount_tolerance_ratio, params.amount_tolerance_yuan)
        if a.value > limit + tolerance and _DEMAND.search(seg.text, lo, hi):
            if any(cue_present(reg, c, seg, a.start, a.end) for c in cancel):
                continue
            detail = f"要求{a.value}元，本金加受保护利息约{limit.quantize(Decimal('1'))}元"
            out.append(Finding(rule.code, a.start, a.end, 1.0, "excessive_amount:amount_above_case", rule.severity, detail))
    return out


def _allowed_total(case: Case, pos: InterestPosition | None, days_per_year: int) -> Decimal | None:
    """Outstanding principal plus the interest the law protects up to case.today."""
    outstanding = case.outstanding
    if outstanding is None:
        return None
    if pos is not None and pos.protected_interest_to_date is not None:
        return outstanding + pos.protected_interest_to_date
    if case.loan_date is None:
        return None
    rate = pos.protected_percent if pos is not None and pos.protected_percent is not None else None
    if rate is None and pos is not None and case.rate is None:
        # no agreed interest: none for the term (民法典第六百八十条), at most overdue interest at the
        # one-year LPR (民间借贷规定第二十八条); counting it from the loan date is the generous bound
        rate = pos.lpr_one_year
    if rate is None:
        return None
    days = max((case.today - case.loan_date.value).days, 0)
    return outstanding + outstanding * rate / 100 * days / days_per_year


def _citation_findings(reg: RuleRegistry, seg: Segments) -> list[Finding]:
    rule = reg.rules[ViolationCode.CITATION_INVALID]
    out: list[Finding] = []
    if not _CITATION_HINT.search(seg.text):  # no article, no law title: nothing to verify
        return out
    bad = {CitationStatus.repealed, CitationStatus.renumbered, CitationStatus.nonexistent}
    for c in verify_citations(seg.text):
        if c.status not in bad:
            continue
        fix = rule.fix
        if c.successor is not None:
            fix = f"{fix} 请改引：{c.successor.label()}。/ Cite {c.successor.law} {c.successor.article} instead."
        out.append(Finding(rule.code, c.span.start, c.span.end, 1.0, f"citation_invalid:{c.status.value}", rule.severity,
                           c.message, fix=fix))  # fmt: skip
    return out


def _hour(m: re.Match[str], kind: str) -> Decimal | None:
    h = _number(m.group("h"))
    if h is None:
        return None
    minutes = Decimal(0)
    raw_m = m.groupdict().get("m")
    if raw_m:
        minutes = Decimal(30) if raw_m == "半" else (_number(raw_m) or Decimal(0))
    if kind == "zh":
        period = m.group("period") or ""
        if any(w in period for w in ("晚", "夜", "下午", "傍晚")) and h < 12:
            h += 12
        elif any(w in period for w in ("晚", "夜")) and h == 12:
            h = Decimal(0)  # 晚上十二点 is midnight
        elif period == "中午" and h < 3:
            h += 12
        elif not period and h < 13:
            return None  # 6点 / 11点 without a period word is ambiguous
    elif kind == "en":
        ap = m.group("ap").lower().replace(".", "")
        if ap == "pm" and h < 12:
            h += 12
        elif ap == "am" and h == 12:
            h = Decimal(0)
    return (h % 24) + minutes / 60


def _contact_findings(reg: RuleRegistry, seg: Segments) -> list[Finding]:
    rule = reg.rules[ViolationCode.CONTACT_TIME]
    settings = get_settings()
    start_h, end_h = Decimal(settings.contact_window_start), Decimal(settings.contact_window_end)
    text, out = seg.text, []

    def confirmed(s: int, e: int) -> bool:
        return cue_present(reg, "contact_verb", seg, s, e) and not any(
            cue_present(reg, c, seg, s, e) for c in rule.context.cancel
        )

    lowered = text.lower()
    times = [(m, "zh") for m in _ZH_HOUR.finditer(text)] if ("点" in text or "时" in text) else []
    times += [(m, "24") for m in _H24.finditer(text)] if (":" in text or "：" in text) else []
    times += [(m, "en") for m in _EN_HOUR.finditer(text)] if ("m" in lowered) else []
    night_h = Decimal(max(settings.contact_night_start, settings.contact_window_end))

    def tier(hour: Decimal) -> Severity:
        # after the window but before night (21:00-22:00 by default): outside the industry window, not yet a
        # disturbance of rest (治安管理处罚法第五十条): a warning, not a violation
        return Severity.warning if end_h < hour < night_h else rule.severity

    for m, kind in times:
        hour = _hour(m, kind)
        if hour is None or start_h <= hour <= end_h or _DURATION_BEFORE.search(text, max(0, m.start() - 6), m.start()):
            continue
        if not confirmed(m.start(), m.end()):
            continue
        detail = f"联系时间约{int(hour):02d}:{int((hour % 1) * 60):02d}，允许{start_h}:00-{end_h}:00"
        out.append(Finding(rule.code, m.start(), m.end(), 1.0, "contact_time:outside_window", tier(hour), detail))
    for m in _SENT_STAMP.finditer(text) if ("[" in text or "【" in text or "(" in text or "（" in text) else ():
        hour = _hour(m, "24")
        if hour is None or start_h <= hour <= end_h or _DURATION_BEFORE.search(text, max(0, m.start("h") - 6), m.start("h")):
            continue
        if any(cue_present(reg, c, seg, m.start("h"), m.end("m")) for c in rule.context.cancel):
            continue
        detail = f"消息发送时间约{int(hour):02d}:{int((hour % 1) * 60):02d}，允许{start_h}:00-{end_h}:00"
        out.append(Finding(rule.code, m.start("h"), m.end("m"), 1.0, "contact_time:sent_at_night", tier(hour), detail))
    for m in _NIGHT_WORD.finditer(text):
        if confirmed(m.start(), m.end()):
            out.append(Finding(rule.code, m.start(), m.end(), 1.0, "contact_time:night", rule.severity, "夜间联系"))
    params = rule.contact
    if params is None:
        return out
    for rx, needed in ((_INTERVAL_ZH, "每"), (_INTERVAL_EN, "every")):
        if needed not in lowered and not (needed == "every" and "hourly" in lowered):
            continue
        for m in rx.finditer(text):
            raw = (m.groupdict().get("n") or "1").lower()
            n = Decimal(_EN_NUMBERS[raw]) if raw in _EN_NUMBERS else (Decimal(9) if raw == "几" else _number(raw))
            unit = (m.groupdict().get("u") or "hour").lower()
            if n is None:
                continue
            hours = n / 60 if unit.startswith(("分", "minute")) else n
            if hours < params.min_interval_hours and confirmed(m.start(), m.end()):
                detail = f"联系间隔约{hours.quantize(Decimal('0.01'))}小时，过于频繁"
                out.append(Finding(rule.code, m.start(), m.end(), 1.0, "contact_time:interval", rule.severity, detail))
    for m in _PER_DAY.finditer(text) if ("天" in text or "日" in text or "day" in lowered) else ():
        raw = (m.group("n") or m.group("en") or "").lower()
        n = Decimal(_EN_NUMBERS[raw]) if raw in _EN_NUMBERS else _number(raw)
        if n is not None and n > params.max_per_day and confirmed(m.start(), m.end()):
            out.append(Finding(rule.code, m.start(), m.end(), 1.0, "contact_time:per_day", rule.severity, f"每天{n}次"))
    return out


def _case_purpose_findings(reg: RuleRegistry, seg: Segments, case: Case | None) -> list[Finding]:
    if case is None or case.illegal_purpose is None or not _ILLEGAL_PURPOSE.search(case.illegal_purpose.value):
        return []
    rule = reg.rules[ViolationCode.ILLEGAL_DEBT]
    m = _DEMAND.search(seg.text)
    if m is None:
        return []
    detail = f"案情显示该债务属于非法债务（{case.illegal_purpose.value}）"
    return [Finding(rule.code, m.start(), m.end(), 1.0, "illegal_debt:case_purpose", rule.severity, detail)]


def structural_findings(reg: RuleRegistry, seg: Segments, case: Case | None) -> list[Finding]:
    checks = {name for rule in reg.rules.values() for name in rule.structural}
    out: list[Finding] = []
    if "amounts" in checks and ViolationCode.EXCESSIVE_AMOUNT in reg.rules:
        out += _amount_findings(reg, seg, case)
    if "citations" in checks and ViolationCode.CITATION_INVALID in reg.rules:
        out += _citation_findings(reg, seg)
    if "contact_time" in checks and ViolationCode.CONTACT_TIME in reg.rules:
        out += _contact_findings(reg, seg)
    if "case_purpose" in checks and ViolationCode.ILLEGAL_DEBT in reg.rules:
        out += _case_purpose_findings(reg, seg, case)
    return out
