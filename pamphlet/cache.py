"""A folder of rendered PDFs, keyed on the content of every input, so a rebuild renders only what changed."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
from pathlib import Path

from pamphlet.errors import OutputError, RenderError
from pamphlet.output import write_atomically
from pamphlet.render import Job, Rendered

_PACKAGE = Path(__file__).resolve().parent


def folder() -> Path:
    """Where rendered parts (and parsed hyphenation patterns) are kept: $PAMPHLET_CACHE_DIR, else
    $XDG_CACHE_HOME/pamphlet or ~/.cache/pamphlet."""
    if os.environ.get("PAMPHLET_CACHE_DIR"):
        return Path(os.environ["PAMPHLET_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pamphlet"


def fingerprint(roots: tuple[Path, ...]) -> bytes:
    """A digest of the code of pamphlet and WeasyPrint and of every file the renderer may read
    (under ``roots``: layouts, partials, fonts), read afresh on every build so that it is never stale."""
    digest = hashlib.sha256(_code())
    for root in roots:
        root = root.resolve()
        digest.update(b"\0root\0" + str(root).encode())
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            try:
                data = path.read_bytes()
            except FileNotFoundError:  # an editor's temporary file, gone since it was listed
                continue
            digest.update(b"\0" + str(path.relative_to(root)).encode() + b"\0" + data)
    return digest.digest()


def key(job: Job, inputs: bytes) -> str:
    """The digest of ``job`` and the ``inputs`` fingerprint of its roots: equal keys, equal PDFs."""
    digest = hashlib.sha256(inputs)
    for html in job.htmls:
        data = html.encode()
        digest.update(f"\0html {len(data)}\0".encode() + data)
    digest.update(f"\0{job.base}\0{job.pages}\0{job.stylesheets}".encode())
    return digest.hexdigest()


def load(where: Path, digest: str) -> Rendered | None:
    """The cached rendering for ``digest``, or None (also when the entry is damaged in any way)."""
    try:
        meta = json.loads((where / digest[:2] / f"{digest}.json").read_text(encoding="utf-8"))
        pdf = (where / digest[:2] / f"{digest}.pdf").read_bytes()
        if hashlib.sha256(pdf).hexdigest() != meta["sha256"]:
            return None
        anchors = {str(k): int(v) for k, v in meta["anchors"].items()}
        warnings = tuple(str(w) for w in meta["warnings"])
        tops = tuple(float(top) for top in meta["tops"])
        return Rendered(pdf, int(meta["choice"]), bool(meta["fits"]), warnings, int(meta["pages"]), anchors, tops)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(where: Path, digest: str, rendered: Rendered) -> None:
    """Keep ``rendered`` under ``digest``; a cache that cannot be written is skipped, leaving nothing behind."""
    meta = {"sha256": hashlib.sha256(rendered.pdf).hexdigest(), "choice": rendered.choice,
            "fits": rendered.fits, "warnings": list(rendered.warnings), "pages": rendered.pages,
            "anchors": rendered.anchors, "tops": rendered.tops}
    with contextlib.suppress(OutputError):
        write_atomically({where / digest[:2] / f"{digest}.pdf": rendered.pdf,
                          where / digest[:2] / f"{digest}.json": json.dumps(meta).encode()}, checked=False)


@functools.cache
def _code() -> bytes:
    """The source of pamphlet, and the modules of WeasyPrint and pydyf that state their versions (found, not
    imported: asking importlib.metadata took 20 ms), so that new code never reads old results."""
    digest = hashlib.sha256()
    for path in (*sorted(_PACKAGE.glob("*.py")), *(_origin(name) for name in ("weasyprint", "pydyf"))):
        digest.update(f"{path.parent.name}/{path.name}\0".encode() + path.read_bytes())
    return digest.digest()


def _origin(package: str) -> Path:
    """The ``__init__.py`` of ``package``, which says its version."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RenderError(f"{package} is not installed; pamphlet needs it to render")
    return Path(spec.origin)


@functools.cache
def hyphenation(where: Path | None) -> None:
    """Give pyphen the English hyphenation patterns, which every render loads, read back from ``where``:
    a third of the time parsing them takes. When ``where`` holds none that this pyphen parsed from this
    dictionary, parse them and keep them there. (pyphen keeps each dictionary it reads in ``hdcache``.)"""
    import pyphen

    path = pyphen.LANGUAGES["en"]
    if where is None or path in pyphen.hdcache:
        return
    source = f"pyphen {pyphen.__version__}\0".encode() + path.read_bytes()
    kept = where / "hyphenation" / f"{hashlib.sha256(source).hexdigest()}.json"
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        data = kept.read_bytes()
        if hashlib.sha256(data[32:]).digest() == data[:32]:
            patterns = json.loads(data[32:])  # (start, values) as lists: as pyphen reads tuples, in half the time
            known = pyphen.HyphDict.__new__(pyphen.HyphDict)
            known.patterns, known.cache, known.maxlen = patterns, {}, max(map(len, patterns))
            pyphen.hdcache[path] = known
            return
    parsed = pyphen.hdcache[path] = pyphen.HyphDict(path)
    if set(vars(parsed)) == {"patterns", "cache", "maxlen"}:  # all that reading them back sets
        with contextlib.suppress(TypeError, OutputError):  # TypeError: patterns JSON cannot hold
            data = json.dumps(parsed.patterns, separators=(",", ":")).encode()
            write_atomically({kept: hashlib.sha256(data).digest() + data}, checked=False)
