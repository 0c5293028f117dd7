"""The filing pack for the litigation and payment-order stages, filled only from the case.

It holds the element-style complaint (要素式起诉状, knowledge/forms/*.yaml, fields in the form's order), a
财产保全申请书 (民事诉讼法第一百零三条、第一百零四条; security 民诉法解释第一百五十二条), an evidence list (证据清单),
the fees with their formulas (诉讼费用交纳办法) and a filing checklist. A fact the case does not supply becomes a
visible placeholder 【待补充：…】 with its question; nothing is invented. Drafting renders; the checker certifies
each document's text, and every table cell is also a line of that text, so nothing unchecked reaches a file.

The pack's papers travel as DraftKind.complaint (the court-paper kind) with their own document name: the
letter-template registry requires a template for every DraftKind, and these papers are built from form data.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from pydantic import Field

from assistant.drafting.values import format_date, money
from assistant.errors import InputError
from assistant.models import (
    Case,
    CheckedDraft,
    CourtFees,
    DebtType,
    Draft,
    DraftKind,
    EvidenceKind,
    LegalPosition,
    Model,
    Tone,
)
from assistant.position import court_fees
from assistant.position.jurisdiction import Jurisdiction, competent_courts
from assistant.position.tables import court_fee_table
from assistant.settings import KNOWLEDGE_DIR
from assistant.text.datafiles import load_model

__all__ = [
    "CheckedFilingDocument",
    "CheckedFilingPack",
    "FilingDocument",
    "FilingPack",
    "FilingTable",
    "build_filing_pack",
    "complaint_form",
    "missing",
]

CIVIL_CODE = "中华人民共和国民法典"
PRESERVATION_DEADLINE_DAYS = 30  # 民事诉讼法第一百零四条第三款: sue within 30 days of pre-suit preservation
# The addressee is the competent court when the rules of jurisdiction name exactly one; with a choice it stays the
# plaintiff's (民事诉讼法第三十六条), the courts and their rules being in the pack's jurisdiction table. (The checker's
# `addressee` cue knows a court on the line after 此致 is the addressee, not the sender speaking as a court.)
ADDRESSEE = "【待补充：受诉法院（从管辖法院表中选择）】"


def missing(label: str) -> str:
    """The visible placeholder for a fact the case does not supply."""
    return f"【待补充：{label}】"


# --------------------------------------------------------------------------- form data


class FormField(Model):
    label: str
    fills: str | None = None
    question: str | None = None


class FormSection(Model):
    section: str
    fields: list[FormField]


class FormProvenance(Model):
    issued_by: str
    first_version: str
    current_version: str
    follows: str
    confirmed_against_official_text: bool
    note: str


class ComplaintForm(Model):
    form: str
    title: str
    case_type: str
    debt_types: list[DebtType]
    provenance: FormProvenance
    sections: list[FormSection]


_FORM_FILES = {DebtType.loan: "private_lending.yaml", DebtType.goods: "sale_contract.yaml"}


def complaint_form(debt_type: DebtType, directory: Path = KNOWLEDGE_DIR) -> ComplaintForm | None:
    """The element-style form for the debt type, or None when no official form is kept for it."""
    name = _FORM_FILES.get(debt_type)
    return None if name is None else load_model(directory / "forms" / name, ComplaintForm)


# --------------------------------------------------------------------------- the pack


class FilingTable(Model):
    title: str
    header: list[str]
    rows: list[list[str]]


class FilingDocument(Model):
    name: str  # complaint, preservation_application, evidence_list, fees, checklist, jurisdiction
    draft: Draft
    tables: list[FilingTable] = Field(default_factory=list)


class CheckedFilingDocument(Model):
    name: str
    draft: CheckedDraft
    tables: list[FilingTable] = Field(default_factory=list)


class FilingPack(Model):
    debt_type: DebtType
    case_type: str
    form_note: str  # which form version the complaint follows, and whether it was confirmed
    jurisdiction: Jurisdiction
    fees: CourtFees | None
    preservation_recommended: bool
    documents: list[FilingDocument]
    questions: list[str] = Field(default_factory=list)  # one per placeholder, in document order


class CheckedFilingPack(Model):
    """The pack after the checker: each document's text carries its own verdict."""

    debt_type: DebtType
    case_type: str
    form_note: str
    jurisdiction: Jurisdiction
    fees: CourtFees | None
    preservation_recommended: bool
    documents: list[CheckedFilingDocument]
    questions: list[str] = Field(default_factory=list)


