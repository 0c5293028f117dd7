"""Reading a lender's spreadsheet: CSV or XLSX in, one typed row an account, a row-numbered error for each bad row.

The headers are matched through a column mapping (knowledge/bulk/columns.yaml, or a lender's own copy),
so an export with its own column names needs a YAML file, not code. A bad row never stops the batch:
it becomes a RowError carrying the spreadsheet row number (the header is row 1) and the rest go on.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from pydantic import Field

from assistant.errors import InputError
from assistant.models import ContactStatus, EvidenceKind, Model, PartyKind
from assistant.settings import KNOWLEDGE_DIR
from assistant.text.datafiles import load_model
from assistant.text.money import parse_amount

__all__ = [
    "AccountRow", "ColumnMapping", "MessageRow", "RowError", "file_fingerprint", "load_mapping", "read_accounts",
    "read_messages", "read_table",
]

MAPPING_FILE = KNOWLEDGE_DIR / "bulk" / "columns.yaml"
FIRST_DATA_ROW = 2  # row 1 holds the headers, as a spreadsheet program numbers them


class TableColumns(Model):
    required: list[str]
    fields: dict[str, list[str]]


class ValueWords(Model):
    contact_status: dict[ContactStatus, list[str]]
    debtor_kind: dict[PartyKind, list[str]]
    creditor_kind: dict[PartyKind, list[str]]
    evidence: dict[EvidenceKind, list[str]]
    true_words: list[str]
    false_words: list[str]


class ColumnMapping(Model):
    accounts: TableColumns
    messages: TableColumns
    values: ValueWords


class RowError(Model):
    """A row that could not be used, by its spreadsheet row number; the batch goes on without it."""

    row: int
    account: str = ""
    message: str


class AccountRow(Model):
    """One account as the lender's spreadsheet states it; the notes are read by intake like a narrative."""

    row: int
    account: str
    debtor: str | None = None
    debtor_kind: PartyKind = PartyKind.unknown
    creditor: str | None = None
    creditor_kind: PartyKind = PartyKind.unknown
    principal: Decimal = Field(gt=0)
    rate_percent: Decimal | None = Field(default=None, ge=0)
    loan_date: date | None = None
    due_date: date
    repaid: Decimal | None = Field(default=None, ge=0)
    last_contact_date: date | None = None
    contact_status: ContactStatus | None = None
    evidence: list[EvidenceKind] = Field(default_factory=list)
    disputed: bool | None = None
    province: str | None = None
    notes: str = ""


class MessageRow(Model):
    row: int
    account: str
    time: datetime
    channel: str = ""
    text: str
    agent: str = ""
    recipient: str = ""


def load_mapping(path: Path | None = None) -> ColumnMapping:
    return load_model(path or MAPPING_FILE, ColumnMapping, error=InputError)


