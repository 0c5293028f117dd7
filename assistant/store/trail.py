"""The audit trail: cases, chat turns, advice, drafts, checker verdicts and contacts (SQLAlchemy).

In a dispute the record of lawful conduct protects the creditor, so history is append-only:
triggers refuse every UPDATE, DELETE and reused id, and a re-run of the pipeline adds a new version.
Every row names the acting user and is linked into its case's hash chain (assistant.store.chain), so a
row changed or removed behind the store's back shows as a broken link. A case is visible only to its
owner and the users it is shared with. Every write commits before the caller answers the user.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SkipValidation, ValidationError
from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from assistant.errors import AccessError, InputError, StorageError
from assistant.models import Advice, Category, CheckedDraft, Draft, LegalityReport, Model, Stage
from assistant.settings import get_settings
from assistant.store import schema
from assistant.store.chain import FREE_CHECKS, ChainHead, Verdict, append_link, head, links, verify
from assistant.store.database import database_url, migrate, open_engine, sqlite_url

SCHEMA_VERSION = 2
Role = Literal["user", "assistant"]


# --------------------------------------------------------------------------- records


class Turn(Model):
    role: Role
    text: str
    created_at: datetime
    actor: str = "local"


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
    owner: str = "local"
    closed: bool = False
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

    def analysis_window(self, limit: int) -> str:
        """What the analysis reads: the first account plus the most recent facts that fit in `limit` characters.

        A long case keeps working: older follow-ups drop out of the window (they stay in the record).
        """
        told = [t.text for t in self.turns if t.role == "user"] or [self.narrative]
        first, rest = told[0][:limit], told[1:]
        recent: list[str] = []
        used = len(first)
        for fact in reversed(rest):
            if used + len(fact) + 1 > limit:
                break
            recent.insert(0, fact)
            used += len(fact) + 1
        return "\n".join([first, *recent])

    @property
    def unanswered(self) -> bool:
        """The last message got no reply (a crash mid-request): the user is told to send it again."""
        return bool(self.turns) and self.turns[-1].role == "user"


# --------------------------------------------------------------------------- the store

LOCAL_USER = "local"  # the single operator of an instance without logins (DEBT_USERS unset, localhost only)
ERASED = "【已删除 / erased】"
# bidi controls (LRE..RLO, LRI..PDI, marks): a narrative must read as it was written
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
MAX_ID = 2**63 - 1


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    """One database (SQLite file in WAL mode, or PostgreSQL); safe to share between threads and instances."""

    def __init__(self, location: Path | str | None = None, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self._clock = clock
        if location is None:
            url = database_url()
        elif isinstance(location, Path) or "://" not in str(location):
            url = sqlite_url(location)
        else:
            url = str(location)
        self.path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else None
        self.url = url
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"无法打开案件数据库 {self.path} / cannot open the audit database: {exc}") from exc
        self.engine = open_engine(url)
        migrate(self.engine)
        self._case_locks: dict[int, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    @property
    def location(self) -> str:
        return str(self.path) if self.path is not None else self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    # -- plumbing

    @contextmanager
    def _write(self, chain: int | None = None) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                if chain is not None and conn.dialect.name == "postgresql":
                    # one writer per chain across instances: links are appended in order
                    conn.execute(text("SELECT pg_advisory_xact_lock(18, :chain)"), {"chain": chain})
                yield conn
        except (OperationalError, IntegrityError, DBAPIError) as exc:
            raise StorageError(f"无法写入案件记录 / cannot write to the audit trail: {exc.orig or exc}") from exc

    @contextmanager
    def _readonly(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except DBAPIError as exc:
            raise StorageError(f"无法读取案件记录 / cannot read the audit trail: {exc.orig or exc}") from exc

    @contextmanager
    def case_writer(self, case_id: int) -> Iterator[None]:
        """One writer per case in this process: messages to one case are stored and answered in order."""
        with self._locks_guard:
            lock = self._case_locks.setdefault(case_id, threading.Lock())
        with lock:
            yield

    def _now(self) -> str:
        return self._clock().isoformat()

    def _insert(self, conn: Connection, table: Table, actor: str, **values: Any) -> int:
        now = self._now()
        record_id = conn.execute(table.insert().values(actor=actor, created_at=now, **values)).inserted_primary_key[0]
        append_link(conn, table.name, int(record_id), actor, now)
        return int(record_id)

    def _require_case(self, conn: Connection, case_id: object, user: str | None) -> int:
        case_id = valid_id(case_id, "案件编号 / case id")
        row = conn.execute(select(schema.cases.c.owner).where(schema.cases.c.id == case_id)).first()
        if row is None:
            raise InputError(f"案件 #{case_id} 不存在 / case #{case_id} does not exist")
        if user is not None and row.owner != user and user not in self._shared_with(conn, case_id):
            raise AccessError(f"无权访问案件 #{case_id} / you have no access to case #{case_id}")
        return case_id

    def _shared_with(self, conn: Connection, case_id: int) -> set[str]:
        e = schema.events
        return set(conn.execute(select(e.c.detail).where(e.c.case_id == case_id, e.c.kind == "shared")).scalars())

    def _role(self, conn: Connection, user: str | None) -> str:
        if user is None:
            return "admin"  # the local operator of a single-user instance
        role = conn.execute(select(schema.users.c.role).where(schema.users.c.name == user)).scalar()
        if role is None:
            raise AccessError(f"未知用户 {user} / unknown user {user}")
        return role

    # -- users

    def register_users(self, users: dict[str, str]) -> None:
        """Record the users and roles the instance starts with (name -> creditor | lawyer | admin)."""
        for role in users.values():
            if role not in schema.ROLES:
                raise InputError(f"角色必须是 {'/'.join(schema.ROLES)} / role must be one of {schema.ROLES}, got {role!r}")
        with self._write() as conn:
            known = {r.name: r.role for r in conn.execute(select(schema.users.c.name, schema.users.c.role))}
            for name, role in users.items():
                if name not in known:
                    conn.execute(schema.users.insert().values(name=name, role=role, created_at=self._now()))
                elif known[name] != role:
                    conn.execute(schema.users.update().where(schema.users.c.name == name).values(role=role))

    def role_of(self, user: str | None) -> str:
        with self._readonly() as conn:
            return self._role(conn, user)

    # -- writes

    def create_case(self, title: str, narrative: str, *, user: str | None = None) -> int:
        narrative = message_text(narrative, "案情 / narrative")
        title = clean_text(title or "").strip() or narrative.splitlines()[0][:30]
        with self._write() as conn:
            if self._role(conn, user) == "admin" and user is not None:
                raise AccessError("管理员不处理案件 / an admin manages users and retention, not cases")
            return self._insert(conn, schema.cases, user or LOCAL_USER, owner=user or LOCAL_USER, title=title,
                                narrative=narrative)

    def add_turn(self, case_id: int, role: Role, text: str, *, user: str | None = None,
                 request_id: str | None = None) -> int:
        """Store one chat turn; a request id already stored returns that turn instead of storing it twice."""
        if role not in ("user", "assistant"):
            raise InputError(f"角色必须是 user 或 assistant / role must be 'user' or 'assistant', got {role!r}")
        text = message_text(text, "消息 / message")
        case_id = valid_id(case_id, "案件编号 / case id")
        with self._write(case_id) as conn:
            self._require_case(conn, case_id, user)
            if request_id:
                done = conn.execute(select(schema.turns.c.id).where(schema.turns.c.request_id == request_id)).scalar()
                if done is not None:
                    return int(done)
            return self._insert(conn, schema.turns, user or LOCAL_USER, case_id=case_id, role=role, text=text,
                                request_id=request_id or None)

    def request_status(self, request_id: str, *, user: str | None = None) -> tuple[int, bool] | None:
        """(case id, answered) of the message stored under this request id, or None when it never arrived."""
        t = schema.turns
        with self._readonly() as conn:
            row = conn.execute(select(t.c.id, t.c.case_id).where(t.c.request_id == request_id)).first()
            if row is None:
                return None
            self._require_case(conn, row.case_id, user)
            answered = conn.execute(select(t.c.id).where(t.c.case_id == row.case_id, t.c.role == "assistant",
                                                         t.c.id > row.id).limit(1)).first()
            return int(row.case_id), answered is not None

    def save_advice(self, case_id: int, advice: Advice, *, user: str | None = None) -> int:
        """Store a new advice version with its drafts and their checker reports; returns the version."""
        if not isinstance(advice, Advice):
            raise InputError(f"需要 Advice 对象 / expected an Advice, got {type(advice).__name__}")
        case_id = valid_id(case_id, "案件编号 / case id")
        actor = user or LOCAL_USER
        with self._write(case_id) as conn:
            self._require_case(conn, case_id, user)
            a = schema.advice
            version = int(conn.execute(select(func.coalesce(func.max(a.c.version), 0)).where(a.c.case_id == case_id)).scalar()) + 1
            advice_id = self._insert(conn, a, actor, case_id=case_id, version=version, stage=advice.stage.value,
                                     category=advice.assessment.category.value, advice_json=advice.model_dump_json())
            for position, draft in enumerate(advice.drafts):
                self._insert(conn, schema.drafts, actor, case_id=case_id, advice_id=advice_id, position=position,
                             kind=draft.kind.value, title=draft.title, text=draft.text, legal=int(draft.report.legal),
                             draft_json=draft.model_dump_json())
            return version

    def save_check(self, case_id: int | None, text: str, report: LegalityReport, *, user: str | None = None) -> int:
        if not isinstance(report, LegalityReport):
            raise InputError(f"需要 LegalityReport / expected a LegalityReport, got {type(report).__name__}")
        text = message_text(text, "待审文本 / text")
        if case_id is not None:
            case_id = valid_id(case_id, "案件编号 / case id")
        with self._write(case_id if case_id is not None else FREE_CHECKS) as conn:
            if case_id is not None:
                self._require_case(conn, case_id, user)
            return self._insert(conn, schema.checks, user or LOCAL_USER, case_id=case_id, text=text,
                                legal=int(report.legal), report_json=report.model_dump_json())

    def log_contact(self, case_id: int, when: datetime | date, channel: str, summary: str, *,
                    user: str | None = None) -> None:
        if not isinstance(when, (datetime, date)):
            raise InputError(f"联系时间必须是日期或时间 / 'when' must be a date or datetime, got {when!r}")
        channel = message_text(channel, "联系方式 / channel")
        summary = message_text(summary, "联系摘要 / summary")
        case_id = valid_id(case_id, "案件编号 / case id")
        with self._write(case_id) as conn:
            self._require_case(conn, case_id, user)
            self._insert(conn, schema.contacts, user or LOCAL_USER, case_id=case_id, contact_at=when.isoformat(),
                         channel=channel, summary=summary)

    # -- sharing, sign-off, closing, erasure (each an event in the case's chain)

    def share_case(self, case_id: int, with_user: str, *, user: str | None = None) -> None:
        case_id = valid_id(case_id, "案件编号 / case id")
        with self._write(case_id) as conn:
            self._require_case(conn, case_id, user)
            owner = conn.execute(select(schema.cases.c.owner).where(schema.cases.c.id == case_id)).scalar()
            if user is not None and user != owner:
                raise AccessError(f"只有案件所有人可以共享案件 #{case_id} / only the owner can share case #{case_id}")
            self._role(conn, with_user)
            self._insert(conn, schema.events, user or LOCAL_USER, case_id=case_id, kind="shared", detail=with_user)

    def sign_off(self, case_id: int, version: int, *, user: str | None = None) -> None:
        """A lawyer approves an advice version and its drafts."""
        case_id = valid_id(case_id, "案件编号 / case id")
        version = valid_id(version, "版本 / version")
        with self._write(case_id) as conn:
            self._require_case(conn, case_id, user)
            if user is not None and self._role(conn, user) != "lawyer":
                raise AccessError("只有律师可以签发文书 / only a lawyer can sign off drafts")
            a = schema.advice
            if conn.execute(select(a.c.id).where(a.c.case_id == case_id, a.c.version == version)).first() is None:
                raise InputError(f"案件 #{case_id} 没有第 {version} 版 / case #{case_id} has no version {version}")
            self._insert(conn, schema.events, user or LOCAL_USER, case_id=case_id, kind="signed_off", detail=str(version))

    def close_case(self, case_id: int, *, user: str | None = None) -> None:
        case_id = valid_id(case_id, "案件编号 / case id")
        with self._write(case_id) as conn:
            self._require_case(conn, case_id, user)
            self._insert(conn, schema.events, user or LOCAL_USER, case_id=case_id, kind="closed", detail="")

    def erase_case(self, case_id: int, *, retention_days: int, user: str | None = None) -> int:
        """Erase the debtor's personal data from a case closed longer than the retention period (PIPL art. 47).

        The rows stay, blanked and marked erased, with their digests in the chain: the trail still verifies.
        Returns how many rows were redacted.
        """
        case_id = valid_id(case_id, "案件编号 / case id")
        with self._write(case_id) as conn:
            if self._role(conn, user) != "admin":
                raise AccessError("只有管理员可以删除个人信息 / only an admin can erase personal data")
            if conn.execute(select(schema.cases.c.id).where(schema.cases.c.id == case_id)).first() is None:
                raise InputError(f"案件 #{case_id} 不存在 / case #{case_id} does not exist")
            e = schema.events
            closed = conn.execute(select(e.c.created_at).where(e.c.case_id == case_id, e.c.kind == "closed")
                                  .order_by(e.c.id)).scalars().first()
            if closed is None:
                raise InputError(f"案件 #{case_id} 尚未结案 / case #{case_id} is not closed")
            due = datetime.fromisoformat(closed) + timedelta(days=retention_days)
            if self._clock() < due:
                raise InputError(f"案件 #{case_id} 的保存期限至 {due.date()} / case #{case_id} must be kept until {due.date()}")
            erased = 0
            for table_name, columns in schema.ERASABLE.items():
                t = schema.metadata.tables[table_name]
                key = t.c.id if table_name == "cases" else t.c.case_id
                result = conn.execute(t.update().where(key == case_id, t.c.erased == 0)
                                      .values(erased=1, **dict.fromkeys(columns, ERASED)))
                erased += result.rowcount or 0
            self._insert(conn, schema.events, user or LOCAL_USER, case_id=case_id, kind="erased", detail=str(erased))
            return erased

    # -- the trail

    def verify_trail(self, expected: ChainHead | None = None) -> Verdict:
        with self._readonly() as conn:
            return verify(conn, expected)

    def chain_head(self, case_id: int, *, user: str | None = None) -> ChainHead | None:
        with self._readonly() as conn:
            case_id = self._require_case(conn, case_id, user)
            return head(conn, case_id)

    # -- reads

    def list_cases(self, *, user: str | None = None) -> list[CaseSummary]:
        c, t, a, e = schema.cases, schema.turns, schema.advice, schema.events
        latest = select(a.c.case_id, func.max(a.c.version).label("versions")).group_by(a.c.case_id).subquery()
        counts = select(t.c.case_id, func.count().label("turns")).group_by(t.c.case_id).subquery()
        query = (
            select(c.c.id, c.c.title, c.c.created_at, func.coalesce(counts.c.turns, 0).label("turns"),
                   func.coalesce(latest.c.versions, 0).label("versions"), a.c.stage, a.c.category)
            .outerjoin(counts, counts.c.case_id == c.c.id)
            .outerjoin(latest, latest.c.case_id == c.c.id)
            .outerjoin(a, (a.c.case_id == c.c.id) & (a.c.version == latest.c.versions))
            .order_by(c.c.id.desc())
        )
        if user is not None:
            shared = select(e.c.case_id).where(e.c.kind == "shared", e.c.detail == user)
            query = query.where((c.c.owner == user) | c.c.id.in_(shared))
        with self._readonly() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            CaseSummary(case_id=r["id"], title=r["title"], created_at=r["created_at"], turns=r["turns"],
                        advice_versions=r["versions"], stage=r["stage"], category=r["category"])
            for r in rows
        ]

    def load_case(self, case_id: int, *, user: str | None = None) -> CaseRecord:
        return self._load(case_id, all_versions=False, user=user)[0]

    def advice_history(self, case_id: int, *, user: str | None = None) -> list[StoredAdvice]:
        return self._load(case_id, all_versions=True, user=user)[1]

    def export_case(self, case_id: int, *, user: str | None = None) -> dict[str, Any]:
        """The full record, every advice version and the case's chain (its links and head) as JSON-serialisable data."""
        record, history = self._load(case_id, all_versions=True, user=user)
        exported = record.model_dump(mode="json")
        exported["advice_history"] = [a.model_dump(mode="json") for a in history]
        with self._readonly() as conn:
            exported["trail"] = links(conn, record.case_id)
            chain_head = head(conn, record.case_id)
        exported["chain_head"] = chain_head.model_dump() if chain_head else None
        exported["exported_at"] = self._now()
        exported["schema_version"] = SCHEMA_VERSION
        return exported

    def _load(self, case_id: int, *, all_versions: bool, user: str | None) -> tuple[CaseRecord, list[StoredAdvice]]:
        with self._readonly() as conn:  # one transaction: a consistent snapshot while another worker writes
            case_id = self._require_case(conn, case_id, user)
            c, t, a, d, k, ct, e = (schema.cases, schema.turns, schema.advice, schema.drafts, schema.checks,
                                    schema.contacts, schema.events)
            case = conn.execute(select(c).where(c.c.id == case_id)).mappings().one()
            turns = conn.execute(select(t).where(t.c.case_id == case_id).order_by(t.c.id)).mappings().all()
            advice_rows = conn.execute(select(a.c.version, a.c.advice_json, a.c.created_at, a.c.erased)
                                       .where(a.c.case_id == case_id).order_by(a.c.version)).mappings().all()
            drafts = conn.execute(select(d, a.c.version).join(a, a.c.id == d.c.advice_id).where(d.c.case_id == case_id)
                                  .order_by(a.c.version, d.c.position)).mappings().all()
            checks = conn.execute(select(k).where(k.c.case_id == case_id).order_by(k.c.id)).mappings().all()
            contacts = conn.execute(select(ct).where(ct.c.case_id == case_id).order_by(ct.c.contact_at, ct.c.id)).mappings().all()
            kinds = set(conn.execute(select(e.c.kind).where(e.c.case_id == case_id)).scalars())
        if case["erased"]:
            raise InputError(f"案件 #{case_id} 的个人信息已依法删除 / case #{case_id} was erased (PIPL art. 47)")
        try:
            wanted = advice_rows if all_versions else advice_rows[-1:]
            history = [
                StoredAdvice(version=r["version"], created_at=r["created_at"], advice=_restore_advice(r["advice_json"]))
                for r in wanted
            ]
            record = CaseRecord(
                case_id=case["id"],
                title=case["title"],
                narrative=case["narrative"],
                owner=case["owner"],
                closed="closed" in kinds,
                created_at=case["created_at"],
                turns=[Turn(role=t["role"], text=t["text"], created_at=t["created_at"], actor=t["actor"]) for t in turns],
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


def valid_id(value: object, what: str) -> int:
    """A positive integer id (True, -1 and 10**30 are not ids)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{what}必须是整数 / {what} must be an integer, got {value!r}")
    if not 0 < value <= MAX_ID:
        raise InputError(f"{what}必须是正整数 / {what} must be a positive integer, got {value!r}")
    return value


def clean_text(value: str) -> str:
    """Bidi control characters removed: stored and shown text reads in the order it was written."""
    return value.translate(_BIDI)


def message_text(value: object, what: str) -> str:
    """Non-empty text within the message limit, cleaned; refused before anything is written."""
    text = _text(value, what)
    limit = get_settings().max_message_chars
    if len(text) > limit:
        raise InputError(f"{what}过长（{len(text)} 字，上限 {limit}）/ {what} too long ({len(text)} > {limit} characters)")
    return clean_text(text)


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
