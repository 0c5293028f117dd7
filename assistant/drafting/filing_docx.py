"""The filing pack as Word documents with real tables (python-docx), one file per document.

Only checked documents are written, and every table cell must be a line of the checked text (filing.py
writes each row into the text), so nothing the checker has not seen reaches a file.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document

from assistant.drafting.docx import BODY_SIZE, TITLE_SIZE, _default_style, _set_fonts
from assistant.drafting.filing import CheckedFilingDocument, CheckedFilingPack
from assistant.errors import InputError

__all__ = ["filing_document_to_docx", "filing_pack_to_docx", "FILE_NAMES"]

FILE_NAMES = {
    "complaint": "01_民事起诉状.docx",
    "preservation_application": "02_财产保全申请书.docx",
    "evidence_list": "03_证据清单.docx",
    "fees": "04_诉讼费用计算.docx",
    "jurisdiction": "05_管辖法院.docx",
    "checklist": "06_立案材料清单.docx",
}


def _table_lines(doc: CheckedFilingDocument) -> set[str]:
    return {"｜".join(t.header) for t in doc.tables} | {"｜".join(r) for t in doc.tables for r in t.rows}


def filing_document_to_docx(doc: CheckedFilingDocument, path: Path) -> Path:
    draft = doc.draft
    if not draft.report.legal or draft.report.checked_chars != len(draft.text):
        raise InputError("文书未通过审查，不能导出 / the document has no passing check report on its text")
    text_lines = [line.strip() for line in draft.text.splitlines()]
    if not _table_lines(doc) <= set(text_lines):
        raise InputError("表格内容与审查文本不符，不能导出 / the tables differ from the checked text")
    document = Document()
    _default_style(document)
    document.core_properties.title = draft.title
    title = document.add_paragraph()
    title.alignment = 1  # centre
    _set_fonts(title.add_run(draft.title), TITLE_SIZE, bold=True)
    tables = {("｜".join(t.header)): t for t in doc.tables}
    skip = {"｜".join(r) for t in doc.tables for r in t.rows}
    for line in text_lines:
        if line in skip:
            continue
        if line in tables:
            table = tables[line]
            grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
            grid.style = "Table Grid"
            for r, values in enumerate([table.header, *table.rows]):
                for c, value in enumerate(values):
                    cell = grid.cell(r, c)
                    cell.text = ""
                    _set_fonts(cell.paragraphs[0].add_run(value), BODY_SIZE, bold=r == 0)
            continue
        para = document.add_paragraph()
        if line:
            _set_fonts(para.add_run(line), BODY_SIZE)
    path = Path(path)
    document.save(str(path))
    return path


def filing_pack_to_docx(pack: CheckedFilingPack, directory: Path) -> list[Path]:
    """Write every document of the pack into `directory`; returns the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return [filing_document_to_docx(doc, directory / FILE_NAMES.get(doc.name, f"{doc.name}.docx")) for doc in pack.documents]
