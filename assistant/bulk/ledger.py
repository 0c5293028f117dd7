"""The run's ledger: a small SQLite file in the output directory recording every finished account.

A restarted run reads it and skips what is done, so an interrupted batch loses no account and repeats
none: the account number is the primary key, and an account's documents are on disk before its row is
committed (a crash in between only means the account is done again, writing the same files).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path

from assistant.bulk.portfolio import RowError
from assistant.bulk.triage import AccountResult
from assistant.errors import InputError, StorageError

__all__ = ["Ledger"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    account TEXT PRIMARY KEY, row INTEGER NOT NULL, run INTEGER NOT NULL, result TEXT NOT NULL, finished_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS row_errors (row INTEGER PRIMARY KEY, account TEXT NOT NULL, message TEXT NOT NULL);
"""


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            with closing(sqlite3.connect(self.path, timeout=30)) as conn, conn:
                yield conn
        except sqlite3.Error as exc:
            raise StorageError(f"无法读写批处理记录 / cannot use the batch ledger {self.path}: {exc}") from exc

    def begin(self, input_fingerprint: str, today: str) -> int:
        """Start (or resume) a run over this input; a different input in the same output is refused."""
        with self._connect() as conn:
            stored = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            wanted = {"input": input_fingerprint, "today": today}
            for key, value in wanted.items():
                if key in stored and stored[key] != value:
                    raise InputError(
                        f"输出目录属于另一批数据 / the output directory holds a run over another input ({key} differs); "
                        "请换一个输出目录 / use a new output directory"
                    )
            conn.executemany("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", wanted.items())
            cursor = conn.execute("INSERT INTO runs (started_at) VALUES (?)", (_now(),))
            return int(cursor.lastrowid)

    def done(self) -> set[str]:
        with self._connect() as conn:
            return {r[0] for r in conn.execute("SELECT account FROM accounts")}

    def record(self, results: list[AccountResult], run: int) -> None:
        with self._connect() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO accounts (account, row, run, result, finished_at) VALUES (?, ?, ?, ?, ?)",
                [(r.account, r.row, run, r.model_dump_json(), _now()) for r in results],
            )

    def record_errors(self, errors: list[RowError]) -> None:
        with self._connect() as conn:
            conn.executemany("INSERT OR REPLACE INTO row_errors (row, account, message) VALUES (?, ?, ?)",
                             [(e.row, e.account, e.message) for e in errors])

    def results(self) -> list[AccountResult]:
        with self._connect() as conn:
            rows = conn.execute("SELECT result FROM accounts ORDER BY row").fetchall()
        return [AccountResult.model_validate_json(r[0]) for r in rows]

    def errors(self) -> list[RowError]:
        with self._connect() as conn:
            rows = conn.execute("SELECT row, account, message FROM row_errors ORDER BY row").fetchall()
        return [RowError(row=r[0], account=r[1], message=r[2]) for r in rows]

    def runs_by_account(self) -> dict[str, int]:
        with self._connect() as conn:
            return dict(conn.execute("SELECT account, run FROM accounts").fetchall())


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
