"""The web UI creditors and lawyers work in: a thin Gradio shell over `assistant`.

It calls only `assistant.api` (advise / check), the audit store, the shared Markdown views and
the Word export. Every message, advice version, draft, check and contact is written to the store
before the user sees an answer: in a dispute, the record of lawful conduct protects the creditor.

    python app.py            # http://127.0.0.1:7860 (DEBT_HOST / DEBT_PORT / DEBT_USERS / DEBT_DATA_DIR)

With DEBT_USERS set, every call acts as the logged-in user: a case is visible only to its owner and
the users it is shared with. Files the app hands out (Word drafts, JSON exports, Gradio's uploads and
copies) stay under DEBT_DATA_DIR/tmp, readable by this user only, and are swept after download.
"""

from __future__ import annotations

import os

from assistant.settings import get_settings

# No analytics, no hub look-ups: nothing of a case leaves this machine. Set before gradio is imported.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Gradio's copies of served files stay in the data directory, never in the host's shared temp folder
os.environ["GRADIO_TEMP_DIR"] = str(get_settings().data_dir / "tmp" / "gradio")
os.umask(0o077)  # every file the app writes is readable by its own user only

import functools  # noqa: E402
import ipaddress  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import date, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402

from assistant import api  # noqa: E402
from assistant.errors import AssistantError, InputError  # noqa: E402
from assistant.store.trail import MAX_ID, CaseRecord, Store  # noqa: E402
from assistant.text.masking import install_log_masking  # noqa: E402
from assistant.ui.facts import apply_fact_edits, carry_user_edits, fact_rows  # noqa: E402
from assistant.ui.login import LoginThrottle, parse_users  # noqa: E402
from assistant.ui.render import STAGE_LABELS, render_assessment, render_report  # noqa: E402
from assistant.ui.views import (  # noqa: E402
    citation_markdown,
    contact_rows,
    highlight_spans,
    position_markdown,
    reply_summary,
    stage_markdown,
    timeline_rows,
)

log = logging.getLogger("assistant.app")

EXAMPLES = [
    "2024年6月，朋友李明向我借了10万元，写了借条，约定2024年12月31日前还清，月息1分。到期后他一直拖，"
    "说生意亏了，现在电话也不太接，可我看他朋友圈还在国外旅游。",
    "同事王芳2025年3月10日借了我3万元给母亲看病，有微信转账记录，说好年底还。她后来失业了，主动跟我说明情况，"
    "已经还了5000元，说每个月最多能还2000元。",
    "2023年5月我借给张某20万元，借条写年利率36%，当时先扣了2万元利息，实际转账18万元，约定一年后还本。"
    "到期后他只还了3万元，之后把我微信拉黑，搬家了也不知道去哪了。",
    "2022年1月10日我借给开小饭店的赵强5万元周转，约定2022年7月10日还款，有借条和银行转账记录。"
    "之后我一直没催过他，最近听说他又开了一家新店。",
    "In March 2025 I lent my former colleague Chen Wei 50,000 yuan by bank transfer; he signed an IOU promising "
    "to repay by 30 September 2025. He has repaid nothing, stopped answering my calls in October, and I heard he "
    "just bought a new car.",
]

CONTACT_CHANNELS = ["电话 phone", "微信 WeChat", "短信 SMS", "邮件 email", "信函 letter", "上门 visit", "律师函 lawyer letter"]
GENERIC_FAILURE = "系统内部错误，已记录日志，请稍后重试 / internal error (logged): please try again"
NOT_ANSWERED = "⚠️ 此消息未得到回复，请重新发送 / not answered, send again"
FILE_LIFETIME_S = 600  # files handed out are swept this long after they were made (the download is done by then)

# The order of the outputs every case view fills; tests read results by these names.
VIEW_OUTPUT_NAMES = [
    "chat", "case", "facts", "assessment", "signals", "position", "stage", "timeline",
    "citation_choice", "citation", "draft_choice", "draft_text", "draft_marks", "draft_report", "docx",
    "contacts", "status",
]


# --------------------------------------------------------------------------- plumbing


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: assume it is reachable from elsewhere


def _case_id(value: Any) -> int | None:
    """The case dropdown's value: a positive int, a string of digits from an API client, or nothing."""
    if value is None or value == "" or value == []:
        return None
    return _positive(value, "案件编号 / case id")


