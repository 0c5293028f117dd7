"""The values a letter template is filled with, taken only from the case, the position and the strategy.

An unknown fact is never guessed: it becomes a marked blank (【债务人姓名：待填写】 /
[DEBTOR NAME: to fill in]) and its label is recorded, so the draft can list what is left to fill.
Money is shown to the fen, and in formal documents also in capital numerals (大写).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from assistant.drafting.templates import DebtWording, TemplateRegistry
from assistant.models import Case, DebtType, DraftKind, EvidenceKind, LegalPosition, NegotiationPlan
from assistant.plan.negotiation import instalment_plan
from assistant.plan.strategy import Strategy, document_basis, load_strategy_rules
from assistant.position.jurisdiction import competent_courts

__all__ = ["DraftValues", "build_values", "amount_in_words", "money", "format_date", "blank"]

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ["", "拾", "佰", "仟"]
_BIG = ["", "万", "亿"]

EVIDENCE_NAMES: dict[EvidenceKind, tuple[str, str]] = {
    EvidenceKind.iou: ("借条/欠条", "IOU"),
    EvidenceKind.contract: ("借款合同", "loan contract"),
    EvidenceKind.delivery_note: ("送货单/签收单", "delivery notes"),
    EvidenceKind.statement_of_account: ("对账单/确认函", "statement of account"),
    EvidenceKind.invoice: ("发票", "invoices"),
    EvidenceKind.transfer_record: ("银行转账记录", "bank transfer records"),
    EvidenceKind.chat_record: ("微信/短信聊天记录", "WeChat/SMS chat records"),
    EvidenceKind.recording: ("通话录音", "call recordings"),
    EvidenceKind.witness: ("证人证言", "witness statements"),
    EvidenceKind.receipt: ("收条", "receipt"),
    EvidenceKind.other: ("其他书面材料", "other documents"),
}
# a trade debt's paper names (the contract is the sale, service, lease … contract; an IOU is a 欠条)
TRADE_EVIDENCE_NAMES: dict[EvidenceKind, tuple[str, str]] = {
    EvidenceKind.iou: ("欠条", "written acknowledgement of the debt"),
    EvidenceKind.contract: ("合同/订单", "contract or order"),
    EvidenceKind.transfer_record: ("银行收付款记录", "bank records"),
}
# amounts written out in capitals (大写) in formal letters, agreements and court papers
_WORDS_KINDS = set(DraftKind) - {DraftKind.sms_reminder, DraftKind.email}
LETTER_KINDS = {DraftKind.sms_reminder, DraftKind.email, DraftKind.demand_letter, DraftKind.lawyer_letter}


def amount_in_words(amount: Decimal) -> str:
    """50000 -> 伍万元整; 12345.67 -> 壹万贰仟叁佰肆拾伍元陆角柒分 (the capital form used on Chinese documents)."""
    cents = int((Decimal(amount) * 100).quantize(Decimal(1)))
    if cents < 0:
        raise ValueError("negative amount")
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    words = _integer_words(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    return words


def _integer_words(n: int) -> str:
    groups: list[int] = []
    while n:
        groups.append(n % 10_000)
        n //= 10_000
    out = ""
    zero_pending = False
    for idx in range(len(groups) - 1, -1, -1):
        group = groups[idx]
        if group == 0:
            zero_pending = bool(out)
            continue
        part = ""
        for pos in range(3, -1, -1):
            digit = group // 10**pos % 10
            if digit:
                if zero_pending and (part or out):
                    part += "零"
                part += _DIGITS[digit] + _SMALL[pos]
                zero_pending = False
            elif part or out:
                zero_pending = True
        out += part + _BIG[idx]
        zero_pending = group % 10 == 0
    return out


def money(amount: Decimal, language: str, *, words: bool = False) -> str:
    if language == "en":
        return f"RMB {amount:,.2f}"
    text = f"{amount:,.2f}元"
    return f"人民币{text}（大写：{amount_in_words(amount)}）" if words else text


def format_date(day: date, language: str) -> str:
    return f"{day:%d %B %Y}".lstrip("0") if language == "en" else f"{day.year}年{day.month}月{day.day}日"


def blank(label: str, language: str) -> str:
    return f"[{label}: to fill in]" if language == "en" else f"【{label}：待填写】"


@dataclass
class DraftValues:
    text: dict[str, str] = field(default_factory=dict)
    blanks: dict[str, list[str]] = field(default_factory=dict)  # variable -> labels left blank in it

    def blanks_for(self, variables: list[str]) -> list[str]:
        out: list[str] = []
        for name in variables:
            for label in self.blanks.get(name, []):
                if label not in out:
                    out.append(label)
        return out


def build_values(
    kind: DraftKind, case: Case, position: LegalPosition, strategy: Strategy, language: str, registry: TemplateRegistry
) -> DraftValues:
    out = DraftValues()

    wording = registry.catalogue.wording(fact(case.debt_type))
    labels = wording.labels

    def put(name: str, value: str | None, *, inner_blanks: list[str] | None = None, label: str | None = None) -> None:
        if value is None:
            label = label or registry.blank_label(name, language)
            out.text[name], out.blanks[name] = blank(label, language), [label]
        else:
            out.text[name], out.blanks[name] = value, list(inner_blanks or [])

    principal = fact(case.principal)
    outstanding = position.outstanding if position.outstanding is not None else case.outstanding
    repaid = fact(case.repaid)
    loan_date, due = fact(case.loan_date), fact(case.due_date)
    deadline = case.today + timedelta(days=load_strategy_rules().thresholds.demand_deadline_days)

    put("creditor_name", case.creditor.name)
    put("debtor_name", case.debtor.name)
    for name in ("creditor_id_number", "debtor_id_number", "creditor_address", "debtor_address", "creditor_phone"):
        put(name, None)  # never in a case narrative we keep: the creditor fills them in
    for name in ("payment_account", "law_firm", "lawyer_name", "lawyer_phone", "letter_number"):
        put(name, None)
    put("loan_date", format_date(loan_date, language) if loan_date else None)
    put("due_date", format_date(due, language) if due else None, label=getattr(labels.due, language))
    put("principal", money(principal, language) if principal is not None else None)
    put("principal_words", money(principal, language, words=True) if principal is not None else None)
    owed_label = getattr(labels.owed, language)
    put("outstanding", money(outstanding, language) if outstanding is not None else None, label=owed_label)
    put("outstanding_words", money(outstanding, language, words=True) if outstanding is not None else None, label=owed_label)
    put("deadline", format_date(deadline, language))
    put("letter_date", format_date(case.today, language))
    put("repaid_clause", _repaid_clause(principal, fact(case.interest_deducted_upfront), repaid, language))
    put("interest_clause", _interest_clause(case, position, language))
    put("cap_clause", _cap_clause(position, language))
    debt_type = fact(case.debt_type)
    put("basis_sentence", _basis_sentence(kind, language, registry, debt_type, getattr(wording.duty, language)))
    _debt_words(put, kind, case, wording, registry, language)
    put("court", _court(case))

    evidence = _evidence_list(case, language, wording.trade)
    put("evidence_list", evidence)
    facts, facts_blanks = _facts(case, position, wording, registry)
    put("facts", facts, inner_blanks=facts_blanks)
    put("claims", _claims(kind, case, position, wording))

    plan = strategy.negotiation or (
        instalment_plan(outstanding, case.today, has_guarantor=fact(case.guarantor) is True, language=case.language)
        if outstanding
        else None
    )
    _agreement_values(put, plan, outstanding, case, registry)
    return out


def fact(f):  # type: ignore[no-untyped-def]
    return None if f is None else f.value


def _debt_words(put, kind: DraftKind, case: Case, wording: DebtWording, registry: TemplateRegistry, language: str) -> None:  # type: ignore[no-untyped-def]
    """The debt's own words (_catalogue.yaml `debt_types`): a sale is 货款 the buyer pays, never a loan."""
    lang = language if language in ("zh", "en") else "zh"
    voice = getattr(registry.catalogue.voices[kind], lang)
    you, we = voice[2:] if wording.trade else voice[:2]
    creditor = case.creditor.name or blank(registry.blank_label("creditor_name", lang), lang)
    we = we.format(creditor_name=creditor)
    blanks: list[str] = []

    def known(value: str | None, label: str) -> str:
        if value is not None:
            return value
        blanks.append(label)
        return blank(label, lang)

    start = fact(case.loan_date)
    principal = fact(case.principal)
    labels = wording.labels
    origin = getattr(wording.origin, lang).format(
        debtor=you,
        creditor=we,
        start=known(format_date(start, lang) if start else None, getattr(labels.start, lang)),
        amount=known(money(principal, lang, words=kind in _WORDS_KINDS) if principal is not None else None,
                     getattr(labels.amount, lang)),
    )
    put("debt_origin", origin, inner_blanks=blanks)
    put("debt_name", getattr(wording.money, lang))
    put("owed_name", getattr(wording.owed, lang))
    put("pay_verb", getattr(wording.pay, lang))
    put("settle", getattr(wording.settle, lang))
    put("unpaid", getattr(wording.unpaid, lang))
    put("you", you)
    put("we", we)
    put("creditor_role", wording.roles[0])
    put("debtor_role", wording.roles[1])


