"""The command line is a thin shell over the API: readable output, --json, clear errors, honest exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from assistant.settings import REPO_ROOT


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True, cwd=REPO_ROOT, timeout=300
    )


def test_check_exits_1_and_names_the_violation_for_an_unlawful_message():
    result = run("check", "再不还钱，我就把你欠钱的事发到你公司群里。")
    assert result.returncode == 1
    assert "THIRD_PARTY_DISCLOSURE" in result.stdout


def test_check_reads_standard_input_and_prints_json():
    result = run("check", "--json", stdin="您好，借款已到期，请于本月底前归还。如有困难可以商量分期。")
    assert result.returncode == 0
    assert json.loads(result.stdout)["legal"] is True


def test_empty_input_is_a_clear_message_not_a_traceback():
    result = run("assess", "   ")
    assert result.returncode == 2
    assert "为空" in result.stderr and "Traceback" not in result.stderr


def test_advise_prints_the_stage_and_a_checked_draft():
    result = run("advise", "--today", "2026-11-28", "朋友去年借了我10万元，约定三个月还清，到期后一直拖，说生意亏了，现在电话也不太接。")
    assert result.returncode == 0, result.stderr
    assert "建议阶段" in result.stdout and "已通过合法性审查" in result.stdout