def file_fingerprint(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_table(path: Path) -> pd.DataFrame:
    """Every cell as text (a lender's 001 account stays 001); empty cells are ''."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到文件 / no such file: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        else:
            raise InputError(f"只支持 CSV 或 XLSX / only CSV or XLSX files: {path.name}")
    except InputError:
        raise
    except Exception as exc:  # pandas raises many kinds for a broken file; the user needs one message
        raise InputError(f"无法读取表格 / cannot read the spreadsheet {path.name}: {exc}") from exc
    return frame.fillna("").astype(str)


def _columns(frame: pd.DataFrame, table: TableColumns, what: str) -> dict[str, str]:
    """field -> the header that carries it in this file."""
    headers = {str(h).strip().lower(): str(h) for h in frame.columns}
    found = {}
    for field, names in table.fields.items():
        for name in names:
            if name.strip().lower() in headers:
                found[field] = headers[name.strip().lower()]
                break
    missing = [f for f in table.required if f not in found]
    if missing:
        raise InputError(
            f"{what}缺少必需的列 / {what} lacks required columns: {', '.join(missing)} "
            f"(有 / has: {', '.join(map(str, frame.columns))}); 请用 --columns 指定列映射 / pass a column mapping with --columns"
        )
    return found


_CN_DATE = re.compile(r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")


def _date(value: str, field: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    m = _CN_DATE.match(value)
    if not m:
        raise ValueError(f"{field}: 不是日期 / not a date: {value!r}")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError(f"{field}: 不是有效日期 / not a valid date: {value!r}") from exc


def _money(value: str, field: str) -> Decimal | None:
    value = value.strip().replace(",", "").replace("，", "")
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        pass
    try:
        return parse_amount(value)
    except ValueError as exc:
        raise ValueError(f"{field}: 不是金额 / not an amount: {value!r}") from exc


def _percent(value: str, field: str) -> Decimal | None:
    value = value.strip().rstrip("%％")
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"{field}: 不是年利率 / not an annual rate: {value!r}") from exc


def _word(value: str, words: dict, field: str):  # type: ignore[no-untyped-def]
    wanted = value.strip().lower()
    for key, names in words.items():
        if wanted in (n.lower() for n in names):
            return key
    raise ValueError(f"{field}: 无法识别 / not recognised: {value!r}")


def _yes_no(value: str, words: ValueWords, field: str) -> bool | None:
    wanted = value.strip().lower()
    if not wanted:
        return None
    if wanted in (w.lower() for w in words.true_words):
        return True
    if wanted in (w.lower() for w in words.false_words):
        return False
    raise ValueError(f"{field}: 应为是/否 / expected yes or no: {value!r}")


def _evidence(value: str, words: ValueWords) -> list[EvidenceKind]:
    kinds = []
    for part in re.split(r"[,，;；、/|]+", value):
        if part.strip():
            kind = _word(part, words.evidence, "evidence")
            if kind not in kinds:
                kinds.append(kind)
    return kinds


def _account(row: int, cells: dict[str, str], words: ValueWords) -> AccountRow:
    get = cells.get
    return AccountRow(
        row=row,
        account=get("account", "").strip(),
        debtor=get("debtor", "").strip() or None,
        debtor_kind=_word(get("debtor_kind", ""), words.debtor_kind, "debtor_kind") if get("debtor_kind", "").strip() else PartyKind.unknown,
        creditor=get("creditor", "").strip() or None,
        creditor_kind=_word(get("creditor_kind", ""), words.creditor_kind, "creditor_kind") if get("creditor_kind", "").strip() else PartyKind.unknown,
        principal=_money(get("principal", ""), "principal"),  # None fails validation: principal is required
        rate_percent=_percent(get("rate_percent", ""), "rate"),
        loan_date=_date(get("loan_date", ""), "loan_date"),
        due_date=_date(get("due_date", ""), "due_date"),
        repaid=_money(get("repaid", ""), "repaid"),
        last_contact_date=_date(get("last_contact_date", ""), "last_contact_date"),
        contact_status=_word(get("contact_status", ""), words.contact_status, "contact_status") if get("contact_status", "").strip() else None,
        evidence=_evidence(get("evidence", ""), words),
        disputed=_yes_no(get("disputed", ""), words, "disputed"),
        province=get("province", "").strip() or None,
        notes=get("notes", "").strip(),
    )


def _problem(exc: Exception) -> str:
    """A short, readable reason: pydantic's first error, or our own message."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', exc)}"
    return str(exc)


def read_accounts(path: Path, mapping: ColumnMapping | None = None) -> tuple[list[AccountRow], list[RowError]]:
    """The usable accounts and a row-numbered error for every row that is not (a repeated account is one)."""
    mapping = mapping or load_mapping()
    frame = read_table(path)
    columns = _columns(frame, mapping.accounts, "账户表 / account sheet ")
    accounts: list[AccountRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(frame.to_dict("records")):
        row = index + FIRST_DATA_ROW
        cells = {field: str(record[header]) for field, header in columns.items()}
        account_id = cells.get("account", "").strip()
        if not account_id:
            errors.append(RowError(row=row, message="account: 缺少账号 / no account number"))
            continue
        if account_id in seen:
            errors.append(RowError(row=row, account=account_id, message=f"账号重复，与第{seen[account_id]}行相同 / repeats row {seen[account_id]}"))
            continue
        try:
            accounts.append(_account(row, cells, mapping.values))
            seen[account_id] = row
        except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
            errors.append(RowError(row=row, account=account_id, message=_problem(exc)))
    return accounts, errors


def _time(value: str) -> datetime:
    value = value.strip()
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"time: 不是时间 / not a time: {value!r}") from exc
    if pd.isna(stamp):
        raise ValueError(f"time: 不是时间 / not a time: {value!r}")
    return stamp.to_pydatetime().replace(tzinfo=None)


def read_messages(path: Path, mapping: ColumnMapping | None = None) -> tuple[list[MessageRow], list[RowError]]:
    """The message log's rows, and a row-numbered error for each one without an account, a time or a text."""
    mapping = mapping or load_mapping()
    frame = read_table(path)
    columns = _columns(frame, mapping.messages, "消息记录 / message log ")
    messages: list[MessageRow] = []
    errors: list[RowError] = []
    for index, record in enumerate(frame.to_dict("records")):
        row = index + FIRST_DATA_ROW
        cells = {field: str(record[header]).strip() for field, header in columns.items()}
        try:
            if not cells.get("account"):
                raise ValueError("account: 缺少账号 / no account number")
            if not cells.get("text"):
                raise ValueError("text: 没有内容 / empty message")
            messages.append(MessageRow(row=row, account=cells["account"], time=_time(cells.get("time", "")),
                                       channel=cells.get("channel", ""), text=cells["text"],
                                       agent=cells.get("agent", ""), recipient=cells.get("recipient", "")))
        except ValueError as exc:
            errors.append(RowError(row=row, account=cells.get("account", ""), message=_problem(exc)))
    return messages, errors
