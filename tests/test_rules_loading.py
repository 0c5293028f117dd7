"""Rule files load strictly: any malformed rule stops start-up with a RuleError naming the fault."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assistant.checker.rules import RULES_DIR, load_rules
from assistant.errors import RuleError
from assistant.models import ViolationCode


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_shipped_rules_cover_every_violation_code() -> None:
    registry = load_rules()
    assert set(registry.rules) == set(ViolationCode)
    for rule in registry.rules.values():
        assert rule.legal_basis and rule.explanation.zh and rule.explanation.en and rule.fix


@pytest.mark.parametrize(
    ("filename", "change", "message"),
    [
        ("insult.yaml", lambda d: d.update(colour="red"), "colour"),
        ("insult.yaml", lambda d: d["patterns"][0].update(regex="(unclosed"), "bad regex"),
        ("insult.yaml", lambda d: d.update(code="RUDENESS"), "code"),
        ("insult.yaml", lambda d: d["patterns"][0].update(regex="老赖.*骗子"), "unbounded"),
        ("insult.yaml", lambda d: d["patterns"][0].update(regex="(a+)+b"), "nested"),
        ("insult.yaml", lambda d: d["patterns"][0].update(weight=2), "weight"),
        ("insult.yaml", lambda d: d.update(on_fail="ignore"), "on_fail"),
        ("insult.yaml", lambda d: d["context"].update(cancel=["no_such_cue"]), "no_such_cue"),
        ("insult.yaml", lambda d: d["patterns"][0].update(regex="{lex:nope}"), "nope"),
        ("insult.yaml", lambda d: d.update(legal_basis=[]), "legal_basis"),
        ("insult.yaml", lambda d: d["patterns"][0].update(validator="guess"), "guess"),
        ("excessive_amount.yaml", lambda d: d.update(structural=["astrology"]), "astrology"),
        ("harassment.yaml", lambda d: d.update(code="INSULT"), "second rule"),
    ],
)
def test_malformed_rule_raises_rule_error(rules_dir: Path, filename: str, change, message: str) -> None:  # type: ignore[no-untyped-def]
    edit(rules_dir / filename, change)
    with pytest.raises(RuleError, match=message):
        load_rules(rules_dir)


def test_missing_lexicon_file_raises(rules_dir: Path) -> None:
    (rules_dir / "lexicons" / "insults_zh.txt").unlink()
    with pytest.raises(RuleError, match="insults_zh.txt"):
        load_rules(rules_dir)


def test_bad_context_cue_regex_raises(rules_dir: Path) -> None:
    edit(rules_dir / "_context.yaml", lambda d: d["cues"][0].update(regex="[unclosed"))
    with pytest.raises(RuleError, match="negation"):
        load_rules(rules_dir)


def test_unreadable_yaml_raises(rules_dir: Path) -> None:
    (rules_dir / "insult.yaml").write_text("code: [unclosed", encoding="utf-8")
    with pytest.raises(RuleError, match="insult.yaml"):
        load_rules(rules_dir)


def test_a_bad_line_in_a_training_batch_is_named_by_file_and_line(tmp_path) -> None:
    from assistant.errors import RuleError
    from assistant.text.datafiles import read_jsonl

    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"text": "请于月底前还款。"}\n\n不是JSON\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"batch\.jsonl:3: bad training message"):
        read_jsonl(batch, lambda row: row["text"], what="training message")
