"""The audit trail with users, actors and a per-case hash chain; append-only triggers on SQLite and PostgreSQL.

A version-1 database (SQLite, before Alembic) keeps its tables, renamed legacy_v1_*, and their rows are copied
into the new tables (same ids, actor "local", owner "local") and linked into each case's chain in the order
they were written: old cases reopen as before, and nothing recorded is dropped.

Revision ID: 0001
Revises:
"""

from alembic import op
from sqlalchemy import inspect, text

from assistant.store.chain import append_link, chain_of
from assistant.store.schema import ERASABLE, HISTORY_TABLES, metadata

revision = "0001"
down_revision = None

_LEGACY = ("cases", "turns", "advice", "drafts", "checks", "contacts")
_COPIED = {  # new table -> the columns taken from its version-1 table
    "cases": "id, title, narrative, created_at",
    "turns": "id, case_id, role, text, created_at",
    "advice": "id, case_id, version, stage, category, advice_json, created_at",
    "drafts": "id, case_id, advice_id, position, kind, title, text, legal, draft_json, created_at",
    "checks": "id, case_id, text, legal, report_json, created_at",
    "contacts": "id, case_id, contact_at, channel, summary, created_at",
}


def _copy_version_1(bind) -> None:
    for table, columns in _COPIED.items():
        owner = ("owner, ", "'local', ") if table == "cases" else ("", "")
        op.execute(f"INSERT INTO {table} ({owner[0]}{columns}, actor, erased) "
                   f"SELECT {owner[1]}{columns}, 'local', 0 FROM legacy_v1_{table}")
    written = []
    for rank, table in enumerate(_COPIED):
        for row in bind.execute(text(f"SELECT * FROM {table}")).mappings():
            written.append((chain_of(table, dict(row)), row["created_at"], rank, row["id"], table))
    for _chain, created_at, _rank, record_id, table in sorted(written):
        append_link(bind, table, record_id, "local", created_at)


def _sqlite_triggers(table: str) -> list[str]:
    refuse = f"SELECT RAISE(ABORT, 'audit trail is append-only: {{op}} on {table} refused');"
    erasable = ERASABLE.get(table, ())
    kept = [c.name for c in metadata.tables[table].columns if c.name not in erasable and c.name != "erased"]
    erasure = " AND ".join([f"NEW.{c} IS OLD.{c}" for c in kept] + ["OLD.erased = 0", "NEW.erased = 1"])
    update_when = f"WHEN NOT ({erasure}) " if erasable else ""
    return [
        # INSERT OR REPLACE deletes the old row without firing a DELETE trigger: refuse the reused id first
        f"CREATE TRIGGER {table}_refuse_id_reuse BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) BEGIN {refuse.format(op='id reuse')} END",
        f"CREATE TRIGGER {table}_refuse_update BEFORE UPDATE ON {table} {update_when}BEGIN {refuse.format(op='UPDATE')} END",
        f"CREATE TRIGGER {table}_refuse_delete BEFORE DELETE ON {table} BEGIN {refuse.format(op='DELETE')} END",
    ]


_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE reused boolean;
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE id = $1)', TG_TABLE_NAME) INTO reused USING NEW.id;
    IF reused THEN
      RAISE EXCEPTION 'audit trail is append-only: id reuse on % refused', TG_TABLE_NAME;
    END IF;
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' AND TG_NARGS > 0 AND OLD.erased = 0 AND NEW.erased = 1
        AND (to_jsonb(NEW) - TG_ARGV::text[] - 'erased') = (to_jsonb(OLD) - TG_ARGV::text[] - 'erased') THEN
    RETURN NEW;  -- erasure of personal data (PIPL art. 47): only the erasable columns change
  END IF;
  RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END $$;
"""


def _pg_triggers(table: str) -> list[str]:
    args = ", ".join(f"'{c}'" for c in ERASABLE.get(table, ()))
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION audit_append_only({args})",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    ]


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(inspect(bind).get_table_names())
    version_1 = "cases" in existing and "owner" not in {c["name"] for c in inspect(bind).get_columns("cases")}
    if version_1:
        for table in _LEGACY:
            op.rename_table(table, f"legacy_v1_{table}")
    metadata.create_all(bind)
    if version_1:
        _copy_version_1(bind)
    if bind.dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in HISTORY_TABLES:
            for statement in _pg_triggers(table):
                op.execute(statement)
    else:
        for table in HISTORY_TABLES:
            for statement in _sqlite_triggers(table):
                op.execute(statement)