def _court(case: Case) -> str | None:
    """The addressee of a court paper: the competent court when the rules of jurisdiction name exactly one
    (民事诉讼法第二十二条、第二十四条); with a choice, or none known, it stays a blank for the creditor."""
    named = [c.court for c in competent_courts(case).courts if "【" not in c.court]
    return named[0] if len(named) == 1 else None


def _interest_clause(case: Case, position: LegalPosition, language: str) -> str:
    interest = position.interest
    if case.rate is None or interest is None or interest.protected_percent is None:
        return ""  # no agreed interest: none is claimed (民法典第六百八十条第二款)
    pct = f"{interest.protected_percent.normalize():f}%"
    to_date = interest.protected_interest_to_date
    if language == "en":
        extra = f" (RMB {to_date:,.2f} as of {format_date(case.today, 'en')})" if to_date else ""
        return f"Interest runs at {pct} a year{extra} until payment in full. "
    extra = f"（截至{format_date(case.today, 'zh')}为{money(to_date, 'zh')}）" if to_date else ""
    return f"利息按年利率{pct}计算{extra}，计至实际清偿之日止。"


def _cap_clause(position: LegalPosition, language: str) -> str:
    interest = position.interest
    if interest is None or not interest.above_cap:
        return ""
    cap = f"{interest.cap_percent.normalize():f}%"
    agreed = f"{interest.agreed_percent.normalize():f}%" if interest.agreed_percent is not None else ""
    if language == "en":
        return f"The agreed rate of {agreed} a year exceeds the legal cap of {cap} a year, so the excess is not protected and is not claimed. "
    return f"双方约定的年利率{agreed}超过法律保护的上限（年利率{cap}），超出部分不予主张。"


