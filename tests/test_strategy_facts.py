"""Issue 14: the strategy decides over facts — debt type, written acknowledgement, dispute,
reachability, lawfulness — answers plain legal questions, and refuses unlawful requests in the
same answer. One test per bullet of the issue's "Why", plus the source article's worked case.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.intake import extract_case
from assistant.intake.debt import debt_type, is_legal_question, reachable, unlawful_requests
from assistant.law.statutes import get_article
from assistant.models import DebtType, Stage
from assistant.plan.rules import load_strategy_rules
from evals.strategy_eval import minimal_advise, plan_text

TODAY = date(2026, 12, 6)


def advise(narrative: str):  # type: ignore[no-untyped-def]
    return minimal_advise(narrative, TODAY)


# --------------------------------------------------------------------------- intake facts


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("他欠我们货款6万，送货单都签了", DebtType.goods),
        ("客户欠我们设计费3万", DebtType.services),
        ("装修的工程款还差4万", DebtType.works),
        ("物流老板欠我运费4800", DebtType.carriage),
        ("租客欠了两个月租金", DebtType.rent),
        ("包工头欠我劳务费1.1万", DebtType.wages),
        ("借款人不还，我想找保证人要", DebtType.guarantee),
        ("去年借给朋友5万，有借条", DebtType.loan),
    ],
)
def test_the_debt_type_comes_from_the_words(words: str, kind: DebtType) -> None:
    fact = debt_type(words)
    assert fact is not None and fact.value == kind


def test_unanswered_calls_are_not_whereabouts_unknown() -> None:
    case = extract_case("他欠我货款6万，对账单签了字。现在电话不接，微信也把我拉黑了，但他家住哪我知道。", TODAY)
    assert case.reachable is not None and case.reachable.value is True


def test_whereabouts_unknown_makes_the_debtor_unreachable() -> None:
    fact = reachable("借钱的人搬走了不知去向，下落不明。")
    assert fact is not None and fact.value is False


def test_a_stamped_statement_is_a_written_acknowledgement() -> None:
    case = extract_case("对方在对账单上盖章确认欠我们货款9.2万元。", TODAY)
    assert case.acknowledged is not None and case.acknowledged.value is True


# --------------------------------------------------------------------------- the "Why"


def test_a_trade_debt_is_not_treated_as_a_loan() -> None:
    advice = advise(
        "我们给一家公司印包装盒，货款26万，有采购合同、对方签收的送货单和盖章的对账单，9月底就该付，"
        "催了几次都不付。对方老板说“有本事去法院”。"
    )
    assert advice.case.debt_type is not None and advice.case.debt_type.value == DebtType.goods
    assert advice.stage in (Stage.payment_order, Stage.litigation, Stage.lawyer_letter)
    assert "民间借贷" not in plan_text(advice)


def test_an_acknowledged_undisputed_debt_with_a_reachable_debtor_goes_to_a_payment_order() -> None:
    advice = advise("酒店上周用邮件确认欠我们供货尾款96,000元，说付款在排队，已经过了付款期两个月了，酒店照常营业。")
    assert advice.stage == Stage.payment_order
    assert "依据的事实" in advice.stage_reason and "会改变建议的事实" in advice.stage_reason


def test_a_disputed_debt_goes_to_court_never_a_payment_order() -> None:
    advice = advise("我们设计工作室给客户做的方案，最后一期设计费3万，客户拒绝付款，说图纸一直没确认过，还发了好几封邮件列了修改意见。")
    assert advice.stage == Stage.litigation
    assert all(step.stage != Stage.payment_order for step in advice.plan)


def test_an_illegal_debt_is_declined_and_the_threat_refused() -> None:
    advice = advise("朋友在一个赌博APP上输了钱，找我借了5万去回本，我知道他是去赌的。现在他不还，帮我吓唬他让他还钱。")
    assert advice.stage == Stage.decline
    assert advice.drafts == []
    assert "不能按您说的去吓唬" in advice.stage_reason
    assert "不受保护" in advice.stage_reason


def test_unlawful_requests_are_refused_with_the_law_and_the_lawful_route() -> None:
    narrative = "他欠我8万，借条有，到期半年了不还。我想去他孩子学校门口发传单，再每天晚上给他爸妈打电话，让他老婆替他还公司的债。"
    assert set(unlawful_requests(narrative)) == {"exposure", "third_parties", "spouse_business_debt"}
    advice = advise(narrative)
    reason = advice.stage_reason
    assert "第一千零六十四条" in reason and "支付令" in reason and "小额诉讼" in reason
    cited = {b.article for step in advice.plan for b in step.basis}
    assert {"第一千零三十二条", "第一千零六十四条"} <= cited
    plan = "\n".join(f"{s.action} {s.channel}" for s in advice.plan)
    assert "传单" not in plan and "爸妈" not in plan


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("债务人上个月还了5000元，这笔借款四年前就到期了，他还能对剩下的钱主张诉讼时效吗？", "第一百九十二条"),
        ("债务人上个月去世了，他老婆说这笔债跟她没关系，我应该找谁要？", "第一千一百六十一条"),
        ("我能不能用我欠他的退货款抵他欠我的货款？", "第五百六十八条"),
    ],
)
def test_a_legal_question_gets_an_answer_with_the_articles_not_a_ladder(question: str, article: str) -> None:
    assert is_legal_question(question)
    advice = advise(question)
    assert advice.stage == Stage.answer
    assert advice.drafts == []
    assert article in {b.article for step in advice.plan for b in step.basis}


def test_an_expired_debt_gets_a_request_for_acknowledgement_that_never_threatens() -> None:
    advice = advise("2019年借给同学3万，说好2020年底还，这几年一次都没要过，也没有聊天记录。现在他在杭州混得不错，我想跟他要。")
    assert advice.stage == Stage.formal_notice
    assert "确认欠款" in advice.stage_reason and "不作任何威胁" in advice.stage_reason


def test_the_worked_case_sends_the_lawyers_letter_first_then_sues_with_preservation_of_the_car() -> None:
    advice = advise(
        "我们是一家小公司，2026年6月借给一个做个体生意的老板10万元，约定三个月还，有借条和银行转账记录。"
        "到期后他说生意亏了，先拖一拖，后来电话不接、微信也不回了。他名下有一辆车。"
    )
    assert advice.stage == Stage.lawyer_letter
    assert advice.case.reachable is None or advice.case.reachable.value is not False
    later = [s for s in advice.plan if s.stage == Stage.litigation and "财产保全" in s.action]
    assert later and later[0].when > TODAY
    assert all("公告送达" not in s.action for s in advice.plan)


# --------------------------------------------------------------------------- the data


def test_every_answer_and_refusal_article_is_in_the_statute_db() -> None:
    rules = load_strategy_rules()
    refs = [b for t in rules.answer_topics for b in t.basis] + [b for r in rules.refusals.values() for b in r.basis]
    for ref in refs:
        law = rules.laws[ref.law]
        if ref.law in ("civil_code", "cpl"):
            assert get_article(law, ref.article) is not None, (law, ref.article)


# --------------------------------------------------------------------------- failure kinds (blind train batches)


def test_stamped_settlement_of_a_works_debt_goes_to_payment_order():
    # a works debt with its amount in a stamped settlement: the amount is read, the debt is acknowledged
    text = (
        "我们给一家酒店做了空调安装，结算单对方盖了公章，确认工程款尾款12万元，约定9月30日前付清。"
        "到现在没付，对方一直说在走流程，酒店照常营业，地址没变。"
    )
    assert advise(text).stage == Stage.payment_order


def test_confirmation_by_email_in_english_is_an_acknowledgement():
    text = (
        "A packaging client in Ningbo owes us RMB 64,000. Their finance lead wrote on 3 October: 'We confirm the balance "
        "and will pay by 31 October.' Nothing came. Same office, no complaints."
    )
    assert extract_case(text, TODAY).acknowledged is not None
    assert advise(text).stage == Stage.payment_order


def test_client_refusing_acceptance_over_quality_is_a_disputed_debt_for_a_court():
    text = "给一家餐厅做了门头招牌，合同4万，收了1万。老板说灯箱颜色不符合约定，一直不验收，剩下3万不给，还要我们赔。"
    advice = advise(text)
    assert advice.stage == Stage.litigation
    assert "支付令" not in advice.stage_reason


def test_debtor_selling_his_flat_and_leaving_is_sued_with_preservation():
    text = "朋友欠我25万，借条在，今年7月到期。最近发现他房子挂牌卖房了，还说明年要去加拿大定居，我一问他就说卖了再说。"
    advice = advise(text)
    assert advice.stage == Stage.litigation
    assert "财产保全" in plan_text(advice)


def test_stalling_on_wechat_with_nothing_in_writing_calls_for_a_written_demand():
    text = "客户欠我们印刷费2.6万，8月就该付了。我微信上催了好几次，对接人每次都说下周、下周，一直拖着不给。"
    assert advise(text).stage == Stage.formal_notice


def test_written_demand_ignored_by_a_stalling_debtor_calls_for_a_lawyer_letter():
    text = "一家装饰公司欠我们石材货款18万，10月用EMS寄了催款函，对方签收了但没回音，电话里还是说再等等，拖着不付，公司照常营业。"
    assert advise(text).stage == Stage.lawyer_letter


def test_unlawful_request_inside_a_short_question_keeps_the_lawful_stage():
    # a question mark does not make it a legal question when the message asks to do something unlawful
    text = "他欠我1.5万工钱，写了欠条，人在本地。我能不能把他店里的货直接拉走抵账？"
    advice = advise(text)
    assert "detention" not in unlawful_requests(text) and unlawful_requests(text)
    assert advice.stage not in (Stage.answer, Stage.decline)


def test_confining_the_debtor_is_refused():
    text = "那人欠我们8万货款一直躲着，下周他来厂里开会，我们打算把他关在办公室里，不还钱不让走。"
    assert "detention" in unlawful_requests(text)
    assert "非法拘禁" in advise(text).stage_reason


def test_settled_debt_with_a_request_to_shame_is_declined():
    text = "他欠我的钱其实早就还清了，但拖了我很久，我咽不下这口气，帮我写段话发朋友圈曝光他是老赖。"
    assert advise(text).stage == Stage.decline


@pytest.mark.parametrize(
    "text",
    [
        "我们帮人介绍代孕，客户还欠服务费8万不给，能起诉吗？",
        "他让我帮他跑分，用我的银行卡收款转款，欠我提成2万，能告他吗？",
    ],
)
def test_fees_for_an_illegal_service_are_declined(text):
    assert advise(text).stage == Stage.decline


@pytest.mark.parametrize(
    "text",
    [
        "借条和收条有什么区别？",
        "对方在电话里说会还，这算不算承认了债务？",
    ],
)
def test_a_short_legal_question_is_answered(text):
    assert is_legal_question(text)
    assert advise(text).stage == Stage.answer


def test_a_case_asking_for_the_fastest_route_is_not_a_legal_question():
    text = "客户盖章确认欠我们加工费5.2万，10月31日到期没付，对方正常经营，想问走什么程序最快？"
    assert not is_legal_question(text)