_TERMS = {
    DebtType.loan: {"money": "借款", "party_c": "出借人", "party_d": "借款人", "case_type": "民间借贷纠纷"},
    DebtType.goods: {"money": "货款", "party_c": "出卖人", "party_d": "买受人", "case_type": "买卖合同纠纷"},
}
_CLAIM_BASIS = {
    DebtType.loan: [("第六百六十七条", "借款合同"), ("第六百七十五条", "按期返还借款"), ("第六百七十六条", "逾期利息")],
    DebtType.goods: [("第五百九十五条", "买卖合同"), ("第六百二十六条", "按约定支付价款"), ("第五百七十七条", "违约责任")],
}
_EVIDENCE = {
    # kind: (loan name, goods name, source, loan purpose, goods purpose, original?)
    EvidenceKind.iou: ("借条", "欠条", "被告出具，原告持有", "双方存在借贷关系及借款金额、期限", "被告确认所欠货款数额", "原件"),
    EvidenceKind.contract: ("借款合同", "买卖合同/订货单", "双方签订，原告持有", "借款金额、期限、利率等约定", "买卖标的、价款及付款期限的约定", "原件"),
    EvidenceKind.transfer_record: ("银行转账记录", "银行收付款记录", "银行出具", "原告已实际交付款项", "被告已付款项及欠付数额", "银行盖章件"),
    EvidenceKind.chat_record: ("微信/短信聊天记录", "微信/短信聊天记录", "原告手机", "被告认可欠款及原告催收", "被告认可欠款及原告催收", "打印件（原始载体当庭核对）"),
    EvidenceKind.recording: ("通话录音及文字整理", "通话录音及文字整理", "原告录制", "被告认可欠款", "被告认可欠款", "录音载体及文字稿"),
    EvidenceKind.witness: ("证人证言", "证人证言", "证人", "借款交付等事实", "交货及欠款事实", "证人出庭"),
    EvidenceKind.receipt: ("收条", "收货确认", "被告出具", "被告已收到借款", "被告已收到货物", "原件"),
    EvidenceKind.delivery_note: ("签收单", "送货单/签收单", "被告签收", "款项交付", "原告已按约交货、被告已签收", "原件"),
    EvidenceKind.statement_of_account: ("还款确认函", "对账单（被告盖章）", "被告出具", "被告确认欠款数额", "双方对账确认的欠付货款数额", "原件"),
    EvidenceKind.invoice: ("发票", "增值税发票", "原告开具", "相关款项", "原告已开票、交易真实", "复印件（原件备查）"),
    EvidenceKind.other: ("其他证据", "其他证据", missing("来源"), missing("证明目的"), missing("证明目的"), missing("原件或复印件")),
}
_ASSETS = [
    (re.compile(r"房子|房产|住房|商品房|卖房|那套房|一套房"), "不动产", "被申请人名下房产", "房屋坐落地址及不动产权证号"),
    (re.compile(r"车辆|汽车|货车|轿车|一辆车|开的车"), "车辆", "被申请人名下车辆", "车牌号及停放地"),
    (re.compile(r"存款|银行账户|账户"), "银行存款", "被申请人名下银行存款", "开户行及账号"),
    (re.compile(r"应收账款|应收款|别人欠他|别人欠其"), "到期债权", "被申请人对第三人的到期债权（应收账款）", "第三人名称及债权数额"),
    (re.compile(r"租金|出租"), "租金收益", "被申请人的租金收入", "承租人及租金数额"),
]
_DISSIPATION = re.compile(r"卖房|卖掉|出售|变卖|转移财产|转移资产|过户|低价转让|要跑|准备出国|保全")


def _party(case: Case, which: str) -> str:
    party = case.creditor if which == "creditor" else case.debtor
    if party.name:
        return f"{party.name}（{missing('身份证号码或统一社会信用代码、住所、联系电话')}）"
    role = "原告" if which == "creditor" else "被告"
    return missing(f"{role}姓名或名称、身份证号码或统一社会信用代码、住所、联系电话")