def _laws_text(kind: DraftKind, debt_type: DebtType | None = None) -> str:
    groups: dict[str, list[str]] = {}
    for basis in document_basis(kind, debt_type):
        groups.setdefault(basis.law, []).append(basis.article)
    parts = []
    for law, articles in groups.items():
        title = law.replace("《", "〈").replace("》", "〉")
        parts.append(f"《{title}》" + "、".join(articles))
    return "、".join(parts)


def _basis_sentence(kind: DraftKind, language: str, registry: TemplateRegistry, debt_type: DebtType | None,
                    duty: str) -> str:  # fmt: skip
    laws = _laws_text(kind, debt_type)
    if not laws:
        return ""
    which = "letter" if kind in LETTER_KINDS else "document"
    return getattr(registry.catalogue.basis_sentences[which], language).format(laws=laws, duty=duty)


def _evidence_list(case: Case, language: str, trade: bool = False) -> str | None:
    kinds: list[EvidenceKind] = []
    for item in case.evidence:
        if item.kind not in kinds:
            kinds.append(item.kind)
    if not kinds:
        return None
    idx = 0 if language != "en" else 1
    names = {**EVIDENCE_NAMES, **TRADE_EVIDENCE_NAMES} if trade else EVIDENCE_NAMES
    return "\n".join(f"{i}. {names[k][idx]}" for i, k in enumerate(kinds, start=1))


