"""Step 4, law: statute text, our interpretation notes, hybrid retrieval and the citation verifier."""

from assistant.law.citations import find_citations, verify_citations
from assistant.law.retrieval import get_retriever
from assistant.law.statutes import article_exists, get_article

__all__ = ["article_exists", "find_citations", "get_article", "get_retriever", "verify_citations"]
