"""The optional LLM: grounded extraction and gated prose. It judges nothing; the checker is passed in."""

from assistant.llm.client import LocalLlamaServer, chat_model, draft_with_llm, extract_with_llm

__all__ = ["LocalLlamaServer", "chat_model", "draft_with_llm", "extract_with_llm"]
