"""Run the pipeline for one or more manifests: select, render (in parts, cached), impose, write atomically."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfWriter

from pamphlet.assemble import COVER_STAMPS, Info, Piece, Readers, assemble
from pamphlet.bundled import FONTS, PARTIALS
from pamphlet.context import context, source_date
from pamphlet.errors import RenderError, problems_error
from pamphlet.fit import pad_before_closing, size_steps, too_long
from pamphlet.glyphs import missing
from pamphlet.impose import Imposed, impose
from pamphlet.layouts import Layout, find_layout
from pamphlet.manifest import Manifest, read_manifest
from pamphlet.output import write_atomically
from pamphlet.render import Job, Rendered
from pamphlet.renderer import Renderer
from pamphlet.statements import Statement, read_library, select

SECTIONS = ("cover", "contents", "statements", "sources", "back")
#: Statements are rendered in groups, in parallel, and cached by group: each of at least a sixteenth of the
#: pamphlet's words, rounded down to 600, 1200 or 2400 (two, four or eight A5 pages: an edit renders little again,
#: and a large pamphlet, in fewer parts, sets up fewer), and less than twice that without its last statement.
GROUP_WORDS = (600, 2400)


@dataclass(frozen=True)
class BuildResult:
    """What one build wrote and what the summary tells the user."""

    reader: Path
    printed: tuple[Path, ...]  # the print PDF; with manual duplex, the fronts and the backs
    imposed: Imposed
    seconds: float
    warnings: tuple[str, ...]
    body_size: float  # the body text size printed, in points (smaller than the layout's when shrunk to fit)
    shrunk: bool


@dataclass(frozen=True)
class _Plan:
    """One manifest read and resolved, ready to render."""

    manifest: Manifest
    layout: Layout
    statements: tuple[Statement, ...]
    context: dict[str, Any]
    roots: tuple[Path, ...]
    groups: tuple[tuple[int, ...], ...]  # split layouts: the statements (by index) rendered together

    def part(self, **values: Any) -> Job:
        """A job rendering one part with the layout's template, ``values`` laid over the context.

        Parts link no stylesheets: the renderer parses them once per process and applies them to each.
        """
        html = self.layout.render({**self.context, **values, "whole": False})
        return Job((html,), self.layout.folders[0], self.roots,
                   stylesheets=(FONTS / "fonts.css", *self.layout.stylesheets))


def build(manifest_path: Path, out_dir: Path, strict: bool = False, renderer: Renderer | None = None) -> BuildResult:
    """Build ``manifest_path`` into ``out_dir``/<stem>.pdf and <stem>-print.pdf.

    With ``strict``, any rendering warning fails the build. Either every file is written
    or none is touched.
    """
    if renderer:
        return build_many([manifest_path], out_dir, strict, renderer)[0]
    with Renderer() as own:
        return build_many([manifest_path], out_dir, strict, own)[0]


def build_many(manifest_paths: Sequence[Path], out_dir: Path, strict: bool, renderer: Renderer) -> list[BuildResult]:
    """Build every manifest, rendering all their parts together on ``renderer``'s workers."""
    started = time.perf_counter()
    plans = [_plan(path) for path in manifest_paths]
    jobs = [_jobs(plan) for plan in plans]
    split = [plan.layout.split for plan, mine in zip(plans, jobs, strict=True) for _ in mine]
    ahead = Readers()  # the parts to assemble, read while the workers render

    def arrived(index: int, rendered: Rendered) -> None:
        if split[index]:
            ahead.add(rendered.pdf)

    done = iter(renderer.run([job for mine in jobs for job in mine], arrived))
    parts = [[next(done) for _ in mine] for mine in jobs]
    return [_finish(plan, _fit_contents(plan, mine, renderer), out_dir, strict, started, ahead)
            for plan, mine in zip(plans, parts, strict=True)]


