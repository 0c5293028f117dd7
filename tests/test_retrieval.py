"""Retrieval: colloquial questions find the right article; results quote official titles; the dense
index is rebuilt exactly when its inputs change."""

from __future__ import annotations

import re
import shutil

import pytest

from assistant.errors import KnowledgeError
from assistant.law.corpus import build_units, corpus_hash, load_glosses, load_selection
from assistant.law.index import build_index, index_status
from assistant.law.retrieval import expand_query, tokenize
from assistant.settings import KNOWLEDGE_DIR, get_settings
from assistant.text.article_numbers import to_chinese_article

CIVIL_CODE = "中华人民共和国民法典"
CPL = "中华人民共和国民事诉讼法"
CRIMINAL_LAW = "中华人民共和国刑法"
PRIVATE_LENDING = "最高人民法院关于审理民间借贷案件适用法律若干问题的规定"
ARTICLE_FORM = re.compile(r"^第[零一二三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?$")


@pytest.fixture(scope="session")
def retriever():
    """The process-wide retriever over the real data_dir: the index is built once and then reused."""
    from assistant.law.retrieval import get_retriever

    return get_retriever()


# --------------------------------------------------------------------------- the knowledge files


def test_every_selected_article_exists_and_every_gloss_carries_questions():
    # the scope (whole 合同编通则, procedure chapters) is wider than what we have glossed so far:
    # official text alone still indexes, but a gloss never comes without the questions people ask
    units = build_units(get_settings().model_copy(update={"index_scope": "curated"}))
    statute_units = [u for u in units if u.source == "statute_db"]
    assert len(statute_units) >= 400
    assert all(u.text for u in statute_units)
    assert all(len(u.questions) >= 1 for u in statute_units if u.gloss)
    assert sum(1 for u in statute_units if u.gloss) >= 120


def test_curated_scope_covers_contract_law_and_the_procedure_a_creditor_meets():
    labels = {(g.law, a) for g in load_selection().groups for a in g.article_labels()}
    general_part = {(CIVIL_CODE, to_chinese_article(n)) for n in range(463, 595)}
    assert general_part <= labels
    for key in [
        (CIVIL_CODE, "第一百四十六条"), (CIVIL_CODE, "第一百七十二条"), (CIVIL_CODE, "第六百二十六条"),
        (CIVIL_CODE, "第六百五十七条"), (CIVIL_CODE, "第七百二十二条"), (CIVIL_CODE, "第七百八十二条"),
        (CIVIL_CODE, "第八百零七条"), (CIVIL_CODE, "第七百六十一条"), (CIVIL_CODE, "第一千零六十四条"),
        (CIVIL_CODE, "第一千一百六十一条"), (CPL, "第二十四条"), (CPL, "第九十五条"), (CPL, "第六十七条"),
        (CPL, "第一百零三条"), (CPL, "第一百六十五条"), (CPL, "第二百二十五条"), (CPL, "第二百五十二条"),
    ]:  # fmt: skip
        assert key in labels, key


def test_selection_covers_the_core_collection_articles():
    labels = {(g.law, a) for g in load_selection().groups for a in g.article_labels()}
    for key in [
        (CIVIL_CODE, "第六百七十五条"),
        (CIVIL_CODE, "第一百九十五条"),
        (CPL, "第二百二十五条"),
        (CRIMINAL_LAW, "第二百九十三条之一"),
        ("中华人民共和国治安管理处罚法", "第五十条"),
    ]:
        assert key in labels


