"""Logins: users and roles from DEBT_USERS, and a delay that grows with every wrong password (issue 18, defect 6)."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.ui.login import LoginThrottle, parse_users


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_users_carry_a_role_creditor_by_default():
    assert parse_users("alice:pw, lex:p:w:lawyer ,root:secret:admin") == [
        ("alice", "pw", "creditor"), ("lex", "p:w", "lawyer"), ("root", "secret", "admin")]


@pytest.mark.parametrize("spec", ["alice", "alice:", ":pw", "alice::lawyer"])
def test_a_malformed_user_entry_is_refused(spec):
    with pytest.raises(InputError, match="user:password"):
        parse_users(spec)


def test_thirty_wrong_passwords_then_the_right_one_is_refused_until_the_delay_passes():
    clock = Clock()
    throttle = LoginThrottle({"alice": "right"}, clock=clock)
    assert not any(throttle("alice", f"guess-{i}", "10.0.0.9") for i in range(30))
    assert not throttle("alice", "right", "10.0.0.9")
    clock.now += 10_000
    assert throttle("alice", "right", "10.0.0.9")


def test_the_delay_doubles_with_each_wrong_password_per_user():
    clock = Clock()
    throttle = LoginThrottle({"alice": "right"}, clock=clock)
    waits = []
    for i in range(4):
        assert not throttle("alice", f"guess-{i}", f"10.0.0.{i}")  # a new address each time: the user still waits
        waits.append(throttle.wait_s("alice"))
        clock.now += waits[-1]
    assert waits == [1.0, 2.0, 4.0, 8.0]


def test_one_address_guessing_many_users_waits_too():
    clock = Clock()
    throttle = LoginThrottle({"alice": "right", "bob": "right"}, clock=clock)
    assert not throttle("alice", "guess", "10.0.0.9")
    assert not throttle("bob", "right", "10.0.0.9")  # the address is waiting
    assert throttle("bob", "right", "10.0.0.10")


def test_a_successful_login_clears_the_penalty():
    clock = Clock()
    throttle = LoginThrottle({"alice": "right"}, clock=clock)
    throttle("alice", "wrong", "10.0.0.9")
    clock.now += 1
    assert throttle("alice", "right", "10.0.0.9")
    assert throttle.wait_s("alice", "10.0.0.9") == 0.0
