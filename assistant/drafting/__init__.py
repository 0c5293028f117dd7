"""Step 6, drafting: letters and court papers rendered from templates (unchecked; the checker certifies)."""

from assistant.drafting.documents import COURT_DOCUMENTS, KINDS_BY_STAGE, draft_documents, render_draft
from assistant.drafting.docx import draft_to_docx

__all__ = ["COURT_DOCUMENTS", "KINDS_BY_STAGE", "draft_documents", "draft_to_docx", "render_draft"]
