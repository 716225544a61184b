"""The zero-shot label and dimension descriptions, read from the codebook.

``docs/theory-codebook.md`` §8 ends with a fenced JSON block: one theory-only sentence per
label and dimension, free of any one article's cases. The classifier's zero-shot features are
cosine similarities to these sentences, so the codebook is the one place they are written; the
file is a declared resource of the theory stage, and editing it re-keys the stage.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from pipeline.settings import PROJECT_ROOT
from pipeline.theory.labels import ALL_DIMS, THEORIES

CODEBOOK = PROJECT_ROOT / "docs" / "theory-codebook.md"
DESCRIPTION_KEYS = THEORIES + ALL_DIMS
_JSON_BLOCK = re.compile(r"^```json[ \t]*\n(.*?)^```", re.S | re.M)


def parse_descriptions(text: str, source: str = "codebook") -> dict[str, str]:
    """The last fenced ``json`` block of the codebook: {label or dimension id: description}."""
    blocks = _JSON_BLOCK.findall(text)
    if not blocks:
        raise ValueError(f"{source}: no ```json block with the zero-shot descriptions (codebook §8)")
    try:
        data = json.loads(blocks[-1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: the descriptions block is not valid JSON: {exc}") from None
    missing = [k for k in DESCRIPTION_KEYS if not isinstance(data.get(k), str) or not data[k].strip()]
    if missing:
        raise ValueError(f"{source}: the descriptions block lacks {', '.join(missing)}")
    return {k: data[k].strip() for k in DESCRIPTION_KEYS}


@lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, str], ...]:
    return tuple(parse_descriptions(Path(path).read_text(encoding="utf-8"), path).items())


def load_descriptions(path: Path = CODEBOOK) -> dict[str, str]:
    """The descriptions in key order (theories, then dimensions); re-read when the file changes."""
    st = path.stat()
    return dict(_cached(str(path), st.st_mtime_ns, st.st_size))


def descriptions_digest(descriptions: dict[str, str]) -> str:
    """A short digest of the descriptions, stored with a trained model to detect a later edit."""
    return hashlib.sha256(json.dumps(descriptions, sort_keys=True).encode()).hexdigest()[:16]


_DIM_HEAD = re.compile(r"^\*\*`(\w+)`\.\*\*\s*(.*)$")


def parse_indicators(text: str, source: str = "codebook") -> dict[str, list[str]]:
    """Each dimension's definition and indicator bullets from the codebook's §3, as short texts.

    Why: they are the codebook's own statement of what counts as evidence for a dimension, written
    for labellers, not in any writer's wording; the similarity of a passage's sentences to them is a
    zero-shot feature that cannot learn one writer's vocabulary (codebook §3; used by the
    ``indicators`` feature set, ``pipeline.theory.classify.indicator_features``). Counter-indicators
    and notes are left out: a similarity to "summits and foreign-ministry diplomacy" says the topic
    is near, not that the dimension is argued.
    """
    a = text.find("\n## 3.")
    b = text.find("\n## 4.", a)
    if a < 0 or b < 0:
        raise ValueError(f"{source}: no §3 (dimensions) section")
    out: dict[str, list[str]] = {}
    dim, mode = None, None
    for line in text[a:b].splitlines():
        m = _DIM_HEAD.match(line.strip())
        if m and m.group(1) in ALL_DIMS:
            dim, mode = m.group(1), "definition"
            out[dim] = [m.group(2).replace("*", "").strip()]
            continue
        if dim is None:
            continue
        s = line.strip()
        if s.startswith("- *"):
            mode = "indicators" if s.lower().startswith("- *indicators") else "other"
            continue
        if mode == "definition" and s and not s.startswith("-"):
            out[dim][0] += " " + s.replace("*", "")
        elif mode == "indicators" and s.startswith("- "):
            out[dim].append(s[2:].replace("*", "").rstrip(";.").strip())
        elif mode == "indicators" and s and out[dim]:  # a bullet continued on the next line
            out[dim][-1] = (out[dim][-1] + " " + s.replace("*", "")).rstrip(";.")
    missing = [d for d in ALL_DIMS if len(out.get(d, [])) < 2]
    if missing:
        raise ValueError(f"{source}: §3 gives no indicators for {', '.join(missing)}")
    return {d: out[d] for d in ALL_DIMS}


def load_indicators(path: Path = CODEBOOK) -> dict[str, list[str]]:
    return parse_indicators(path.read_text(encoding="utf-8"), str(path))
