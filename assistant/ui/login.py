"""Logins for the web app: accounts from DEBT_USERS with their roles, and throttling of wrong passwords.

Each wrong password doubles the wait before the next attempt for that user and for that address
(1 s, 2 s, 4 s … up to 15 min); during the wait every attempt is refused, the right password too.
"""

from __future__ import annotations

import hmac
import sys
import threading
import time
from collections.abc import Callable

from assistant.errors import InputError

ROLES = ("creditor", "lawyer", "admin")
DEFAULT_ROLE = "creditor"


def parse_users(spec: str) -> list[tuple[str, str, str]]:
    """'alice:pw,bob:pw:lawyer,root:pw:admin' -> [(user, password, role)]; malformed entries are an error."""
    users = []
    for entry in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, rest = entry.partition(":")
        password, role = rest, DEFAULT_ROLE
        head, colon, tail = rest.rpartition(":")
        if colon and tail in ROLES:
            password, role = head, tail
        if not sep or not name.strip() or not password:
            raise InputError("DEBT_USERS 格式应为 user:password[:role],… / expected user:password[:creditor|lawyer|admin] entries")
        users.append((name.strip(), password, role))
    return users


class LoginThrottle:
    """Gradio's auth callable: checks the password unless the user or the address is waiting out a penalty."""

    def __init__(self, accounts: dict[str, str], *, base_s: float = 1.0, cap_s: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._accounts = accounts
        self._base, self._cap, self._clock = base_s, cap_s, clock
        self._failures: dict[tuple[str, str], int] = {}
        self._blocked_until: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def __call__(self, username: str, password: str, address: str | None = None) -> bool:
        address = address or _request_address() or "unknown"
        keys = [("user", username), ("address", address)]
        now = self._clock()
        with self._lock:
            if any(self._blocked_until.get(k, 0.0) > now for k in keys):
                return False
            known = self._accounts.get(username)
            ok = known is not None and hmac.compare_digest(known.encode(), password.encode())
            for key in keys:
                if ok:
                    self._failures.pop(key, None)
                    self._blocked_until.pop(key, None)
                else:
                    failures = self._failures.get(key, 0) + 1
                    self._failures[key] = failures
                    self._blocked_until[key] = now + min(self._cap, self._base * 2 ** (failures - 1))
            return ok

    def wait_s(self, username: str, address: str = "unknown") -> float:
        now = self._clock()
        return max(0.0, *(self._blocked_until.get(k, 0.0) - now for k in (("user", username), ("address", address))))


def _request_address() -> str | None:
    """The client address of the login request: Gradio calls auth(username, password) from its /login handler,
    whose `request` is found one or two frames up."""
    frame = sys._getframe(1)
    for _ in range(6):
        if frame is None:
            return None
        request = frame.f_locals.get("request")
        client = getattr(request, "client", None)
        if client is not None and getattr(client, "host", None):
            return str(client.host)
        frame = frame.f_back
    return None