def _facts(case: Case, position: LegalPosition, wording: DebtWording, registry: TemplateRegistry) -> tuple[str, list[str]]:
    """The facts-and-reasons paragraph of a court paper (Chinese only), in the debt's own words."""
    blanks: list[str] = []

    def part(value: str | None, label: str) -> str:
        if value is not None:
            return value
        blanks.append(label)
        return blank(label, "zh")

    loan_date, due = case.loan_date, case.due_date
    principal, outstanding = case.principal, position.outstanding
    labels = wording.labels
    debtor = part(case.debtor.name, registry.blank_label("debtor_name", "zh"))
    creditor = part(case.creditor.name, registry.blank_label("creditor_name", "zh"))
    text = wording.facts.format(
        start=part(format_date(loan_date.value, "zh") if loan_date else None, labels.start.zh),
        debtor=debtor,
        creditor=creditor,
        amount=part(money(principal.value, "zh") if principal else None, labels.amount.zh),
        voucher=_voucher(case, wording.trade),
        due=part(format_date(due.value, "zh") if due else None, labels.due.zh),
    )
    if case.interest_deducted_upfront and principal and not wording.trade:
        upfront = case.interest_deducted_upfront.value
        text += f"借款时{creditor}预先扣除利息{money(upfront, 'zh')}，实际出借{money(principal.value - upfront, 'zh')}。"
    if case.repaid and case.repaid.value:
        text += f"其后{debtor}{wording.pay.zh}{money(case.repaid.value, 'zh')}。"
    if any(c.kind == "demand" for c in case.contacts):
        text += f"经{creditor}多次催要，"
    owed = part(money(outstanding, "zh") if outstanding is not None else None, labels.owed.zh)
    text += f"{debtor}至今尚欠{wording.owed.zh}{owed}{wording.unpaid.zh}。"
    return text, blanks


def _voucher(case: Case, trade: bool) -> str:
    """The paper the debt rests on, as the facts paragraph names it."""
    kinds = {e.kind for e in case.evidence}
    if not trade:
        return "，并出具借条" if EvidenceKind.iou in kinds else "，双方签订借款合同" if EvidenceKind.contract in kinds else ""
    if EvidenceKind.statement_of_account in kinds or fact(case.acknowledged) is True:
        return "，经双方对账确认"  # 对账单 / 确认函: the debtor's written acknowledgement (民法典第一百九十五条)
    if EvidenceKind.delivery_note in kinds:
        return "，有送货单（签收单）为证"
    return ""


def _repaid_clause(principal, upfront, repaid, language: str) -> str:  # type: ignore[no-untyped-def]
    """What reduced the debt since the loan: interest deducted in advance (砍头息: the principal is what
    was actually lent, 民间借贷规定第二十六条) and repayments, so the letter's arithmetic adds up."""
    zh = language == "zh"
    parts = []
    if upfront and principal is not None:
        lent = money(principal - upfront, language)
        parts.append(
            f"借款时预先扣除利息{money(upfront, language)}，本金依法按实际出借的{lent}计算，" if zh
            else f"Interest of {money(upfront, language)} was deducted in advance, so the principal is the {lent} actually lent. "
        )
    if repaid:
        parts.append(f"其后已归还{money(repaid, language)}，" if zh else f"You have since repaid {money(repaid, language)}. ")
    return "".join(parts)


