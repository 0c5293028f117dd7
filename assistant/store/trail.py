"""The audit trail: cases, chat turns, advice, drafts, checker verdicts and contacts in SQLite.

In a dispute the record of lawful conduct protects the creditor, so history is append-only:
triggers refuse every UPDATE and DELETE, and a re-run of the pipeline adds a new version.
Every write commits before the caller answers the user (nothing is lost on a crash).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SkipValidation, ValidationError

from assistant.errors import InputError, StorageError
from assistant.models import Advice, Category, CheckedDraft, Draft, LegalityReport, Model, Stage

SCHEMA_VERSION = 1
Role = Literal["user", "assistant"]
_HISTORY_TABLES = ("cases", "turns", "advice", "drafts", "checks", "contacts")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, narrative TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES cases(id),
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')), text TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS advice (
    id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES cases(id), version INTEGER NOT NULL,
    stage TEXT NOT NULL, category TEXT NOT NULL, case_json TEXT NOT NULL, assessment_json TEXT NOT NULL,
    position_json TEXT NOT NULL, plan_json TEXT NOT NULL, advice_json TEXT NOT NULL, created_at TEXT NOT NULL,
    UNIQUE (case_id, version));
CREATE TABLE IF NOT EXISTS drafts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES cases(id),
    advice_id INTEGER NOT NULL REFERENCES advice(id), position INTEGER NOT NULL, kind TEXT NOT NULL,
    title TEXT NOT NULL, text TEXT NOT NULL, legal INTEGER NOT NULL, draft_json TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER REFERENCES cases(id), text TEXT NOT NULL,
    legal INTEGER NOT NULL, report_json TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES cases(id), contact_at TEXT NOT NULL,
    channel TEXT NOT NULL, summary TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS turns_case ON turns(case_id);
CREATE INDEX IF NOT EXISTS drafts_case ON drafts(case_id);
CREATE INDEX IF NOT EXISTS contacts_case ON contacts(case_id);
"""


def _append_only_triggers() -> str:
    return "\n".join(
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: {op} on {table} refused'); END;"
        for table in _HISTORY_TABLES
        for op in ("UPDATE", "DELETE")
    )


# --------------------------------------------------------------------------- records


class Turn(Model):
    role: Role
    text: str
    created_at: datetime


class StoredAdvice(Model):
    version: int
    created_at: datetime
    advice: SkipValidation[Advice]  # restored by _restore_advice: validating again would re-check its drafts


class StoredDraft(Model):
    advice_version: int
    position: int  # order within its advice version
    created_at: datetime
    draft: SkipValidation[CheckedDraft]  # restored by _restore_draft, keeping the verdict as it was given


class StoredCheck(Model):
    id: int
    case_id: int | None
    text: str
    report: LegalityReport
    created_at: datetime


class ContactLogEntry(Model):
    when: datetime | date  # a date alone when the hour is not known
    channel: str
    summary: str
    logged_at: datetime


class CaseSummary(Model):
    case_id: int
    title: str
    created_at: datetime
    turns: int
    advice_versions: int
    stage: Stage | None = None
    category: Category | None = None


class CaseRecord(Model):
    case_id: int
    title: str
    narrative: str  # the first message; later facts are user turns
    created_at: datetime
    turns: list[Turn] = Field(default_factory=list)
    latest_advice: StoredAdvice | None = None
    advice_versions: int = 0
    drafts: list[StoredDraft] = Field(default_factory=list)  # every version, oldest first
    checks: list[StoredCheck] = Field(default_factory=list)
    contacts: list[ContactLogEntry] = Field(default_factory=list)

    @property
    def latest_drafts(self) -> list[CheckedDraft]:
        if self.latest_advice is None:
            return []
        return [d.draft for d in self.drafts if d.advice_version == self.latest_advice.version]

    def full_narrative(self) -> str:
        """Every fact the user has told us, in order: the narrative the pipeline re-reads."""
        told = [t.text for t in self.turns if t.role == "user"]
        return "\n".join(told) if told else self.narrative


