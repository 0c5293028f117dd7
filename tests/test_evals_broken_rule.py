"""A deliberately broken rule makes `python -m evals` fail: the eval suite guards the rules in CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from assistant.settings import KNOWLEDGE_DIR, REPO_ROOT


def run_legality_eval(knowledge_dir, out_dir) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBT_KNOWLEDGE_DIR": str(knowledge_dir)}
    return subprocess.run(
        [sys.executable, "-m", "evals", "--only", "legality", "--out", str(out_dir)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


def test_the_legality_eval_passes_on_the_rules_as_shipped(tmp_path):
    result = run_legality_eval(KNOWLEDGE_DIR, tmp_path)
    assert result.returncode == 0, result.stdout[-2000:]


def test_an_insult_rule_that_matches_polite_address_fails_the_runner(tmp_path):
    broken = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, broken)
    rule = broken / "rules" / "insult.yaml"
    # the broken pattern calls every polite 您 an insult: lawful letters now fail, the FPR gate trips
    rule.write_text(
        rule.read_text(encoding="utf-8").replace("patterns:\n", "patterns:\n  - name: broken_polite_address\n    regex: '您'\n    weight: 0.9\n", 1),
        encoding="utf-8",
    )
    result = run_legality_eval(broken, tmp_path / "out")
    assert result.returncode == 1
    assert "FAIL legality.false_positive_rate" in result.stdout
