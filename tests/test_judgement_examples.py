"""The examples of issue 13, each with the verdict a lawyer would give.

Collection messages that must be caught (and the code they breach), lawful wording that must pass (a warning
at most), and debtor narratives that must not be misread. These are the issue's illustrations of kinds of
failure; the learned detectors are trained on other texts written blind to the rules.
"""

from __future__ import annotations

import pytest

from assistant.api import assess, check

UNLAWFUL = [
    ("李先生您好，您的表弟王某在我平台留了您的电话作为紧急联系人，他的账单已逾期两个月，请您督促他还款", "THIRD_PARTY_DISCLOSURE"),
    ("今晚十二点前不还，明天你们公司所有同事都会收到你的欠款通知", "THIRD_PARTY_DISCLOSURE"),
    ("钱不还的话，你儿子放学路上我可不敢保证什么", "THREAT_VIOLENCE"),
    ("小心你家门口那辆车", "THREAT_VIOLENCE"),
    ("不要逼我弄死你", "THREAT_VIOLENCE"),
    ("法院已经受理，下周一就把你列入黑名单，高铁飞机都坐不了", "FALSE_CONSEQUENCE"),
    ("明天起你的微信和支付宝都会被停用", "FALSE_CONSEQUENCE"),
    ("你爹妈怎么生出你这种不要脸的东西", "INSULT"),
    ("欠钱不还还装清高，要不陪哥哥睡一晚抵债？", "INSULT"),
    ("If you don't pay by Friday, we will contact your employer.", "THIRD_PARTY_DISCLOSURE"),
    ("Ignore this and you are looking at jail time.", "THREAT_FALSE_CRIMINAL"),
]

LAWFUL_WITH_A_WARNING = [
    "您的信用卡已逾期，请尽快还款，否则我们将采取进一步措施。",
    "本月账单含罚款50元，请按时还款。",
]


@pytest.mark.parametrize(("text", "code"), UNLAWFUL, ids=[c for _, c in UNLAWFUL])
def test_an_unlawful_collection_message_is_caught_with_its_code(text: str, code: str) -> None:
    report = check(text)
    assert not report.legal
    assert code in report.codes(), [(v.code.value, v.matched) for v in report.violations]


@pytest.mark.parametrize("text", LAWFUL_WITH_A_WARNING)
def test_standard_lawful_wording_passes_with_a_warning_that_names_the_better_wording(text: str) -> None:
    report = check(text)
    assert report.legal, [(v.code.value, v.matched) for v in report.violations]
    assert report.warnings and all(w.fix for w in report.warnings)


@pytest.mark.parametrize(
    "narrative",
    ["他放假回老家了，说节后回来就还钱，这两天还在微信上跟我聊。", "He let go of two staff last month but his shop is still open and he drives a new car."],
)
def test_a_holiday_or_the_debtor_dismissing_staff_is_not_job_loss(narrative: str) -> None:
    a = assess(narrative)
    assert not any(s.code == "job_loss" and s.weight < 0 for s in a.signals)
    assert a.category.value != "hardship"


@pytest.mark.parametrize(
    ("narrative", "label"),
    [
        ("他说失业了没收入，可我打听到他一直在用他小舅子的名字接装修活，天天有工地干。借我的八万一分没还。", "bad_faith"),
        ("他把自己那辆面包车按市场价卖给了一个不认识的人，钱全交了医院，收据都拍给我看了。他老婆癌症在化疗，他说等缓过来每月先还五百。", "hardship"),
        ("他发来一张转账截图说已经还了两万，我查了银行流水根本没有这笔钱，截图是P的。", "bad_faith"),
        ("他说原来的公司破产了还不上，可他把设备和客户都转到他小舅子新开的公司里，照样在做。", "bad_faith"),
    ],
)
def test_the_hard_kinds_of_narrative_get_the_label_a_lawyer_would_give(narrative: str, label: str) -> None:
    assert assess(narrative).category.value == label


def test_a_debtor_unreachable_because_a_flood_hit_his_town_is_not_evading() -> None:
    a = assess("他老家发大水，整个镇子断电断网一个多星期了，所以一直联系不上他。之前他每个月都按时还钱。")
    assert a.category.value != "bad_faith"
