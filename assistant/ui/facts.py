"""The editable key-facts table of a case: Case -> rows of text, and edited rows -> Case.

A creditor or lawyer corrects what intake read wrongly (a principal, a due date, "disputed")
and re-runs the pipeline on the corrected case. Edited facts are marked origin="user", so the
record shows which facts came from a person rather than from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from assistant.errors import InputError
from assistant.models import Case, ContactStatus, EvidenceItem, EvidenceKind, Fact, PartyKind, Rate, RatePeriod

YES = {"是", "有", "yes", "y", "true", "1", "对"}
NO = {"否", "无", "没有", "no", "n", "false", "0", "不"}

ENUM_LABELS: dict[type, dict[str, str]] = {
    ContactStatus: {"reachable": "能联系上", "evasive": "回避联系", "unreachable": "失联", "unknown": "不明"},
    PartyKind: {"individual": "自然人", "sole_trader": "个体工商户", "company": "公司", "licensed_lender": "持牌金融机构",
                "unknown": "不明"},
    EvidenceKind: {"iou": "借条/欠条", "contract": "借款合同", "transfer_record": "转账记录", "chat_record": "聊天记录",
                   "recording": "录音", "witness": "证人", "receipt": "收条", "other": "其他"},
}


@dataclass(frozen=True)
class FactRow:
    key: str  # attribute of Case, or "creditor.name" / "debtor.name" / "debtor.kind"
    label: str
    kind: str  # money, percent, date, bool, contact, party_kind, text, name, evidence


FACT_ROWS: tuple[FactRow, ...] = (
    FactRow("creditor.name", "债权人 creditor", "name"),
    FactRow("debtor.name", "债务人 debtor", "name"),
    FactRow("debtor.kind", "债务人类型 debtor kind", "party_kind"),
    FactRow("principal", "借款本金 principal (元)", "money"),
    FactRow("repaid", "已还金额 repaid (元)", "money"),
    FactRow("rate", "约定年利率 agreed rate (%/年)", "percent"),
    FactRow("interest_deducted_upfront", "预扣利息(砍头息) deducted upfront (元)", "money"),
    FactRow("loan_date", "借款日 loan date", "date"),
    FactRow("due_date", "到期日 due date", "date"),
    FactRow("last_contact_date", "最近一次催收 last demand", "date"),
    FactRow("contact_status", "联系状态 contact status", "contact"),
    FactRow("evidence", "证据 evidence", "evidence"),
    FactRow("disputed", "债务人否认/有争议 disputed", "bool"),
    FactRow("guarantor", "有保证人 guarantor", "bool"),
    FactRow("collateral", "有抵押/质押 collateral", "bool"),
    FactRow("debtor_has_assets", "债务人有财产 has assets", "bool"),
    FactRow("illegal_purpose", "非法用途 illegal purpose", "text"),
    FactRow("debtor_offer_monthly", "债务人每月可还 offer/month (元)", "money"),
    FactRow("debtor_offer_down_payment", "债务人首付 offer down payment (元)", "money"),
    FactRow("province", "省份 province", "text"),
)
_BY_LABEL = {row.label: row for row in FACT_ROWS}
_ENUM_OF = {"contact": ContactStatus, "party_kind": PartyKind}


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _enum_text(value: Any) -> str:
    return f"{value.value} {ENUM_LABELS[type(value)][value.value]}"


def _raw(case: Case, row: FactRow) -> Any:
    if "." in row.key:
        party, attr = row.key.split(".")
        return getattr(getattr(case, party), attr)
    return getattr(case, row.key)


def display(case: Case, row: FactRow) -> tuple[str, str]:
    """(value as the user edits it, the words it came from)."""
    raw = _raw(case, row)
    source = getattr(raw, "source", None)
    words = source.text if source is not None else ""
    if raw is None:
        return "", ""
    if row.kind == "name":
        return raw, ""
    if row.kind == "party_kind":
        return ("" if raw is PartyKind.unknown else _enum_text(raw)), ""
    if row.kind == "evidence":
        return "、".join(_enum_text(item.kind) for item in raw), "；".join(i.source.text for i in raw if i.source)
    if row.kind == "percent":
        return _number(raw.annual_percent), words
    value = raw.value
    if row.kind == "money":
        return _number(value), words
    if row.kind == "date":
        return value.isoformat(), words
    if row.kind == "bool":
        return ("是" if value else "否"), words
    if row.kind == "contact":
        return _enum_text(value), words
    return str(value), words


def fact_rows(case: Case) -> list[list[str]]:
    return [[row.label, *display(case, row)] for row in FACT_ROWS]


# --------------------------------------------------------------------------- parsing edits


def _parse_money(text: str, label: str) -> Decimal:
    cleaned = re.sub(r"[\s,，¥￥元]", "", text)
    factor = Decimal(1)
    if cleaned.endswith("万"):
        cleaned, factor = cleaned[:-1], Decimal(10_000)
    try:
        amount = Decimal(cleaned) * factor
    except InvalidOperation:
        raise InputError(f"{label}：无法识别的金额 {text!r}（例：100000 或 10万）/ not an amount") from None
    if amount < 0 or not amount.is_finite():
        raise InputError(f"{label}：金额不能为负 / amount must not be negative")
    return amount


def _parse_percent(text: str, label: str) -> Decimal:
    try:
        value = Decimal(text.replace("%", "").replace("％", "").strip())
    except InvalidOperation:
        raise InputError(f"{label}：无法识别的年利率 {text!r}（例：24 表示年利率24%）/ not a percentage") from None
    if not Decimal(0) <= value <= Decimal(1000):
        raise InputError(f"{label}：年利率应在 0 到 1000 之间 / rate out of range")
    return value


def _parse_date(text: str, label: str) -> date:
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    try:
        if match is None:
            raise ValueError
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise InputError(f"{label}：无法识别的日期 {text!r}（例：2025-03-01）/ not a date") from None


def _parse_bool(text: str, label: str) -> bool:
    token = text.strip().lower()
    if token in YES:
        return True
    if token in NO:
        return False
    raise InputError(f"{label}：请填“是”或“否” / answer yes or no, got {text!r}")


def _parse_enum(enum: type, text: str, label: str) -> Any:
    labels = ENUM_LABELS[enum]
    for token in re.split(r"[\s、,，/]+", text.strip()):
        for code, zh in labels.items():
            if token.lower() == code or token == zh or token in zh.split("/"):
                return enum(code)
    raise InputError(f"{label}：可选值 / choose one of: " + "、".join(f"{c} {z}" for c, z in labels.items()))


def _parse_evidence(text: str, label: str) -> list[EvidenceItem]:
    items: list[EvidenceItem] = []
    for part in filter(None, (p.strip() for p in re.split(r"[、,，;；]+", text))):
        kind = _parse_enum(EvidenceKind, part, label)
        if all(i.kind is not kind for i in items):
            items.append(EvidenceItem(kind=kind))
    return items


def _parse(row: FactRow, text: str) -> Any:
    """The new value for Case; None clears the fact (absent facts are None, never guessed)."""
    if not text:
        return {"evidence": [], "party_kind": PartyKind.unknown}.get(row.kind)
    if row.kind == "name":
        return text
    if row.kind in _ENUM_OF:
        value = _parse_enum(_ENUM_OF[row.kind], text, row.label)
        return value if row.kind == "party_kind" else Fact[ContactStatus](value=value, origin="user")
    if row.kind == "evidence":
        return _parse_evidence(text, row.label)
    if row.kind == "percent":
        value = _parse_percent(text, row.label)
        return Rate(annual_percent=value, stated_period=RatePeriod.year, stated_value=value)
    if row.kind == "money":
        return Fact[Decimal](value=_parse_money(text, row.label), origin="user")
    if row.kind == "date":
        return Fact[date](value=_parse_date(text, row.label), origin="user")
    if row.kind == "bool":
        return Fact[bool](value=_parse_bool(text, row.label), origin="user")
    return Fact[str](value=text, origin="user")


def _with(case: Case, key: str, value: Any) -> Case:
    if "." in key:
        party, attr = key.split(".")
        return case.model_copy(update={party: getattr(case, party).model_copy(update={attr: value, "source": None})})
    return case.model_copy(update={key: value})


def apply_fact_edits(case: Case, rows: list[list[Any]]) -> tuple[Case, list[str]]:
    """Apply the edited table to `case`; returns the new case and the labels of the facts that changed."""
    changed: list[str] = []
    for cells in rows or []:
        if not cells or not cells[0]:
            continue
        row = _BY_LABEL.get(str(cells[0]).strip())
        if row is None:
            raise InputError(f"未知的事实栏目 / unknown fact row: {cells[0]!r}")
        new_text = "" if len(cells) < 2 or cells[1] is None else str(cells[1]).strip()
        if new_text == display(case, row)[0]:
            continue
        case = _with(case, row.key, _parse(row, new_text))
        changed.append(row.label.split(" ")[0])
    # re-validate the whole case: an edit must not leave a value of the wrong type behind
    return Case.model_validate(case.model_dump()), changed


def carry_user_edits(fresh: Case, previous: Case) -> Case | None:
    """Keep the facts a person corrected by hand when the text is re-read; None when there were none."""
    carried = fresh
    for row in FACT_ROWS:
        old = _raw(previous, row)
        if isinstance(old, Fact) and old.origin == "user":
            carried = _with(carried, row.key, old)
    return None if carried is fresh else carried
