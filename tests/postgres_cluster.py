"""A throwaway PostgreSQL cluster for the tests marked `postgres`: initdb and pg_ctl as the `postgres` user
(or the current user when not root), on a free port, in a temporary directory, stopped and removed afterwards.
scripts/install_postgres.sh installs Debian's server."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def server_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: [int(x) for x in p.split("/")[4].split(".")])
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Yield a server URL prefix postgresql+psycopg://postgres@127.0.0.1:PORT/ (databases are made per test)."""
    bin_dir = server_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server not installed (bash scripts/install_postgres.sh)")
    root = Path(tempfile.mkdtemp(prefix="debt-pg-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres")
    data, port = root / "data", _free_port()
    run = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "timeout": 120}
    subprocess.run([*as_postgres, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--locale=C.UTF-8"], **run)
    subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o",
                    f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], **run)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/"
    finally:
        subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def new_database(server: str) -> str:
    """A fresh database on the cluster, for one test."""
    import psycopg  # the driver SQLAlchemy uses; here only to create the database

    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = server.replace("postgresql+psycopg://", "postgresql://") + "postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server + name


# fixtures shared by the store's test files (imported there): every store test runs on SQLite and on PostgreSQL

@pytest.fixture(scope="module")
def postgres_server():
    with throwaway_cluster() as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path) -> str:
    """A database URL of its own: a SQLite file in the test's directory, or a new database on the throwaway cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'audit.db'}"
    return new_database(request.getfixturevalue("postgres_server"))
