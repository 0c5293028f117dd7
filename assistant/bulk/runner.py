"""A portfolio triaged on Ray: batches of accounts go to worker actors, each of which loads the models once.

Local by default (`ray.init(num_cpus=…)`, no dashboard, nothing to set up); `DEBT_RAY_ADDRESS` points at
an existing cluster started with `ray start --head` (its nodes need this package and knowledge/ at the
same path). The driver alone writes: each finished batch's documents go to disk, then its accounts into
the ledger, so a restarted run skips what is done and repeats nothing.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import ray
from pydantic import Field

from assistant.bulk.ledger import Ledger
from assistant.bulk.outputs import TriageOutputs, write_triage_outputs
from assistant.bulk.portfolio import AccountRow, ColumnMapping, RowError, file_fingerprint, read_accounts
from assistant.bulk.triage import AccountResult, triage_account
from assistant.errors import AssistantError
from assistant.models import Model
from assistant.settings import REPO_ROOT, get_settings, reload_settings

__all__ = ["TriageRun", "start_ray", "triage_portfolio", "worker_environment"]

log = logging.getLogger(__name__)

LEDGER_FILE = "progress.sqlite"
DOCUMENTS_DIR = "documents"
# A warm-up account: the first classification loads the embedding model, the first check the checker model.
_WARM_UP = AccountRow(row=0, account="warm-up", principal=1000, due_date=date(2024, 1, 1), notes="借款一千元，到期未还。")

Progress = Callable[[int, int], None]


class TriageRun(Model):
    output_dir: Path
    accounts: int  # accounts in the ledger after this run
    triaged_now: int  # accounts this run triaged (the rest were done before)
    skipped: int  # accounts a previous run had finished
    row_errors: int
    workers: int
    warm_up_s: float  # starting the workers and loading their models
    triage_s: float  # triaging this run's accounts, after the warm-up
    outputs: TriageOutputs
    run: int = Field(ge=1)

    @property
    def accounts_per_s(self) -> float:
        return self.triaged_now / self.triage_s if self.triage_s > 0 else 0.0


def worker_environment() -> dict[str, str]:
    """What a worker needs to import this checkout and read the same settings as the driver."""
    env = {k: v for k, v in os.environ.items() if k.startswith("DEBT_") or k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env["DEBT_DATA_DIR"] = str(get_settings().data_dir)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return env


def start_ray(num_cpus: int | None = None) -> bool:
    """Connect to DEBT_RAY_ADDRESS or start a local Ray; False when Ray was already running here."""
    if ray.is_initialized():
        return False
    address = get_settings().ray_address
    runtime_env = {"env_vars": worker_environment()}
    try:
        if address:
            ray.init(address=address, runtime_env=runtime_env, log_to_driver=False)
        else:
            # "local": a cluster of our own, never one somebody else started on this machine
            ray.init(address="local", num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False, runtime_env=runtime_env,
                     log_to_driver=False, logging_level=logging.WARNING)
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError by case
        raise AssistantError(f"无法启动或连接 Ray / cannot start or reach Ray ({address or 'local'}): {exc}") from exc
    return True


@ray.remote(num_cpus=1)
class TriageWorker:
    """One worker process: models loaded once in the constructor, then batch after batch, run after run."""

    def __init__(self, env: dict[str, str]) -> None:
        os.environ.update(env)
        reload_settings()
        triage_account(_WARM_UP, date(2026, 1, 1), documents=True)

    def ready(self) -> bool:
        return True

    def triage(self, rows: list[AccountRow], today: date, documents: bool, data_dir: str) -> list[tuple[AccountResult | RowError, dict[str, bytes]]]:
        if os.environ.get("DEBT_DATA_DIR") != data_dir:  # the loaded models stay; only where state is written moves
            os.environ["DEBT_DATA_DIR"] = data_dir
            reload_settings()
        out: list[tuple[AccountResult | RowError, dict[str, bytes]]] = []
        for row in rows:
            try:
                out.append(triage_account(row, today, documents=documents))
            except Exception as exc:  # one account's failure is its row's error, never the batch's
                log.exception("triage failed for row %s", row.row)
                out.append((RowError(row=row.row, account=row.account, message=f"分诊失败 / triage failed: {exc}"), {}))
        return out


# Warm workers are kept while Ray runs, so a second batch (the app's next upload) starts at once.
_POOL: dict = {}


def _worker_pool(count: int) -> list:
    env = worker_environment()
    env.pop("DEBT_DATA_DIR")  # passed with each batch
    key = (ray.get_runtime_context().get_job_id(), count, tuple(sorted(env.items())))
    if _POOL.get("key") != key:
        _POOL.clear()
        pool = [TriageWorker.remote(env) for _ in range(count)]
        ray.get([w.ready.remote() for w in pool])
        _POOL.update(key=key, workers=pool)
    return _POOL["workers"]


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def triage_portfolio(
    path: Path,
    output_dir: Path,
    *,
    mapping: ColumnMapping | None = None,
    today: date | None = None,
    workers: int | None = None,
    batch_size: int = 20,
    documents: bool = True,
    progress: Progress | None = None,
) -> TriageRun:
    """Triage every account of the spreadsheet into output_dir (resuming a run already there)."""
    today = today or date.today()
    output_dir = Path(output_dir)
    docs_dir = output_dir / DOCUMENTS_DIR
    docs_dir.mkdir(parents=True, exist_ok=True)
    for leftover in docs_dir.glob("*.part"):  # a file an interrupted run was writing
        leftover.unlink()
    accounts, errors = read_accounts(path, mapping)
    ledger = Ledger(output_dir / LEDGER_FILE)
    run = ledger.begin(file_fingerprint(path), today.isoformat())
    ledger.record_errors(errors)
    finished = ledger.done()
    pending = [a for a in accounts if a.account not in finished]
    total, done_count = len(accounts), len(accounts) - len(pending)
    if progress:
        progress(done_count, total)

    warm_up_s = triage_s = 0.0
    worker_count = 0
    if pending:
        started_here = start_ray(workers)
        try:
            worker_count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            began = time.perf_counter()
            pool = _worker_pool(worker_count)
            warm_up_s = time.perf_counter() - began

            began = time.perf_counter()
            data_dir = str(get_settings().data_dir)
            batches = [pending[i:i + batch_size] for i in range(0, len(pending), batch_size)]
            in_flight: dict = {}
            for worker in pool * 2:  # two batches queued per worker: no idle gap between batches
                if batches:
                    in_flight[worker.triage.remote(batches.pop(0), today, documents, data_dir)] = worker
            while in_flight:
                [ready], _ = ray.wait(list(in_flight), num_returns=1)
                worker = in_flight.pop(ready)
                if batches:
                    in_flight[worker.triage.remote(batches.pop(0), today, documents, data_dir)] = worker
                results, failures = [], []
                for outcome, files in ray.get(ready):
                    if isinstance(outcome, RowError):
                        failures.append(outcome)
                        continue
                    for name, data in files.items():
                        _write_atomically(docs_dir / name, data)
                    results.append(outcome)
                ledger.record(results, run)  # after the files: a recorded account has its documents
                ledger.record_errors(failures)
                done_count += len(results) + len(failures)
                if progress:
                    progress(done_count, total)
            triage_s = time.perf_counter() - began
        finally:
            if started_here:
                _POOL.clear()
                ray.shutdown()

    outputs = write_triage_outputs(output_dir, ledger.results(), ledger.errors(), docs_dir)
    return TriageRun(
        output_dir=output_dir, accounts=len(ledger.done()), triaged_now=len(pending), skipped=total - len(pending), row_errors=len(ledger.errors()), workers=worker_count,
        warm_up_s=round(warm_up_s, 2), triage_s=round(triage_s, 2), outputs=outputs, run=run,
    )
