"""The tables of the audit trail (SQLAlchemy Core), shared by the store and the Alembic migrations.

Every history row names the acting user (`actor`) and is linked into its case's hash chain
(`trail`): a row's link holds the digest of its content and the hash of the previous link of the case.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

ROLES = ("creditor", "lawyer", "admin")

users = Table(
    "users", metadata,
    Column("name", String(80), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("created_at", String(40), nullable=False),
)

cases = Table(
    "cases", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(80), nullable=False),
    Column("title", Text, nullable=False),
    Column("narrative", Text, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("erased", Integer, nullable=False, server_default="0"),
    Column("created_at", String(40), nullable=False),
)

turns = Table(
    "turns", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("request_id", String(80)),
    Column("actor", String(80), nullable=False),
    Column("erased", Integer, nullable=False, server_default="0"),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("case_id", "request_id", name="turns_request_once"),
)

advice = Table(
    "advice", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("stage", String(40), nullable=False),
    Column("category", String(40), nullable=False),
    Column("advice_json", Text, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("erased", Integer, nullable=False, server_default="0"),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("case_id", "version", name="advice_version_once"),
)

drafts = Table(
    "drafts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("advice_id", Integer, ForeignKey("advice.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("legal", Integer, nullable=False),
    Column("draft_json", Text, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("erased", Integer, nullable=False, server_default="0"),
    Column("created_at", String(40), nullable=False),
)

checks = Table(
    "checks", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), index=True),
    Column("text", Text, nullable=False),
    Column("legal", Integer, nullable=False),
    Column("report_json", Text, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("erased", Integer, nullable=False, server_default="0"),
    Column("created_at", String(40), nullable=False),
)

contacts = Table(
    "contacts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("contact_at", String(40), nullable=False),
    Column("channel", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("erased", Integer, nullable=False, server_default="0"),
    Column("created_at", String(40), nullable=False),
)

# case events: shared with a user, closed, signed off, erased (who did it, when, what)
events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("detail", Text, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("erased", Integer, nullable=False, server_default="0"),
    Column("created_at", String(40), nullable=False),
)

# the hash chain: one link per history row, in order within its chain (a case, or 0 for free checks)
trail = Table(
    "trail", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chain", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("record_table", String(20), nullable=False),
    Column("record_id", Integer, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("chain", "seq", name="trail_link_once"),
)

HISTORY_TABLES = ("cases", "turns", "advice", "drafts", "checks", "contacts", "events", "trail")
# the one change ever allowed: erasure of personal data, which sets `erased` and blanks these columns
ERASABLE = {
    "cases": ("title", "narrative"),
    "turns": ("text",),
    "advice": ("advice_json",),
    "drafts": ("title", "text", "draft_json"),
    "checks": ("text", "report_json"),
    "contacts": ("summary",),
}
