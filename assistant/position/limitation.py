"""Limitation (诉讼时效): three years, restarted by each interruption (民法典第一百八十八条, 第一百九十五条).

A year-based period ends on the same calendar day N years later, or at month end when that day
does not exist (民法典第二百零二条). Holidays are not shifted (第二百零三条 would extend them).
"""

from __future__ import annotations

from datetime import date

from assistant.models import Basis, Case, LimitationPosition
from assistant.position.tables import CIVIL_CODE, IOU_REPLY, LIMITATION, joined, say, unique_basis

LIMITATION_YEARS = 3  # 民法典第一百八十八条
WARNING_DAYS = 90


def _add_years(d: date, years: int) -> date:
    # 民法典第二百零二条: same day of the final month, or its last day when there is none (29 Feb).
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


# kind -> (zh, en) label; only these kinds interrupt (民法典第一百九十五条)
_INTERRUPTING = {
    "demand": ("债权人催告还款", "creditor's demand for payment"),
    "acknowledgement": ("债务人确认欠款", "debtor's acknowledgement of the debt"),
    "partial_payment": ("债务人部分还款", "debtor's partial payment"),
    "promise": ("债务人承诺还款", "debtor's promise to pay"),
    "lawsuit": ("起诉或申请支付令", "lawsuit or payment-order application"),
}
_DEBTOR_ACTS = {"acknowledgement", "partial_payment", "promise"}


def _event_basis(kind: str) -> list[Basis]:
    if kind == "demand":
        return [Basis(law=LIMITATION, article="第八条", note="催告文书、信件或数据电文到达对方即构成提出履行请求")]
    if kind == "lawsuit":
        return [
            Basis(law=LIMITATION, article="第十条", note="提交起诉状之日起中断"),
            Basis(law=LIMITATION, article="第十一条", note="申请支付令与起诉同等中断"),
        ]
    basis = [Basis(law=LIMITATION, article="第十四条", note="分期或部分履行、请求延期、还款计划等视为同意履行")]
    if kind == "acknowledgement":
        basis.append(Basis(law=IOU_REPLY, article="", note="到期后出具无还款日期的欠条，时效中断并自收到欠条之日重新计算"))
    return basis


def _notes_on_events(case: Case) -> list[str]:
    lang, log = case.language, []
    for c in case.contacts:
        if c.kind in _INTERRUPTING and c.when is None:
            zh, en = _INTERRUPTING[c.kind]
            log.append(say(lang, f"一次“{zh}”没有日期，无法计入中断；请补充日期。", f"A {en} has no date and cannot count as an interruption: please add the date."))
    if case.repaid is not None and not any(c.kind == "partial_payment" for c in case.contacts):
        log.append(say(
            lang,
            "记录了已还款金额但没有还款日期；部分还款会中断时效，请补充每笔还款的日期。",
            "A repaid amount is recorded without dates; partial payments interrupt limitation, so add each payment's date.",
        ))
    if any(c.kind == "contact" for c in case.contacts):
        log.append(say(
            lang,
            "单纯的联系（未提出还款要求、对方也未认账）不中断时效。",
            "Mere contact (no demand for payment, no acknowledgement by the debtor) does not interrupt limitation.",
        ))
    return log