def document_html(manifest_path: Path) -> str:
    """The whole pamphlet of ``manifest_path`` as one HTML document, page numbers filled in, running heads
    in margin boxes: what a single WeasyPrint render would take to print the same pages (benchmarks use it)."""
    plan = _plan(manifest_path)
    if not plan.layout.split:
        return plan.layout.render(plan.context)
    with Renderer() as own:
        pieces = _pieces(plan, _fit_contents(plan, own.run(_jobs(plan)), own))
    return plan.layout.render({**plan.context, "sections": SECTIONS, "stamps": (), "whole": True,
                               "contents": _entries(plan, pieces[1].numbers)})


def _plan(manifest_path: Path) -> _Plan:
    manifest = read_manifest(manifest_path)
    statements = select(read_library(manifest.library), manifest.statements, manifest.path)
    layout = find_layout(manifest.layout, manifest.path.parent)
    values = context(manifest, layout, statements)
    values = {"body_size": layout.size, **values, "sections": SECTIONS, "stamps": (), "whole": True, "contents": ()}
    return _Plan(manifest, layout, statements, values, (*layout.folders, PARTIALS, FONTS), _groups(statements))


def _groups(statements: tuple[Statement, ...]) -> tuple[tuple[int, ...], ...]:
    """Consecutive statements in groups (see GROUP_WORDS) that an edit leaves alone: a group with enough words
    closes after a statement whose id's hash is even, or once it has twice enough. An edit that changes a
    statement's length renders its group again, and seldom the next: the groups fall in step again at an even id.
    (Closing at enough words alone, every group after the edit could move.)"""
    least, most = GROUP_WORDS
    enough = least
    while enough * 2 <= min(most, sum(s.words for s in statements) // 16):
        enough *= 2
    groups: list[list[int]] = [[]]
    words = 0
    for index, statement in enumerate(statements):
        groups[-1].append(index)
        words += statement.words
        if words >= enough and (hashlib.sha256(statement.id.encode()).digest()[0] % 2 == 0 or words >= 2 * enough):
            groups.append([])
            words = 0
    return tuple(tuple(g) for g in groups if g)


def _jobs(plan: _Plan) -> list[Job]:
    """A split layout: the cover, the contents with page numbers to come, each group of statements, the
    sources and the back, each on its own. Any other: the whole document, in every size it may shrink to."""
    if plan.layout.split:
        items = plan.context["items"]
        return [
            plan.part(sections=("cover",), stamps=COVER_STAMPS),
            _contents(plan, _guess_digits(plan)),
            *(plan.part(sections=("statements",), items=[items[i] for i in group]) for group in plan.groups),
            plan.part(sections=("sources",)),
            plan.part(sections=("back",)),
        ]
    sizes = size_steps(plan.context["body_size"]) if plan.layout.pages else (plan.context["body_size"],)
    htmls = tuple(plan.layout.render({**plan.context, "body_size": size}) for size in sizes)
    return [Job(htmls, plan.layout.folders[0], plan.roots, plan.layout.pages)]


def _contents(plan: _Plan, digits: Sequence[int]) -> Job:
    """The contents, each page number a placeholder of as many zeros as ``digits`` says, to be drawn over
    once the pages are counted: with room for its own number, no title wraps early, nor runs into it."""
    return plan.part(sections=("contents",), contents=_entries(plan, None, digits))


def _guess_digits(plan: _Plan) -> tuple[int, ...]:
    """The digits of each contents entry's page number, guessed a little high from the pages before it: the
    cover, the contents (about 10 entries a page) and the statements' words (about 250 a page)."""
    before = 2 + (len(plan.statements) + 1) // 10
    words = itertools.accumulate((s.words for s in plan.statements), initial=0)  # before each entry
    return tuple(len(str((before + w // 250 + index // 2) * 23 // 20)) for index, w in enumerate(words))


def _fit_contents(plan: _Plan, parts: list[Rendered], renderer: Renderer) -> list[Rendered]:
    """``parts``, with the contents rendered again, wider, should a number have more digits than guessed.
    (Rendering it again costs half a second at 256 pages, so a guess too high is left: that number stands
    right-aligned in room for one digit more.) Wider numbers only push the pages on: this ends."""
    if not plan.layout.split:
        return parts
    digits = _guess_digits(plan)
    while (wider := tuple(max(len(str(n)), d) for n, d in
                          zip(_pieces(plan, parts)[1].numbers, digits, strict=True))) != digits:
        digits = wider
        parts = [parts[0], *renderer.run([_contents(plan, digits)]), *parts[2:]]
    return parts


def _pieces(plan: _Plan, parts: list[Rendered]) -> list[Piece]:
    """The rendered parts of a split plan as pieces to assemble, with the contents' page numbers."""
    cover, contents, *groups, sources, back = parts
    pieces = [Piece(cover, cover.pages - len(COVER_STAMPS), bare=True)]
    for group, rendered in zip(plan.groups, groups, strict=True):
        items = [plan.context["items"][i] for i in group]
        starts = tuple(rendered.anchors[item["anchor"]] for item in items)
        outline = tuple((item["statement"].title, start) for item, start in zip(items, starts, strict=True))
        pieces.append(Piece(rendered, rendered.pages, outline))
    pieces += [Piece(sources, sources.pages, (("Sources", 0),)), Piece(back, back.pages, bare=True)]
    numbers, before = [], pieces[0].pages + contents.pages - 1  # the contents ends with a stamp page
    for piece in pieces[1:-1]:
        numbers += [before + page + 1 for _, page in piece.outline]
        before += piece.pages
    pieces.insert(1, Piece(contents, contents.pages - 1, (("Contents", 0),), numbers=tuple(numbers)))
    return pieces


def _entries(plan: _Plan, numbers: Sequence[int] | None, digits: Sequence[int] = ()) -> list[dict[str, str]]:
    """Contents entries (title, byline, page); without ``numbers``, each page is its ``digits`` in zeros."""
    titles = [*((s.title, s.byline or "") for s in plan.statements), ("Sources", "")]
    pages = [str(n) for n in numbers] if numbers is not None else ["0" * d for d in digits]
    return [{"title": t, "byline": b, "page": p} for (t, b), p in zip(titles, pages, strict=True)]


@contextlib.contextmanager
def _uncollected() -> Iterator[None]:
    """The garbage collector off in this block. Assembling and imposing make many objects, kept until the PDFs
    are written, and little garbage: the collector took a fifth of their time looking over them."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@_uncollected()
def _finish(plan: _Plan, parts: list[Rendered], out_dir: Path, strict: bool, started: float,
            ahead: Readers) -> BuildResult:
    manifest, layout = plan.manifest, plan.layout
    source: bytes | PdfWriter  # what to impose: the reader PDF, or the document it was written from
    if layout.split:
        pieces = _pieces(plan, parts)
        when = source_date()
        created = when.strftime("D:%Y%m%d%H%M%SZ") if when else None
        pdf, source = assemble(pieces, Info(manifest.title, manifest.organisation, manifest.language, created), ahead)
        size, shrunk = plan.context["body_size"], False
    else:
        (rendered,) = parts
        sizes = size_steps(plan.context["body_size"]) if layout.pages else (plan.context["body_size"],)
        if not rendered.fits:
            raise too_long(manifest, layout, plan.statements, rendered.pdf, rendered.anchors.get("text-end"))
        pdf, size, shrunk = rendered.pdf, sizes[rendered.choice], rendered.choice > 0
        if layout.pages:
            pdf = pad_before_closing(pdf, rendered.anchors.get("text-end"), layout.pages)
        source = pdf
    warnings = tuple(dict.fromkeys((*missing(plan.statements, FONTS), *(w for p in parts for w in p.warnings))))
    if strict and warnings:
        raise problems_error(RenderError, [f"{manifest.path}: warning (--strict): {w}" for w in warnings])
    imposed = impose(source, manifest.scheme or layout.scheme, manifest.options, str(manifest.path))
    reader = out_dir / f"{manifest.stem}.pdf"
    if imposed.backs is None:
        files = {reader: pdf, out_dir / f"{manifest.stem}-print.pdf": imposed.pdf}
    else:
        files = {reader: pdf, out_dir / f"{manifest.stem}-print-fronts.pdf": imposed.pdf,
                 out_dir / f"{manifest.stem}-print-backs.pdf": imposed.backs}
    write_atomically(files)
    return BuildResult(reader, tuple(files)[1:], imposed, time.perf_counter() - started, warnings, size, shrunk)
