"""Prefect flows: orchestration only; every task calls a plain function in ``pipeline``."""

from pipeline.settings import apply_prefect_defaults

apply_prefect_defaults()
