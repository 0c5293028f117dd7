"""The statistical proposer: deterministic, cached by content, and held in check by the context cues."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from assistant.checker.check import Segments, _statistical_findings, check
from assistant.checker.rules import RULES_DIR, get_registry, load_rules
from assistant.checker.statistical import build_proposer, load_config, proposer_for, sentence_spans
from assistant.errors import RuleError
from assistant.models import ViolationCode

# in the training examples and well above its code's threshold; no pattern matches it
DETENTION_ONLY_BY_PROPOSER = "今天你不把钱拿出来，就在我们办公室待着，哪儿也别去。"


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def proposals(text: str) -> dict[ViolationCode, float]:
    proposer = proposer_for(get_registry().directory)
    assert proposer is not None
    spans = sentence_spans(text, Segments(text).sentence_ends)
    return {code: p for _, code, p in proposer.propose(text, spans)}


def scores(text: str) -> dict[ViolationCode, float]:
    """The model's highest probability per code over the sentences of the text, thresholds aside."""
    proposer = proposer_for(get_registry().directory)
    assert proposer is not None
    probs = proposer.probabilities(text, sentence_spans(text, Segments(text).sentence_ends))
    return {code: float(probs[:, k].max()) for k, code in enumerate(proposer.codes)}


def test_the_same_text_gets_the_same_report_and_probabilities() -> None:
    text = "您好，请于月底前还款。" + DETENTION_ONLY_BY_PROPOSER
    proposer = proposer_for(get_registry().directory)
    assert proposer is not None
    spans = sentence_spans(text, Segments(text).sentence_ends)
    assert np.array_equal(proposer.probabilities(text, spans), proposer.probabilities(text, spans))
    assert check(text).model_dump() == check(text).model_dump()


def test_training_twice_gives_the_same_model(tmp_path: Path) -> None:
    first = build_proposer(RULES_DIR, tmp_path / "a")
    second = build_proposer(RULES_DIR, tmp_path / "b")
    assert first is not None and second is not None
    assert first.key == second.key
    assert np.array_equal(first.linear.table, second.linear.table) and np.array_equal(first.linear.bias, second.linear.bias)


