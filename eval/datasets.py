"""The evaluation data: the EXCITE corpus manifest, or a folder of ``ID.pdf`` + ``ID.references.txt``."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

#: The shared data beside the checkout (``../shared/data``, see ``../shared/README.md``), else the machine's
#: ``/work/shared/data``; ``IRPIPE_EVAL_CORPUS`` points the corpus elsewhere.
_BESIDE = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "excite-corpus"
DEFAULT_CORPUS = Path(os.environ.get("IRPIPE_EVAL_CORPUS")
                      or (_BESIDE if _BESIDE.is_dir() else "/work/shared/data/excite-corpus"))
GROUPS = ("en", "de-end", "de-footnote", "de-mixed")


@dataclass(frozen=True)
class Paper:
    id: str
    group: str
    pdf: Path
    references: Path
    segmented: Path | None = None

    def gold_references(self) -> list[str]:
        """The hand-checked reference strings, one per non-empty line."""
        return [ln.strip() for ln in self.references.read_text(encoding="utf-8").splitlines() if ln.strip()]

    def to_dict(self) -> dict[str, str | None]:
        return {"id": self.id, "group": self.group, "pdf": str(self.pdf), "references": str(self.references),
                "segmented": str(self.segmented) if self.segmented else None}

    @classmethod
    def from_dict(cls, d: dict) -> "Paper":
        return cls(id=d["id"], group=d["group"], pdf=Path(d["pdf"]), references=Path(d["references"]),
                   segmented=Path(d["segmented"]) if d.get("segmented") else None)


def load_papers(data: Path | str | None = None, *, group: str | None = None, limit: int | None = None,
                folder_group: str | None = None) -> list[Paper]:
    """Papers of a manifest CSV (group,id,pdf,references,segmented), of a folder holding ``manifest.csv``,
    or of a plain folder (every ``ID.pdf`` with an ``ID.references.txt``; the group is the folder name).

    Args:
        data: the manifest, or the folder; None: :data:`DEFAULT_CORPUS`.
        group: keep one group only.
        limit: keep the first ``limit`` papers (after the group filter), in manifest order.
        folder_group: the group of a plain folder's papers (default: the folder's name).
    """
    data = Path(data) if data is not None else DEFAULT_CORPUS
    manifest = data if data.suffix == ".csv" else data / "manifest.csv"
    papers: list[Paper] = []
    if manifest.exists():
        base = manifest.parent
        with manifest.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                papers.append(Paper(id=row["id"], group=row["group"], pdf=base / row["pdf"],
                                    references=base / row["references"],
                                    segmented=base / row["segmented"] if row.get("segmented") else None))
    else:
        for pdf in sorted(data.glob("*.pdf"), key=lambda p: p.stem):
            refs = pdf.with_name(f"{pdf.stem}.references.txt")
            if refs.exists():
                seg = pdf.with_name(f"{pdf.stem}.segmented.xml")
                papers.append(Paper(id=pdf.stem, group=folder_group or data.name, pdf=pdf, references=refs,
                                    segmented=seg if seg.exists() else None))
    if group is not None:
        papers = [p for p in papers if p.group == group]
    if limit is not None:
        papers = papers[:limit]
    return papers


def find_paper(paper_id: str, data: Path | str | None = None) -> Paper:
    """One paper by id (the corpus first, then ``tests/data``)."""
    from eval.registry import ROOT

    sources = ([Path(data)] if data is not None else []) + [DEFAULT_CORPUS, ROOT / "tests" / "data"]
    for source in sources:
        if not source.exists():
            continue
        for p in load_papers(source):
            if p.id == paper_id:
                return p
    raise KeyError(f"no paper with id {paper_id}")
