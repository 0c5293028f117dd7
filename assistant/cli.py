"""Command line: a thin shell over assistant.api.

    python -m assistant advise "朋友去年借了我10万元……"
    echo "不还钱就让你坐牢" | python -m assistant check --json
    python -m assistant triage accounts.xlsx -o out/      # a portfolio: triage, checked documents, charts
    python -m assistant audit messages.csv -o out/        # a log of sent messages: per message and across
    python -m assistant file "我借给张三38万元……他正在卖房" -o out/   # the filing pack as .docx
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from assistant import api
from assistant.bulk.audit import audit_log
from assistant.bulk.portfolio import load_mapping
from assistant.bulk.runner import triage_portfolio
from assistant.drafting.filing_docx import filing_pack_to_docx
from assistant.errors import AssistantError
from assistant.law.index import main as index_main
from assistant.llm.models import main as models_main
from assistant.models import DebtType, Fact
from assistant.store.commands import audit_verify_main, erase_main
from assistant.ui.render import render_advice, render_assessment, render_citations, render_report


def _read_text(arg: str | None) -> str:
    if arg is None or arg == "-":
        return sys.stdin.read()
    return arg


def _file(text: str, args: argparse.Namespace) -> str:
    case = None
    if args.debt_type:
        case = api.extract(text, today=args.today)
        case = case.model_copy(update={"debt_type": Fact[DebtType](value=DebtType(args.debt_type), origin="user")})
    pack = api.prepare_filing(text, case, today=args.today)
    paths = filing_pack_to_docx(pack, args.out)
    if args.json:
        return pack.model_dump_json(indent=2)
    lines = [f"案由：{pack.case_type}（{pack.form_note}）", "管辖法院："]
    lines += [f"  - {c.court}：{c.ground}（{'；'.join(b.law + b.article for b in c.basis)}）" for c in pack.jurisdiction.courts]
    lines.append(f"  级别：{pack.jurisdiction.level}")
    if pack.fees is not None:
        lines.append(f"案件受理费：{pack.fees.litigation}元；简易程序减半：{pack.fees.simple_procedure}元；保全申请费：{pack.fees.preservation}元")
    lines.append("已生成：")
    lines += [f"  {p}" for p in paths]
    lines.append("待补充的问题：")
    lines += [f"  {i}. {q}" for i, q in enumerate(pack.questions, 1)]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Lawful debt-collection assistant (PRC law)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("advise", "the whole pipeline: classification, legal position, plan, citations, checked drafts"),
        ("assess", "classify the debtor: hardship, bad_faith or unclear"),
        ("check", "vet a message or letter for legality"),
        ("retrieve", "find the law for a question"),
        ("file", "the filing pack: element-style complaint, preservation application, evidence list, fees, court, checklist"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("text", nargs="?", help="the text; '-' or nothing reads standard input")
        p.add_argument("--json", action="store_true", help="print JSON instead of text")
        if name == "retrieve":
            p.add_argument("-k", type=int, default=5, help="how many articles (1-50)")
        if name == "file":
            p.add_argument("-o", "--out", type=Path, required=True, help="directory for the .docx files")
            p.add_argument("--debt-type", choices=[DebtType.loan.value, DebtType.goods.value], default=None,
                           help="what the money is owed for, when the narrative does not say (loan or goods)")
        if name in ("advise", "assess", "file"):
            p.add_argument("--today", type=date.fromisoformat, default=None, help="resolve relative dates against this day (YYYY-MM-DD)")
    for name, help_text in (
        ("triage", "a spreadsheet of accounts (CSV/XLSX): triage, priority, checked documents, charts (on Ray)"),
        ("audit", "a log of sent messages (CSV/XLSX): each message checked, night contact, frequency, third parties"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("path", type=Path, help="the spreadsheet")
        p.add_argument("-o", "--output", type=Path, required=True, help="output directory (a triage resumes a run there)")
        p.add_argument("--columns", type=Path, default=None, help="column mapping YAML (default knowledge/bulk/columns.yaml)")
        if name == "triage":
            p.add_argument("--workers", type=int, default=None, help="Ray workers (default: the CPUs Ray sees)")
            p.add_argument("--today", type=date.fromisoformat, default=None, help="compute deadlines against this day (YYYY-MM-DD)")
            p.add_argument("--no-documents", action="store_true", help="triage only, no documents")
    return parser


def _bulk(args: argparse.Namespace) -> str:
    mapping = load_mapping(args.columns) if args.columns else None
    if args.command == "audit":
        result = audit_log(args.path, args.output, mapping=mapping)
        rules = ", ".join(f"{rule} {n}" for rule, n in result.by_rule.items()) or "-"
        return (f"{result.messages} 条消息 / messages, {result.messages_with_findings} 条有问题 / with findings, "
                f"{result.row_errors} 行错误 / row errors\n规则 / rules: {rules}\n-> {result.workbook}")

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    run = triage_portfolio(args.path, args.output, mapping=mapping, today=args.today, workers=args.workers,
                           documents=not args.no_documents, progress=progress)
    print(file=sys.stderr)
    return (f"{run.accounts} 个账户 / accounts ({run.triaged_now} 本次 / this run, {run.skipped} 已完成跳过 / done before), "
            f"{run.row_errors} 行错误 / row errors, {run.outputs.shipped} 份文书 / documents shipped, "
            f"{run.outputs.withheld} 份扣留 / withheld\n-> {run.outputs.workbook}\n-> {run.outputs.documents_zip}\n"
            + "\n".join(f"-> {p}" for p in run.outputs.charts))


# Maintenance commands with their own options: `python -m assistant index build`, `python -m assistant models assemble`,
# `python -m assistant audit-verify`, `python -m assistant erase 12 --admin root`.
MAINTENANCE = {"index": index_main, "models": models_main, "audit-verify": audit_verify_main, "erase": erase_main}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in MAINTENANCE:
        return MAINTENANCE[argv[0]](argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if args.command in ("triage", "audit"):
            print(_bulk(args))
            return 0
        text = _read_text(args.text)
        if args.command == "advise":
            result = api.advise(text, today=args.today)
            out = result.model_dump_json(indent=2) if args.json else render_advice(result)
        elif args.command == "assess":
            assessment = api.assess(text, today=args.today)
            out = assessment.model_dump_json(indent=2) if args.json else render_assessment(assessment)
        elif args.command == "check":
            report = api.check(text)
            out = report.model_dump_json(indent=2) if args.json else render_report(report)
        elif args.command == "file":
            out = _file(text, args)
        else:
            hits = api.retrieve(text, k=args.k)
            out = json.dumps([h.model_dump(mode="json") for h in hits], ensure_ascii=False, indent=2) if args.json else render_citations(hits)
    except AssistantError as exc:
        print(f"错误 / error: {exc.user_message}", file=sys.stderr)
        return 2
    print(out)
    if args.command == "check" and not report.legal:
        return 1
    return 0
