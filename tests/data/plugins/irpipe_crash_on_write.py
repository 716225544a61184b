"""A test plugin that makes writing one document fail as a full disk would (``crash.md`` only).

Used by ``tests/test_survival.py`` to check that a crash inside a Prefect task reaches the
terminal as one line with a code, and its traceback only the log file. Loaded through
``IRPIPE_STAGE_MODULES='["irpipe_crash_on_write"]'``; it registers nothing.
"""

from __future__ import annotations

import flows.process_document as process_document

_write = process_document.write_document


def _write_or_fail(doc, output_dir):
    if (doc.source.path or "").endswith("crash.md"):
        raise OSError(28, "No space left on device (disk full, simulated by a test plugin)")
    return _write(doc, output_dir)


process_document.write_document = _write_or_fail
