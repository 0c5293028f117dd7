"""The web app's panels, each a short function that lays out its Gradio components and returns them by name.

Element ids (elem_id) are what the browser test and users' bookmarks rely on: keep them stable.
"""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from assistant.settings import get_settings
from assistant.ui.batch import batch_panel
from assistant.ui.shell import CONTACT_CHANNELS, EXAMPLES


def chat_panel() -> SimpleNamespace:
    chat = gr.Chatbot(label="对话 / chat", height=460, elem_id="chat")
    message = gr.Textbox(label="案情或补充事实 / narrative or an added fact", lines=3, elem_id="message",
                         max_length=get_settings().max_message_chars,
                         placeholder="例如：朋友去年借了我10万元，约定三个月还清，到期后一直拖……")
    # an API client's id for this message: a retry with the same id is stored and answered once
    request_id = gr.Textbox(value="", visible=False, elem_id="request_id")
    send = gr.Button("发送并分析 / Send & analyse", variant="primary", elem_id="send")
    gr.Examples(EXAMPLES, inputs=[message], label="示例案件 / worked examples")
    return SimpleNamespace(chat=chat, message=message, request_id=request_id, send=send)


def case_panel() -> SimpleNamespace:
    case = gr.Dropdown(label="案件 / case (重新打开 reopen)", choices=[], value=None, allow_custom_value=True, elem_id="case")
    with gr.Row():
        new_case = gr.Button("新案件 / New case", size="sm")
        export = gr.Button("导出记录 / Export JSON", size="sm")
    with gr.Row():
        share_with = gr.Textbox(label="共享给用户 / share with user", scale=3)
        share = gr.Button("共享 / Share", size="sm", scale=1)
        close = gr.Button("结案 / Close case", size="sm", scale=1)
    export_file = gr.File(label="案件记录 / case record (JSON)", interactive=False, visible=False)
    stage = gr.Markdown(elem_id="stage")
    return SimpleNamespace(case=case, new_case=new_case, export=export, share_with=share_with, share=share,
                           close=close, export_file=export_file, stage=stage)


def facts_panel() -> SimpleNamespace:
    gr.Markdown("可直接修改“值”一栏（金额为元，日期 YYYY-MM-DD，是/否），然后重新分析。 · Edit the value column, then re-run.")
    facts = gr.Dataframe(headers=["事实 fact", "值 value", "原文 source words"], type="array", datatype="str",
                         interactive=True, static_columns=[0, 2], wrap=True, max_height=820, elem_id="facts")
    rerun = gr.Button("按修改后的事实重新分析 / Re-run with edited facts", variant="secondary")
    return SimpleNamespace(facts=facts, rerun=rerun)


def plan_panel() -> SimpleNamespace:
    """The debtor's classification, the legal position, the dated plan and the articles it rests on."""
    with gr.Tab("分类 Debtor"):
        assessment = gr.Markdown()
        signals = gr.HighlightedText(label="信号及其原文 / signals and their evidence words", show_legend=True,
                                     combine_adjacent=False)
    with gr.Tab("法律地位 Law"):
        position = gr.Markdown()
    with gr.Tab("时间表 Plan"):
        timeline = gr.Dataframe(headers=["日期 date", "距今 days", "阶段 stage", "行动 action", "渠道 channel",
                                         "保留证据 keep", "依据 basis"], type="array", interactive=False, wrap=True,
                                max_height=900, column_widths=["9%", "7%", "10%", "38%", "10%", "13%", "13%"])
    with gr.Tab("法条 Articles"):
        citation_choice = gr.Dropdown(label="条文 / article", choices=[], allow_custom_value=True)
        citation = gr.Markdown()
    return SimpleNamespace(assessment=assessment, signals=signals, position=position, timeline=timeline,
                           citation_choice=citation_choice, citation=citation)


def drafts_panel() -> SimpleNamespace:
    draft_choice = gr.Dropdown(label="文书 / draft", choices=[], allow_custom_value=True, elem_id="draft_choice")
    draft_text = gr.Textbox(label="文书内容 / text", lines=8, max_lines=40, interactive=False, elem_id="draft_text",
                            buttons=["copy"])
    draft_marks = gr.HighlightedText(label="合法性审查标注 / checker marks", show_legend=True)
    draft_report = gr.Markdown(elem_id="draft_report")
    docx = gr.DownloadButton("下载 Word / Download .docx", visible=False, elem_id="docx")
    sign_off = gr.Button("律师签发本版文书 / Sign off this version (lawyer)", size="sm")
    return SimpleNamespace(draft_choice=draft_choice, draft_text=draft_text, draft_marks=draft_marks,
                           draft_report=draft_report, docx=docx, sign_off=sign_off)


def contacts_panel() -> SimpleNamespace:
    contacts = gr.Dataframe(headers=["时间 when", "方式 channel", "摘要 summary", "记录于 logged"], type="array",
                            interactive=False, wrap=True)
    with gr.Row():
        contact_when = gr.Textbox(label="时间 / when (YYYY-MM-DD HH:MM)")
        contact_channel = gr.Dropdown(CONTACT_CHANNELS, value=CONTACT_CHANNELS[0], label="方式 / channel")
    contact_summary = gr.Textbox(label="摘要 / summary", lines=2)
    log_contact = gr.Button("记录联系 / Log contact")
    return SimpleNamespace(contacts=contacts, contact_when=contact_when, contact_channel=contact_channel,
                           contact_summary=contact_summary, log_contact=log_contact)


def check_panel() -> SimpleNamespace:
    check_text = gr.Textbox(label="待发送的消息 / the message you plan to send", lines=5, elem_id="check_text")
    check_use_case = gr.Checkbox(label="结合当前案件审查（金额、利息）/ check against the open case", value=True)
    check = gr.Button("审查 / Check", variant="primary")
    check_marks = gr.HighlightedText(label="问题标注 / flagged spans", show_legend=True, elem_id="check_marks")
    check_report = gr.Markdown(elem_id="check_report")
    return SimpleNamespace(check_text=check_text, check_use_case=check_use_case, check=check, check_marks=check_marks,
                           check_report=check_report)


def layout() -> SimpleNamespace:
    """The whole page: header and status, chat beside the case, then the tabs. Every component by name."""
    gr.Markdown("## 合法催收助手 · Lawful debt-collection assistant\n"
                "描述借款情况（中文或英文），每条新消息可补充事实。所有记录按时间保存，不可修改。"
                " · Describe the loan; each new message adds a fact. Every record is kept, append-only.")
    parts = {"status": gr.Markdown(elem_id="status")}
    with gr.Row():
        with gr.Column(scale=3):
            parts |= vars(chat_panel())
        with gr.Column(scale=2):
            parts |= vars(case_panel())
    with gr.Tabs():
        with gr.Tab("事实 Facts"):
            parts |= vars(facts_panel())
        parts |= vars(plan_panel())
        with gr.Tab("文书 Drafts"):
            parts |= vars(drafts_panel())
        with gr.Tab("联系记录 Contacts"):
            parts |= vars(contacts_panel())
        with gr.Tab("消息审查 Check"):
            parts |= vars(check_panel())
        with gr.Tab("批量 Batch"):
            batch_panel()  # wired on its own: a spreadsheet in, triage or an audit out (assistant.bulk)
    return SimpleNamespace(**parts)
