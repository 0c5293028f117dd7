"""Which court may hear the claim: territorial and level jurisdiction over the case facts, each rule with its article.

Rules, in the order a court applies them:
- a written arbitration agreement keeps the claim out of court (民事诉讼法第一百二十七条第二项);
- a written agreed-court clause names the court, within level rules (民事诉讼法第三十五条);
- otherwise a contract claim may go to the defendant's domicile (第二十二条, 第二十四条) or the place of performance
  (第二十四条); for a money claim with no agreed place that is where the receiving party is (民诉法解释第十八条第二款;
  for loans also 民间借贷规定第三条); where both courts are competent the plaintiff chooses (第三十六条);
- first instance is at the basic people's court (第十八条) unless the amount reaches the intermediate courts' threshold.
A fact the case does not give is never assumed: it becomes the question that decides it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pydantic import Field

from assistant.models import Basis, Case, DebtType, Model
from assistant.position.tables import CPL, CPL_INTERPRETATION, LENDING

__all__ = ["CourtOption", "Jurisdiction", "JurisdictionFacts", "competent_courts", "jurisdiction_facts"]

# 最高人民法院关于调整中级人民法院管辖第一审民事案件标准的通知（法发〔2021〕27号）: below 1亿 (one party outside the
# province) a first-instance money claim stays at the basic court; at or above it the level must be checked.
INTERMEDIATE_THRESHOLD = Decimal("100000000")

_PLACE = r"([\u4e00-\u9fa5]{2,16}?(?:省[\u4e00-\u9fa5]{2,8}?)?(?:市|州|盟)?[\u4e00-\u9fa5]{0,8}?(?:区|县|旗|市))"
_DEBTOR_PLACE = re.compile(
    r"(?:他|她|对方|被告|债务人|借款人|买方|对方公司|其|该公司)(?:家)?(?:住在|住|家住|住所地在|住所地为|住址在|位于|在)" + _PLACE
)
_CREDITOR_PLACE = re.compile(r"(?:我|我们|我方|我公司|本公司|原告)(?:家)?(?:住在|家住|住所地在|住所地为|位于|在)" + _PLACE)
_AGREED_COURT = re.compile(r"约定(?:由|在)?([\u4e00-\u9fa5]{2,30}?人民法院)管辖")
_ARBITRATION = re.compile(r"(?:约定|仲裁条款|仲裁协议)[^。；]{0,20}?([\u4e00-\u9fa5]{2,20}?仲裁委员会)")


class JurisdictionFacts(Model):
    defendant_domicile: str | None = None  # 住所地 or 经常居住地 (a place at county level)
    plaintiff_domicile: str | None = None  # the receiving party's place for a money claim
    agreed_court: str | None = None  # a written clause naming a court
    arbitration_body: str | None = None  # a written arbitration agreement
    agreed_performance_place: str | None = None
    claim_amount: Decimal | None = None


class CourtOption(Model):
    court: str
    ground: str
    basis: list[Basis] = Field(default_factory=list)


class Jurisdiction(Model):
    courts: list[CourtOption] = Field(default_factory=list)
    level: str = ""
    level_basis: list[Basis] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)  # the first one decides most
    arbitration: bool = False
    explanation: str = ""

    @property
    def decided(self) -> bool:
        return bool(self.courts) and not self.arbitration


def jurisdiction_facts(case: Case, **given: str | None) -> JurisdictionFacts:
    """What the narrative says about places and clauses; keyword arguments (from the user's answers) take precedence."""
    text = case.narrative
    found: dict[str, str | Decimal | None] = {}
    if m := _DEBTOR_PLACE.search(text):
        found["defendant_domicile"] = m.group(1)
    if m := _CREDITOR_PLACE.search(text):
        found["plaintiff_domicile"] = m.group(1)
    if m := _AGREED_COURT.search(text):
        found["agreed_court"] = m.group(1)
    if m := _ARBITRATION.search(text):
        found["arbitration_body"] = m.group(1)
    found.update({k: v for k, v in given.items() if v})
    found["claim_amount"] = case.outstanding
    return JurisdictionFacts(**found)


def _court_of(place: str) -> str:
    return place if place.endswith("法院") else f"{place}人民法院"


def competent_courts(case: Case, facts: JurisdictionFacts | None = None) -> Jurisdiction:
    """The competent court(s) with the rule for each, or the question that decides it."""
    facts = facts or jurisdiction_facts(case)
    result = Jurisdiction()
    _level(result, facts.claim_amount)
    if facts.arbitration_body:
        result.arbitration = True
        result.explanation = f"双方书面约定由{facts.arbitration_body}仲裁，应向该仲裁机构申请仲裁，人民法院不予受理起诉。"
        result.questions.append("仲裁协议是否书面订立且有效（约定了明确的仲裁机构）？如协议无效，可向有管辖权的人民法院起诉。")
        result.level_basis.append(Basis(law=CPL, article="第一百二十七条", note="第二项：书面仲裁协议约定仲裁的，告知向仲裁机构申请"))
        return result
    if facts.agreed_court:
        result.courts.append(CourtOption(
            court=facts.agreed_court,
            ground="书面协议管辖：合同约定的法院（须与争议有实际联系，且不违反级别管辖和专属管辖）",
            basis=[Basis(law=CPL, article="第三十五条", note="书面协议选择与争议有实际联系的地点的法院管辖")],
        ))
        result.questions.append("管辖约定是否写在书面合同中，所约定法院所在地是否为被告住所地、合同履行地、签订地、原告住所地等与争议有实际联系的地点？")
        result.explanation = f"合同书面约定由{facts.agreed_court}管辖，应向该院起诉。"
        return result
    defendant = CourtOption(
        court=_court_of(facts.defendant_domicile) if facts.defendant_domicile else "【待补充：被告住所地人民法院】",
        ground="被告住所地（自然人以户籍地为住所，经常居住地与住所不一致的以经常居住地；法人以主要办事机构所在地）",
        basis=[
            Basis(law=CPL, article="第二十二条", note="对公民、法人提起的诉讼由被告住所地法院管辖"),
            Basis(law=CPL, article="第二十四条", note="合同纠纷由被告住所地或者合同履行地法院管辖"),
        ],
    )
    performance_basis = [
        Basis(law=CPL, article="第二十四条", note="合同纠纷由被告住所地或者合同履行地法院管辖"),
        Basis(law=CPL_INTERPRETATION, article="第十八条", note="第二款：未约定履行地、争议标的为给付货币的，接收货币一方所在地为履行地"),
    ]
    is_loan = case.debt_type is None or case.debt_type.value == DebtType.loan
    if is_loan:
        performance_basis.append(Basis(law=LENDING, article="第三条", note="民间借贷未约定履行地的，以接受货币一方所在地为履行地"))
    place = facts.agreed_performance_place or facts.plaintiff_domicile
    performance = CourtOption(
        court=_court_of(place) if place else "【待补充：原告（收款方）所在地人民法院】",
        ground=(
            "合同约定的履行地" if facts.agreed_performance_place else
            "合同履行地：请求给付货币且未约定履行地的，以接收货币一方（原告）所在地为合同履行地"
        ),
        basis=performance_basis,
    )
    result.courts = [defendant, performance]
    if not facts.defendant_domicile:
        result.questions.append("被告的住所地在哪里（身份证上的户籍地址，或连续居住一年以上的经常居住地；公司为主要办事机构所在地）？")
    if not place:
        result.questions.append("您（收款方）的住所地在哪里？合同是否约定了付款地点或管辖法院、仲裁机构？")
    result.explanation = (
        "未约定管辖时，被告住所地法院和合同履行地（收款方所在地）法院都有管辖权，原告可以选择其中一个起诉；"
        "向两个法院起诉的，由最先立案的法院管辖。"
    )
    result.level_basis.append(Basis(law=CPL, article="第三十六条", note="两个以上法院都有管辖权的，原告可以选择其中一个起诉"))
    return result


def _level(result: Jurisdiction, amount: Decimal | None) -> None:
    result.level_basis.append(Basis(law=CPL, article="第十八条", note="基层人民法院管辖第一审民事案件，法律另有规定的除外"))
    if amount is None:
        result.level = "基层人民法院（标的额待确定）"
        result.questions.append("请求的金额是多少？金额决定级别管辖、诉讼费和能否适用小额诉讼程序。")
    elif amount < INTERMEDIATE_THRESHOLD:
        result.level = "基层人民法院（标的额低于中级人民法院管辖第一审民事案件的标准）"
    else:
        result.level = "标的额较大，可能由中级人民法院管辖第一审"
        result.questions.append("双方住所地是否都在受诉法院所在省份？标的额达到中级人民法院管辖标准的，应向中级人民法院起诉。")
