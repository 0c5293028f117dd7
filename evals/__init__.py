"""Evaluation datasets and the one runner: ``python -m evals``."""
