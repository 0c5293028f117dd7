"""A lawful debt-collection assistant for creditors and lawyers in China.

The public API lives in :mod:`assistant.api`: ``assess``, ``check``, ``retrieve``, ``advise``.
"""

__version__ = "0.1.0"
