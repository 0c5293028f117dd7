"""Bulk input and per-account triage, without Ray: the spreadsheet, the column mapping, row errors, priority."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from assistant.bulk.ledger import Ledger
from assistant.bulk.portfolio import MAPPING_FILE, AccountRow, load_mapping, read_accounts, read_messages
from assistant.bulk.priority import load_weights, priority
from assistant.bulk.synthetic import message_log, portfolio
from assistant.bulk.triage import case_from_row, triage_account
from assistant.errors import InputError
from assistant.models import Category, ContactStatus, EvidenceKind, PartyKind, Stage
from assistant.position import legal_position

TODAY = date(2026, 11, 28)


def _account(**changes) -> AccountRow:
    values = dict(row=2, account="A1", debtor="王伟", principal=Decimal(50000), rate_percent=Decimal(12),
                  loan_date=date(2024, 1, 5), due_date=date(2024, 7, 5), evidence=[EvidenceKind.iou])
    return AccountRow(**{**values, **changes})


def test_a_csv_in_the_standard_columns_becomes_typed_accounts(tmp_path):
    path = tmp_path / "accounts.csv"
    pd.DataFrame([{"account": "001", "debtor": "王伟", "principal": "5万", "rate": "15.4%", "due_date": "2025年3月1日",
                   "evidence": "借条、转账记录", "contact_status": "失联", "debtor_kind": "个体户", "notes": "电话不接"}]).to_csv(path, index=False)
    [row], errors = read_accounts(path)
    assert errors == []
    assert (row.row, row.account, row.principal, row.rate_percent, row.due_date) == (2, "001", Decimal(50000), Decimal("15.4"), date(2025, 3, 1))
    assert row.evidence == [EvidenceKind.iou, EvidenceKind.transfer_record]
    assert (row.contact_status, row.debtor_kind) == (ContactStatus.unreachable, PartyKind.sole_trader)


def test_a_lenders_own_xlsx_export_is_read_through_its_column_mapping(tmp_path):
    path = tmp_path / "export.xlsx"
    pd.DataFrame([{"借据编号": "L-9", "客户": "李娜", "贷款余额": "12000", "约定到期": "2025/06/30"}]).to_excel(path, index=False)
    lender = tmp_path / "lender.yaml"
    with pytest.raises(InputError, match="principal"):
        read_accounts(path)
    text = MAPPING_FILE.read_text(encoding="utf-8")
    text = text.replace("account: [account,", "account: [借据编号, account,").replace("debtor: [debtor,", "debtor: [客户, debtor,")
    text = text.replace("principal: [principal,", "principal: [贷款余额, principal,").replace("due_date: [due_date,", "due_date: [约定到期, due_date,")
    lender.write_text(text, encoding="utf-8")
    [row], errors = read_accounts(path, load_mapping(lender))
    assert (row.account, row.debtor, row.principal, row.due_date) == ("L-9", "李娜", Decimal(12000), date(2025, 6, 30))


def test_each_bad_row_gets_an_error_with_its_spreadsheet_row_number_and_the_rest_are_read(tmp_path):
    path = tmp_path / "accounts.csv"
    pd.DataFrame([
        {"account": "A1", "principal": "1000", "due_date": "2025-01-01", "evidence": ""},
        {"account": "A2", "principal": "一些钱", "due_date": "2025-01-01", "evidence": ""},
        {"account": "A3", "principal": "1000", "due_date": "下个月", "evidence": ""},
        {"account": "", "principal": "1000", "due_date": "2025-01-01", "evidence": ""},
        {"account": "A1", "principal": "2000", "due_date": "2025-01-01", "evidence": ""},
        {"account": "A6", "principal": "-5", "due_date": "2025-01-01", "evidence": ""},
        {"account": "A7", "principal": "1000", "due_date": "2025-01-01", "evidence": "口头约定"},
        {"account": "A8", "principal": "1000", "due_date": "2025-02-30", "evidence": ""},
        {"account": "A9", "principal": "3000", "due_date": "2025-01-01", "evidence": "借条"},
    ]).to_csv(path, index=False)
    accounts, errors = read_accounts(path)
    assert [a.account for a in accounts] == ["A1", "A9"]
    assert [(e.row, e.account) for e in errors] == [(3, "A2"), (4, "A3"), (5, ""), (6, "A1"), (7, "A6"), (8, "A7"), (9, "A8")]
    assert "principal" in errors[0].message and "due_date" in errors[1].message and "row 2" in errors[3].message


def test_a_file_that_is_not_a_spreadsheet_is_an_input_error(tmp_path):
    path = tmp_path / "accounts.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="CSV"):
        read_accounts(path)


def test_the_synthetic_portfolio_is_the_same_for_the_same_seed_and_mixes_in_the_bad_rows_asked_for(tmp_path):
    first, second = portfolio(300, bad_rows=12), portfolio(300, bad_rows=12)
    assert first.equals(second)
    assert not first.equals(portfolio(300, seed=8, bad_rows=12))
    first.to_csv(tmp_path / "p.csv", index=False)
    accounts, errors = read_accounts(tmp_path / "p.csv")
    assert (len(accounts), len(errors)) == (300, 12)
    assert message_log(500).equals(message_log(500)) and len(message_log(500)) == 500


def test_the_columns_win_over_the_notes_and_the_notes_still_speak_for_the_debtor():
    case = case_from_row(_account(notes="他借了我3万，说失业了，电话也不接。"), TODAY)
    assert case.principal.value == Decimal(50000) and case.principal.origin == "user"
    assert case.due_date.value == date(2024, 7, 5)
    assert case.contact_status.value == ContactStatus.evasive  # read from the notes
    assert [e.kind for e in case.evidence] == [EvidenceKind.iou]


def test_an_account_is_triaged_like_a_single_case_with_its_documents_checked():
    result, files = triage_account(_account(notes="他说生意失败，但朋友圈常去旅游，电话不接。"), TODAY)
    assert result.stage != Stage.decline and result.protected
    shipped = [d for d in result.documents if d.shipped]
    assert shipped and sorted(files) == sorted(d.file for d in shipped)
    assert all(data[:2] == b"PK" for data in files.values())  # .docx is a zip
    assert result.recoverable >= result.outstanding == Decimal(50000)


def test_the_priority_shows_its_parts_and_they_add_up_to_the_score():
    result, _ = triage_account(_account(), TODAY, documents=False)
    parts = {p.part: p.points for p in result.priority.parts}
    assert set(parts) == {"amount", "limitation", "category", "cost"}
    assert result.priority.score == pytest.approx(sum(parts.values()), abs=0.02)
    assert all(p.reason for p in result.priority.parts)


def test_an_account_within_ninety_days_of_its_limitation_deadline_sorts_first():
    # due 2023-12-20: three years run to 2026-12-20, 22 days after TODAY (民法典第一百八十八条)
    near = legal_position(case_from_row(_account(principal=Decimal(300), due_date=date(2023, 12, 20), loan_date=None), TODAY))
    far = legal_position(case_from_row(_account(principal=Decimal(500000), due_date=date(2026, 6, 1)), TODAY))
    urgent = priority(near, Category.hardship, Stage.formal_notice)
    big = priority(far, Category.bad_faith, Stage.formal_notice)
    assert urgent.urgent and not big.urgent and big.score > urgent.score
    assert sorted([big, urgent], key=lambda p: p.sort_key())[0] is urgent
    assert near.limitation.days_left <= load_weights().urgent_days


def test_a_dear_court_route_costs_priority_points():
    position = legal_position(case_from_row(_account(principal=Decimal(3000)), TODAY))
    letter = priority(position, Category.bad_faith, Stage.lawyer_letter)
    lawsuit = priority(position, Category.bad_faith, Stage.litigation)
    assert {p.part: p.points for p in lawsuit.parts}["cost"] < 0 == {p.part: p.points for p in letter.parts}["cost"]


def test_a_message_log_row_without_a_time_or_text_is_a_row_error(tmp_path):
    path = tmp_path / "messages.csv"
    pd.DataFrame([
        {"account": "A1", "time": "2026-10-01 10:00", "text": "请按时还款"},
        {"account": "A1", "time": "昨天", "text": "请按时还款"},
        {"account": "A2", "time": "2026-10-01 10:00", "text": ""},
    ]).to_csv(path, index=False)
    messages, errors = read_messages(path)
    assert [m.row for m in messages] == [2] and [e.row for e in errors] == [3, 4]


def test_the_ledger_numbers_each_run_and_refuses_an_output_directory_of_another_input(tmp_path):
    ledger = Ledger(tmp_path / "progress.sqlite")
    assert [ledger.begin("input-a", "2026-11-28"), ledger.begin("input-a", "2026-11-28")] == [1, 2]
    with pytest.raises(InputError, match="another input"):
        ledger.begin("input-b", "2026-11-28")
    with pytest.raises(InputError, match="another input"):
        ledger.begin("input-a", "2026-12-01")
