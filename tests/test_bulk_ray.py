"""A synthetic portfolio triaged on a real local Ray started here: outputs, documents, resume after a kill.

One local Ray (two CPUs, two warm workers reused from test to test) serves the module; the kill-and-resume test also runs the command in a process of
its own, with its own Ray, and kills that process group mid-run.
"""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import gradio as gr
import pandas as pd
import pytest
import ray

from assistant.bulk.runner import LEDGER_FILE, start_ray, triage_portfolio
from assistant.bulk.synthetic import message_log, portfolio
from assistant.ui.batch import AUDIT, TRIAGE, batch_panel, run_batch

REPO_ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def local_ray():
    assert start_ray(num_cpus=2), "a Ray was already running in the test process"
    yield
    ray.shutdown()


def _sheets(path: Path) -> dict[str, pd.DataFrame]:
    return pd.read_excel(path, sheet_name=None)


def test_a_portfolio_is_triaged_on_two_workers_into_one_row_per_account_with_checked_documents(local_ray, tmp_path):
    source = tmp_path / "accounts.xlsx"
    portfolio(80, bad_rows=5).to_excel(source, index=False)
    run = triage_portfolio(source, tmp_path / "out", today=TODAY, workers=2)

    assert (run.accounts, run.triaged_now, run.skipped, run.row_errors, run.workers) == (80, 80, 0, 5, 2)
    sheets = _sheets(run.outputs.workbook)
    accounts = sheets["accounts"]
    assert len(accounts) == accounts["account"].nunique() == 80
    assert list(accounts["rank"]) == list(range(1, 81))
    urgent = list(accounts["urgent"])
    assert urgent == sorted(urgent, reverse=True)  # limitation within 90 days first
    assert set(sheets["row_errors"]["account"]) == {f"BAD{k:04d}" for k in range(1, 6)}
    assert "accounts triaged" in set(sheets["summary"]["measure"])

    with zipfile.ZipFile(run.outputs.documents_zip) as archive:
        names = archive.namelist()
        index = pd.read_excel(io.BytesIO(archive.read("index.xlsx")))
    shipped = index[index["status"] == "shipped"]
    assert sorted(names) == sorted(["index.xlsx", *shipped["file"]]) and len(names) == len(set(names))
    assert len(shipped) == run.outputs.shipped > 0
    assert set(index["status"]) <= {"shipped", "withheld"}
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in run.outputs.charts)
    assert {p.name for p in run.outputs.charts} == {"stage_mix.png", "limitation_timeline.png", "amounts_by_category.png"}


def test_a_second_run_over_the_same_output_skips_every_finished_account(local_ray, tmp_path):
    source = tmp_path / "accounts.csv"
    portfolio(40).to_csv(source, index=False)
    first = triage_portfolio(source, tmp_path / "out", today=TODAY, workers=2, documents=False)
    again = triage_portfolio(source, tmp_path / "out", today=TODAY, workers=2, documents=False)
    assert (first.triaged_now, again.triaged_now, again.skipped, again.accounts) == (40, 0, 40, 40)
    assert len(_sheets(again.outputs.workbook)["accounts"]) == 40


def _finished(ledger: Path) -> int:
    if not ledger.exists():
        return 0
    try:
        with sqlite3.connect(ledger, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM accounts").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not there yet
        return 0


def test_a_run_killed_midway_resumes_without_losing_or_repeating_an_account(local_ray, tmp_path, isolated_data_dir):
    total = 200
    source = tmp_path / "accounts.csv"
    portfolio(total).to_csv(source, index=False)
    out = tmp_path / "out"
    env = {**os.environ, "DEBT_DATA_DIR": str(isolated_data_dir)}
    command = [sys.executable, "-m", "assistant", "triage", str(source), "-o", str(out), "--workers", "1",
               "--today", TODAY.isoformat()]
    log = (tmp_path / "first-run.log").open("wb")
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while _finished(out / LEDGER_FILE) < 20:
            assert process.poll() is None, (tmp_path / "first-run.log").read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the first run recorded too few accounts in time"
            time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the run's own process group: the driver and the Ray it started
        process.wait()
    done_before = _finished(out / LEDGER_FILE)
    assert 20 <= done_before < total

    resumed = triage_portfolio(source, out, today=TODAY, workers=2)
    assert (resumed.skipped, resumed.triaged_now, resumed.accounts) == (done_before, total - done_before, total)
    with sqlite3.connect(out / LEDGER_FILE) as conn:
        runs = dict(conn.execute("SELECT run, count(*) FROM accounts GROUP BY run").fetchall())
    assert runs == {1: done_before, 2: total - done_before}
    accounts = _sheets(resumed.outputs.workbook)["accounts"]
    assert sorted(accounts["account"]) == [f"ACC{i:06d}" for i in range(1, total + 1)]
    with zipfile.ZipFile(resumed.outputs.documents_zip) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names)) == resumed.outputs.shipped + 1


def test_the_batch_tab_builds_and_its_handler_triages_and_audits_an_upload(local_ray, tmp_path):
    with gr.Blocks() as page:
        panel = batch_panel()
    assert panel.run in page.blocks.values() and panel.downloads in page.blocks.values()

    accounts = tmp_path / "accounts.csv"
    portfolio(15, bad_rows=1).to_csv(accounts, index=False)
    summary, charts, downloads = run_batch(str(accounts), TRIAGE, None, progress=lambda *a, **k: None)
    assert "**15**" in summary and len(charts) == 3
    assert [Path(d).name for d in downloads] == ["triage.xlsx", "documents.zip"]

    messages = tmp_path / "messages.csv"
    message_log(300).to_csv(messages, index=False)
    summary, charts, downloads = run_batch(str(messages), AUDIT, None, progress=lambda *a, **k: None)
    assert "**300**" in summary and [Path(d).name for d in downloads] == ["audit.xlsx"]
    assert run_batch(None, TRIAGE, None)[0].startswith("请先上传")


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("DEBT_LARGE_TESTS") != "1",
                    reason="about 10 minutes on 2 cores: set DEBT_LARGE_TESTS=1 (bench/benchmark.py --bulk measures the large runs)")
def test_a_portfolio_of_three_thousand_accounts_is_triaged_completely(local_ray, tmp_path):
    source = tmp_path / "accounts.csv"
    portfolio(3000, bad_rows=30).to_csv(source, index=False)
    run = triage_portfolio(source, tmp_path / "out", today=TODAY, workers=2)
    assert (run.accounts, run.row_errors) == (3000, 30)
    accounts = _sheets(run.outputs.workbook)["accounts"]
    assert accounts["account"].nunique() == len(accounts) == 3000
