"""Hostile input: the checker and the rewriter never crash and never hang."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.checker.check import check
from assistant.checker.rewrite import rewrite

# words the rules react to, so that generated text reaches the context logic and not only the prefilters
TRIGGERS = ["老赖", "坐牢", "不会", "上门", "你家", "法院", "传票已经签发", "通讯录", "年利率", "%", "月息3分", "每隔",
            "今晚11点", "打给你", "《合同法》", "第二百条", "“", "”", "'", "，", "。", "\n", "call you", "at 11pm",
            "employer", "jail", "never", "deadbeat", "万元", "元", "¥", "千分之", "如果有人", "报警"]  # fmt: skip
hostile_text = st.one_of(
    st.text(max_size=2000),
    st.lists(st.sampled_from(TRIGGERS) | st.text(max_size=5), max_size=300).map("".join),
    st.integers(1, 400).map(lambda n: "(" * n + "老赖" + ")" * n),
    st.integers(1, 3000).map(lambda n: "a" * n + "!"),
    st.integers(1, 2000).map(lambda n: "你" * n + "坐牢"),
    st.integers(1, 1000).map(lambda n: "每隔" * n),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=500),
    st.text(alphabet="你您的家公司单位不会还钱打电话点晚上12345%分厘，。“”'\"()（）", max_size=3000),
)


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text)
def test_check_never_crashes_and_spans_are_exact(text: str) -> None:
    report = check(text)
    for v in report.violations:
        assert 0 <= v.span[0] < v.span[1] <= len(text)
        assert text[v.span[0] : v.span[1]] == v.matched
    assert report.legal == (not report.violations)


@settings(max_examples=60, deadline=4000, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text)
def test_rewrite_never_crashes_and_never_returns_an_unlawful_text(text: str) -> None:
    result = rewrite(text)
    assert result.refused or result.report.legal


def test_huge_text_is_checked_in_bounded_time() -> None:
    text = ("您好，请于月底前还款。" * 2000) + "你这个老赖" + ("(" * 5000) + ("a" * 20000)
    started = time.perf_counter()
    report = check(text)
    assert time.perf_counter() - started < 10
    assert "INSULT" in report.codes()