def limitation_position(case: Case) -> LimitationPosition:
    """Three years from when the creditor knew the right was harmed, restarted by each interruption.

    `days_left` is negative once the deadline has passed (how many days ago it expired).
    """
    lang = case.language
    basis = [
        Basis(law=CIVIL_CODE, article="第一百八十八条", note="诉讼时效三年，自知道或应当知道权利受损害之日起算"),
        Basis(law=CIVIL_CODE, article="第一百九十五条", note="催告、债务人同意履行、起诉等使时效中断并重新计算"),
    ]
    log = _notes_on_events(case)
    events = sorted(
        (c for c in case.contacts if c.kind in _INTERRUPTING and c.when is not None and c.when <= case.today),
        key=lambda c: c.when,  # type: ignore[arg-type, return-value]
    )

    def result(starts: date | None, deadline: date | None, text: list[str], **state) -> LimitationPosition:
        defaults = dict(days_left=None, expired=False, warning=False)
        return LimitationPosition(
            starts=starts, deadline=deadline, interruptions=log, explanation=joined(lang, text),
            basis=unique_basis(basis), **{**defaults, **state},
        )

    due = case.due_date.value if case.due_date else None
    text: list[str] = []
    if due is not None:
        basis.append(Basis(law=CIVIL_CODE, article="第二百零二条", note="按年计算的期间，到期月的对应日为最后一日"))
        starts, deadline = due, _add_years(due, LIMITATION_YEARS)
        text.append(say(
            lang,
            f"约定还款日为 {due}，到期未还即知道权利受损，三年时效至 {deadline}。",
            f"Repayment was due on {due}; non-payment started the three-year period, which ends on {deadline}.",
        ))
        pending = [e for e in events if e.when > due]  # type: ignore[operator]
    else:
        basis += [
            Basis(law=LIMITATION, article="第四条", note="未约定履行期限的，从债权人要求履行的宽限期届满之日起算"),
            Basis(law=CIVIL_CODE, article="第五百一十一条", note="第四项：履行期限不明确的，债权人可随时请求履行，但应给必要准备时间"),
            Basis(law=CIVIL_CODE, article="第六百七十五条", note="未约定借款期限的，贷款人可催告在合理期限内返还"),
        ]
        first = next((e for e in events if e.kind in ("demand", "lawsuit")), None)
        if first is None:
            text.append(say(
                lang,
                "没有约定还款日期，也没有记录到催告：时效尚未开始计算，第一次催告后给予合理宽限期届满才起算。",
                "No due date and no recorded demand: the period has not started. It starts when a reasonable grace "
                "period after your first demand has passed.",
            ))
            return result(None, None, text)
        starts, deadline = first.when, _add_years(first.when, LIMITATION_YEARS)  # type: ignore[arg-type]
        text.append(say(
            lang,
            f"没有约定还款日期：时效从 {first.when} 第一次催告后的合理宽限期届满时起算。宽限期长短由法院认定，"
            f"这里保守地从催告当日起算，最早在 {deadline} 届满（实际会晚几天）。",
            f"No due date: the period runs from the end of a reasonable grace period after the first demand on "
            f"{first.when}. The court sets the grace period, so we count conservatively from the demand itself: "
            f"the earliest possible end is {deadline} (the real one is somewhat later).",
        ))
        # Nothing before the first demand counts: the period had not started yet.
        pending = [e for e in events if e.when > first.when or (e is first and e.kind == "lawsuit")]  # type: ignore[operator]

    for event in pending:
        when: date = event.when  # type: ignore[assignment]
        zh, en = _INTERRUPTING[event.kind]
        if when > deadline:
            if event.kind in _DEBTOR_ACTS:
                # 民法典第一百九十二条第二款, 规定第十九条: agreeing after expiry forfeits the defence.
                basis += [
                    Basis(law=CIVIL_CODE, article="第一百九十二条", note="时效届满后义务人同意履行的，不得再以时效抗辩"),
                    Basis(law=LIMITATION, article="第十九条", note="时效届满后同意履行或自愿履行，再抗辩不予支持"),
                ]
                starts, deadline = when, _add_years(when, LIMITATION_YEARS)
                log.append(say(
                    lang,
                    f"{when} {zh}：时效已于此前届满，但债务人此后同意履行，不得再以时效抗辩；稳妥起见自此重新计三年至 {deadline}。",
                    f"{when} {en}: the period had already run out, but a debtor who agrees to pay afterwards loses the "
                    f"limitation defence; to be safe we count three new years, to {deadline}.",
                ))
            else:
                log.append(say(
                    lang,
                    f"{when} {zh}：发生在时效届满之后，不能使已届满的时效重新计算。",
                    f"{when} {en}: after the period had run out, so it cannot restart it.",
                ))
            continue
        basis += _event_basis(event.kind)
        if event.kind == "lawsuit":
            log.append(say(
                lang,
                f"{when} {zh}：时效中断，自诉讼或督促程序终结时起重新计算。",
                f"{when} {en}: limitation interrupted; it restarts when the proceedings end.",
            ))
            text.append(say(
                lang,
                "已经起诉或申请支付令，时效在程序进行中不会届满。",
                "A lawsuit or payment-order application is pending: the period cannot run out while it lasts.",
            ))
            return result(when, None, text)
        starts, deadline = when, _add_years(when, LIMITATION_YEARS)
        log.append(say(
            lang,
            f"{when} {zh}：时效中断，重新计算三年至 {deadline}（须能证明催告到达或债务人的行为）。",
            f"{when} {en}: limitation interrupted, three new years to {deadline} (provided you can prove the demand "
            "reached the debtor, or the debtor's act).",
        ))

    days_left = (deadline - case.today).days
    expired = days_left < 0
    if expired:
        basis += [
            Basis(law=CIVIL_CODE, article="第一百九十二条", note="时效届满后义务人可以提出不履行的抗辩"),
            Basis(law=CIVIL_CODE, article="第一百九十三条", note="法院不得主动适用诉讼时效"),
            Basis(law=LIMITATION, article="第十九条", note="届满后债务人同意履行的，不得再以时效抗辩"),
        ]
        text.append(say(
            lang,
            f"诉讼时效已于 {deadline} 届满（{-days_left} 天前）。债权并未消灭：债务人须自己提出时效抗辩，法院不会主动适用；"
            "如果债务人此后书面确认欠款或同意还款，就不能再以时效抗辩。",
            f"The limitation period ended on {deadline} ({-days_left} days ago). The debt still exists: the debtor must "
            "raise the defence, the court will not apply it on its own, and a debtor who later confirms the debt in "
            "writing or agrees to pay can no longer raise it.",
        ))
    else:
        text.append(say(lang, f"距时效届满还有 {days_left} 天（{deadline}）。", f"{days_left} days left until {deadline}."))
        if days_left < WARNING_DAYS:
            text.append(say(
                lang,
                "少于90天：尽快发出可留存证据的书面催告或起诉、申请支付令以中断时效（最后一日逢法定节假日可顺延）。",
                "Fewer than 90 days: send a written demand you can prove, or sue or apply for a payment order, to "
                "interrupt limitation (a last day falling on a public holiday moves to the next working day).",
            ))
    return result(starts, deadline, text, days_left=days_left, expired=expired, warning=days_left < WARNING_DAYS)