def _positive(value: Any, what: str, *, upper: int = MAX_ID) -> int:
    """True, -1, 2.5 and 10**30 are not ids: an id is a whole number from 1 (or an index from 0) up to `upper`."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or isinstance(value, str) and not value.strip().isdigit():
        raise InputError(f"无效的{what} / invalid {what}: {value!r}")
    number = int(value)
    if not 0 < number <= upper:
        raise InputError(f"无效的{what} / invalid {what}: {value!r}")
    return number


def _index(value: Any, count: int, what: str) -> int:
    """A 0-based position in a list of `count` items (a negative index would silently pick from the end)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
        raise InputError(f"无效的{what} / invalid {what}: {value!r}")
    return value


def _user(request: gr.Request | None) -> str | None:
    """The logged-in user, or None on a single-user instance without logins."""
    return getattr(request, "username", None) or None


def _private_dir(name: str) -> Path:
    folder = get_settings().data_dir / "tmp" / name
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _sweep(folder: Path, max_age_s: float = FILE_LIFETIME_S) -> None:
    """Remove handed-out files older than `max_age_s` (the copy Gradio served is swept by its delete_cache)."""
    cutoff = time.time() - max_age_s
    for path in folder.glob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _case_choices(store: Store, user: str | None = None) -> list[tuple[str, int]]:
    choices = []
    for s in store.list_cases(user=user):
        stage = STAGE_LABELS[s.stage.value].split(" / ")[0] if s.stage else "未分析"
        choices.append((f"#{s.case_id} {s.title[:24]} · {stage} · v{s.advice_versions}", s.case_id))
    return choices


def _docx_path(record: CaseRecord, index: int) -> str | None:
    """Write the Word file of one draft of the latest advice; None when the exporter is unavailable."""
    if record.latest_advice is None or not 0 <= index < len(record.latest_drafts):
        return None
    try:
        from assistant.drafting.docx import draft_to_docx
    except ImportError:
        log.warning("assistant.drafting.docx is not available: Word download disabled")
        return None
    draft = record.latest_drafts[index]
    folder = _private_dir("exports")
    _sweep(folder)
    target = folder / f"case-{record.case_id}-v{record.latest_advice.version}-{index + 1}-{draft.kind.value}.docx"
    return str(draft_to_docx(draft, record.latest_advice.advice.case, target))


# --------------------------------------------------------------------------- the app


