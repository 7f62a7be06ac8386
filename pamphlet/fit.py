"""Fitting text to a layout of fixed pages: the sizes to try, and the error when even the smallest fails."""

from __future__ import annotations

import math
from io import BytesIO

from pamphlet.errors import RenderError
from pamphlet.layouts import MIN_SIZE, Layout, available, find_layout
from pamphlet.manifest import Manifest
from pamphlet.statements import Statement

STEP = 0.5  # points between the sizes tried


def size_steps(base: float) -> tuple[float, ...]:
    """Body sizes to try, largest first: ``base``, then down by half points to MIN_SIZE.

    >>> size_steps(10)
    (10.0, 9.5, 9.0, 8.5, 8.0)
    """
    steps = max(0, math.floor((base - MIN_SIZE) / STEP + 1e-9))
    return tuple(round(base - STEP * k, 2) for k in range(steps + 1))


def too_long(manifest: Manifest, layout: Layout, statements: tuple[Statement, ...], pdf: bytes,
             text_end: int | None) -> RenderError:
    """The error for text that overflows ``layout`` even at the smallest size (``pdf``, rendered at it).

    ``text_end`` is the page (from 0) where the statements' text ends (the layout's element
    ``id="text-end"``; None: the page before the last). What follows it (a back page, a flap) keeps
    its pages, so the words over are those on the text pages that would push it past the layout's
    last page. The message also names the layouts with room for them.
    """
    from pypdf import PdfReader

    assert layout.pages is not None
    pages = PdfReader(BytesIO(pdf)).pages
    end = len(pages) - 2 if text_end is None else text_end
    after = len(pages) - 1 - end  # pages of their own that the closing matter takes
    over = sum(len(pages[i].extract_text().split()) for i in range(layout.pages - after, end + 1))
    room = _room(layout, manifest) * len(pages) / layout.pages
    fits = [name for name, area in _rooms(manifest) if area >= room and name != layout.name]
    names = ", ".join(f"'{s.title}' ({s.path}, {s.words} words)" for s in statements)
    return RenderError(
        f"{manifest.path}: {names}: about {over} words too long for layout '{layout.name}' "
        f"({layout.pages} pages) even at {MIN_SIZE:g} pt; layouts with room: {', '.join(fits) or 'none'}"
    )


def pad_before_closing(pdf: bytes, text_end: int | None, pages: int) -> bytes:
    """``pdf`` with blank pages after the text (page ``text_end``, from 0), so that what closes it (a back
    page, a leaflet's flap and back) takes the layout's last pages; as it is when the closing matter
    shares the text's last page (a flyer), or the text fills the layout.
    """
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(BytesIO(pdf))
    count = len(reader.pages)
    if text_end is None or text_end >= count - 1 or count >= pages:
        return pdf
    writer = PdfWriter(clone_from=reader)
    box = reader.pages[text_end].mediabox
    for _ in range(pages - count):
        writer.insert_blank_page(float(box.width), float(box.height), text_end + 1)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _room(layout: Layout, manifest: Manifest) -> float:
    """Page area the layout holds, in square millimetres (infinite when it grows with its text)."""
    if layout.pages is None:
        return math.inf
    width, height = layout.page_mm.get(manifest.paper, next(iter(layout.page_mm.values())))
    return layout.pages * width * height


def _rooms(manifest: Manifest) -> list[tuple[str, float]]:
    """Every layout the manifest could use, smallest room first."""
    found = [find_layout(name, manifest.path.parent) for name in available(manifest.path.parent)]
    return sorted(((f.name, _room(f, manifest)) for f in found), key=lambda pair: pair[1])
