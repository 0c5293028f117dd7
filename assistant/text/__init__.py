"""Shared text tools: segmentation, numerals and money, article numbers, masking, input cleaning, data files.

The embedding model (`assistant.text.embeddings`) is imported on its own: it pulls in torch.
"""

from assistant.text.article_numbers import normalise_article, parse_article, to_chinese_article
from assistant.text.inputs import clean_text
from assistant.text.masking import install_log_masking, mask_pii
from assistant.text.money import find_amounts, find_approximate_amounts, parse_amount
from assistant.text.numerals import parse_number

__all__ = [
    "clean_text",
    "find_amounts",
    "find_approximate_amounts",
    "install_log_masking",
    "mask_pii",
    "normalise_article",
    "parse_amount",
    "parse_article",
    "parse_number",
    "to_chinese_article",
]
