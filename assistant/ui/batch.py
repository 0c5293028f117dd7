"""The "批量 / Batch" tab: upload a spreadsheet, watch the progress bar, download the results.

`batch_panel()` builds the tab's components inside the caller's Blocks (app.py calls it inside a
`gr.Tab`); `run_batch` is the handler, a thin shell over assistant.bulk. A file uploaded again goes to
the same output directory (named by its content), so an interrupted triage resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant.bulk.audit import audit_log
from assistant.bulk.portfolio import file_fingerprint, load_mapping
from assistant.bulk.runner import triage_portfolio
from assistant.errors import AssistantError
from assistant.settings import get_settings

__all__ = ["BatchPanel", "batch_panel", "batch_output_dir", "run_batch"]

TRIAGE = "分诊 / triage accounts"
AUDIT = "审查 / audit messages"


@dataclass
class BatchPanel:
    upload: gr.File
    kind: gr.Radio
    columns: gr.File
    run: gr.Button
    summary: gr.Markdown
    charts: gr.Gallery
    downloads: gr.File


def batch_output_dir(path: Path, kind: str) -> Path:
    """Where a batch over this file writes: named by the file's content, so the same upload resumes."""
    return get_settings().data_dir / "batch" / f"{'triage' if kind == TRIAGE else 'audit'}-{file_fingerprint(path)[:16]}"


def run_batch(upload: str | None, kind: str, columns: str | None, progress: gr.Progress = gr.Progress()):  # noqa: B008
    """(summary markdown, chart paths, download paths) for one uploaded spreadsheet."""
    if not upload:
        return "请先上传表格 / upload a spreadsheet first", [], []
    path = Path(upload)
    try:
        mapping = load_mapping(Path(columns)) if columns else None
        out = batch_output_dir(path, kind)
        if kind == AUDIT:
            progress(0, desc="审查中 / auditing")
            result = audit_log(path, out, mapping=mapping)
            rules = "\n".join(f"| {rule} | {n} |" for rule, n in result.by_rule.items())
            summary = (f"**{result.messages}** 条消息 / messages · **{result.messages_with_findings}** 条有问题 / with findings · "
                       f"**{result.row_errors}** 行错误 / row errors\n\n| 规则 rule | 次数 findings |\n|---|---|\n{rules}")
            return summary, [], [str(result.workbook)]

        def advance(done: int, total: int) -> None:
            progress(done / total if total else 1.0, desc=f"分诊 / triage {done}/{total}")

        run = triage_portfolio(path, out, mapping=mapping, progress=advance)
    except AssistantError as exc:
        return f"错误 / error: {exc.user_message}", [], []
    summary = (f"**{run.accounts}** 个账户 / accounts ({run.skipped} 已完成 / done before) · **{run.row_errors}** 行错误 / row errors · "
               f"**{run.outputs.shipped}** 份文书 / documents · **{run.outputs.withheld}** 份扣留 / withheld by the checker")
    return summary, [str(p) for p in run.outputs.charts], [str(run.outputs.workbook), str(run.outputs.documents_zip)]


def batch_panel() -> BatchPanel:
    """The Batch tab's components, wired to `run_batch`; call inside `with gr.Tab("批量 Batch"):`."""
    gr.Markdown("上传账户表（分诊并生成经审查的文书）或消息记录（逐条及跨消息审查）。/ "
                "Upload an account sheet (triage and checked documents) or a message log (audit).")
    with gr.Row():
        upload = gr.File(label="表格 / spreadsheet (CSV, XLSX)", file_types=[".csv", ".xlsx"], type="filepath")
        columns = gr.File(label="列映射 / column mapping (YAML, 可选 optional)", file_types=[".yaml", ".yml"], type="filepath")
    kind = gr.Radio([TRIAGE, AUDIT], value=TRIAGE, label="任务 / task")
    run = gr.Button("开始 / Run", variant="primary")
    summary = gr.Markdown()
    charts = gr.Gallery(label="图表 / charts", columns=3, height="auto", object_fit="contain")
    downloads = gr.File(label="下载 / downloads", file_count="multiple", interactive=False)
    run.click(run_batch, [upload, kind, columns], [summary, charts, downloads])
    return BatchPanel(upload=upload, kind=kind, columns=columns, run=run, summary=summary, charts=charts, downloads=downloads)