class _Filler:
    """Fills the form's fields from the case; records one question per placeholder."""

    def __init__(self, case: Case, position: LegalPosition, jurisdiction: Jurisdiction, debt_type: DebtType,
                 preservation: bool) -> None:
        self.case, self.position, self.jurisdiction = case, position, jurisdiction
        self.debt_type, self.preservation = debt_type, preservation
        self.t = _TERMS[debt_type]
        self.questions: list[str] = []

    def ask(self, label: str, question: str) -> str:
        self.questions.append(question)
        return missing(label)

    def interest_to_date(self) -> Decimal | None:
        interest = self.position.interest
        if self.debt_type == DebtType.loan and interest is not None:
            return interest.protected_interest_to_date
        return None

    def total(self) -> Decimal | None:
        base = self.case.outstanding
        if base is None:
            return None
        return base + (self.interest_to_date() or Decimal(0))

    def value(self, field: FormField) -> str:
        if field.fills is None:
            return self.ask(field.label.split(" ", 1)[-1], field.question or f"请补充：{field.label}")
        method = getattr(self, f"_{field.fills}")
        return method()

    # one method per `fills` key in knowledge/forms/*.yaml
    def _creditor(self) -> str:
        if not self.case.creditor.name:
            self.questions.append("原告（您）的姓名或名称、身份证号码或统一社会信用代码、住所和联系电话？")
        return _party(self.case, "creditor")

    def _debtor(self) -> str:
        if not self.case.debtor.name:
            self.questions.append("被告的姓名或名称、身份证号码或统一社会信用代码、住所和联系电话？")
        return _party(self.case, "debtor")

    def _outstanding(self) -> str:
        if self.case.outstanding is None:
            return self.ask(f"尚欠{self.t['money']}金额", f"对方尚欠的{self.t['money']}是多少？")
        return f"请求判令被告支付{self.t['money']}{money(self.case.outstanding, 'zh', words=True)}"

    def _interest(self) -> str:
        case, due = self.case, self.case.due_date
        if self.debt_type == DebtType.loan and self.position.interest is not None and self.position.interest.protected_percent:
            ip = self.position.interest
            start = case.loan_date.value if case.loan_date else None
            start_text = format_date(start, "zh") if start else self.ask("起算日", "利息从哪一天起算（借款交付之日）？")
            text = (f"以{money(case.outstanding, 'zh') if case.outstanding is not None else missing('本金')}为基数，"
                    f"自{start_text}起按年利率{ip.protected_percent}%计至实际清偿之日止")
            if ip.above_cap:
                text += f"（约定利率超过法律保护上限，按上限年利率{ip.cap_percent}%主张）"
            if ip.protected_interest_to_date is not None:
                text += f"；暂计至{format_date(case.today, 'zh')}为{money(ip.protected_interest_to_date, 'zh')}"
            return text
        if self.case.rate is not None and self.debt_type == DebtType.goods:
            start = format_date(due.value, "zh") if due else self.ask("逾期付款起算日", "约定的付款期限是哪一天？逾期付款利息从次日起算。")
            return f"以欠付货款为基数，自{start}次日起按约定年利率{self.case.rate.annual_percent}%计付逾期付款利息至实际付清之日止"
        return self.ask(
            "利息或违约金的标准、起算日及暂计金额",
            "是否约定了利率或逾期付款违约金？从哪一天起算？（未约定的，可主张按同期全国银行间同业拆借中心公布的贷款市场报价利率计算的逾期付款损失）",
        )

    def _early_repayment(self) -> str:
        due = self.case.due_date
        if due is not None and due.value < self.case.today:
            return f"否（借款已于{format_date(due.value, 'zh')}到期）"
        return self.ask("是否要求提前还款或解除合同", "借款是否已到期？未到期的，是否依约要求提前还款或解除合同？")

    def _security(self) -> str:
        parts = []
        if self.case.guarantor is not None and self.case.guarantor.value:
            parts.append(f"要求保证人{missing('保证人姓名')}承担保证责任")
        if self.case.collateral is not None and self.case.collateral.value:
            parts.append(f"就抵押/质押财产{missing('担保物')}优先受偿")
        if parts:
            return "；".join(parts)
        if self.case.guarantor is None and self.case.collateral is None:
            return self.ask("有无保证人或抵押、质押", "这笔债有没有保证人、抵押或质押？")
        return "否（无担保）"

    def _costs(self) -> str:
        return "本案诉讼费、保全费由被告负担"

    def _total(self) -> str:
        total = self.total()
        if total is None:
            return self.ask("标的总额", f"请求的{self.t['money']}及利息合计多少？")
        interest = self.interest_to_date()
        formula = f"{self.t['money']}{money(self.case.outstanding, 'zh')}"
        if interest:
            formula += f"＋暂计至{format_date(self.case.today, 'zh')}的利息{money(interest, 'zh')}"
        return f"{money(total, 'zh', words=True)}（{formula}）"

    def _claim_basis(self) -> str:
        arts = "、".join(a for a, _ in _CLAIM_BASIS[self.debt_type])
        return f"《{CIVIL_CODE}》{arts}"

    def _agreed_jurisdiction(self) -> str:
        j = self.jurisdiction
        if j.arbitration:
            return j.explanation
        agreed = [c for c in j.courts if "协议管辖" in c.ground]
        if agreed:
            return f"有，约定由{agreed[0].court}管辖"
        return self.ask("有无仲裁或管辖约定", "合同（借条、订单）是否约定了管辖法院或仲裁机构？")

    def _preservation(self) -> str:
        if self.preservation:
            return "是，申请对被告财产采取保全措施（另附财产保全申请书）"
        return self.ask("是否申请财产保全", "是否申请财产保全？被告有哪些可供保全的财产（房产、车辆、存款、应收款）？")

    def _contract(self) -> str:
        kinds = {e.kind for e in self.case.evidence}
        names = [_EVIDENCE[k][0 if self.debt_type == DebtType.loan else 1] for k in
                 (EvidenceKind.contract, EvidenceKind.iou, EvidenceKind.statement_of_account) if k in kinds]
        when = format_date(self.case.loan_date.value, "zh") if self.case.loan_date else None
        if not names:
            return self.ask("合同名称、编号、签订时间和地点", "双方签了什么书面合同或凭证（名称、编号）？何时何地签订？")
        return f"{'、'.join(names)}；签订时间：{when or self.ask('签订时间', '合同或凭证的签订时间？')}；签订地点：{self.ask('签订地点', '在哪里签订？')}"

    def _parties(self) -> str:
        c = self.case.creditor.name or missing("原告")
        d = self.case.debtor.name or missing("被告")
        return f"{self.t['party_c']}：{c}；{self.t['party_d']}：{d}"

    def _principal(self) -> str:
        if self.case.principal is None:
            return self.ask("借款金额", "约定借款多少？实际交付多少？")
        agreed = money(self.case.principal.value, "zh")
        lent = self.case.principal_lent
        text = f"约定借款{agreed}，实际交付{money(lent, 'zh')}" if lent is not None else f"约定借款{agreed}"
        if self.case.interest_deducted_upfront:
            text += "（预先扣除的利息不计入本金）"
        return text

    def _term(self) -> str:
        due = self.case.due_date
        if self.debt_type == DebtType.goods:
            price = money(self.case.principal.value, "zh") if self.case.principal else self.ask("价款", "合同约定的价款总额？")
            pay = format_date(due.value, "zh") if due else self.ask("付款期限及方式", "约定何时、以何种方式付款？")
            return f"价款{price}；付款期限：{pay}"
        start = format_date(self.case.loan_date.value, "zh") if self.case.loan_date else self.ask("借款起始日", "借款是哪天给的？")
        end = format_date(due.value, "zh") if due else self.ask("还款期限", "约定哪天还款？没有约定的，是否催告过并给了合理期限？")
        return f"自{start}至{end}"

    def _rate(self) -> str:
        if self.case.rate is None:
            return self.ask("借款利率", "是否约定利息？利率多少？（未约定利息的视为没有利息）")
        return f"年利率{self.case.rate.annual_percent}%"

    def _delivery(self) -> str:
        kinds = {e.kind for e in self.case.evidence}
        if self.debt_type == DebtType.goods:
            if kinds & {EvidenceKind.delivery_note, EvidenceKind.statement_of_account}:
                return "原告已交付货物，被告已签收或对账确认"
            return self.ask("交货及验收情况", "货物何时交付？被告是否签收、验收，有无质量异议？")
        when = format_date(self.case.loan_date.value, "zh") if self.case.loan_date else self.ask("交付时间", "借款哪天交付？")
        how = "银行转账" if EvidenceKind.transfer_record in kinds else self.ask("交付方式", "借款是转账还是现金交付？")
        return f"{when}，以{how}方式交付"

    def _repaid(self) -> str:
        if self.case.repaid is not None:
            return f"被告已支付{money(self.case.repaid.value, 'zh')}，余款未付"
        return self.ask("已还款情况", f"对方已经还过多少{self.t['money']}？一分没还的请注明。")

    def _demands(self) -> str:
        demands = [c for c in self.case.contacts if c.kind == "demand"]
        if demands:
            dates = "、".join(format_date(c.when, "zh") for c in demands if c.when) or "多次"
            return f"逾期未付，原告于{dates}催收，被告至今未付"
        return self.ask("逾期及催收情况", "到期后您何时、以什么方式催过款？对方怎么回应？")

    def _collateral(self) -> str:
        if self.case.collateral is None:
            return self.ask("有无抵押、质押", "有没有签订抵押或质押合同？是否办理了登记？")
        return "是" if self.case.collateral.value else "否"

    def _guarantor(self) -> str:
        if self.case.guarantor is None:
            return self.ask("有无保证人", "有没有人作保证人？是一般保证还是连带责任保证？")
        return "是" if self.case.guarantor.value else "否"

    def _acknowledgement(self) -> str:
        if self.case.acknowledged is not None and self.case.acknowledged.value:
            return "被告已书面确认欠款数额"
        return "无"

    def _evidence_summary(self) -> str:
        return f"详见证据清单，共{max(len(self.case.evidence), 1)}项"


