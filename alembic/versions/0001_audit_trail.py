"""The audit trail with users, actors and a per-case hash chain; append-only triggers on SQLite and PostgreSQL.

A version-1 database (before Alembic) keeps its tables, renamed legacy_v1_*: nothing recorded is dropped.

Revision ID: 0001
Revises:
"""

from alembic import op
from sqlalchemy import inspect

from assistant.store.schema import ERASABLE, HISTORY_TABLES, metadata

revision = "0001"
down_revision = None

_LEGACY = ("cases", "turns", "advice", "drafts", "checks", "contacts")


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
    if "cases" in existing and "owner" not in {c["name"] for c in inspect(bind).get_columns("cases")}:
        for table in _LEGACY:
            if table in existing:
                op.rename_table(table, f"legacy_v1_{table}")
    metadata.create_all(bind)
    if bind.dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in HISTORY_TABLES:
            for statement in _pg_triggers(table):
                op.execute(statement)
    else:
        for table in HISTORY_TABLES:
            for statement in _sqlite_triggers(table):
                op.execute(statement)
