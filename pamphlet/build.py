"""Run the pipeline for one manifest: select, render, impose, and write both PDFs atomically."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pamphlet.context import context
from pamphlet.errors import OutputError, RenderError, problems_error
from pamphlet.impose import Imposed, impose, page_count
from pamphlet.layouts import FONTS, PARTIALS, find_layout
from pamphlet.manifest import read_manifest
from pamphlet.render import render_pdf
from pamphlet.statements import read_library, select


@dataclass(frozen=True)
class BuildResult:
    """What one build wrote and what the summary tells the user."""

    reader: Path
    printed: tuple[Path, ...]  # the print PDF; with manual duplex, the fronts and the backs
    imposed: Imposed
    seconds: float
    warnings: tuple[str, ...]


def build(manifest_path: Path, out_dir: Path, strict: bool = False) -> BuildResult:
    """Build ``manifest_path`` into ``out_dir``/<stem>.pdf and <stem>-print.pdf.

    With ``strict``, any rendering warning fails the build. Either every file is written
    or none is touched.
    """
    started = time.perf_counter()
    manifest = read_manifest(manifest_path)
    statements = select(read_library(manifest.library), manifest.statements, manifest.path)
    layout = find_layout(manifest.layout, manifest.path.parent)
    html = layout.render(context(manifest, layout, statements))
    roots = (*layout.folders, PARTIALS, FONTS, manifest.library)
    pdf, warnings = render_pdf(html, layout.folders[0], roots)
    if strict and warnings:
        raise problems_error(RenderError, [f"{manifest.path}: warning (--strict): {w}" for w in warnings])
    imposed = impose(pdf, manifest.scheme or layout.scheme, manifest.options, str(manifest.path))
    reader = out_dir / f"{manifest.stem}.pdf"
    if imposed.backs is None:
        files = {reader: pdf, out_dir / f"{manifest.stem}-print.pdf": imposed.pdf}
    else:
        files = {reader: pdf, out_dir / f"{manifest.stem}-print-fronts.pdf": imposed.pdf,
                 out_dir / f"{manifest.stem}-print-backs.pdf": imposed.backs}
    write_atomically(files)
    return BuildResult(reader, tuple(files)[1:], imposed, time.perf_counter() - started, warnings)


def write_atomically(files: dict[Path, bytes]) -> None:
    """Write every file or none: each goes to a temp file beside it, is checked, then replaces it."""
    temps: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps[path] = Path(name)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            page_count(temps[path].read_bytes(), str(path))
        for path, temp in temps.items():
            os.replace(temp, path)
    except OSError as err:
        raise OutputError(f"{err.filename or next(iter(files))}: cannot write: {err.strerror or err}") from None
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)


def document_html(manifest_path: Path) -> str:
    """The whole pamphlet of ``manifest_path`` as one HTML document (benchmarks render it bare)."""
    manifest = read_manifest(manifest_path)
    statements = select(read_library(manifest.library), manifest.statements, manifest.path)
    layout = find_layout(manifest.layout, manifest.path.parent)
    return layout.render(context(manifest, layout, statements))