def test_a_gloss_on_a_nonexistent_article_fails_loudly(tmp_path):
    shutil.copytree(KNOWLEDGE_DIR / "glosses", tmp_path / "glosses")
    (tmp_path / "glosses" / "bad.yaml").write_text(
        "law: 中华人民共和国民法典\narticles:\n  - article: 第二千条\n    gloss: 不存在的条文\n    questions: [问]\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match="第二千条"):
        load_glosses(tmp_path)


# --------------------------------------------------------------------------- search quality


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "law", "article"),
    [
        # a loan is a contract: 第二十四条 (defendant's domicile or place of performance) is the governing rule,
        # more specific than the general 第二十二条 this test used to name
        ("他借钱不还还拉黑我，我去哪个法院告他", CPL, "第二十四条"),
        ("借条没写还款日期能起诉吗", CIVIL_CODE, "第六百七十五条"),
        ("利息最多能要多少", PRIVATE_LENDING, "第二十五条"),
        ("借款人死了，他的债谁来还", CIVIL_CODE, "第一千一百六十一条"),
        ("不想打官司，能不能让法院直接发个催款的命令", CPL, "第二百二十五条"),
        ("我想把欠钱的人关在屋里直到他还钱", CRIMINAL_LAW, "第二百三十八条"),
        ("老婆借的钱，老公需要一起还吗", CIVIL_CODE, "第一千零六十四条"),
    ],
)
def test_colloquial_chinese_questions_find_the_article_in_the_top_3(retriever, query, law, article):
    top3 = [(c.law, c.article) for c in retriever.search(query, k=3)]
    assert (law, article) in top3, top3


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "law", "article"),
    [
        ("Can I sue the guarantor directly when the borrower does not pay?", CIVIL_CODE, "第六百八十八条"),
        ("How long is the limitation period for an unpaid loan?", CIVIL_CODE, "第一百八十八条"),
        ("Is it a crime to threaten a borrower to collect a loan-shark debt?", CRIMINAL_LAW, "第二百九十三条之一"),
    ],
)
def test_english_questions_find_the_article_in_the_top_3(retriever, query, law, article):
    top3 = [(c.law, c.article) for c in retriever.search(query, k=3)]
    assert (law, article) in top3, top3


@pytest.mark.slow
def test_results_carry_official_titles_chinese_numerals_text_and_scores(retriever):
    hits = retriever.search("欠钱不还能不能要逾期利息", k=5)
    assert len(hits) == 5
    for c in hits:
        assert c.law.startswith(("中华人民共和国", "最高人民法院", "诉讼费用", "商业银行", "互联网金融")), c.law
        assert c.text and c.gloss
        assert c.score > 0
        if c.article:
            assert ARTICLE_FORM.match(c.article), c.article
    assert [c.score for c in hits] == sorted((c.score for c in hits), reverse=True)


@pytest.mark.slow
def test_results_are_unique_per_law_and_article(retriever):
    hits = retriever.search("担保人 保证期间 连带责任", k=10)
    keys = [(c.law, c.article) for c in hits]
    assert len(keys) == len(set(keys))


@pytest.mark.slow
def test_get_retriever_is_one_instance_and_concurrent_searches_agree(retriever):
    from concurrent.futures import ThreadPoolExecutor

    from assistant.law.retrieval import get_retriever

    queries = ["欠钱不还怎么起诉", "担保人要承担利息吗", "催收能不能打电话给他同事", "诉讼时效多长"] * 3
    expected = {q: [(c.law, c.article) for c in retriever.search(q)] for q in set(queries)}
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda q: (q, [(c.law, c.article) for c in get_retriever().search(q)]), queries))
    assert get_retriever() is retriever
    assert all(expected[q] == hits for q, hits in got)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "law", "article"),
    [
        ("民法典第六百七十六条怎么理解", CIVIL_CODE, "第六百七十六条"),
        ("《刑法》第293条之一", CRIMINAL_LAW, "第二百九十三条之一"),
    ],
)
def test_an_explicitly_cited_article_comes_first(retriever, query, law, article):
    first = retriever.search(query, k=3)[0]
    assert (first.law, first.article) == (law, article)


def test_english_query_expansion_adds_chinese_legal_terms():
    expanded = expand_query("Can I freeze the debtor's bank account?")
    assert "冻结" in expanded and "财产保全" in expanded
    assert expand_query("借钱不还") == "借钱不还"


def test_tokenizer_keeps_words_and_bigrams_but_drops_stop_words():
    tokens = tokenize("他借钱不还怎么办")
    assert "借钱" in tokens and "不还" in tokens
    assert "他" not in tokens and "怎么" not in tokens


# --------------------------------------------------------------------------- rebuilds


@pytest.fixture()
def tiny_index(tmp_path):
    """A temp data_dir sharing the converted model, and a three-unit corpus (fast to embed)."""
    shared_models = get_settings().data_dir / "models"
    shared_models.mkdir(parents=True, exist_ok=True)
    (tmp_path / "models").symlink_to(shared_models, target_is_directory=True)
    settings = get_settings().model_copy(update={"data_dir": tmp_path, "chroma_mode": "embedded"})
    units = build_units(settings)[:3]
    return settings, units


@pytest.mark.slow
def test_index_is_built_once_and_skipped_when_inputs_are_unchanged(tiny_index):
    settings, units = tiny_index
    first = build_index(settings, units=units)
    assert first.built and first.fresh
    second = build_index(settings, units=units)
    assert not second.built and second.fresh
    assert second.stored_hash == corpus_hash(units, settings.embedding_model)


