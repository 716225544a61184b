"""irpipe: a document-analysis pipeline for international-relations research articles.

The library is plain, typed Python: every stage (ingest, structure, citations,
entities, export) can be imported and called without Prefect. The Prefect flows
in ``flows/`` only orchestrate these functions.
"""

__version__ = "0.1.0"
