"""The web app end to end: a real server in a subprocess, driven through its named API endpoints.

A Chinese case gets a stage and a checked draft; after the server is killed and started again on
the same data directory, the case reopens with the same turns and drafts (the audit trail).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import linked_data_dir

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from gradio_client import Client  # noqa: E402

from app import NOT_ANSWERED, VIEW_OUTPUT_NAMES  # noqa: E402, F401  (NOT_ANSWERED: for test_app_access)

REPO_ROOT = Path(__file__).resolve().parent.parent
CASE = "2024年6月，朋友李明向我借了10万元，写了借条，约定2024年12月31日前还清，月息1分。到期后他一直拖，说生意亏了，现在电话也不太接。"
ADDED_FACT = "今年3月他还了我2万元，之后就再也没还过。他的手机13812345678现在也停机了。"
START_TIMEOUT_S = 90
# the first analysis loads the embedding model and builds the index on a shared 2-core machine
ANALYSIS_TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(data_dir: Path, port: int, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "DEBT_DATA_DIR": str(data_dir), "DEBT_HOST": "127.0.0.1", "DEBT_PORT": str(port),
                   "DEBT_USERS": "", "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", **env}
    log = open(data_dir / f"app-{port}.log", "ab")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO_ROOT, env=environment, stdout=log, stderr=log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"app exited with {process.returncode}: {(data_dir / f'app-{port}.log').read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise AssertionError("app did not start in time")


def stop_app(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def view(result: tuple) -> dict:
    """Name the outputs of a case-view endpoint (send has the message box as an extra last output)."""
    return dict(zip([*VIEW_OUTPUT_NAMES, "message"], map(_value, result)))


def _value(output):
    """A property update (gr.update) arrives as a dict: its value is what the user sees."""
    if isinstance(output, dict) and output.get("__type__") == "update":
        return output.get("value")
    return output


def chat_texts(chat: list[dict]) -> list[tuple[str, str]]:
    def text(content) -> str:
        if isinstance(content, str):
            return content
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))

    return [(m["role"], text(m["content"])) for m in chat]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return linked_data_dir(tmp_path_factory.mktemp("app-data"))


@dataclass
class Server:
    process: subprocess.Popen
    url: str


@pytest.fixture(scope="module")
def server(data_dir) -> Iterator[Server]:
    port = free_port()
    running = Server(start_app(data_dir, port), f"http://127.0.0.1:{port}/")
    yield running
    stop_app(running.process)


@pytest.fixture(scope="module")
def client(server) -> Client:
    return Client(server.url, verbose=False)


@pytest.fixture(scope="module")
def sent(client) -> dict:
    return view(client.predict(CASE, None, api_name="/send"))


def test_a_chinese_case_gets_a_stage_a_plan_and_a_checked_draft(sent):
    assert sent["status"].startswith("✅"), sent["status"]
    assert "建议阶段" in sent["stage"]
    assert sent["draft_text"].strip()
    assert "合法" in sent["draft_report"]
    assert sent["timeline"]["data"], "the strategy timeline is empty"
    assert any(row[0] == "借款本金 principal (元)" and row[1] == "100000" for row in sent["facts"]["data"])
    roles = [role for role, _ in chat_texts(sent["chat"])]
    assert roles == ["user", "assistant"]
    assert "建议阶段" in chat_texts(sent["chat"])[1][1]
    assert sent["message"] == ""


def test_the_first_draft_downloads_as_a_word_file(sent):
    path = Path(sent["docx"])
    assert path.suffix == ".docx"
    with zipfile.ZipFile(path) as docx:
        assert "word/document.xml" in docx.namelist()


def test_a_citation_opens_to_its_full_text(client, sent):
    case_id = sent["case"]
    text, status = client.predict(case_id, 0, api_name="/citation")
    assert text.startswith("### 《") and len(text) > 40


def test_check_my_message_flags_a_threat_and_keeps_the_verdict(client, sent):
    marks, report, status = client.predict("再不还钱就打断你的腿，还要把你欠钱的事发到你公司群里", sent["case"], True,
                                           api_name="/check")
    assert report.startswith("❌")
    assert any(m["class_or_confidence"] for m in marks)
    assert "保存" in status


@pytest.fixture(scope="module")
def rerun_then_added(client, sent) -> tuple[dict, dict]:
    """The user corrects the principal to 8万 and re-runs, then tells one more fact in the chat."""
    facts = {"headers": sent["facts"]["headers"], "data": [list(row) for row in sent["facts"]["data"]]}
    for row in facts["data"]:
        if row[0] == "借款本金 principal (元)":
            row[1] = "8万"
    rerun = view(client.predict(sent["case"], facts, api_name="/rerun"))
    added = view(client.predict(ADDED_FACT, sent["case"], api_name="/send"))
    return rerun, added


def test_edited_facts_are_re_run_as_a_new_version(rerun_then_added):
    rerun, _ = rerun_then_added
    assert rerun["status"].startswith("✅"), rerun["status"]
    assert ["借款本金 principal (元)", "80000", ""] in rerun["facts"]["data"]
    assert "re-run with edited facts: 借款本金" in chat_texts(rerun["chat"])[-2][1]
    assert "第 2 版" in rerun["stage"]


def test_a_fact_added_later_keeps_the_facts_the_user_corrected(rerun_then_added):
    _, added = rerun_then_added
    assert chat_texts(added["chat"])[-2] == ("user", ADDED_FACT)
    assert ["借款本金 principal (元)", "80000", ""] in added["facts"]["data"]
    assert "第 3 版" in added["stage"]


def test_the_server_log_masks_the_debtors_phone_number(rerun_then_added, data_dir):
    _, added = rerun_then_added
    assert "13812345678" in chat_texts(added["chat"])[-2][1]  # it did reach the server
    logs = "".join(p.read_text(errors="replace") for p in data_dir.glob("app-*.log"))
    assert "13812345678" not in logs


def test_export_gives_the_full_record_as_json(client, sent):
    path, status = client.predict(sent["case"], api_name="/export")
    record = json.loads(Path(_value(path)).read_text(encoding="utf-8"))
    assert record["case_id"] == sent["case"] and record["narrative"] == CASE
    assert record["advice_history"] and record["drafts"]
    assert record["drafts"][0]["draft"]["report"]["legal"] in (True, False)
    assert any("打断你的腿" in check["text"] and not check["report"]["legal"] for check in record["checks"])


def test_a_contact_is_logged_and_late_hours_are_flagged(client, sent):
    table, _, status = client.predict(sent["case"], "2026-11-27 22:30", "电话 phone", "打电话催还，未接", api_name="/log_contact")
    assert ["2026-11-27 22:30", "电话 phone", "打电话催还，未接"] == _value(table)["data"][-1][:3]
    assert "骚扰" in status


def test_empty_input_gets_a_friendly_message_not_a_traceback(client):
    result = view(client.predict("   ", None, api_name="/send"))
    assert result["status"].startswith("⚠️") and "请先输入案情" in result["status"]
    assert "Traceback" not in result["status"]


def test_an_unknown_case_is_a_friendly_message(client):
    result = view(client.predict(987654, api_name="/open_case"))
    assert "不存在" in result["status"]


def test_after_a_restart_the_case_reopens_with_the_same_turns_and_drafts(client, sent, server, data_dir):
    case_id = sent["case"]
    before = view(client.predict(case_id, api_name="/open_case"))

    # kill the server (no clean shutdown, as in a crash) and start a new one on the same data directory
    server.process.kill()
    server.process.wait()
    new_port = free_port()
    process = start_app(data_dir, new_port)
    try:
        reopened = view(Client(f"http://127.0.0.1:{new_port}/", verbose=False).predict(case_id, api_name="/open_case"))
    finally:
        stop_app(process)

    assert reopened["case"] == case_id
    assert chat_texts(reopened["chat"]) == chat_texts(before["chat"])
    assert chat_texts(reopened["chat"])[0] == ("user", CASE)
    for panel in ("draft_text", "draft_report", "stage", "facts", "timeline", "position"):
        assert reopened[panel] == before[panel], panel


def test_the_app_refuses_to_listen_beyond_localhost_without_a_login(tmp_path):
    env = {**os.environ, "DEBT_DATA_DIR": str(tmp_path), "DEBT_HOST": "0.0.0.0", "DEBT_USERS": ""}
    done = subprocess.run([sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "DEBT_USERS" in done.stderr


@pytest.mark.parametrize("users", ["lawyer", "lawyer:", ":secret"])
def test_a_malformed_user_list_stops_the_start_with_one_clear_line(tmp_path, users):
    env = {**os.environ, "DEBT_DATA_DIR": str(tmp_path), "DEBT_USERS": users}
    done = subprocess.run([sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "user:password" in done.stderr and "Traceback" not in done.stderr


def test_with_users_configured_the_app_asks_for_a_login(tmp_path):
    port = free_port()
    process = start_app(linked_data_dir(tmp_path / "app"), port, DEBT_USERS="lawyer:s3cret-pass")
    try:
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises a different type per version
            Client(f"http://127.0.0.1:{port}/", verbose=False)
        logged_in = Client(f"http://127.0.0.1:{port}/", auth=("lawyer", "s3cret-pass"), verbose=False)
        result = view(logged_in.predict(987654, api_name="/open_case"))
        assert "不存在" in result["status"]
    finally:
        stop_app(process)