def _draft(title: str, text: str, blanks: list[str]) -> Draft:
    return Draft(kind=DraftKind.complaint, language="zh", tone=Tone.formal, title=title, text=text, blanks=blanks)


def _lines_of(table: FilingTable) -> list[str]:
    # each row is also a line of the checked text (cells joined by ｜), so the checker sees every cell
    return ["｜".join(table.header)] + ["｜".join(row) for row in table.rows]


def _signature(role: str, case: Case) -> list[str]:
    return ["", f"{role}：{case.creditor.name or missing(role + '签名或盖章')}", missing("日期")]


def _addressee(j: Jurisdiction) -> str:
    named = [c.court for c in j.courts if "【" not in c.court]
    return named[0] if len(named) == 1 else ADDRESSEE


def _complaint(form: ComplaintForm, filler: _Filler, court: str) -> FilingDocument:
    rows: list[list[str]] = []
    for section in form.sections:
        for field in section.fields:
            rows.append([section.section, field.label, filler.value(field)])
    table = FilingTable(title=form.title, header=["部分", "要素", "内容"], rows=rows)
    lines = [f"案由：{form.case_type}", *_lines_of(table), "", "此致", _addressee(filler.jurisdiction), *_signature("具状人", filler.case)]
    blanks = [r[1] for r in rows if "【待补充" in r[2]]
    return FilingDocument(name="complaint", draft=_draft(form.title, "\n".join(lines), blanks), tables=[table])


