"""The web app with logins (issue 18), through its API as a client sees it: a case is only its owner's and
those it is shared with, oversized messages are refused before storage, a message without a reply says so,
exports stay private in the data directory, and wrong passwords make the next login wait."""

from __future__ import annotations

import json
import stat
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import linked_data_dir
from gradio_client import Client  # noqa: E402
from test_app_e2e import NOT_ANSWERED, chat_texts, free_port, start_app, stop_app, view
from test_store import NARRATIVE, make_advice

from assistant.models import LegalityReport  # noqa: E402
from assistant.store.trail import Store  # noqa: E402

USERS = "alice:pw-alice,bob:pw-bob,lex:pw-lex:lawyer,carol:pw-carol"
BOBS_DEBTOR = "鲍勃的债务人王某，手机13812345678，身份证110101199003071234，借款5万元未还。"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return linked_data_dir(tmp_path_factory.mktemp("access-data"))


@pytest.fixture(scope="module")
def cases(data_dir) -> dict[str, int]:
    """Alice's and Bob's cases, written before the app starts (the app migrates and reuses the database)."""
    store = Store(data_dir / "audit.db")
    store.register_users({"alice": "creditor", "bob": "creditor", "lex": "lawyer", "carol": "creditor"})
    alices = store.create_case("甲", NARRATIVE, user="alice")
    store.add_turn(alices, "user", NARRATIVE, user="alice")  # stored, then the server died before answering
    bobs = store.create_case("乙", BOBS_DEBTOR, user="bob")
    store.add_turn(bobs, "user", BOBS_DEBTOR, user="bob")
    store.close()
    return {"alice": alices, "bob": bobs}


@pytest.fixture(scope="module")
def url(data_dir, cases):
    port = free_port()
    process = start_app(data_dir, port, DEBT_USERS=USERS)
    yield f"http://127.0.0.1:{port}/"
    stop_app(process)


@pytest.fixture(scope="module")
def alice(url) -> Client:
    return Client(url, auth=("alice", "pw-alice"), verbose=False)


def test_alice_cannot_open_export_or_write_into_bobs_case(alice, cases, data_dir):
    bobs = cases["bob"]
    opened = view(alice.predict(bobs, api_name="/open_case"))
    assert "无权访问" in opened["status"] and opened["chat"] is None
    assert "无权访问" in alice.predict(bobs, api_name="/export")[1]
    assert "无权访问" in alice.predict(bobs, "2026-11-27 10:00", "电话 phone", "冒充记录", api_name="/log_contact")[2]
    assert "无权访问" in alice.predict("请还款", bobs, True, api_name="/check")[2]
    assert "无权访问" in alice.predict(bobs, "alice", api_name="/share")
    sent = view(alice.predict("我来补充一句", bobs, api_name="/send"))
    assert "无权访问" in sent["status"]

    record = Store(data_dir / "audit.db").load_case(bobs)
    assert [t.text for t in record.turns] == [BOBS_DEBTOR] and record.contacts == [] and record.checks == []


def test_a_case_shared_with_a_lawyer_opens_for_them(url, cases):
    bob = Client(url, auth=("bob", "pw-bob"), verbose=False)
    lex = Client(url, auth=("lex", "pw-lex"), verbose=False)
    assert "无权访问" in view(lex.predict(cases["bob"], api_name="/open_case"))["status"]
    assert "已共享" in bob.predict(cases["bob"], "lex", api_name="/share")
    assert view(lex.predict(cases["bob"], api_name="/open_case"))["case"] == cases["bob"]


def test_a_message_without_a_reply_is_shown_as_not_answered(alice, cases):
    opened = view(alice.predict(cases["alice"], api_name="/open_case"))
    assert chat_texts(opened["chat"])[-1] == ("assistant", NOT_ANSWERED)


def test_an_oversized_message_is_refused_and_nothing_is_stored(alice, data_dir):
    before = len(Store(data_dir / "audit.db").list_cases())
    sent = view(alice.predict("借" * 1_000_000, None, api_name="/send"))
    assert "too long" in sent["status"]
    assert len(Store(data_dir / "audit.db").list_cases()) == before


@pytest.mark.parametrize("bad", [True, -1, 10**30, "1; DROP TABLE cases"])
def test_a_bad_case_id_is_a_clear_error(alice, bad):
    assert "invalid" in view(alice.predict(bad, api_name="/open_case"))["status"]


def test_a_negative_draft_index_is_refused_not_read_from_the_end(url, cases):
    bob = Client(url, auth=("bob", "pw-bob"), verbose=False)
    *_, status = bob.predict(cases["bob"], -1, api_name="/draft")
    assert "invalid" in status


def test_an_export_stays_private_in_the_data_directory_and_carries_the_chain_head(alice, cases, data_dir):
    path, status = alice.predict(cases["alice"], api_name="/export")
    exported = json.loads(Path(path if isinstance(path, str) else path["value"]).read_text(encoding="utf-8"))
    assert exported["chain_head"]["hash"] == exported["trail"][-1]["hash"]
    served = [p for p in (data_dir / "tmp").rglob("case-*.json")]
    assert any("gradio" in p.parts for p in served), "Gradio's copy is served from DEBT_DATA_DIR/tmp/gradio"
    assert any("exports" in p.parts for p in served)
    for p in served:
        assert not p.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO), f"{p} is readable by others"
    store = Store(data_dir / "audit.db")
    store.save_check(None, "请还款", LegalityReport(legal=True))
    assert store.verify_trail().ok


def test_only_a_lawyer_signs_off_and_the_owner_closes_the_case(url, cases, data_dir):
    store = Store(data_dir / "audit.db")
    store.share_case(cases["bob"], "lex", user="bob")
    store.save_advice(cases["bob"], make_advice(), user="bob")
    bob = Client(url, auth=("bob", "pw-bob"), verbose=False)
    lex = Client(url, auth=("lex", "pw-lex"), verbose=False)
    assert "律师" in bob.predict(cases["bob"], api_name="/sign_off")
    assert "签发" in lex.predict(cases["bob"], api_name="/sign_off")
    assert "已结案" in bob.predict(cases["bob"], api_name="/close_case")
    assert Store(data_dir / "audit.db").load_case(cases["bob"]).closed


def _login(url: str, user: str, password: str) -> bool:
    form = urllib.parse.urlencode({"username": user, "password": password}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "login", data=form), timeout=10) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


def test_wrong_passwords_make_the_next_login_wait(url):  # last: the address waits afterwards
    assert not any(_login(url, "carol", f"guess-{i}") for i in range(5))
    assert not _login(url, "carol", "pw-carol")  # right password, but still within the growing delay
