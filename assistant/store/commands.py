"""Maintenance commands of the audit trail (python -m assistant audit-verify | erase | users)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.errors import AssistantError
from assistant.settings import get_settings
from assistant.store.chain import ChainHead, verify_links
from assistant.store.trail import Store


def audit_verify_main(argv: list[str]) -> int:
    """Walk every case's hash chain; print the first broken link. Exit 0 intact, 1 broken, 2 cannot read."""
    parser = argparse.ArgumentParser(prog="python -m assistant audit-verify",
                                     description="verify the audit trail's hash chains (DEBT_DATABASE_URL or DEBT_DATA_DIR)")
    parser.add_argument("--export", type=Path, help="also check a case export: its own links, and that its head is still in the trail")
    args = parser.parse_args(argv)
    try:
        expected = None
        if args.export:
            exported = json.loads(args.export.read_text(encoding="utf-8"))
            expected = ChainHead.model_validate(exported["chain_head"])
            broken = verify_links(expected.chain, exported["trail"])
            if broken or exported["trail"][-1]["hash"] != expected.hash:
                print(f"断链 / BROKEN export {args.export}: {broken or 'head does not match its last link'}")
                return 1
        store = Store()
        verdict = store.verify_trail(expected)
        store.close()
    except (AssistantError, OSError, ValueError, KeyError, IndexError) as exc:
        print(f"错误 / error: {getattr(exc, 'user_message', exc)}", file=sys.stderr)
        return 2
    print(verdict.line())
    return 0 if verdict.ok else 1


def erase_main(argv: list[str]) -> int:
    """An admin erases the debtor's personal data from a closed case after the retention period (PIPL art. 47)."""
    parser = argparse.ArgumentParser(prog="python -m assistant erase",
                                     description="erase a closed case's personal data after the retention period")
    parser.add_argument("case_id", type=int)
    parser.add_argument("--admin", required=True, help="the admin user doing it (recorded in the trail)")
    parser.add_argument("--retention-days", type=int, default=None, help="default: DEBT_RETENTION_DAYS")
    args = parser.parse_args(argv)
    days = get_settings().retention_days if args.retention_days is None else args.retention_days
    try:
        store = Store()
        erased = store.erase_case(args.case_id, retention_days=days, user=args.admin)
        verdict = store.verify_trail()
        store.close()
    except AssistantError as exc:
        print(f"错误 / error: {exc.user_message}", file=sys.stderr)
        return 2
    print(f"已删除案件 #{args.case_id} 的个人信息（{erased} 条记录）/ erased {erased} rows; trail: {verdict.line()}")
    return 0 if verdict.ok else 1