def build_app(store: Store | None = None) -> gr.Blocks:
    store = store or Store()

    # Gradio's own copies of served files are deleted every FILE_LIFETIME_S once that old
    with gr.Blocks(title="合法催收助手 / Lawful debt-collection assistant",
                   delete_cache=(FILE_LIFETIME_S, FILE_LIFETIME_S)) as app:
        gr.Markdown(
            "## 合法催收助手 · Lawful debt-collection assistant\n"
            "描述借款情况（中文或英文），每条新消息可补充事实。所有记录按时间保存，不可修改。"
            " · Describe the loan; each new message adds a fact. Every record is kept, append-only."
        )
        status = gr.Markdown(elem_id="status")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="对话 / chat", height=460, elem_id="chat")
                message = gr.Textbox(label="案情或补充事实 / narrative or an added fact", lines=3, elem_id="message",
                                     max_length=get_settings().max_message_chars,
                                     placeholder="例如：朋友去年借了我10万元，约定三个月还清，到期后一直拖……")
                # an API client's id for this message: a retry with the same id is stored and answered once
                request_id = gr.Textbox(value="", visible=False, elem_id="request_id")
                send = gr.Button("发送并分析 / Send & analyse", variant="primary", elem_id="send")
                gr.Examples(EXAMPLES, inputs=[message], label="示例案件 / worked examples")
            with gr.Column(scale=2):
                case = gr.Dropdown(label="案件 / case (重新打开 reopen)", choices=[], value=None,
                                   allow_custom_value=True, elem_id="case")
                with gr.Row():
                    new_case = gr.Button("新案件 / New case", size="sm")
                    export = gr.Button("导出记录 / Export JSON", size="sm")
                with gr.Row():
                    share_with = gr.Textbox(label="共享给用户 / share with user", scale=3)
                    share = gr.Button("共享 / Share", size="sm", scale=1)
                export_file = gr.File(label="案件记录 / case record (JSON)", interactive=False, visible=False)
                stage = gr.Markdown(elem_id="stage")

        with gr.Tabs():
            with gr.Tab("事实 Facts"):
                gr.Markdown("可直接修改“值”一栏（金额为元，日期 YYYY-MM-DD，是/否），然后重新分析。"
                            " · Edit the value column, then re-run.")
                facts = gr.Dataframe(headers=["事实 fact", "值 value", "原文 source words"], type="array",
                                     datatype="str", interactive=True, static_columns=[0, 2], wrap=True, max_height=820,
                                     elem_id="facts")
                rerun = gr.Button("按修改后的事实重新分析 / Re-run with edited facts", variant="secondary")
            with gr.Tab("分类 Debtor"):
                assessment = gr.Markdown()
                signals = gr.HighlightedText(label="信号及其原文 / signals and their evidence words",
                                             show_legend=True, combine_adjacent=False)
            with gr.Tab("法律地位 Law"):
                position = gr.Markdown()
            with gr.Tab("时间表 Plan"):
                timeline = gr.Dataframe(headers=["日期 date", "距今 days", "阶段 stage", "行动 action", "渠道 channel",
                                                 "保留证据 keep", "依据 basis"], type="array", interactive=False,
                                        wrap=True, max_height=900,
                                        column_widths=["9%", "7%", "10%", "38%", "10%", "13%", "13%"])
            with gr.Tab("法条 Articles"):
                citation_choice = gr.Dropdown(label="条文 / article", choices=[], allow_custom_value=True)
                citation = gr.Markdown()
            with gr.Tab("文书 Drafts"):
                draft_choice = gr.Dropdown(label="文书 / draft", choices=[], allow_custom_value=True,
                                           elem_id="draft_choice")
                draft_text = gr.Textbox(label="文书内容 / text", lines=8, max_lines=40, interactive=False, elem_id="draft_text",
                                        buttons=["copy"])
                draft_marks = gr.HighlightedText(label="合法性审查标注 / checker marks", show_legend=True)
                draft_report = gr.Markdown(elem_id="draft_report")
                docx = gr.DownloadButton("下载 Word / Download .docx", visible=False, elem_id="docx")
            with gr.Tab("联系记录 Contacts"):
                contacts = gr.Dataframe(headers=["时间 when", "方式 channel", "摘要 summary", "记录于 logged"],
                                        type="array", interactive=False, wrap=True)
                with gr.Row():
                    contact_when = gr.Textbox(label="时间 / when (YYYY-MM-DD HH:MM)")
                    contact_channel = gr.Dropdown(CONTACT_CHANNELS, value=CONTACT_CHANNELS[0], label="方式 / channel")
                contact_summary = gr.Textbox(label="摘要 / summary", lines=2)
                log_contact = gr.Button("记录联系 / Log contact")
            with gr.Tab("消息审查 Check"):
                check_text = gr.Textbox(label="待发送的消息 / the message you plan to send", lines=5, elem_id="check_text")
                check_use_case = gr.Checkbox(label="结合当前案件审查（金额、利息）/ check against the open case", value=True)
                check = gr.Button("审查 / Check", variant="primary")
                check_marks = gr.HighlightedText(label="问题标注 / flagged spans", show_legend=True, elem_id="check_marks")
                check_report = gr.Markdown(elem_id="check_report")

        view = [chat, case, facts, assessment, signals, position, stage, timeline, citation_choice, citation,
                draft_choice, draft_text, draft_marks, draft_report, docx, contacts, status]
        assert len(view) == len(VIEW_OUTPUT_NAMES)

        def guarded(fn: Callable[..., dict]) -> Callable[..., dict]:
            """Errors of the AssistantError family become a warning and a status line, never a traceback."""

            @functools.wraps(fn)
            def wrapper(*args: Any, **kwargs: Any) -> dict:
                try:
                    return fn(*args, **kwargs)
                except AssistantError as exc:
                    gr.Warning(exc.user_message)
                    return {status: f"⚠️ {exc.user_message}"}
                except Exception:
                    log.exception("unexpected failure in %s", fn.__name__)
                    gr.Warning(GENERIC_FAILURE)
                    return {status: f"⚠️ {GENERIC_FAILURE}"}

            return wrapper

        def render(record: CaseRecord | None, note: str = "", draft_index: int = 0, user: str | None = None) -> dict:
            """Every panel of the view; panels a case has no data for are emptied, never left from another case."""
            out: dict = {c: None for c in view} | {
                chat: [], case: gr.update(choices=_case_choices(store, user), value=None), facts: [], timeline: [],
                contacts: [], citation_choice: gr.update(choices=[], value=None),
                draft_choice: gr.update(choices=[], value=None), docx: gr.update(value=None, visible=False),
                status: note, stage: "", assessment: "", position: "", citation: "", draft_text: "", draft_report: "",
            }
            if record is None:
                return out
            told = [{"role": t.role, "content": t.text} for t in record.turns]
            if record.unanswered:  # a crash or a lost connection mid-request: say so rather than show nothing
                told.append({"role": "assistant", "content": NOT_ANSWERED})
            out |= {
                chat: told,
                case: gr.update(choices=_case_choices(store, user), value=record.case_id),
                contacts: contact_rows(record),
            }
            stored = record.latest_advice
            if stored is None:
                return out
            advice = stored.advice
            cites = [(c.label(), i) for i, c in enumerate(advice.citations)]
            drafts = [(f"{i + 1}. {d.title} {'✅' if d.report.legal else '❌'}", i) for i, d in enumerate(advice.drafts)]
            return out | {
                facts: fact_rows(advice.case),
                assessment: render_assessment(advice.assessment),
                signals: highlight_spans(advice.case.narrative,
                                         [(s.evidence.start, s.evidence.end, s.evidence.text,
                                           f"{s.code} {s.weight:+.1f}") for s in advice.assessment.signals]),
                position: position_markdown(advice),
                stage: stage_markdown(advice, stored.version),
                timeline: timeline_rows(advice),
                citation_choice: gr.update(choices=cites, value=0 if cites else None),
                citation: citation_markdown(advice.citations[0]) if cites else "（无 / none）",
            } | draft_outputs(record, draft_index) | {draft_choice: gr.update(choices=drafts, value=draft_index if drafts else None)}

        def draft_outputs(record: CaseRecord, index: int) -> dict:
            drafts = record.latest_drafts
            if not drafts:
                return {draft_text: "", draft_marks: None, draft_report: "（无文书 / no drafts）", docx: gr.update(visible=False)}
            d = drafts[index]
            try:
                path = _docx_path(record, index)
            except (AssistantError, OSError) as exc:  # the draft is still shown; only the download is missing
                log.warning("Word export failed for case %s draft %s: %s", record.case_id, index, exc)
                path = None
            return {
                draft_text: d.text,
                draft_marks: highlight_spans(d.text, [(v.span[0], v.span[1], v.matched, v.code.value) for v in d.report.violations]),
                draft_report: render_report(d.report) + (f"\n\n待填写 / blanks: {'、'.join(d.blanks)}" if d.blanks else ""),
                docx: gr.update(value=path, visible=path is not None),
            }

        def analyse(record: CaseRecord, progress: gr.Progress, user: str | None, edited_case=None) -> CaseRecord:
            """Run the pipeline on what the user has told (a bounded window), store the advice and the reply."""
            narrative = record.analysis_window(get_settings().max_input_chars)
            progress(0.2, desc="分析案情、计算法律地位、检索法条、起草文书… / analysing")
            if edited_case is not None:
                advice = api.advise(narrative, case=edited_case.model_copy(update={"narrative": narrative}))
            else:
                advice = api.advise(narrative)
                previous = record.latest_advice.advice.case if record.latest_advice else None
                carried = carry_user_edits(advice.case, previous) if previous else None
                if carried is not None:  # facts the user corrected by hand outlive a re-extraction
                    progress(0.6, desc="保留您修改过的事实 / keeping your edited facts")
                    advice = api.advise(narrative, case=carried)
            progress(0.9, desc="保存记录 / saving the record")
            store.save_advice(record.case_id, advice, user=user)
            store.add_turn(record.case_id, "assistant", reply_summary(advice), user=user)
            return store.load_case(record.case_id, user=user)

        @guarded
        def on_send(text: str, case_value: Any, request_key: str = "", request: gr.Request = None,
                    progress=gr.Progress()) -> dict:
            user, key = _user(request), (request_key or "").strip() or None
            text = (text or "").strip()
            if not text:
                raise InputError("请先输入案情 / please describe the case first")
            case_id = _case_id(case_value)
            progress(0.05, desc="保存消息 / saving your message")
            seen = store.request_status(key, user=user) if key else None
            if seen is not None and seen[1]:  # a retry of a message already answered: show that answer
                return render(store.load_case(seen[0], user=user), "✅ 已保存并分析 / saved and analysed", user=user) | {message: ""}
            if seen is not None:
                case_id = seen[0]
            elif case_id is None:  # limits and access are checked before anything is written
                case_id = store.create_case(text.splitlines()[0][:30], text, user=user)
            with store.case_writer(case_id):  # messages to one case are stored and answered in order
                store.add_turn(case_id, "user", text, user=user, request_id=key)  # never lost, never twice
                try:
                    record = analyse(store.load_case(case_id, user=user), progress, user)
                except Exception as exc:  # the message is saved; say in the chat why there is no answer
                    if not isinstance(exc, AssistantError):
                        log.exception("analysis failed for case %s", case_id)
                    reason = exc.user_message if isinstance(exc, AssistantError) else GENERIC_FAILURE
                    store.add_turn(case_id, "assistant", f"⚠️ {reason}", user=user)
                    gr.Warning(reason)
                    return render(store.load_case(case_id, user=user), f"⚠️ {reason}", user=user) | {message: text}
            return render(record, f"✅ 已保存并分析（第 {record.advice_versions} 版）/ saved and analysed", user=user) | {message: ""}

        @guarded
        def on_open(case_value: Any, request: gr.Request = None) -> dict:
            user = _user(request)
            case_id = _case_id(case_value)
            if case_id is None:
                return render(None, user=user)
            record = store.load_case(case_id, user=user)
            return render(record, f"已打开案件 #{case_id} / case #{case_id} reopened", user=user)

        @guarded
        def on_new(request: gr.Request = None) -> dict:
            return render(None, "新案件：请在左侧描述案情 / new case: describe it on the left", user=_user(request)) | {message: ""}

        @guarded
        def on_rerun(case_value: Any, rows: list[list[str]], request: gr.Request = None, progress=gr.Progress()) -> dict:
            user = _user(request)
            case_id = _case_id(case_value)
            if case_id is None:
                raise InputError("请先发送或打开一个案件 / send or open a case first")
            with store.case_writer(case_id):
                record = store.load_case(case_id, user=user)
                if record.latest_advice is None:
                    raise InputError("该案件尚无分析结果 / this case has no analysis yet")
                edited, changed = apply_fact_edits(record.latest_advice.advice.case, rows)
                if not changed:
                    raise InputError("没有修改任何事实 / no fact was changed")
                store.add_turn(case_id, "assistant", "已按修改后的事实重新分析 / re-run with edited facts: " + "、".join(changed),
                               user=user)
                record = analyse(store.load_case(case_id, user=user), progress, user, edited_case=edited)
            return render(record, f"✅ 已重新分析（第 {record.advice_versions} 版）/ re-run saved", user=user)

        @guarded
        def on_pick_draft(case_value: Any, index: Any, request: gr.Request = None) -> dict:
            case_id = _case_id(case_value)
            if case_id is None or index in (None, ""):
                return {}
            record = store.load_case(case_id, user=_user(request))
            return draft_outputs(record, _index(index, len(record.latest_drafts), "文书序号 / draft index"))

        @guarded
        def on_pick_citation(case_value: Any, index: Any, request: gr.Request = None) -> dict:
            case_id = _case_id(case_value)
            record = store.load_case(case_id, user=_user(request)) if case_id is not None else None
            if record is None or record.latest_advice is None or index in (None, ""):
                return {}
            cited = record.latest_advice.advice.citations
            return {citation: citation_markdown(cited[_index(index, len(cited), "条文序号 / article index")])}

        @guarded
        def on_export(case_value: Any, request: gr.Request = None) -> dict:
            case_id = _case_id(case_value)
            if case_id is None:
                raise InputError("请先打开一个案件 / open a case first")
            exported = store.export_case(case_id, user=_user(request))  # access is checked before a file exists
            folder = _private_dir("exports")
            _sweep(folder)
            with tempfile.NamedTemporaryFile("w", dir=folder, prefix=f"case-{case_id}-", suffix=".json", delete=False,
                                             encoding="utf-8") as target:
                json.dump(exported, target, ensure_ascii=False, indent=2)
            return {export_file: gr.update(value=target.name, visible=True),
                    status: f"已导出案件 #{case_id} 的完整记录（链头 {exported['chain_head']['hash'][:12]}…）/ full record exported"}

        @guarded
        def on_share(case_value: Any, with_user: str, request: gr.Request = None) -> dict:
            case_id = _case_id(case_value)
            if case_id is None:
                raise InputError("请先打开一个案件 / open a case first")
            store.share_case(case_id, (with_user or "").strip(), user=_user(request))
            return {status: f"案件 #{case_id} 已共享给 {with_user.strip()} / case shared"}

        @guarded
        def on_log_contact(case_value: Any, when: str, channel: str, summary: str, request: gr.Request = None) -> dict:
            user = _user(request)
            case_id = _case_id(case_value)
            if case_id is None:
                raise InputError("请先打开一个案件 / open a case first")
            moment = _parse_when(when)
            store.log_contact(case_id, moment, channel, summary, user=user)
            note = "已记录 / logged"
            settings = get_settings()
            if isinstance(moment, datetime) and not settings.contact_window_start <= moment.hour < settings.contact_window_end:
                note = (f"已记录；注意：{settings.contact_window_start}:00–{settings.contact_window_end}:00 以外联系"
                        " 可能构成骚扰 / logged; contact outside these hours may count as harassment")
                gr.Warning(note)
            return {contacts: contact_rows(store.load_case(case_id, user=user)), contact_summary: "", status: note}

        @guarded
        def on_check(text: str, case_value: Any, use_case: bool, request: gr.Request = None) -> dict:
            user = _user(request)
            case_id = _case_id(case_value)
            record = store.load_case(case_id, user=user) if case_id is not None else None
            subject = record.latest_advice.advice.case if use_case and record and record.latest_advice else None
            report = api.check(text, subject)
            store.save_check(case_id, text, report, user=user)
            marks = highlight_spans(text, [(v.span[0], v.span[1], v.matched, v.code.value) for v in report.violations])
            return {check_marks: marks, check_report: render_report(report),
                    status: f"审查结果已保存，记入案件 #{case_id} / check saved to case #{case_id}" if case_id
                    else "审查结果已保存 / check saved"}

        send.click(on_send, [message, case, request_id], [*view, message], api_name="send")
        message.submit(on_send, [message, case, request_id], [*view, message], api_visibility="private")
        case.input(on_open, [case], view, api_name="open_case")
        new_case.click(on_new, None, [*view, message], api_name="new_case")
        rerun.click(on_rerun, [case, facts], view, api_name="rerun")
        draft_choice.input(on_pick_draft, [case, draft_choice], [draft_text, draft_marks, draft_report, docx, status],
                           api_name="draft")
        citation_choice.input(on_pick_citation, [case, citation_choice], [citation, status], api_name="citation")
        export.click(on_export, [case], [export_file, status], api_name="export")
        share.click(on_share, [case, share_with], [status], api_name="share")
        log_contact.click(on_log_contact, [case, contact_when, contact_channel, contact_summary],
                          [contacts, contact_summary, status], api_name="log_contact")
        check.click(on_check, [check_text, case, check_use_case], [check_marks, check_report, status], api_name="check")
        def on_load(request: gr.Request) -> dict:
            return gr.update(choices=_case_choices(store, _user(request)))

        app.load(on_load, None, [case], api_visibility="private")
    return app


