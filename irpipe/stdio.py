"""Line-by-line standard input for the streaming commands (``classify``, ``parse-references``,
``extract-events``): one shared behaviour so that every filter command answers alike.

- Lines are read one at a time as they arrive (``readline``, no read-ahead to EOF), so a pipe
  gets each answer before the next line is typed; :func:`write_line` flushes each answer.
- Lines are numbered from 1 and blank lines are kept (handed out as ``None`` by
  :func:`json_lines`), so output line *n* answers input line *n*.
- Bad input is one line naming the stdin line and the reason (:class:`InputLineError`,
  :func:`fail_line`), exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Iterator, NoReturn


class InputLineError(ValueError):
    """A line of stdin that cannot be used; ``str()`` names its number and the reason."""

    def __init__(self, lineno: int, reason: str):
        super().__init__(f"stdin line {lineno}: {reason}")
        self.lineno = lineno
        self.reason = reason


def numbered_lines(stream: IO[str] | None = None) -> Iterator[tuple[int, str]]:
    """``(line number, text without its line end)`` for every line, blank ones included, as they arrive."""
    stream = stream if stream is not None else sys.stdin
    for lineno, line in enumerate(iter(stream.readline, ""), 1):
        yield lineno, line.rstrip("\r\n")


def json_lines(stream: IO[str] | None = None, *, required: tuple[str, ...] = ()) -> Iterator[tuple[int, dict | None]]:
    """One JSON object per line: ``(line number, object)``, ``None`` for a blank line (kept for alignment).

    A line that is not a JSON object, or lacks a key of ``required``, raises :class:`InputLineError`.
    """
    for lineno, text in numbered_lines(stream):
        if not text.strip():
            yield lineno, None
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputLineError(lineno, f"not JSON ({exc.msg} at column {exc.colno}); "
                                         "expected one JSON object per line") from None
        if not isinstance(value, dict):
            raise InputLineError(lineno, f"expected a JSON object, got {type(value).__name__}")
        missing = [k for k in required if k not in value]
        if missing:
            raise InputLineError(lineno, f"the object has no {', '.join(repr(k) for k in missing)} field")
        yield lineno, value


def write_line(text: str, stream: IO[str] | None = None) -> None:
    """One answer line, flushed at once (a pipe reader must not wait for a buffer to fill)."""
    stream = stream if stream is not None else sys.stdout
    stream.write(text.rstrip("\n") + "\n")
    stream.flush()


def fail_line(err: InputLineError) -> NoReturn:
    """Report a bad stdin line the commands' way: one line on stderr, exit code 2."""
    import typer

    typer.echo(f"irpipe: {err}", err=True)
    raise typer.Exit(2)