def test_cached_model_is_reused_and_retrained_when_the_examples_change(rules_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = build_proposer(rules_dir, cache)
    assert first is not None
    (model,) = cache.glob("model-*.npz")
    stamp = model.stat().st_mtime_ns
    again = build_proposer(rules_dir, cache)
    assert again is not None and again.key == first.key
    assert list(cache.glob("model-*.npz")) == [model] and model.stat().st_mtime_ns == stamp  # loaded, not retrained
    with open(rules_dir / "examples.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"text": "我们会一直打到你接电话为止。", "codes": ["HARASSMENT"], "lang": "zh", "source": "test"}\n')
    changed = build_proposer(rules_dir, cache)
    assert changed is not None and changed.key != first.key
    assert len(list(cache.glob("model-*.npz"))) == 2


def test_a_sentence_only_the_proposer_catches_becomes_a_violation_of_the_whole_sentence() -> None:
    text = "张三：" + DETENTION_ONLY_BY_PROPOSER + "  "
    report = check(text)
    (v,) = [v for v in report.violations if v.code == ViolationCode.DETENTION]
    assert v.rule == "statistical:DETENTION"
    assert v.matched == text.strip()  # the sentence, whitespace trimmed
    assert text[v.span[0] : v.span[1]] == v.matched
    rule = get_registry().rule(ViolationCode.DETENTION)
    assert v.basis == rule.legal_basis and v.fix == rule.fix
    assert check(text, statistical=False).legal  # the patterns alone miss it


@pytest.mark.parametrize(
    ("text", "code", "kept"),
    [
        ("再不还钱，我们就天天去你公司门口堵你。", ViolationCode.HARASSMENT, True),
        ("我们绝不会天天去你公司门口堵你。", ViolationCode.HARASSMENT, False),  # negation
        ("我们已经把你的欠款情况告诉了你的同事。", ViolationCode.THIRD_PARTY_DISCLOSURE, True),
        ("我们不会把你的欠款情况告诉你的同事。", ViolationCode.THIRD_PARTY_DISCLOSURE, False),  # negation
        ("We will tell your employer about your debt.", ViolationCode.THIRD_PARTY_DISCLOSURE, True),
    ],
)
def test_context_cues_confirm_or_cancel_a_proposal(text: str, code: ViolationCode, kept: bool) -> None:
    assert scores(text)[code] >= 0.3  # the model leans towards the code either way: the context decides
    found = _statistical_findings(get_registry(), Segments(text), [])
    assert (code in {f.code for f in found}) is kept


def test_reported_threat_cancels_a_proposal(rules_dir: Path) -> None:
    config = yaml.safe_load((rules_dir / "_statistical.yaml").read_text(encoding="utf-8"))
    config["codes"]["THIRD_PARTY_DISCLOSURE"]["threshold"] = 0.05  # propose nearly everything
    (rules_dir / "_statistical.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    reg = load_rules(rules_dir)
    text = "如果有人把你的欠款情况告诉你的同事，请报警。"
    found = _statistical_findings(reg, Segments(text), [])
    assert ViolationCode.THIRD_PARTY_DISCLOSURE not in {f.code for f in found}
    assert ViolationCode.THIRD_PARTY_DISCLOSURE in {f.code for f in _statistical_findings(reg, Segments("我们已经告诉你的同事了。"), [])}


def test_no_statistical_duplicate_where_a_pattern_found_the_code() -> None:
    report = check("再不还钱，我们就天天去你公司门口堵你。")
    harassment = [v.rule for v in report.violations if v.code == ViolationCode.HARASSMENT]
    assert harassment and not any(r.startswith("statistical:") for r in harassment)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["codes"]["INSULT"].update(threshold=1.5), "threshold"),
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d["codes"].update(RUDENESS={"threshold": 0.5}), "RUDENESS"),
    ],
)
def test_malformed_statistical_config_raises(rules_dir: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    path = rules_dir / "_statistical.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        load_config(rules_dir)


def test_unknown_cancel_cue_raises_at_first_check(rules_dir: Path) -> None:
    path = rules_dir / "_statistical.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["codes"]["INSULT"]["cancel"] = ["no_such_cue"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError, match="no_such_cue"):
        check("你好。", registry=load_rules(rules_dir))


def test_bad_example_line_raises(rules_dir: Path, tmp_path: Path) -> None:
    with open(rules_dir / "examples.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"text": "x", "codes": ["NOT_A_CODE"]}\n')
    with pytest.raises(RuleError, match="examples.jsonl"):
        build_proposer(rules_dir, tmp_path / "cache")


def test_without_a_statistical_config_only_patterns_run(rules_dir: Path) -> None:
    (rules_dir / "_statistical.yaml").unlink()
    assert check("张三：" + DETENTION_ONLY_BY_PROPOSER, registry=load_rules(rules_dir)).legal


def test_a_long_letter_is_read_in_windows_of_about_a_message() -> None:
    from assistant.checker.message_model import windows

    spans = [(0, 120), (120, 250), (250, 400), (400, 420)]
    runs = windows(spans, 300)
    assert runs == [(0, 250), (250, 420)]
    assert all(b - a <= 300 for a, b in runs)


def test_a_short_message_is_one_window() -> None:
    from assistant.checker.message_model import windows

    assert windows([(0, 10), (10, 30)], 300) == [(0, 30)]


def test_every_pattern_the_veto_may_overrule_is_a_real_rule() -> None:
    from assistant.checker.rules import RULES_DIR, get_registry
    from assistant.checker.statistical import load_config

    setting = load_config(RULES_DIR).message
    names = {f"{code.value.lower()}:{cp.spec.name}" for code, compiled in get_registry().patterns.items() for cp in compiled}
    assert setting is not None and set(setting.vetoable) - {"excessive_amount:rate_above_cap"} <= names


def test_a_lawful_ultimatum_to_sue_passes_the_message_layer() -> None:
    from assistant.checker.check import check

    assert check("你再不还，我们就会向法院起诉。请在本月30日前把5000元转给我。").legal
