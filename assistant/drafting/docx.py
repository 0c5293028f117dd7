"""A checked draft as a Word document lawyers can edit: letter or court-paper layout, 宋体 throughout.

Layout follows the drafts' plain-text conventions: the title is the draft's title (centred, bold);
party lines (原告：/被告：/申请人：/甲方（…）：/致： …) sit flush left; the last block after a blank line
is the signature block and date, aligned right; other lines are body paragraphs with a two-character
first-line indent in Chinese. Only CheckedDraft is accepted, so nothing unchecked reaches a file.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.run import Run

from assistant.errors import InputError
from assistant.models import Case, CheckedDraft, DraftKind

__all__ = ["draft_to_docx", "EAST_ASIAN_FONT"]

EAST_ASIAN_FONT = "宋体"  # SimSun
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(18)
BODY_SIZE = Pt(12)

_PARTY = re.compile(
    r"^(致|原告|被告|申请人|被申请人|甲方|乙方|保证人|债权人|债务人|此致|To|Ref|Creditor|Lawyer in charge|Phone|联系电话|承办律师)"
    r"[（(：:\s]"
)
_FLUSH_LEFT_KINDS = {DraftKind.sms_reminder}


def _set_fonts(run: Run, size: Pt, *, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    run.bold = bold
    _set_east_asian_font(run._element.get_or_add_rPr())


def _set_east_asian_font(r_pr) -> None:  # type: ignore[no-untyped-def]
    # Word takes Chinese glyphs from w:eastAsia, not from font.name (the Latin font)
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def _default_style(document) -> None:  # type: ignore[no-untyped-def]
    style = document.styles["Normal"]
    style.font.name = LATIN_FONT
    style.font.size = BODY_SIZE
    _set_east_asian_font(style.element.get_or_add_rPr())


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def draft_to_docx(draft: CheckedDraft, case: Case, path: Path | None = None) -> bytes | Path:
    """Write the draft as .docx: bytes when no path is given, else the path written."""
    if not isinstance(draft, CheckedDraft):
        raise InputError("只能导出已审查的草稿 / only checked drafts can be exported")
    if not draft.report.legal:
        raise InputError("草稿未通过合法性审查，不能导出 / the draft failed the legality check and cannot be exported")
    if draft.report.checked_chars != len(draft.text):
        # a report computed on other words is no verdict on these (only the checker step makes a CheckedDraft)
        raise InputError("审查结论与草稿文本不符，不能导出 / the check report does not belong to this text")
    document = Document()
    _default_style(document)
    core = document.core_properties
    core.title = draft.title
    core.subject = draft.kind.value
    core.comments = f"checked {case.today.isoformat()}; blanks: {len(draft.blanks)}"

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_fonts(title.add_run(draft.title), TITLE_SIZE, bold=True)

    blocks = _blocks(draft.text)
    signature = blocks[-1] if len(blocks) > 1 and draft.kind not in _FLUSH_LEFT_KINDS else []
    body_blocks = blocks[:-1] if signature else blocks
    indent = Pt(BODY_SIZE.pt * 2) if draft.language == "zh" else None
    previous = ""
    for block in body_blocks:
        for line in block:
            para = document.add_paragraph()
            # the addressee after 此致 stands flush left, as on any Chinese court paper
            flush = _PARTY.match(line) or previous == "此致" or draft.kind in _FLUSH_LEFT_KINDS
            if indent is not None and not flush:
                para.paragraph_format.first_line_indent = indent
            _set_fonts(para.add_run(line), BODY_SIZE)
            previous = line
    if signature:
        document.add_paragraph()
        for line in signature:
            para = document.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _set_fonts(para.add_run(line), BODY_SIZE)

    if path is not None:
        path = Path(path)
        document.save(str(path))
        return path
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