def _claims(kind: DraftKind, case: Case, position: LegalPosition, wording: DebtWording) -> str | None:
    outstanding = position.outstanding
    if outstanding is None:
        return None
    court = kind == DraftKind.complaint
    who = "被告" if court else "被申请人"
    lines = [f"{'判令' if court else '请求贵院向被申请人发出支付令，督促'}{who}{wording.claim}{money(outstanding, 'zh', words=True)}；"]
    interest = position.interest
    if not wording.trade and case.rate is not None and interest is not None and interest.protected_percent is not None:
        start = format_date(case.loan_date.value, "zh") if case.loan_date else "借款之日"
        pct = f"{interest.protected_percent.normalize():f}%"
        lines.append(
            f"{'判令' if court else '督促'}{who}支付利息（以尚欠本金为基数，按年利率{pct}，自{start}起计算至实际清偿之日止）；"
        )
    elif wording.trade:
        lines += _late_payment_claim(case, court, who, wording)
    lines.append(f"本案{'诉讼费用由被告' if court else '申请费用由被申请人'}负担。")
    return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1))


def _late_payment_claim(case: Case, court: bool, who: str, wording: DebtWording) -> list[str]:
    """Late payment of a trade debt: the agreed rate, or in a lawsuit the loss at the one-year LPR from the day
    after the due date (民法典第五百七十七条、第五百八十四条). Without a due date the start is not guessed."""
    due = fact(case.due_date)
    if due is None:
        return []
    start = format_date(due + timedelta(days=1), "zh")
    base = f"以欠付{wording.owed.zh}为基数"
    if case.rate is not None:
        pct = f"{case.rate.annual_percent.normalize():f}%"
        verb = "判令" if court else "督促"
        return [f"{verb}{who}支付逾期付款利息（{base}，按约定年利率{pct}，自{start}起计算至实际付清之日止）；"]
    if not court:
        return []  # a payment order claims only sums fixed by the creditor's papers
    return [f"判令被告赔偿逾期付款损失（{base}，自{start}起按全国银行间同业拆借中心公布的一年期贷款市场报价利率计算至实际付清之日止）；"]


def _agreement_values(  # type: ignore[no-untyped-def]
    put, plan: NegotiationPlan | None, outstanding: Decimal | None, case: Case, registry: TemplateRegistry
) -> None:
    if plan is None:
        for name in ("total_due", "down_payment", "instalment_schedule"):
            put(name, None)
    else:
        total = money(plan.total, "zh", words=True)
        if outstanding is not None and plan.total > outstanding:
            # say what the total is made of: principal plus the interest the law protects to date
            total += f"（其中本金{money(outstanding, 'zh')}，截至{format_date(case.today, 'zh')}的利息{money(plan.total - outstanding, 'zh')}）"
        put("total_due", total)
        put("down_payment", money(plan.down_payment, "zh", words=True))
        rows = [f"第{i}期：{format_date(p.due, 'zh')}前支付{money(p.amount, 'zh')}；" for i, p in enumerate(plan.instalments, 1)]
        put("instalment_schedule", "\n".join(rows) if rows else "（无其余款项）")
    put(
        "acceleration_clause",
        "乙方任何一期逾期超过十五日未付的，剩余全部款项立即到期，甲方有权要求乙方一次性清偿，并一并主张依法可主张的利息。",
    )
    wording = registry.catalogue.wording(fact(case.debt_type))
    put("concessions_clause", f"乙方按本协议按期足额履行全部{wording.settle.zh}义务的，甲方同意不再主张违约金；{wording.owed.zh}不予减免。")
    label = registry.blank_label("guarantor_name", "zh")
    put(
        "guarantor_clause",
        f"保证人{blank(label, 'zh')}自愿对乙方在本协议项下的全部债务承担连带保证责任，保证期间为主债务履行期限届满之日起六个月，并在本协议上签字。",
        inner_blanks=[label],
    )
    put("guarantor_name", None)
    put("final_due_date", None)  # a lump-sum date is for the parties to agree, never assumed