# --------------------------------------------------------------------------- the store


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    """One SQLite file in WAL mode; safe to share between Gradio worker threads and to reopen after restart."""

    def __init__(self, path: Path | str, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.RLock()  # SQLite serialises writers; the lock keeps our transactions whole
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(_SCHEMA + _append_only_triggers())
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"无法打开案件数据库 {self.path} / cannot open the audit database: {exc}") from exc

    # -- plumbing

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=FULL")  # an audit record must survive a power cut
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                with self._connect() as conn:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        yield conn
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                    conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StorageError(f"无法写入案件记录 / cannot write to the audit trail: {exc}") from exc

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            with self._connect() as conn:
                return conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"无法读取案件记录 / cannot read the audit trail: {exc}") from exc

    def _now(self) -> str:
        return self._clock().isoformat()

    def _require_case(self, conn: sqlite3.Connection, case_id: object) -> int:
        if isinstance(case_id, bool) or not isinstance(case_id, int):
            raise InputError(f"案件编号必须是整数 / case id must be an integer, got {case_id!r}")
        if conn.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is None:
            raise InputError(f"案件 #{case_id} 不存在 / case #{case_id} does not exist")
        return case_id

    # -- writes

    def create_case(self, title: str, narrative: str) -> int:
        narrative = _text(narrative, "案情 / narrative")
        title = (title or "").strip() or narrative.splitlines()[0][:30]
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO cases (title, narrative, created_at) VALUES (?, ?, ?)", (title, narrative, self._now())
            )
            return int(cur.lastrowid or 0)

    def add_turn(self, case_id: int, role: Role, text: str) -> None:
        if role not in ("user", "assistant"):
            raise InputError(f"角色必须是 user 或 assistant / role must be 'user' or 'assistant', got {role!r}")
        text = _text(text, "消息 / message")
        with self._write() as conn:
            self._require_case(conn, case_id)
            conn.execute(
                "INSERT INTO turns (case_id, role, text, created_at) VALUES (?, ?, ?, ?)",
                (case_id, role, text, self._now()),
            )

    def save_advice(self, case_id: int, advice: Advice) -> int:
        """Store a new advice version with its drafts and their checker reports; returns the version."""
        if not isinstance(advice, Advice):
            raise InputError(f"需要 Advice 对象 / expected an Advice, got {type(advice).__name__}")
        now = self._now()
        with self._write() as conn:
            self._require_case(conn, case_id)
            row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM advice WHERE case_id = ?", (case_id,)).fetchone()
            version = int(row[0]) + 1
            cur = conn.execute(
                "INSERT INTO advice (case_id, version, stage, category, case_json, assessment_json, position_json,"
                " plan_json, advice_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    case_id,
                    version,
                    advice.stage.value,
                    advice.assessment.category.value,
                    advice.case.model_dump_json(),
                    advice.assessment.model_dump_json(),
                    advice.position.model_dump_json(),
                    json.dumps([step.model_dump(mode="json") for step in advice.plan], ensure_ascii=False),
                    advice.model_dump_json(),
                    now,
                ),
            )
            for position, draft in enumerate(advice.drafts):
                conn.execute(
                    "INSERT INTO drafts (case_id, advice_id, position, kind, title, text, legal, draft_json, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (case_id, cur.lastrowid, position, draft.kind.value, draft.title, draft.text,
                     int(draft.report.legal), draft.model_dump_json(), now),
                )
            return version

    def save_check(self, case_id: int | None, text: str, report: LegalityReport) -> int:
        if not isinstance(report, LegalityReport):
            raise InputError(f"需要 LegalityReport / expected a LegalityReport, got {type(report).__name__}")
        text = _text(text, "待审文本 / text")
        with self._write() as conn:
            if case_id is not None:
                self._require_case(conn, case_id)
            cur = conn.execute(
                "INSERT INTO checks (case_id, text, legal, report_json, created_at) VALUES (?, ?, ?, ?, ?)",
                (case_id, text, int(report.legal), report.model_dump_json(), self._now()),
            )
            return int(cur.lastrowid or 0)

    def log_contact(self, case_id: int, when: datetime | date, channel: str, summary: str) -> None:
        if not isinstance(when, (datetime, date)):
            raise InputError(f"联系时间必须是日期或时间 / 'when' must be a date or datetime, got {when!r}")
        channel = _text(channel, "联系方式 / channel")
        summary = _text(summary, "联系摘要 / summary")
        with self._write() as conn:
            self._require_case(conn, case_id)
            conn.execute(
                "INSERT INTO contacts (case_id, contact_at, channel, summary, created_at) VALUES (?, ?, ?, ?, ?)",
                (case_id, when.isoformat(), channel, summary, self._now()),
            )

    # -- reads

    def list_cases(self) -> list[CaseSummary]:
        rows = self._read(
            "SELECT c.id, c.title, c.created_at,"
            " (SELECT COUNT(*) FROM turns t WHERE t.case_id = c.id) AS turns,"
            " (SELECT COUNT(*) FROM advice a WHERE a.case_id = c.id) AS versions,"
            " (SELECT stage FROM advice a WHERE a.case_id = c.id ORDER BY version DESC LIMIT 1) AS stage,"
            " (SELECT category FROM advice a WHERE a.case_id = c.id ORDER BY version DESC LIMIT 1) AS category"
            " FROM cases c ORDER BY c.id DESC"
        )
        return [
            CaseSummary(case_id=r["id"], title=r["title"], created_at=r["created_at"], turns=r["turns"],
                        advice_versions=r["versions"], stage=r["stage"], category=r["category"])
            for r in rows
        ]

    def load_case(self, case_id: int) -> CaseRecord:
        return self._load(case_id, all_versions=False)[0]

    def advice_history(self, case_id: int) -> list[StoredAdvice]:
        return self._load(case_id, all_versions=True)[1]

    def export_case(self, case_id: int) -> dict[str, Any]:
        """The full record, every advice version included, as plain JSON-serialisable data."""
        record, history = self._load(case_id, all_versions=True)
        exported = record.model_dump(mode="json")
        exported["advice_history"] = [a.model_dump(mode="json") for a in history]
        exported["exported_at"] = self._now()
        exported["schema_version"] = SCHEMA_VERSION
        return exported

    def _load(self, case_id: int, *, all_versions: bool) -> tuple[CaseRecord, list[StoredAdvice]]:
        try:
            with self._connect() as conn:
                conn.execute("BEGIN")  # one read transaction: a consistent snapshot while another worker writes
                self._require_case(conn, case_id)
                case = conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
                turns = conn.execute("SELECT * FROM turns WHERE case_id = ? ORDER BY id", (case_id,)).fetchall()
                advice_rows = conn.execute(
                    "SELECT version, advice_json, created_at FROM advice WHERE case_id = ? ORDER BY version", (case_id,)
                ).fetchall()
                drafts = conn.execute(
                    "SELECT d.*, a.version FROM drafts d JOIN advice a ON a.id = d.advice_id"
                    " WHERE d.case_id = ? ORDER BY a.version, d.position",
                    (case_id,),
                ).fetchall()
                checks = conn.execute("SELECT * FROM checks WHERE case_id = ? ORDER BY id", (case_id,)).fetchall()
                contacts = conn.execute(
                    "SELECT * FROM contacts WHERE case_id = ? ORDER BY contact_at, id", (case_id,)
                ).fetchall()
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageError(f"无法读取案件 #{case_id} / cannot read case #{case_id}: {exc}") from exc
        try:
            wanted = advice_rows if all_versions else advice_rows[-1:]
            history = [
                StoredAdvice(version=r["version"], created_at=r["created_at"],
                             advice=_restore_advice(r["advice_json"]))
                for r in wanted
            ]
            record = CaseRecord(
                case_id=case["id"],
                title=case["title"],
                narrative=case["narrative"],
                created_at=case["created_at"],
                turns=[Turn(role=t["role"], text=t["text"], created_at=t["created_at"]) for t in turns],
                latest_advice=history[-1] if history else None,
                advice_versions=len(advice_rows),
                drafts=[
                    StoredDraft(advice_version=d["version"], position=d["position"], created_at=d["created_at"],
                                draft=_restore_draft(json.loads(d["draft_json"])))
                    for d in drafts
                ],
                checks=[
                    StoredCheck(id=c["id"], case_id=c["case_id"], text=c["text"], created_at=c["created_at"],
                                report=LegalityReport.model_validate_json(c["report_json"]))
                    for c in checks
                ],
                contacts=[
                    ContactLogEntry(when=_parse_when(c["contact_at"]), channel=c["channel"], summary=c["summary"],
                                    logged_at=c["created_at"])
                    for c in contacts
                ],
            )
        except ValidationError as exc:
            # a record written by an older model version: say so rather than show half a case
            raise StorageError(f"案件 #{case_id} 的记录无法读取（格式不兼容）/ case #{case_id} has an unreadable record: {exc}") from exc
        return record, history


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{what}不能为空 / {what} must be non-empty text")
    return value.strip()


def _parse_when(stored: str) -> datetime | date:
    return datetime.fromisoformat(stored) if "T" in stored else date.fromisoformat(stored)


# A CheckedDraft recomputes its report from its text whenever it is validated. A record must show the
# verdict as it was given (with the case it was checked against, by the checker of that day), so
# stored drafts are rebuilt around their stored report instead of being checked again.


def _restore_draft(raw: dict[str, Any]) -> CheckedDraft:
    report = LegalityReport.model_validate(raw["report"])
    fields = Draft.model_validate({k: v for k, v in raw.items() if k != "report"})
    return CheckedDraft.model_construct(**dict(fields), report=report)


def _restore_advice(advice_json: str) -> Advice:
    raw = json.loads(advice_json)
    advice = Advice.model_validate({**raw, "drafts": []})
    advice.drafts = [_restore_draft(d) for d in raw["drafts"]]
    return advice
