"""Evaluation of irpipe on hand-checked data (``python -m eval``, ``make eval``); see ``eval/README.md``."""