@pytest.mark.slow
def test_index_is_rebuilt_when_a_gloss_changes(tiny_index):
    settings, units = tiny_index
    build_index(settings, units=units)
    changed = [units[0].model_copy(update={"gloss": units[0].gloss + "（修订）"}), *units[1:]]
    assert not index_status(settings, units=changed).fresh
    rebuilt = build_index(settings, units=changed)
    assert rebuilt.built and rebuilt.fresh


def test_editing_a_gloss_file_changes_the_corpus_hash(tmp_path):
    shutil.copy(KNOWLEDGE_DIR / "selection.yaml", tmp_path / "selection.yaml")
    shutil.copytree(KNOWLEDGE_DIR / "glosses", tmp_path / "glosses")
    before = corpus_hash(build_units(knowledge_dir=tmp_path), "m")
    path = tmp_path / "glosses" / "civil_code.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("借款合同就是", "借款合同是指", 1), encoding="utf-8")
    assert corpus_hash(build_units(knowledge_dir=tmp_path), "m") != before


def test_corpus_hash_depends_on_the_embedding_model():
    units = build_units()[:2]
    assert corpus_hash(units, "model-a") != corpus_hash(units, "model-b")


# --------------------------------------------------------------------------- colloquial vocabulary


@pytest.mark.parametrize(
    ("query", "term"),
    [
        ("他把我微信拉黑了，电话也换号了", "下落不明"),
        ("人跑路了，法院传票寄不到", "公告送达"),
        ("借一万先扣了一千砍头息", "预先扣除"),
        ("月息三分的高利贷受不受保护", "一年期贷款市场报价利率"),
        ("借条没写哪天还，我能随时要吗", "合理期限"),
        ("能不能先把他的银行卡冻住", "财产保全"),
        ("他把房子过户给他弟弟了", "撤销权"),
        ("拿着他的把柄找他要钱", "敲诈勒索"),
        ("他上了失信名单还天天坐高铁", "限制出境"),
        ("我去派出所报案了", "控告"),
    ],
)
def test_everyday_phrases_bring_in_the_statute_vocabulary(query, term):
    from assistant.law.retrieval import legal_terms

    assert term in legal_terms(query)


def test_a_query_without_everyday_phrases_adds_nothing_and_terms_already_asked_are_not_repeated():
    from assistant.law.retrieval import legal_terms

    assert legal_terms("民事诉讼法第二百二十五条的适用条件") == []
    assert "财产保全" not in legal_terms("冻结账户算不算财产保全")


def test_every_legal_term_of_the_vocabulary_occurs_in_the_indexed_units():
    """A term the index never uses cannot bridge anything: each must appear in some unit's text, gloss or questions."""
    import yaml

    units = build_units(get_settings().model_copy(update={"index_scope": "curated"}))
    corpus = " ".join(" ".join([u.text, u.gloss, *u.questions, *u.topics]) for u in units)
    concepts = yaml.safe_load((KNOWLEDGE_DIR / "glossary_zh.yaml").read_text(encoding="utf-8"))["concepts"]
    missing = [(c["concept"], t) for c in concepts for t in c["legal"] if t not in corpus]
    assert not missing


def test_a_malformed_vocabulary_fails_loudly(tmp_path):
    from assistant.law.retrieval import legal_terms

    (tmp_path / "glossary_zh.yaml").write_text("concepts:\n  - concept: 失联\n    colloquial: [拉黑]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="glossary_zh"):
        legal_terms("他拉黑我了", tmp_path)


# --------------------------------------------------------------------------- a rebuilt collection


@pytest.mark.slow
def test_search_survives_another_process_rebuilding_the_collection(tiny_index):
    """A forced rebuild deletes and recreates the collection; an open retriever reopens it once and carries on."""
    from concurrent.futures import ThreadPoolExecutor

    from assistant.law.retrieval import Retriever

    settings, units = tiny_index
    retriever = Retriever(settings, units=units)
    before = retriever.dense_ranking("诉讼时效")
    stale = retriever._store
    assert build_index(settings, units=units, force=True).built
    with ThreadPoolExecutor(max_workers=4) as pool:
        after = list(pool.map(retriever.dense_ranking, ["诉讼时效"] * 4))
    assert all(ranking == before for ranking in after)
    assert retriever._store is not stale
