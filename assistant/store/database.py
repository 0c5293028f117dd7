"""The database behind the audit trail: SQLite in DEBT_DATA_DIR by default, PostgreSQL via DEBT_DATABASE_URL.

The schema is brought up to date with Alembic whenever a store opens (idempotent: an up-to-date database is left alone).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from assistant.errors import StorageError
from assistant.settings import REPO_ROOT, get_settings

ALEMBIC_DIR = REPO_ROOT / "alembic"
_MIGRATION_LOCK = 18_0001  # a PostgreSQL advisory lock: two instances starting together migrate once


def database_url() -> str:
    settings = get_settings()
    return settings.database_url or f"sqlite:///{settings.data_dir / 'audit.db'}"


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{Path(path)}"


def open_engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
            # pysqlite's own transaction handling defers BEGIN; we issue BEGIN IMMEDIATE ourselves (one writer)
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        else:
            engine = create_engine(url, pool_pre_ping=True)
        return engine
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StorageError(f"无法连接案件数据库 / cannot open the audit database {_safe(url)}: {exc}") from exc


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # autocommit at the driver; SQLAlchemy's "begin" event opens transactions
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")  # an audit record must survive a power cut
    cur.close()


def migrate(engine: Engine) -> None:
    """Run the Alembic migrations up to head on this engine."""
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except (SQLAlchemyError, OSError) as exc:
        raise StorageError(f"无法打开案件数据库 / cannot open the audit database {_safe(str(engine.url))}: {exc}") from exc


def _safe(url: str) -> str:
    """The URL without its password (it reaches logs and error messages)."""
    head, at, tail = url.rpartition("@")
    if not at:
        return url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':')[0]}:***@{tail}"
