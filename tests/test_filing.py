"""The filing pack: element-style complaint, preservation application, evidence list, court, fees, checklist."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from assistant import api
from assistant.cli import main as cli_main
from assistant.drafting.filing import complaint_form
from assistant.drafting.filing_docx import filing_pack_to_docx
from assistant.models import DebtType, EvidenceItem, EvidenceKind, Fact

TODAY = date(2026, 12, 6)
LOAN = (
    "我借给张三38万元，借条写明2024年3月1日借款，约定年利率6%，2024年12月31日还。他住在杭州市西湖区，"
    "我住在宁波市鄞州区，现在他正在卖他的房子，我想申请财产保全并起诉。"
)
GOODS = (
    "我们是佛山一家陶瓷厂，给李四的建材公司供了一批瓷砖，货款380000元，2025年6月30日前付清。对方盖章确认了对账单，"
    "一直拖着不付。对方公司位于长沙市岳麓区，我公司位于佛山市禅城区。对方还有一辆货车和别人欠他的应收账款。请帮我准备起诉材料"
)


@pytest.fixture(scope="module")
def loan_pack():
    return api.prepare_filing(LOAN, today=TODAY)


@pytest.fixture(scope="module")
def goods_pack():
    case = api.extract(GOODS, today=TODAY)
    case = case.model_copy(update={
        "debt_type": Fact[DebtType](value=DebtType.goods, origin="user"),
        "debtor": case.debtor.model_copy(update={"name": "李四建材有限公司"}),
        "due_date": Fact[date](value=date(2025, 6, 30), origin="user"),
        "evidence": [EvidenceItem(kind=EvidenceKind.statement_of_account), EvidenceItem(kind=EvidenceKind.delivery_note)],
        "acknowledged": Fact[bool](value=True, origin="user"),
    })
    return api.prepare_filing(GOODS, case, today=TODAY)


def _doc(pack, name):
    return next(d for d in pack.documents if d.name == name)


def _all_text(pack) -> str:
    return "\n".join(d.draft.text for d in pack.documents)


@pytest.mark.parametrize("debt_type", [DebtType.loan, DebtType.goods])
def test_complaint_holds_every_form_element_in_order_filled_or_marked_missing(debt_type, loan_pack, goods_pack):
    pack = loan_pack if debt_type == DebtType.loan else goods_pack
    form = complaint_form(debt_type)
    expected = [(s.section, f.label) for s in form.sections for f in s.fields]
    rows = _doc(pack, "complaint").tables[0].rows
    assert [(r[0], r[1]) for r in rows] == expected
    assert all(r[2].strip() for r in rows)  # each element is filled or shows 【待补充：…】


def test_form_files_record_their_version_and_that_the_2025_revision_is_unconfirmed():
    for debt_type in (DebtType.loan, DebtType.goods):
        prov = complaint_form(debt_type).provenance
        assert "法〔2024〕46号" in prov.first_version and "法〔2025〕82号" in prov.current_version
        assert prov.confirmed_against_official_text is False and "NOT CONFIRMED" in prov.note


def test_loan_pack_names_the_flat_in_the_preservation_application_with_its_articles(loan_pack):
    doc = _doc(loan_pack, "preservation_application")
    assert loan_pack.preservation_recommended
    assert any("房产" in row[1] for row in doc.tables[0].rows)
    assert "第一百零三条" in doc.draft.text and "第一百零四条" in doc.draft.text and "第一百五十二条" in doc.draft.text
    assert "443,090.41" in doc.draft.text  # principal plus protected interest to date


def test_unknown_facts_are_placeholders_with_questions_never_invented(loan_pack):
    complaint = _doc(loan_pack, "complaint").draft.text
    assert "【待补充：原告姓名或名称" in complaint  # the lender's name is not in the narrative
    assert "【待补充：交付方式】" in complaint
    assert any("转账还是现金" in q for q in loan_pack.questions)


def test_competent_courts_are_named_with_their_rules(loan_pack):
    courts = {c.court: c for c in loan_pack.jurisdiction.courts}
    assert set(courts) == {"杭州市西湖区人民法院", "宁波市鄞州区人民法院"}
    assert any(b.article == "第二十二条" for b in courts["杭州市西湖区人民法院"].basis)
    assert any(b.article == "第十八条" and "解释" in b.law for b in courts["宁波市鄞州区人民法院"].basis)
    assert "第二十二条" in _doc(loan_pack, "jurisdiction").draft.text


def test_fees_show_their_formulas(loan_pack):
    assert loan_pack.fees.litigation == Decimal("7946.36")
    rows = _doc(loan_pack, "fees").tables[0].rows
    assert rows[0][2].startswith("50＋") and "×2.5%" in rows[0][2] and "第十三条" in rows[0][3]
    assert any("第十四条" in r[3] and "保全" in r[0] for r in rows)


def test_evidence_list_says_what_each_item_proves(goods_pack):
    rows = _doc(goods_pack, "evidence_list").tables[0].rows
    assert [r[1] for r in rows] == ["对账单（被告盖章）", "送货单/签收单"]
    assert all(r[3] and "【" not in r[3] for r in rows)
    assert all("【待补充：页数】" == r[5] for r in rows)


def test_goods_pack_claims_the_price_under_sale_contract_articles_never_a_loan(goods_pack):
    text = _all_text(goods_pack)
    assert "借款" not in text and "民间借贷" not in text
    assert "货款" in text and "买卖合同纠纷" in text
    for article in ("第五百九十五条", "第六百二十六条", "第五百七十七条"):
        assert article in _doc(goods_pack, "complaint").draft.text
    assert {c.court for c in goods_pack.jurisdiction.courts} == {"长沙市岳麓区人民法院", "佛山市禅城区人民法院"}
    assets = [r[0] for r in _doc(goods_pack, "preservation_application").tables[0].rows]
    assert "车辆" in assets and "到期债权" in assets


def test_every_document_passed_the_checker(loan_pack, goods_pack):
    for pack in (loan_pack, goods_pack):
        assert all(d.draft.report.legal and d.draft.report.checked_chars == len(d.draft.text) for d in pack.documents)


def test_checklist_warns_of_the_thirty_days_after_pre_suit_preservation(loan_pack):
    assert "30日内必须起诉" in _doc(loan_pack, "checklist").draft.text


def test_docx_files_open_and_read_back_with_their_tables(loan_pack, tmp_path):
    paths = filing_pack_to_docx(loan_pack, tmp_path)
    assert len(paths) == len(loan_pack.documents)
    complaint = Document(str(paths[0]))
    table = complaint.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["部分", "要素", "内容"]
    assert table.rows[1].cells[1].text == "原告"
    assert len(table.rows) == 1 + len(_doc(loan_pack, "complaint").tables[0].rows)
    evidence = Document(str(paths[2]))
    assert evidence.tables[0].rows[0].cells[3].text == "证明目的"


def test_cli_file_writes_the_pack(tmp_path, capsys):
    assert cli_main(["file", GOODS, "-o", str(tmp_path), "--debt-type", "goods", "--today", "2026-12-06"]) == 0
    out = capsys.readouterr().out
    assert "买卖合同纠纷" in out and "长沙市岳麓区人民法院" in out
    assert (tmp_path / "01_民事起诉状.docx").exists()


def test_every_form_field_is_filled_by_a_case_fact_or_asks_a_question():
    from assistant.drafting.filing import _Filler

    for debt_type in (DebtType.loan, DebtType.goods):
        for section in complaint_form(debt_type).sections:
            for field in section.fields:
                assert (field.fills and hasattr(_Filler, f"_{field.fills}")) or field.question, field.label


def test_a_debt_type_without_a_form_gets_a_clear_error():
    from assistant.errors import InputError

    case = api.extract("他欠我运费2万元，住在成都市武侯区。", today=TODAY)
    case = case.model_copy(update={"debt_type": Fact[DebtType](value=DebtType.carriage, origin="user")})
    with pytest.raises(InputError):
        api.prepare_filing("他欠我运费2万元", case, today=TODAY)


def test_a_loan_past_its_due_date_does_not_ask_for_early_repayment(loan_pack):
    rows = {r[1]: r[2] for r in _doc(loan_pack, "complaint").tables[0].rows}
    assert rows["3. 是否要求提前还款或解除合同"] == "否（借款已于2024年12月31日到期）"


def test_a_table_cell_the_checker_did_not_see_is_not_written(loan_pack, tmp_path):
    from assistant.drafting.filing_docx import filing_document_to_docx
    from assistant.errors import InputError

    doc = _doc(loan_pack, "evidence_list")
    table = doc.tables[0]
    tampered = table.model_copy(update={"rows": [[*table.rows[0][:3], "不还钱就去单位找他", *table.rows[0][4:]]]})
    with pytest.raises(InputError):
        filing_document_to_docx(doc.model_copy(update={"tables": [tampered]}), tmp_path / "x.docx")