def _assets(case: Case) -> list[list[str]]:
    rows = [[kind, what, missing(where)] for pattern, kind, what, where in _ASSETS if pattern.search(case.narrative)]
    return rows or [[missing("财产类型"), missing("被申请人的财产（房产、车辆、存款、应收款、租金）"), missing("财产所在地及线索")]]


def _preservation(case: Case, filler: _Filler, court: str) -> FilingDocument:
    amount = filler.total()
    amount_text = money(amount, "zh", words=True) if amount is not None else filler.ask("申请保全数额", "申请保全的金额是多少？")
    table = FilingTable(title="被申请人财产线索", header=["财产类型", "财产", "所在地及线索"], rows=_assets(case))
    for row in table.rows:
        filler.questions.append(f"{row[1]}：请提供{row[2].strip('【】').removeprefix('待补充：')}。")
    lines = [
        f"申请人：{_party(case, 'creditor')}",
        f"被申请人：{_party(case, 'debtor')}",
        "请求事项：",
        f"请求依法查封、扣押、冻结被申请人名下价值{amount_text}的财产。",
        "财产线索：",
        *_lines_of(table),
        "事实与理由：",
        f"申请人与被申请人因{filler.t['case_type']}，申请人已经或即将向有管辖权的人民法院（{court}）提起诉讼，请求被申请人支付{filler.t['money']}。"
        "被申请人可能处分上述财产，致使将来判决难以执行。",
        "诉讼中申请的，依据《中华人民共和国民事诉讼法》第一百零三条；情况紧急、在起诉前申请的，依据该法第一百零四条，"
        f"并应在法院采取保全措施后{PRESERVATION_DEADLINE_DAYS}日内起诉。",
        "担保：诉前申请财产保全的，申请人应当提供相当于请求保全数额的担保；诉讼中由法院根据案件情况决定是否提供担保及数额"
        f"（《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第一百五十二条）。申请人拟提供的担保：{missing('担保方式（现金、保函、保险保单保函或财产）及数额')}。",
        "",
        "此致",
        _addressee(filler.jurisdiction),
        *_signature("申请人", case),
    ]
    filler.questions.append("您准备以何种方式提供保全担保（现金、银行保函、保险公司保单保函或其他财产），金额多少？")
    blanks = [r[2] for r in table.rows] + ["担保方式及数额"]
    return FilingDocument(name="preservation_application", draft=_draft("财产保全申请书", "\n".join(lines), blanks), tables=[table])


