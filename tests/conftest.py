"""Shared fixtures: paths of fixture files, the reference article processed once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import tempfile

from pipeline.settings import apply_prefect_defaults

# a task-result cache of this test session only: results persisted by earlier runs must not answer
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = tempfile.mkdtemp(prefix="irpipe-test-results-")
apply_prefect_defaults()

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ARTICLE = ROOT / "corpus" / "articles" / "akhlaghi-2025-russia-iran.md"
DEV_PDFS = sorted(DATA.glob("*.pdf"))


@pytest.fixture(scope="session")
def article_doc():
    """The reference article through ingest + structure + enrichment (no Prefect)."""
    from pipeline.process import process_file

    return process_file(ARTICLE)


@pytest.fixture(scope="session")
def pdf_docs():
    """Each dev PDF ingested and structured once."""
    from pipeline.process import assemble, ingest

    return {p.stem: assemble(ingest(p)) for p in DEV_PDFS}


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's test harness (a temporary database and API), started once per session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])):
        yield


@pytest.fixture(scope="session")
def corpus_run(prefect_harness, tmp_path_factory):
    """The real process-corpus flow over the reference article, a dev PDF and a bad file, once per session."""
    from flows.process_document import process_corpus

    tmp = tmp_path_factory.mktemp("corpus")
    bad = tmp / "empty.md"
    bad.write_text("")
    out = tmp / "out"
    results = process_corpus([str(ARTICLE), str(bad), str(DATA / "34237.pdf")], str(out))
    return {"out": out, "results": results, "bad": bad}
