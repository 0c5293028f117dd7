"""The record a court can trust and a team can share (issue 18): users and roles, the hash chain, erasure,
input limits, retries and ids. Each defect found by the hostile test is one test here; all run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone

import pytest
from postgres_cluster import database, postgres_server  # noqa: F401  (fixtures)
from sqlalchemy.exc import DBAPIError
from test_store import NARRATIVE, make_advice

from assistant.cli import main as cli_main
from assistant.errors import AccessError, InputError
from assistant.models import LegalityReport
from assistant.settings import reload_settings
from assistant.store.chain import ChainHead
from assistant.store.trail import ERASED, Store

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(database, clock):  # noqa: F811  (the imported fixture)
    store = Store(database, clock=clock)
    store.register_users({"alice": "creditor", "bob": "creditor", "lawyer": "lawyer", "root": "admin"})
    yield store
    store.close()


def raw(store: Store, statement: str) -> None:
    with store.engine.begin() as conn:
        conn.exec_driver_sql(statement)


# --------------------------------------------------------------------------- 1. users and roles


def test_a_user_sees_only_their_own_cases_and_those_shared_with_them(store):
    alices = store.create_case("甲", NARRATIVE, user="alice")
    bobs = store.create_case("乙", "鲍勃的债务人手机13812345678", user="bob")

    assert [c.case_id for c in store.list_cases(user="alice")] == [alices]
    for call in (lambda: store.load_case(bobs, user="alice"), lambda: store.export_case(bobs, user="alice"),
                 lambda: store.add_turn(bobs, "user", "我来改一下", user="alice"),
                 lambda: store.log_contact(bobs, START, "电话", "未接", user="alice"),
                 lambda: store.save_check(bobs, "请还款", LegalityReport(legal=True), user="alice")):
        with pytest.raises(AccessError, match="无权访问"):
            call()
    assert store.load_case(bobs, user="bob").turns == []  # nothing of Alice's attempts was written


def test_a_case_shared_with_a_lawyer_is_theirs_to_work_on_and_sign_off(store):
    case_id = store.create_case("甲", NARRATIVE, user="alice")
    store.save_advice(case_id, make_advice(), user="alice")
    with pytest.raises(AccessError):
        store.load_case(case_id, user="lawyer")

    store.share_case(case_id, "lawyer", user="alice")
    store.add_turn(case_id, "user", "律师补充：有借条原件。", user="lawyer")
    store.sign_off(case_id, 1, user="lawyer")

    assert [c.case_id for c in store.list_cases(user="lawyer")] == [case_id]
    assert store.load_case(case_id, user="alice").turns[-1].actor == "lawyer"
    with pytest.raises(AccessError, match="律师"):
        store.sign_off(case_id, 1, user="alice")
    with pytest.raises(AccessError, match="所有人"):
        store.share_case(case_id, "bob", user="lawyer")


def test_every_row_records_the_acting_user(store):
    case_id = store.create_case("甲", NARRATIVE, user="alice")
    store.share_case(case_id, "lawyer", user="alice")
    store.add_turn(case_id, "user", NARRATIVE, user="alice")
    store.save_advice(case_id, make_advice(), user="lawyer")
    with store.engine.connect() as conn:
        actors = {table: set(conn.exec_driver_sql(f"SELECT actor FROM {table}").scalars())
                  for table in ("cases", "events", "turns", "advice", "drafts", "trail")}
    assert actors == {"cases": {"alice"}, "events": {"alice"}, "turns": {"alice"}, "advice": {"lawyer"},
                      "drafts": {"lawyer"}, "trail": {"alice", "lawyer"}}


def test_an_unknown_role_is_refused(store):
    with pytest.raises(InputError, match="role"):
        store.register_users({"eve": "superuser"})


# --------------------------------------------------------------------------- 2. a tamper-evident trail


def _case_with_history(store: Store) -> int:
    case_id = store.create_case("甲", NARRATIVE)
    store.add_turn(case_id, "user", NARRATIVE)
    store.save_advice(case_id, make_advice())
    store.add_turn(case_id, "assistant", "建议阶段：正式催告")
    return case_id


def test_a_reused_id_is_refused_so_insert_or_replace_cannot_rewrite_a_message(store):
    _case_with_history(store)
    if store.engine.dialect.name == "sqlite":
        tamper = ("INSERT OR REPLACE INTO turns (id, case_id, role, text, request_id, actor, erased, created_at) "
                  "SELECT id, case_id, role, '【已篡改】', request_id, actor, erased, created_at FROM turns WHERE id = 1")
    else:
        tamper = ("INSERT INTO turns (id, case_id, role, text, actor, created_at) VALUES (1, 1, 'user', '【已篡改】', 'x', 'y') "
                  "ON CONFLICT (id) DO UPDATE SET text = excluded.text")
    with pytest.raises(DBAPIError, match="append-only"):
        raw(store, tamper)
    assert store.load_case(1).turns[0].text == NARRATIVE


def test_an_intact_trail_verifies(store):
    _case_with_history(store)
    store.save_check(None, "请还款", LegalityReport(legal=True))
    verdict = store.verify_trail()
    assert verdict.ok and verdict.links == 6


def test_a_row_changed_behind_the_triggers_back_is_the_first_broken_link(store):
    case_id = _case_with_history(store)
    if store.engine.dialect.name == "sqlite":
        raw(store, "DROP TRIGGER turns_refuse_update")
        raw(store, "UPDATE turns SET text = '【已篡改】' WHERE id = 1")
        raw(store, "CREATE TRIGGER turns_refuse_update BEFORE UPDATE ON turns BEGIN SELECT RAISE(ABORT, 'x'); END")
    else:
        raw(store, "ALTER TABLE turns DISABLE TRIGGER turns_append_only")
        raw(store, "UPDATE turns SET text = '【已篡改】' WHERE id = 1")
        raw(store, "ALTER TABLE turns ENABLE TRIGGER turns_append_only")
    assert store.verify_trail().first_break == f"case #{case_id} link 2 (turns #1): the row was changed"


def test_a_row_deleted_with_the_trigger_put_back_is_still_found(store):
    case_id = _case_with_history(store)
    if store.engine.dialect.name == "sqlite":
        raw(store, "DROP TRIGGER turns_refuse_delete")
        raw(store, "DELETE FROM turns WHERE id = 1")
        raw(store, "CREATE TRIGGER turns_refuse_delete BEFORE DELETE ON turns BEGIN SELECT RAISE(ABORT, 'x'); END")
    else:
        raw(store, "ALTER TABLE turns DISABLE TRIGGER turns_append_only")
        raw(store, "DELETE FROM turns WHERE id = 1")
        raw(store, "ALTER TABLE turns ENABLE TRIGGER turns_append_only")
    assert store.verify_trail().first_break == f"case #{case_id} link 2 (turns #1): the row is gone"


def test_an_export_carries_the_chain_head_and_a_later_truncation_is_caught(store):
    case_id = _case_with_history(store)
    exported = store.export_case(case_id)
    head = ChainHead.model_validate(exported["chain_head"])
    assert head.seq == len(exported["trail"]) == 5 and head.hash == exported["trail"][-1]["hash"]
    assert store.verify_trail(head).ok

    # the last message and its link removed by someone with the database's owner rights
    if store.engine.dialect.name == "sqlite":
        for statement in ("DROP TRIGGER turns_refuse_delete", "DROP TRIGGER trail_refuse_delete",
                          "DELETE FROM trail WHERE seq = 5", "DELETE FROM turns WHERE id = 2"):
            raw(store, statement)
        for table in ("turns", "trail"):
            raw(store, f"CREATE TRIGGER {table}_refuse_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, 'x'); END")
    else:
        for statement in ("ALTER TABLE turns DISABLE TRIGGER turns_append_only", "ALTER TABLE trail DISABLE TRIGGER trail_append_only",
                          "DELETE FROM trail WHERE seq = 5", "DELETE FROM turns WHERE id = 2",
                          "ALTER TABLE turns ENABLE TRIGGER turns_append_only", "ALTER TABLE trail ENABLE TRIGGER trail_append_only"):
            raw(store, statement)
    assert store.verify_trail().ok  # the chain alone cannot see a cut at its end...
    assert "exported head" in store.verify_trail(head).first_break  # ...the export's head can


def test_audit_verify_reports_the_first_broken_link_on_the_command_line(store, database, monkeypatch, capsys, tmp_path):  # noqa: F811
    case_id = _case_with_history(store)
    export = tmp_path / "case.json"
    export.write_text(json.dumps(store.export_case(case_id), ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("DEBT_DATABASE_URL", database)
    reload_settings()

    assert cli_main(["audit-verify", "--export", str(export)]) == 0
    assert "intact: 5 links" in capsys.readouterr().out

    if store.engine.dialect.name == "sqlite":
        raw(store, "DROP TRIGGER advice_refuse_update")
        raw(store, "CREATE TRIGGER advice_refuse_update BEFORE UPDATE ON advice WHEN 0 BEGIN SELECT 1; END")
        raw(store, "UPDATE advice SET stage = 'lawsuit'")
    else:
        raw(store, "ALTER TABLE advice DISABLE TRIGGER advice_append_only")
        raw(store, "UPDATE advice SET stage = 'lawsuit'")
        raw(store, "ALTER TABLE advice ENABLE TRIGGER advice_append_only")  # a careful tamperer switches it back on
    assert cli_main(["audit-verify"]) == 1
    assert f"case #{case_id} link 3 (advice #1): the row was changed" in capsys.readouterr().out


# --------------------------------------------------------------------------- 3. input limits, 8. bidi, 9. ids


def test_an_oversized_message_is_refused_before_anything_is_written(store):
    with pytest.raises(InputError, match="too long"):
        store.create_case("", "借" * 1_000_000)
    case_id = store.create_case("甲", NARRATIVE)
    with pytest.raises(InputError, match="too long"):
        store.add_turn(case_id, "user", "借" * 1_000_000)
    assert [c.case_id for c in store.list_cases()] == [case_id]
    assert store.load_case(case_id).turns == []
    store.add_turn(case_id, "user", "他上个月还了2万。")  # the case still works


def test_a_long_case_is_analysed_through_a_bounded_window(store):
    case_id = store.create_case("甲", NARRATIVE)
    store.add_turn(case_id, "user", NARRATIVE)
    for i in range(40):
        store.add_turn(case_id, "user", f"第{i}条补充：" + "他说下个月一定还。" * 100)
    window = store.load_case(case_id).analysis_window(20_000)
    assert len(store.load_case(case_id).full_narrative()) > 20_000
    assert len(window) <= 20_000
    assert window.startswith(NARRATIVE) and window.rstrip().endswith("他说下个月一定还。")
    assert "第39条补充" in window and "第0条补充" not in window


def test_bidi_control_characters_are_removed_at_intake(store):
    case_id = store.create_case("甲", "欠款\u202e元万01\u202c，借条在我这")
    store.add_turn(case_id, "user", "他说\u2067下个月\u2069还")
    record = store.load_case(case_id)
    assert record.narrative == "欠款元万01，借条在我这"
    assert record.turns[0].text == "他说下个月还"


@pytest.mark.parametrize("bad_id", [True, False, 0, -1, 10**30, "1", 1.0])
def test_case_ids_must_be_positive_integers(store, bad_id):
    store.create_case("甲", NARRATIVE)
    with pytest.raises(InputError, match="case id"):
        store.load_case(bad_id)


# --------------------------------------------------------------------------- 5. crash and retry


def test_a_retried_request_is_stored_once(store):
    case_id = store.create_case("甲", NARRATIVE)
    first = store.add_turn(case_id, "user", NARRATIVE, request_id="req-1")
    again = store.add_turn(case_id, "user", NARRATIVE, request_id="req-1")
    assert first == again
    assert len(store.load_case(case_id).turns) == 1
    assert store.request_status("req-1") == (case_id, False)
    store.add_turn(case_id, "assistant", "收到")
    assert store.request_status("req-1") == (case_id, True)
    assert store.request_status("req-2") is None


def test_a_message_without_a_reply_is_marked_unanswered(store):
    case_id = store.create_case("甲", NARRATIVE)
    store.add_turn(case_id, "user", NARRATIVE)
    assert store.load_case(case_id).unanswered
    store.add_turn(case_id, "assistant", "收到")
    assert not store.load_case(case_id).unanswered


def test_parallel_writers_to_one_case_keep_its_chain_whole(store):
    case_id = store.create_case("甲", NARRATIVE)

    def write(worker: int) -> None:
        for i in range(8):
            store.add_turn(case_id, "user", f"工作线程{worker}-第{i}条")

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.load_case(case_id).turns) == 32
    assert store.verify_trail().ok


# --------------------------------------------------------------------------- retention and erasure (PIPL art. 47)


def test_an_admin_erases_a_closed_case_after_retention_and_the_trail_still_verifies(store, clock):
    case_id = store.create_case("王某借款", "王某身份证110101199003071234，手机13812345678", user="alice")
    store.add_turn(case_id, "user", "他的手机13812345678停机了", user="alice")
    store.save_advice(case_id, make_advice(), user="alice")
    store.log_contact(case_id, START, "电话", "打给13812345678未接", user="alice")
    store.close_case(case_id, user="alice")

    with pytest.raises(InputError, match="kept until"):
        store.erase_case(case_id, retention_days=365, user="root")
    clock.now = START + timedelta(days=366)
    with pytest.raises(AccessError, match="admin"):
        store.erase_case(case_id, retention_days=365, user="alice")

    assert store.erase_case(case_id, retention_days=365, user="root") == 5

    with store.engine.connect() as conn:
        dump = json.dumps([list(map(str, r)) for t in ("cases", "turns", "advice", "drafts", "contacts")
                           for r in conn.exec_driver_sql(f"SELECT * FROM {t}")], ensure_ascii=False)
    assert "13812345678" not in dump and "110101199003071234" not in dump and ERASED in dump
    assert store.verify_trail().ok
    with pytest.raises(InputError, match="erased"):
        store.load_case(case_id, user="alice")


def test_an_open_case_cannot_be_erased(store):
    case_id = store.create_case("甲", NARRATIVE)
    with pytest.raises(InputError, match="not closed"):
        store.erase_case(case_id, retention_days=0)


def test_one_writer_per_case_keeps_each_reply_next_to_its_own_message(store):
    """Six clients write into one case at once: each reply sees its own message as the latest (defect 7)."""
    case_id = store.create_case("甲", NARRATIVE)
    start = threading.Barrier(6)

    def client(n: int) -> None:
        start.wait()
        with store.case_writer(case_id):
            store.add_turn(case_id, "user", f"客户端{n}的补充")
            window = store.load_case(case_id).analysis_window(20_000)
            store.add_turn(case_id, "assistant", "回复：" + window.splitlines()[-1])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    turns = store.load_case(case_id).turns
    pairs = [(turns[i].text, turns[i + 1].text) for i in range(0, len(turns), 2)]
    assert len(pairs) == 6 and all(reply == "回复：" + asked for asked, reply in pairs)


def test_twenty_users_on_two_instances_lose_and_duplicate_nothing(database):  # noqa: F811
    """Two app instances on one database (two stores, two engines), 20 users × 5 messages with retries."""
    instances = [Store(database), Store(database)]
    users = {f"user{n}": "creditor" for n in range(20)}
    instances[0].register_users(users)
    case_of = {name: instances[n % 2].create_case(name, NARRATIVE, user=name) for n, name in enumerate(users)}

    def work(n: int, name: str) -> None:
        for i in range(5):
            for attempt in range(2):  # every request is retried once, on the other instance
                instances[(n + attempt) % 2].add_turn(case_of[name], "user", f"{name}第{i}条", user=name,
                                                      request_id=f"{name}-{i}")

    threads = [threading.Thread(target=work, args=(n, name)) for n, name in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, case_id in case_of.items():
        assert [t.text for t in instances[1].load_case(case_id, user=name).turns] == [f"{name}第{i}条" for i in range(5)]
    verdict = instances[0].verify_trail()
    assert verdict.ok and verdict.links == 20 + 100
    for store in instances:
        store.close()


def test_a_switched_off_or_dropped_trigger_is_itself_a_break(store):
    _case_with_history(store)
    if store.engine.dialect.name == "sqlite":
        raw(store, "DROP TRIGGER turns_refuse_delete")
        expected = "append-only trigger missing: turns_refuse_delete"
    else:
        raw(store, "ALTER TABLE turns DISABLE TRIGGER turns_append_only")
        expected = "append-only trigger missing: turns_append_only"
    assert store.verify_trail().first_break == expected