def _evidence_list(case: Case, filler: _Filler) -> FilingDocument:
    goods = filler.debt_type == DebtType.goods
    rows = []
    for i, item in enumerate(case.evidence, 1):
        loan_name, goods_name, source, loan_purpose, goods_purpose, original = _EVIDENCE[item.kind]
        rows.append([str(i), goods_name if goods else loan_name, source, goods_purpose if goods else loan_purpose, original, missing("页数")])
    if not rows:
        rows.append(["1", missing("证据名称"), missing("来源"), missing("证明目的"), missing("原件或复印件"), missing("页数")])
        filler.questions.append("您手上有哪些证据（借条/合同、转账记录、送货单、对账单、聊天记录）？")
    filler.questions.append("每份证据各有几页？请按清单顺序编页码。")
    table = FilingTable(title="证据清单", header=["序号", "证据名称", "证据来源", "证明目的", "原件/复印件", "页数"], rows=rows)
    lines = [f"案由：{filler.t['case_type']}", f"提交人：{case.creditor.name or missing('原告')}", *_lines_of(table),
             *_signature("提交人", case)]
    return FilingDocument(name="evidence_list", draft=_draft("证据清单", "\n".join(lines), ["页数"]), tables=[table])


def _plain(amount: Decimal) -> str:
    text = f"{amount:.2f}"
    return text[:-3] if text.endswith(".00") else text


def _fee_formula(schedule, amount: Decimal) -> str:  # type: ignore[no-untyped-def]
    parts = [f"{schedule.flat.fee}"]
    for band in schedule.bands:
        if amount > band.over:
            top = amount if band.up_to is None else min(amount, band.up_to)
            parts.append(f"({_plain(top)}－{_plain(band.over)})×{band.percent}%")
    text = "＋".join(parts)
    if schedule.maximum is not None:
        text += f"，最高{schedule.maximum}元"
    return text


def _fees(filler: _Filler) -> tuple[FilingDocument, CourtFees | None]:
    amount = filler.total()
    if amount is None:
        filler.questions.append("请求总额是多少？诉讼费按请求金额计算。")
        lines = [f"诉讼费用：{missing('请求金额')}，金额确定后按《诉讼费用交纳办法》第十三条分段累计计算。"]
        return FilingDocument(name="fees", draft=_draft("诉讼费用计算", "\n".join(lines), ["请求金额"])), None
    fees = court_fees(amount)
    table_data = court_fee_table()
    lit = _fee_formula(table_data.litigation.schedule, amount)
    rows = [
        ["案件受理费（普通程序）", f"{money(fees.litigation, 'zh')}", f"{lit}", "《诉讼费用交纳办法》第十三条"],
        ["适用简易程序减半", f"{money(fees.simple_procedure, 'zh')}", f"{fees.litigation}÷{table_data.simple_procedure.divisor}", "《诉讼费用交纳办法》第十六条"],
        ["支付令申请费", f"{money(fees.payment_order, 'zh')}", f"{fees.litigation}÷{table_data.payment_order.divisor}", "《诉讼费用交纳办法》第十四条"],
        ["财产保全申请费", f"{money(fees.preservation, 'zh')}", _fee_formula(table_data.preservation.schedule, amount), "《诉讼费用交纳办法》第十四条"],
    ]
    table = FilingTable(title="诉讼费用", header=["费用", "金额", "计算公式", "依据"], rows=rows)
    lines = [f"请求金额：{money(amount, 'zh')}", *_lines_of(table),
             "说明：保全申请费按实际保全的财产数额计算，上表按请求金额估算；实际收费以法院交费通知为准。"]
    return FilingDocument(name="fees", draft=_draft("诉讼费用计算", "\n".join(lines), []), tables=[table]), fees


