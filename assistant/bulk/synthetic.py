"""Synthetic, deterministic test data: a lender's portfolio and a log of sent collection messages.

    python -m assistant.bulk.synthetic portfolio 10000 var/bench/portfolio.csv [--seed 7] [--bad-rows 20]
    python -m assistant.bulk.synthetic messages 100000 var/bench/messages.csv

Every name, number and date comes from a seeded random generator, so the same arguments give the same
file byte for byte. The notes reuse phrasings a creditor writes, so classification sees hardship, bad
faith and unclear debtors; the messages mix lawful reminders with the kinds of message the audit must catch.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

__all__ = ["message_log", "portfolio"]

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌飞波宁海燕晨雪"
_NOTES = [
    "借款人称失业了，家里老人住院，愿意每月还一部分。",
    "他说公司裁员，收入没了，但主动联系说会想办法。",
    "债务人生病住院，家属说等出院后商量分期。",
    "借款人说生意亏了，可朋友圈天天晒旅游和新车。",
    "电话不接，微信把我拉黑了，听说刚买了房。",
    "他一直说下周还，拖了半年，最近开始失联。",
    "借款人承认欠款，说下个月发工资就还。",
    "对方说钱已经还了，对金额有争议。",
    "联系得上，态度一般，没说什么时候还。",
    "",
]
_EVIDENCE = ["借条,转账记录", "借款合同,银行流水", "借条", "聊天记录", "转账记录", "借条,聊天记录,录音", ""]
_STATUS = ["可联系", "可联系", "躲避", "失联", ""]
_LAWFUL = [
    "您好，您的借款已逾期，请于本月底前还款，如有困难可联系我们协商分期。",
    "温馨提示：您在我司的借款已到期，请尽快安排还款，谢谢配合。",
    "尊敬的客户，您的账单已逾期，如对金额有疑问请致电客服核对。",
    "您好，我方已委托律师处理此事，如仍未还款将依法向法院起诉。",
    "您好，关于您的欠款，我们可以商量分期方案，请回复方便的时间。",
]
_UNLAWFUL = [
    "再不还钱就去你单位找你领导，让你同事都知道你是老赖。",
    "今晚十二点前不还钱，你就等着坐牢吧。",
    "不还钱我们就把你的欠款信息发给你通讯录里所有人。",
    "你这个骗子，不还钱就别想好过，我们知道你家住哪。",
]
_THIRD_PARTY = [
    "您好，您的朋友{name}在我司借款已逾期，请转告他尽快还款。",
    "你好，请提醒你的同事{name}，他的欠款已经逾期三个月了。",
]


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def portfolio(n: int, *, seed: int = 7, today: date = date(2026, 11, 28), bad_rows: int = 0) -> pd.DataFrame:
    """n accounts (plus `bad_rows` unusable ones spread through the file), in the columns of columns.yaml."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        principal = rng.choice((3000, 8000, 15000, 30000, 50000, 80000, 120000, 200000, 500000)) + rng.randrange(0, 1000) * 10
        # due dates from about 3.2 years ago to 2 months ago: some limitation periods have run, some are close
        due = today - timedelta(days=rng.randrange(60, 1170))
        loan = due - timedelta(days=rng.choice((90, 180, 365)))
        repaid = rng.choice((0, 0, 0, round(principal * rng.uniform(0.05, 0.5), -2)))
        contact = due + timedelta(days=rng.randrange(10, 400)) if rng.random() < 0.4 else None
        rows.append({
            "account": f"ACC{i + 1:06d}",
            "debtor": _name(rng),
            "debtor_kind": rng.choice(("个人", "个人", "个人", "个体工商户", "公司")),
            "creditor": rng.choice(("某某小额贷款有限公司", "张明", "李华")),
            "creditor_kind": "",
            "principal": f"{principal}",
            "rate": rng.choice(("", "6", "12", "15.4", "18", "24", "36")),
            "loan_date": loan.isoformat(),
            "due_date": due.isoformat(),
            "repaid": f"{repaid:.0f}" if repaid else "",
            "last_contact_date": contact.isoformat() if contact and contact < today else "",
            "contact_status": rng.choice(_STATUS),
            "evidence": rng.choice(_EVIDENCE),
            "disputed": rng.choice(("", "", "", "否", "是")),
            "notes": rng.choice(_NOTES),
        })
    originals = list(rows)
    for k in range(bad_rows):
        broken = dict(originals[rng.randrange(len(originals))]) if originals else {}
        broken["account"] = f"BAD{k + 1:04d}"
        fault = k % 4
        if fault == 0:
            broken["principal"] = "一些钱"
        elif fault == 1:
            broken["due_date"] = "下个月吧"
        elif fault == 2:
            broken["principal"] = "-500"
        else:
            broken["evidence"] = "口头约定"
        rows.insert(rng.randrange(len(rows) + 1), broken)
    return pd.DataFrame(rows)


