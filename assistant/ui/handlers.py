"""The web app's behaviour: what each button and endpoint does with the audit store and the pipeline.

`wire` connects the panels' components (assistant.ui.panels) to handlers that act as the logged-in user;
`api` is assistant.api, handed in by app.py (the flow's steps never import the top-level api).
"""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Callable
from datetime import datetime
from types import ModuleType, SimpleNamespace
from typing import Any

import gradio as gr

from assistant.errors import AssistantError, InputError
from assistant.settings import get_settings
from assistant.store.trail import CaseRecord, Store
from assistant.ui.facts import apply_fact_edits, carry_user_edits, fact_rows
from assistant.ui.render import render_assessment, render_report
from assistant.ui.shell import (
    GENERIC_FAILURE,
    NOT_ANSWERED,
    VIEW_OUTPUT_NAMES,
    case_choices,
    docx_path,
    log,
    parse_case_id,
    parse_index,
    parse_when,
    private_dir,
    request_user,
    sweep_old_files,
)
from assistant.ui.views import (
    citation_markdown,
    contact_rows,
    highlight_spans,
    position_markdown,
    reply_summary,
    stage_markdown,
    timeline_rows,
)


def wire(blocks: gr.Blocks, store: Store, ui: SimpleNamespace, api: ModuleType) -> None:
    """Attach every handler to its component, inside the open gr.Blocks."""
    # the components by name, panel by panel (the handlers below read as if laid out here)
    status, chat, message, request_id, send = ui.status, ui.chat, ui.message, ui.request_id, ui.send
    case, new_case, export, share_with, share, export_file, stage = ui.case, ui.new_case, ui.export, ui.share_with, ui.share, ui.export_file, ui.stage
    close, sign_off = ui.close, ui.sign_off
    facts, rerun = ui.facts, ui.rerun
    assessment, signals, position, timeline, citation_choice, citation = ui.assessment, ui.signals, ui.position, ui.timeline, ui.citation_choice, ui.citation
    draft_choice, draft_text, draft_marks, draft_report, docx = ui.draft_choice, ui.draft_text, ui.draft_marks, ui.draft_report, ui.docx
    contacts, contact_when, contact_channel, contact_summary, log_contact = ui.contacts, ui.contact_when, ui.contact_channel, ui.contact_summary, ui.log_contact
    check_text, check_use_case, check, check_marks, check_report = ui.check_text, ui.check_use_case, ui.check, ui.check_marks, ui.check_report
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
            chat: [], case: gr.update(choices=case_choices(store, user), value=None), facts: [], timeline: [],
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
            case: gr.update(choices=case_choices(store, user), value=record.case_id),
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
            path = docx_path(record, index)
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
        user, key = request_user(request), (request_key or "").strip() or None
        text = (text or "").strip()
        if not text:
            raise InputError("请先输入案情 / please describe the case first")
        case_id = parse_case_id(case_value)
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
        user = request_user(request)
        case_id = parse_case_id(case_value)
        if case_id is None:
            return render(None, user=user)
        record = store.load_case(case_id, user=user)
        return render(record, f"已打开案件 #{case_id} / case #{case_id} reopened", user=user)

    @guarded
    def on_new(request: gr.Request = None) -> dict:
        return render(None, "新案件：请在左侧描述案情 / new case: describe it on the left", user=request_user(request)) | {message: ""}

    @guarded
    def on_rerun(case_value: Any, rows: list[list[str]], request: gr.Request = None, progress=gr.Progress()) -> dict:
        user = request_user(request)
        case_id = parse_case_id(case_value)
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
        case_id = parse_case_id(case_value)
        if case_id is None or index in (None, ""):
            return {}
        record = store.load_case(case_id, user=request_user(request))
        return draft_outputs(record, parse_index(index, len(record.latest_drafts), "文书序号 / draft index"))

    @guarded
    def on_pick_citation(case_value: Any, index: Any, request: gr.Request = None) -> dict:
        case_id = parse_case_id(case_value)
        record = store.load_case(case_id, user=request_user(request)) if case_id is not None else None
        if record is None or record.latest_advice is None or index in (None, ""):
            return {}
        cited = record.latest_advice.advice.citations
        return {citation: citation_markdown(cited[parse_index(index, len(cited), "条文序号 / article index")])}

    @guarded
    def on_export(case_value: Any, request: gr.Request = None) -> dict:
        case_id = parse_case_id(case_value)
        if case_id is None:
            raise InputError("请先打开一个案件 / open a case first")
        exported = store.export_case(case_id, user=request_user(request))  # access is checked before a file exists
        folder = private_dir("exports")
        sweep_old_files(folder)
        with tempfile.NamedTemporaryFile("w", dir=folder, prefix=f"case-{case_id}-", suffix=".json", delete=False,
                                         encoding="utf-8") as target:
            json.dump(exported, target, ensure_ascii=False, indent=2)
        return {export_file: gr.update(value=target.name, visible=True),
                status: f"已导出案件 #{case_id} 的完整记录（链头 {exported['chain_head']['hash'][:12]}…）/ full record exported"}

    @guarded
    def on_share(case_value: Any, with_user: str, request: gr.Request = None) -> dict:
        case_id = parse_case_id(case_value)
        if case_id is None:
            raise InputError("请先打开一个案件 / open a case first")
        store.share_case(case_id, (with_user or "").strip(), user=request_user(request))
        return {status: f"案件 #{case_id} 已共享给 {with_user.strip()} / case shared"}

    @guarded
    def on_close(case_value: Any, request: gr.Request = None) -> dict:
        case_id = parse_case_id(case_value)
        if case_id is None:
            raise InputError("请先打开一个案件 / open a case first")
        store.close_case(case_id, user=request_user(request))
        return {status: f"案件 #{case_id} 已结案；保存期满后个人信息将依法删除 / case closed (erased after the retention period)"}

    @guarded
    def on_sign_off(case_value: Any, request: gr.Request = None) -> dict:
        user = request_user(request)
        case_id = parse_case_id(case_value)
        if case_id is None:
            raise InputError("请先打开一个案件 / open a case first")
        record = store.load_case(case_id, user=user)
        if record.latest_advice is None:
            raise InputError("该案件尚无文书 / this case has no drafts yet")
        store.sign_off(case_id, record.latest_advice.version, user=user)
        return {status: f"第 {record.latest_advice.version} 版已由 {user or 'local'} 签发 / signed off"}

    @guarded
    def on_log_contact(case_value: Any, when: str, channel: str, summary: str, request: gr.Request = None) -> dict:
        user = request_user(request)
        case_id = parse_case_id(case_value)
        if case_id is None:
            raise InputError("请先打开一个案件 / open a case first")
        moment = parse_when(when)
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
        user = request_user(request)
        case_id = parse_case_id(case_value)
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
    close.click(on_close, [case], [status], api_name="close_case")
    sign_off.click(on_sign_off, [case], [status], api_name="sign_off")
    log_contact.click(on_log_contact, [case, contact_when, contact_channel, contact_summary],
                      [contacts, contact_summary, status], api_name="log_contact")
    check.click(on_check, [check_text, case, check_use_case], [check_marks, check_report, status], api_name="check")
    def on_load(request: gr.Request) -> dict:
        return gr.update(choices=case_choices(store, request_user(request)))

    blocks.load(on_load, None, [case], api_visibility="private")