def _parse_when(text: str) -> datetime | date:
    value = (text or "").strip().replace("/", "-").replace("T", " ")
    if not value:
        raise InputError("请填写联系时间 / please give the time of contact")
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M") if " " in value else date.fromisoformat(value)
    except ValueError:
        raise InputError(f"时间格式应为 YYYY-MM-DD HH:MM / expected YYYY-MM-DD HH:MM, got {text!r}") from None


THEME_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]


def main() -> None:
    install_log_masking()
    settings = get_settings()
    try:
        users = parse_users(settings.users)
        store = Store()  # DEBT_DATABASE_URL, or audit.db in DEBT_DATA_DIR; migrated to the current schema
        store.register_users({name: role for name, _, role in users})
    except AssistantError as exc:  # a start-up problem is one clear line, not a traceback
        raise SystemExit(exc.user_message) from None
    if not is_loopback(settings.host) and not users:
        raise SystemExit(
            f"拒绝在 {settings.host} 上无登录启动：请设置 DEBT_USERS=user:password / refusing to listen on "
            f"{settings.host} without a login: set DEBT_USERS=user:password"
        )
    log.info("audit trail at %s", store.location)
    app = build_app(store).queue(default_concurrency_limit=2)
    app.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=LoginThrottle({name: password for name, password, _ in users}) if users else None,
        auth_message="合法催收助手 · 请登录 / please log in",
        ssr_mode=False,
        show_error=False,
        footer_links=["api"],
        theme=gr.themes.Soft(font=THEME_FONTS, font_mono=["Noto Sans Mono CJK SC", "monospace"]),
        prevent_thread_lock=True,
    )
    # the web server's loggers have their own handlers (created at launch) and do not propagate to root
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        install_log_masking(logging.getLogger(name))
    app.block_thread()


if __name__ == "__main__":
    main()
