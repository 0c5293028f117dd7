"""The audit trail: what is written survives a restart, nothing is ever rewritten, exports are complete."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from postgres_cluster import database, postgres_server  # noqa: F401  (fixtures)
from sqlalchemy.exc import DBAPIError

from assistant.errors import InputError, StorageError
from assistant.models import (
    Advice,
    Assessment,
    Axis,
    Basis,
    Case,
    Category,
    CheckedDraft,
    DraftKind,
    Eligibility,
    Fact,
    LegalityReport,
    LegalPosition,
    LimitationPosition,
    PlanStep,
    Severity,
    Signal,
    Span,
    Stage,
    Tone,
    Violation,
    ViolationCode,
)
from assistant.store.trail import CaseRecord, Store

NARRATIVE = "朋友去年借了我10万元，约定三个月还清，到期后一直拖，说生意亏了，现在电话也不太接。"
TODAY = date(2026, 11, 28)
CIVIL_CODE = "中华人民共和国民法典"


def make_advice(stage: Stage = Stage.formal_notice, draft_text: str = "张三：您向我借款10万元已到期，请于十日内归还。") -> Advice:
    """A complete advice as the pipeline returns it, built from the models (the store must not care who made it)."""
    case = Case(narrative=NARRATIVE, today=TODAY, principal=Fact[Decimal](value=Decimal("100000"), source=Span(start=7, end=10, text="10万元")))
    signal = Signal(code="avoids_calls", axis=Axis.willingness, weight=-1.0, explanation="回避联系",
                    evidence=Span(start=38, end=44, text="电话也不太接"))
    limitation = LimitationPosition(starts=date(2025, 12, 1), deadline=date(2028, 12, 1), days_left=734, expired=False,
                                    warning=False, explanation="三年诉讼时效",
                                    basis=[Basis(law=CIVIL_CODE, article="第一百八十八条")])
    position = LegalPosition(outstanding=Decimal("100000"), protected=True, limitation=limitation,
                             payment_order=Eligibility(eligible=True), small_claims=Eligibility(eligible=None))
    report = LegalityReport(legal=True, checked_chars=len(draft_text))
    draft = CheckedDraft(kind=DraftKind.demand_letter, tone=Tone.firm, title="催款函", text=draft_text, report=report)
    return Advice(
        case=case,
        assessment=Assessment(category=Category.bad_faith, confidence=0.7, ability=0.5, willingness=-1.0, signals=[signal]),
        position=position,
        stage=stage,
        plan=[PlanStep(when=TODAY, stage=stage, action="发送催款函并保留送达凭证")],
        citations=[],
        drafts=[draft],
    )


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "audit.db"


@pytest.fixture
def store(database):  # noqa: F811  (the imported fixture)
    """The same behaviour on SQLite (the default) and on a real PostgreSQL server."""
    store = Store(database)
    yield store
    store.close()


def test_a_new_store_instance_on_the_same_file_sees_everything_written_before_the_restart(db_path):
    before = Store(db_path)
    case_id = before.create_case("王某借款", NARRATIVE)
    before.add_turn(case_id, "user", NARRATIVE)
    before.save_advice(case_id, make_advice())
    before.add_turn(case_id, "assistant", "建议阶段：正式催告")
    before.log_contact(case_id, datetime(2026, 11, 27, 10, 30, tzinfo=timezone.utc), "电话", "未接听")
    before.save_check(case_id, "请尽快还款", LegalityReport(legal=True, checked_chars=5))
    del before

    record = Store(db_path).load_case(case_id)

    assert record.title == "王某借款"
    assert [(t.role, t.text) for t in record.turns] == [("user", NARRATIVE), ("assistant", "建议阶段：正式催告")]
    assert record.latest_advice is not None and record.latest_advice.advice.stage is Stage.formal_notice
    assert record.latest_advice.advice == make_advice()
    assert [d.draft.title for d in record.drafts] == ["催款函"]
    assert record.contacts[0].channel == "电话" and record.contacts[0].summary == "未接听"
    assert record.checks[0].report.legal is True


def test_the_database_runs_in_wal_mode(db_path):
    Store(db_path)
    assert sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_rerun_adds_a_new_version_and_keeps_the_old_drafts(store):
    case_id = store.create_case("", NARRATIVE)
    assert store.save_advice(case_id, make_advice(Stage.reminder, "第一稿")) == 1
    assert store.save_advice(case_id, make_advice(Stage.lawyer_letter, "第二稿")) == 2

    record = store.load_case(case_id)

    assert record.advice_versions == 2
    assert record.latest_advice.version == 2 and record.latest_advice.advice.stage is Stage.lawyer_letter
    assert [(d.advice_version, d.draft.text) for d in record.drafts] == [(1, "第一稿"), (2, "第二稿")]
    assert [d.text for d in record.latest_drafts] == ["第二稿"]
    assert [a.advice.stage for a in store.advice_history(case_id)] == [Stage.reminder, Stage.lawyer_letter]


@pytest.mark.parametrize("statement", [
    "UPDATE cases SET title = '改过'",
    "DELETE FROM cases",
    "UPDATE turns SET text = '改过'",
    "DELETE FROM turns",
    "UPDATE advice SET stage = 'decline'",
    "DELETE FROM drafts",
    "UPDATE checks SET legal = 1",
    "DELETE FROM contacts",
])
def test_history_cannot_be_rewritten_even_with_raw_sql(store, statement):
    case_id = store.create_case("案", NARRATIVE)
    store.add_turn(case_id, "user", NARRATIVE)
    store.save_advice(case_id, make_advice())
    store.save_check(case_id, "还钱", LegalityReport(legal=True))
    store.log_contact(case_id, date(2026, 11, 27), "微信", "发送提醒")

    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.exec_driver_sql(statement)


def test_export_is_the_full_record_as_json(store):
    case_id = store.create_case("案", NARRATIVE)
    store.add_turn(case_id, "user", NARRATIVE)
    store.save_advice(case_id, make_advice(Stage.reminder, "第一稿"))
    store.save_advice(case_id, make_advice(Stage.formal_notice, "第二稿"))
    store.log_contact(case_id, date(2026, 11, 27), "短信", "发送还款提醒")
    violation = Violation(code=ViolationCode.THREAT_VIOLENCE, span=(0, 4), matched="打断你腿", explanation="暴力威胁",
                          basis=[Basis(law="中华人民共和国刑法", article="第二百九十三条之一")], fix="删除", severity=Severity.critical)
    store.save_check(case_id, "打断你腿", LegalityReport(legal=False, violations=[violation], checked_chars=4))

    exported = json.loads(json.dumps(store.export_case(case_id), ensure_ascii=False))

    assert exported["case_id"] == case_id and exported["narrative"] == NARRATIVE
    assert [a["advice"]["stage"] for a in exported["advice_history"]] == ["reminder", "formal_notice"]
    assert [d["draft"]["text"] for d in exported["drafts"]] == ["第一稿", "第二稿"]
    assert exported["checks"][0]["report"]["violations"][0]["code"] == "THREAT_VIOLENCE"
    assert exported["contacts"][0]["when"] == "2026-11-27"
    assert exported["turns"][0]["text"] == NARRATIVE


def test_free_checks_without_a_case_are_kept_but_belong_to_no_case(store):
    check_id = store.save_check(None, "请还款", LegalityReport(legal=True))
    case_id = store.create_case("案", NARRATIVE)
    assert check_id >= 1
    assert store.load_case(case_id).checks == []


def test_list_cases_shows_newest_first_with_their_latest_stage(store):
    first = store.create_case("甲", NARRATIVE)
    second = store.create_case("乙", NARRATIVE)
    store.save_advice(first, make_advice(Stage.payment_order))

    summaries = store.list_cases()

    assert [s.case_id for s in summaries] == [second, first]
    assert summaries[1].stage is Stage.payment_order and summaries[1].advice_versions == 1
    assert summaries[0].stage is None


def test_an_empty_title_is_taken_from_the_narrative(store):
    case_id = store.create_case("  ", NARRATIVE)
    assert store.load_case(case_id).title == NARRATIVE[:30]


def test_full_narrative_joins_every_fact_the_user_told(store):
    case_id = store.create_case("案", NARRATIVE)
    store.add_turn(case_id, "user", NARRATIVE)
    store.add_turn(case_id, "assistant", "收到")
    store.add_turn(case_id, "user", "他上个月还了2万。")
    assert store.load_case(case_id).full_narrative() == NARRATIVE + "\n他上个月还了2万。"


@pytest.mark.parametrize("call, message", [
    (lambda s, c: s.load_case(9999), "不存在"),
    (lambda s, c: s.load_case("1"), "整数"),
    (lambda s, c: s.add_turn(9999, "user", "你好"), "不存在"),
    (lambda s, c: s.add_turn(c, "debtor", "你好"), "role"),
    (lambda s, c: s.add_turn(c, "user", "   "), "不能为空"),
    (lambda s, c: s.create_case("案", ""), "不能为空"),
    (lambda s, c: s.save_advice(c, {"stage": "reminder"}), "Advice"),
    (lambda s, c: s.save_check(c, "还钱", {"legal": True}), "LegalityReport"),
    (lambda s, c: s.log_contact(c, "昨天", "电话", "未接"), "date"),
    (lambda s, c: s.log_contact(c, date(2026, 11, 1), "", "未接"), "不能为空"),
])
def test_bad_input_is_refused_with_a_clear_input_error(store, call, message):
    case_id = store.create_case("案", NARRATIVE)
    with pytest.raises(InputError, match=message):
        call(store, case_id)


def test_a_refused_write_leaves_nothing_half_written(store):
    case_id = store.create_case("案", NARRATIVE)
    with pytest.raises(InputError):
        store.add_turn(case_id, "judge", "x")
    assert store.load_case(case_id).turns == []


def test_a_file_that_is_not_a_database_gives_a_storage_error(tmp_path):
    bad = tmp_path / "audit.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="audit database"):
        Store(bad)


def test_an_unwritable_location_gives_a_storage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError):
        Store(blocker / "sub" / "audit.db")


def test_parallel_worker_threads_lose_no_turn(store):
    case_id = store.create_case("案", NARRATIVE)

    def write(worker: int) -> None:
        for i in range(10):
            store.add_turn(case_id, "user", f"工作线程{worker}-第{i}条")

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    record: CaseRecord = store.load_case(case_id)
    assert len(record.turns) == 40
    assert len({t.text for t in record.turns}) == 40


def test_a_stored_verdict_is_returned_as_it_was_given_not_rechecked(store):
    # a verdict given at the time (say, against the case's amounts, or by an older checker) that
    # today's checker would not repeat on the bare text: the record must still show it
    flagged = Violation(code=ViolationCode.EXCESSIVE_AMOUNT, span=(0, 2), matched="张三", explanation="超过保护范围",
                        basis=[Basis(law=CIVIL_CODE, article="第六百八十条")], fix="按保护范围重算")
    verdict = LegalityReport(legal=False, violations=[flagged], checked_chars=8)
    advice = make_advice(draft_text="张三：请于十日内归还借款。")
    recorded = CheckedDraft.model_construct(**{**dict(advice.drafts[0]), "report": verdict})
    advice.drafts = [recorded]
    case_id = store.create_case("案", NARRATIVE)
    store.save_advice(case_id, advice)

    record = store.load_case(case_id)

    assert record.drafts[0].draft.report == verdict
    assert record.latest_advice.advice.drafts[0].report == verdict
    assert store.export_case(case_id)["drafts"][0]["draft"]["report"]["violations"][0]["code"] == "EXCESSIVE_AMOUNT"


VERSION_1_SCHEMA = """
CREATE TABLE cases (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, narrative TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE turns (id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES cases(id),
    role TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE advice (id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES cases(id), version INTEGER NOT NULL,
    stage TEXT NOT NULL, category TEXT NOT NULL, case_json TEXT NOT NULL, assessment_json TEXT NOT NULL,
    position_json TEXT NOT NULL, plan_json TEXT NOT NULL, advice_json TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE drafts (id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES cases(id),
    advice_id INTEGER NOT NULL REFERENCES advice(id), position INTEGER NOT NULL, kind TEXT NOT NULL,
    title TEXT NOT NULL, text TEXT NOT NULL, legal INTEGER NOT NULL, draft_json TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE checks (id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER REFERENCES cases(id), text TEXT NOT NULL,
    legal INTEGER NOT NULL, report_json TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE contacts (id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES cases(id),
    contact_at TEXT NOT NULL, channel TEXT NOT NULL, summary TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TRIGGER turns_no_update BEFORE UPDATE ON turns BEGIN SELECT RAISE(ABORT, 'append-only'); END;
"""


def test_a_version_1_database_is_migrated_and_its_cases_reopen_in_a_verified_chain(db_path):
    advice = make_advice()
    draft = advice.drafts[0]
    with sqlite3.connect(db_path) as old:
        old.executescript(VERSION_1_SCHEMA)
        old.execute("INSERT INTO cases VALUES (1, '旧案', ?, '2026-01-01T09:00:00+00:00')", (NARRATIVE,))
        old.execute("INSERT INTO turns VALUES (1, 1, 'user', ?, '2026-01-01T09:00:01+00:00')", (NARRATIVE,))
        old.execute("INSERT INTO advice VALUES (1, 1, 1, 'formal_notice', 'bad_faith', '{}', '{}', '{}', '[]', ?, "
                    "'2026-01-01T09:00:02+00:00')", (advice.model_dump_json(),))
        old.execute("INSERT INTO drafts VALUES (1, 1, 1, 0, ?, ?, ?, 1, ?, '2026-01-01T09:00:02+00:00')",
                    (draft.kind.value, draft.title, draft.text, draft.model_dump_json()))
        old.execute("INSERT INTO turns VALUES (2, 1, 'assistant', '建议阶段：正式催告', '2026-01-01T09:00:03+00:00')")
        old.execute("INSERT INTO checks VALUES (1, NULL, '请还款', 1, ?, '2026-01-02T09:00:00+00:00')",
                    (LegalityReport(legal=True).model_dump_json(),))

    store = Store(db_path)
    record = store.load_case(1)

    assert [t.text for t in record.turns] == [NARRATIVE, "建议阶段：正式催告"]
    assert record.latest_advice.advice == advice and record.drafts[0].draft.text == draft.text
    verdict = store.verify_trail()
    assert verdict.ok and verdict.links == 6
    assert store.create_case("新案", NARRATIVE) == 2
    assert sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM legacy_v1_turns").fetchone()[0] == 2
    Store(db_path)  # opening again changes nothing
    assert store.verify_trail().links == 7
