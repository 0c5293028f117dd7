"""Issue 17's case with the real local model on: the LLM may only make the answer better.

One real LLM extraction call, merged as the pipeline merges it; the plan and the template drafts then
follow from the merged case (the gate on LLM prose is tested in test_llm_integration.py).
Needs scripts/install_llm.sh (the Qwen2.5 1.5B GGUF). Deselect with ``-m "not llm"``."""

from __future__ import annotations

import os
from datetime import date

import pytest

from assistant.assess import classify
from assistant.checker import certify_all
from assistant.drafting import draft_documents
from assistant.intake import extract_case, merge_cases
from assistant.intake.merge import name_problem
from assistant.llm.client import LocalLlamaServer, chat_model, extract_with_llm
from assistant.llm.models import QWEN_FILE, models_dir
from assistant.plan import plan_strategy
from assistant.position import legal_position

# Not yet measured to finish on 2 cores: the one extraction call took longer than 400 s under load when this
# was written (issue 17 stays open). Run it on an idle machine with DEBT_LLM_ISSUE_CASE=1.
pytestmark = [
    pytest.mark.llm,
    pytest.mark.skipif(os.environ.get("DEBT_LLM_ISSUE_CASE") != "1", reason="set DEBT_LLM_ISSUE_CASE=1 (slow on 2 cores)"),
]
TODAY = date(2026, 11, 28)
ISSUE_CASE = "他说失业了，可朋友圈天天在旅游。去年3月借了我5万，说好年底还，现在一分没还，电话也不接。"


def _advice(case):
    assessment = classify(case)
    position = legal_position(case)
    plan = plan_strategy(case, assessment, position)
    drafts = certify_all(draft_documents(case, assessment, position, plan), case)
    return plan, drafts


@pytest.fixture(scope="module")
def rules_and_llm():
    path = models_dir() / QWEN_FILE
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} missing: scripts/install_llm.sh should have assembled it")
        pytest.skip(f"{path} missing: run scripts/install_llm.sh")
    rules = extract_case(ISSUE_CASE, today=TODAY)
    with LocalLlamaServer(path, n_ctx=2048) as server:
        offered = extract_with_llm(ISSUE_CASE, today=TODAY, model=chat_model(base_url=server.base_url, model="local"))
    return rules, merge_cases(rules, offered)


def test_with_the_local_model_no_one_is_named_he(rules_and_llm):
    _, case = rules_and_llm
    assert case.debtor.name is None or name_problem(case.debtor.name) is None
    for draft in _advice(case)[1]:
        assert "他：" not in draft.text[:30] and "被告：他" not in draft.text, draft.text[:200]


def test_with_the_local_model_not_answering_the_phone_is_not_a_dispute(rules_and_llm):
    _, case = rules_and_llm
    assert case.disputed is None or case.disputed.value is False


def test_with_the_local_model_the_recommendation_is_the_rules_one_with_its_reason(rules_and_llm):
    rules, case = rules_and_llm
    without, _ = _advice(rules)
    with_llm, drafts = _advice(case)
    assert with_llm.stage == without.stage, (with_llm.stage, with_llm.reason)
    assert with_llm.reason and "争议" not in with_llm.reason
    assert all(d.report.legal for d in drafts)


def test_what_the_local_model_offered_and_grounding_refused_is_listed_with_reasons(rules_and_llm):
    _, case = rules_and_llm
    assert all(r.reason and r.field for r in case.rejected_llm_facts)