def message_log(n: int, *, seed: int = 11, start: datetime = datetime(2026, 9, 1), accounts: int | None = None) -> pd.DataFrame:
    """n sent messages over about three months: mostly lawful, some at night, some too frequent,
    some unlawful in their words, some to third parties."""
    rng = random.Random(seed)
    accounts = accounts or max(1, n // 20)
    agents = [f"agent{a:02d}" for a in range(1, 21)]
    rows: list[dict] = []

    def sent(account: str, when: datetime, text: str, recipient: str = "本人") -> None:
        rows.append({"account": account, "time": when.isoformat(sep=" ", timespec="minutes"),
                     "channel": rng.choice(("sms", "sms", "wechat", "phone")), "text": text,
                     "agent": rng.choice(agents), "recipient": recipient})

    # a few debtors hounded twice a day for a week (the weekly bound), then the ordinary traffic
    for a in range(1, max(1, accounts // 100) + 1):
        first = start + timedelta(days=rng.randrange(0, 80))
        for d in range(7):
            for hour in (10, 15):
                sent(f"ACC{a:06d}", (first + timedelta(days=d)).replace(hour=hour, minute=rng.randrange(60)), rng.choice(_LAWFUL))
    while len(rows) < n:
        account = f"ACC{rng.randrange(1, accounts + 1):06d}"
        day = start + timedelta(days=rng.randrange(0, 90))
        hour = rng.choice((9, 10, 11, 14, 15, 16, 17, 19)) if rng.random() < 0.95 else rng.choice((6, 22, 23, 0))
        when = day.replace(hour=hour, minute=rng.randrange(60))
        roll = rng.random()
        if roll < 0.9:
            sent(account, when, rng.choice(_LAWFUL))
        elif roll < 0.96:
            sent(account, when, rng.choice(_UNLAWFUL))
        else:
            sent(account, when, rng.choice(_THIRD_PARTY).format(name=_name(rng)), rng.choice(("紧急联系人", "同事", "家属")))
        if rng.random() < 0.01:  # a burst: four more the same day (the daily bound)
            for hour in (12, 13, 17, 18):
                sent(account, day.replace(hour=hour, minute=rng.randrange(60)), rng.choice(_LAWFUL))
    del rows[n:]
    rows.sort(key=lambda r: (r["time"], r["account"]))
    return pd.DataFrame(rows)


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.bulk.synthetic", description="Deterministic synthetic bulk data")
    parser.add_argument("what", choices=("portfolio", "messages"))
    parser.add_argument("n", type=int)
    parser.add_argument("path", type=Path, help=".csv or .xlsx")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--bad-rows", type=int, default=0, help="portfolio: unusable rows mixed in")
    args = parser.parse_args(argv)
    if args.what == "portfolio":
        frame = portfolio(args.n, seed=7 if args.seed is None else args.seed, bad_rows=args.bad_rows)
    else:
        frame = message_log(args.n, seed=11 if args.seed is None else args.seed)
    _write(frame, args.path)
    print(f"{len(frame)} rows -> {args.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