def _jurisdiction_doc(j: Jurisdiction) -> FilingDocument:
    rows = [[c.court, c.ground, "；".join(f"《{b.law}》{b.article}" for b in c.basis)] for c in j.courts]
    table = FilingTable(title="管辖法院", header=["法院", "管辖依据", "条文"], rows=rows)
    lines = [*_lines_of(table), f"级别管辖：{j.level}（《中华人民共和国民事诉讼法》第十八条）", j.explanation]
    lines += [f"待确认：{q}" for q in j.questions]
    blanks = [c.court for c in j.courts if "【待补充" in c.court]
    return FilingDocument(name="jurisdiction", draft=_draft("管辖法院", "\n".join(lines), blanks), tables=[table])


def _checklist(case: Case, j: Jurisdiction, preservation: bool, court: str) -> FilingDocument:
    company = case.creditor.kind.value == "company"
    rows = [
        ["1", "起诉状正本一份，并按被告人数提交副本（《中华人民共和国民事诉讼法》第一百二十三条）", "必备"],
        ["2", "营业执照副本复印件、法定代表人身份证明书及身份证复印件" if company else "原告身份证复印件", "必备"],
        ["3", "被告身份信息（身份证号码或统一社会信用代码、住所）", "必备"],
        ["4", "送达地址确认书（含是否同意电子送达）", "必备"],
        ["5", "证据清单及证据复印件（按被告人数加一份），原件开庭时核对", "必备"],
        ["6", "委托律师的：授权委托书、律师事务所函、律师执业证复印件", "委托时"],
        ["7", f"向受诉法院（{court}）递交起诉材料，或在网上立案", "必备"],
    ]
    if preservation:
        rows.append(["8", "财产保全申请书、财产线索及担保材料；诉前保全的，法院采取保全措施后"
                     f"{PRESERVATION_DEADLINE_DAYS}日内必须起诉，否则法院解除保全（《中华人民共和国民事诉讼法》第一百零四条）", "期限"])
    table = FilingTable(title="立案清单", header=["序号", "材料或事项", "要求"], rows=rows)
    return FilingDocument(name="checklist", draft=_draft("立案材料清单", "\n".join(_lines_of(table)), []), tables=[table])


def build_filing_pack(case: Case, position: LegalPosition, *, jurisdiction: Jurisdiction | None = None) -> FilingPack:
    """The filing pack for a money claim, unchecked (the checker step certifies each document)."""
    debt_type = case.debt_type.value if case.debt_type else DebtType.loan
    if debt_type not in _TERMS:
        raise InputError(f"暂不支持该类债务的起诉材料：{debt_type.value} / no filing form for this debt type yet")
    if not position.protected:
        raise InputError("该债务不受法律保护，不能准备起诉材料 / the debt is not protected by law: no filing pack")
    form = complaint_form(debt_type)
    assert form is not None  # every type in _TERMS has a form file
    j = jurisdiction or competent_courts(case)
    named = [c.court for c in j.courts if "【" not in c.court]
    court = "或".join(named) if named else missing("受诉人民法院")
    preservation = bool(_DISSIPATION.search(case.narrative)) or bool(case.debtor_has_assets and case.debtor_has_assets.value)
    filler = _Filler(case, position, j, debt_type, preservation)
    docs = [_complaint(form, filler, court)]
    docs.append(_preservation(case, filler, court))
    docs.append(_evidence_list(case, filler))
    fee_doc, fees = _fees(filler)
    docs += [fee_doc, _jurisdiction_doc(j), _checklist(case, j, preservation, court)]
    note = (f"{form.provenance.follows}；现行版本：{form.provenance.current_version}；"
            f"{'已' if form.provenance.confirmed_against_official_text else '未'}与官方文本核对")
    if _addressee(j) == ADDRESSEE:
        filler.questions.append("向哪一个有管辖权的法院起诉（见管辖法院表）？")
    questions = list(dict.fromkeys(j.questions + filler.questions))
    return FilingPack(
        debt_type=debt_type, case_type=form.case_type, form_note=note, jurisdiction=j, fees=fees,
        preservation_recommended=preservation, documents=docs, questions=questions,
    )
