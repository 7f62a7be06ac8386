"""Imposition with pypdf: pages placed as Form XObjects, in the plan's cells, scaled and turned.

Most tests impose a real WeasyPrint PDF whose page k shows "Page k" at its top, read every cell of every
printed side back with poppler, then fold, cut and stack the sheets the way a person would (simulations
written here, independent of pamphlet.schemes) and check the pages come out in reading order, upright.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from io import BytesIO
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    RectangleObject,
)

from pamphlet.errors import ImpositionError
from pamphlet.impose import Imposed, impose
from pamphlet.schemes import Options, SheetPlan, saddle
from tests.conftest import A4, A5, A6, A7, numbered, page_sizes_mm, page_texts, pdftotext, text_boxes, words

MM = 72 / 25.4
PANEL = "99mm 210mm"  # a third of A4 landscape: a trifold panel
Source = Callable[..., bytes]


@pytest.fixture(scope="module")
def source() -> Source:
    """``source(pages, size)``: a numbered PDF, made once per page count and size in this module."""
    made: dict[tuple[object, ...], bytes] = {}

    def make(pages: int, size: str = A5, sizes: tuple[str, ...] = ()) -> bytes:
        key = (pages, size, sizes)
        if key not in made:
            made[key] = numbered(pages, size, sizes)
        return made[key]

    return make


def cell_text(pdf: Path, side: int, plan: SheetPlan, index: int, sheet_pt: tuple[float, float]) -> str:
    row, col = divmod(index, plan.across)
    w, h = sheet_pt[0] / plan.across, sheet_pt[1] / plan.down
    return words(pdftotext(pdf, side, (col * w, row * h, w, h)))


# Reading the printed sides back -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """A page as a reader sees it: its number, and whether it is the right way up."""

    page: int
    upright: bool


Cells = list[Seen | None]  # one side of a sheet, cell by cell, row by row from the top left, None: blank


def read_sides(pdf: bytes, across: int, down: int, cell_mm: tuple[float, float] | None = None,
               gutter_mm: float = 0.0) -> list[Cells]:
    """What each cell of each side of ``pdf`` shows.

    The cells are a block of ``across`` x ``down`` cells of ``cell_mm`` (default: the sheet divided evenly),
    ``gutter_mm`` apart, centred on the sheet. A page is upright if its number is in the top half of its cell.
    """
    sides = []
    gutter = gutter_mm * MM
    for page in text_boxes(pdf):
        width, height = page.width, page.height
        if cell_mm is None:
            cw, ch = (width - gutter * (across - 1)) / across, (height - gutter * (down - 1)) / down
        else:
            cw, ch = cell_mm[0] * MM, cell_mm[1] * MM
        left = (width - across * cw - (across - 1) * gutter) / 2
        top = (height - down * ch - (down - 1) * gutter) / 2
        cells: Cells = [None] * (across * down)
        for word in page.words:
            if not word.text.isdigit():
                continue
            x, y = (word.x0 + word.x1) / 2 - left, (word.y0 + word.y1) / 2 - top
            col, row = int(x // (cw + gutter)), int(y // (ch + gutter))
            assert 0 <= col < across and 0 <= row < down, f"'Page {word.text}' outside the cells"
            index = row * across + col
            assert cells[index] is None, f"two pages in cell {index}: {cells[index]} and {word.text}"
            cells[index] = Seen(int(word.text), y - row * (ch + gutter) < ch / 2)
        sides.append(cells)
    return sides


def is_landscape(pdf: bytes) -> bool:
    box = PdfReader(BytesIO(pdf)).pages[0].mediabox
    return float(box.width) > float(box.height)


def turned_over(back: Cells, upside_down: bool) -> Cells:
    """A back as the reader sees it, having turned the sheet over like a book page (about its vertical axis).

    Printed "flip on short edge" on a landscape sheet (or "long edge" on a portrait one) the printer turns the
    sheet the same way, and the back reads as it is in the PDF. Printed flipping on the other edge, the reader
    sees it upside down: every cell moves to the opposite corner and turns 180 degrees.
    """
    if not upside_down:
        return back
    return [None if s is None else Seen(s.page, not s.upright) for s in reversed(back)]


def printed_sheets(imposed: Imposed, across: int, down: int, cell_mm: tuple[float, float] | None = None,
                   gutter_mm: float = 0.0, duplex: str | None = None) -> list[tuple[Cells, Cells | None]]:
    """The stack of printed sheets in the order they come out of the printer: (front, back as seen turned over).

    ``duplex`` is what the user asked for (None: short edge on landscape sheets, long edge on portrait ones).
    With manual duplex, the backs file is printed onto the fronts' stack in its own order, last sheet first.
    """
    sides = read_sides(imposed.pdf, across, down, cell_mm, gutter_mm)
    if imposed.duplex == "one-sided":
        assert imposed.backs is None
        return [(front, None) for front in sides]
    landscape = is_landscape(imposed.pdf)
    mode = duplex or ("short" if landscape else "long")
    assert imposed.duplex == mode
    # manual: the stack goes back in as it came out, and the paper path turns each sheet about its short edge
    about_vertical = landscape if mode in ("short", "manual") else not landscape
    if mode == "manual":
        assert imposed.backs is not None
        fronts, backs = sides, read_sides(imposed.backs, across, down, cell_mm, gutter_mm)[::-1]
    else:
        assert imposed.backs is None and len(sides) % 2 == 0
        fronts, backs = sides[::2], sides[1::2]
    assert len(fronts) == len(backs)
    return [(front, turned_over(back, not about_vertical)) for front, back in zip(fronts, backs, strict=True)]


# Finishing the sheets, as a person would --------------------------------------------------------------------


def fold_in_half(sheets: list[tuple[Cells, Cells | None]]) -> Cells:
    """Nest 2-up sheets (first outside), fold them in half, cover outside, and read every page in turn.

    Outside in: the right of each front, then the left of its back; then inside out: the right of each back,
    then the left of its front.
    """
    read: Cells = []
    for front, back in sheets:
        assert back is not None
        read += [front[1], back[0]]
    for front, back in reversed(sheets):
        assert back is not None
        read += [back[1], front[0]]
    return read


def fold_signatures(sheets: list[tuple[Cells, Cells | None]], per_signature: int) -> Cells:
    """Take the sheets in groups, fold each group in half and stack the signatures in order."""
    return [seen for i in range(0, len(sheets), per_signature) for seen in fold_in_half(sheets[i:i + per_signature])]


def fold_zine(sheets: list[tuple[Cells, Cells | None]]) -> Cells:
    """The 8-page zine: top row 5, 4, 3, 2 printed upside down, bottom row 6, 7, 8, 1; all upright once folded."""
    [(front, back)] = sheets
    assert back is None
    read: Cells = [None] * 8
    for cell, position in enumerate((5, 4, 3, 2, 6, 7, 8, 1)):
        seen = front[cell]
        if seen is not None:
            read[position - 1] = Seen(seen.page, seen.upright != (cell < 4))
    return read


def fold_trifold(sheets: list[tuple[Cells, Cells | None]]) -> Cells:
    """The roll-fold leaflet: the outside side has panels 5, 6, 1, the inside side 2, 3, 4."""
    [(outside, inside)] = sheets
    assert inside is not None
    read: Cells = [None] * 6
    for side, positions in ((outside, (5, 6, 1)), (inside, (2, 3, 4))):
        for seen, position in zip(side, positions, strict=True):
            read[position - 1] = seen
    return read


def cut_and_stack(sheets: list[tuple[Cells, Cells | None]], across: int) -> Cells:
    """Cut the stack into piles by cell and put pile 0 on pile 1 ...; read each piece front then back.

    Behind a front cell is the back cell mirrored left to right (the sheet was turned about its vertical axis).
    """
    read: Cells = []
    for cell in range(len(sheets[0][0])):
        row, col = divmod(cell, across)
        for front, back in sheets:
            read += [front[cell], None if back is None else back[row * across + across - 1 - col]]
    return read


def cut_copies(sheets: list[tuple[Cells, Cells | None]]) -> Cells:
    """Cut every sheet into its cells: each side must repeat one page; read each copy front then back."""
    read: Cells = []
    for front, back in sheets:
        for side in (front, back):
            if side is not None:
                assert len(set(side)) == 1, f"the cells of one side differ: {side}"
                read.append(side[0])
    return read


def book(pages: int, padded: int, blanks: str = "before-last") -> list[int | None]:
    """Reading order the user expects: pages 1..n, blanks before the back cover (or at the end)."""
    body: list[int | None] = list(range(1, pages + 1))
    gap: list[int | None] = [None] * (padded - pages)
    return body + gap if blanks == "end" or pages == 1 else body[:-1] + gap + body[-1:]


def assert_reads(read: Cells, expected: list[int | None]) -> None:
    assert [None if s is None else s.page for s in read] == expected
    upside_down = [s.page for s in read if s is not None and not s.upright]
    assert not upside_down, f"pages upside down once finished: {upside_down}"


# Placement, encoding and unreadable input -----------------------------------------------------------------------


def test_saddle_places_each_page_in_its_half(tmp_path: Path) -> None:
    plan = saddle(6)
    imposed = impose(numbered(6), "saddle", Options(), "six.pdf")
    out = tmp_path / "print.pdf"
    out.write_bytes(imposed.pdf)
    assert imposed.landscape and imposed.scale == pytest.approx(1.0, abs=0.01)
    expected = [("Page 6", "Page 1"), ("Page 2", ""), ("", "Page 3"), ("Page 4", "Page 5")]
    size = (841.89, 595.28)
    got = [tuple(cell_text(out, s + 1, plan, i, size) for i in range(2)) for s in range(4)]
    assert got == expected


def test_pages_are_form_xobjects_and_content_is_not_reencoded() -> None:
    source = numbered(8)
    imposed = impose(source, "saddle", Options(), "eight.pdf")
    reader = PdfReader(BytesIO(imposed.pdf))
    originals = {p["/Contents"].get_object().get_data() for p in PdfReader(BytesIO(source)).pages}
    forms = {
        x.get_object().get_data()
        for page in reader.pages
        for x in page["/Resources"]["/XObject"].values()
    }
    assert forms == originals
    for page in reader.pages:
        content = page.get_contents().get_data().decode()  # type: ignore[union-attr]
        assert re.fullmatch(r"(q [-\d. ]+ cm /P\d+ Do Q\n?){1,2}", content), content


def test_large_pages_are_scaled_to_fit_and_small_ones_centred(tmp_path: Path) -> None:
    imposed = impose(numbered(4, "210mm 297mm"), "saddle", Options(sheet="a4"), "a4-pages.pdf")
    assert imposed.scale == pytest.approx(148 / 210, abs=0.005)
    small = impose(numbered(4, "100mm 150mm"), "saddle", Options(sheet="a4"), "small.pdf")
    assert small.scale == 1.0
    out = tmp_path / "small.pdf"
    out.write_bytes(small.pdf)
    assert words(pdftotext(out, 1, (421, 0, 421, 595))) == "Page 1"


def test_bad_pdfs_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ImpositionError, match=r"broken\.pdf: not a readable PDF"):
        impose(b"%PDF-1.7\nnot really", "saddle", Options(), "broken.pdf")
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    locked = BytesIO()
    writer.write(locked)
    with pytest.raises(ImpositionError, match=r"locked\.pdf: the PDF is encrypted"):
        impose(locked.getvalue(), "saddle", Options(), "locked.pdf")
    with pytest.raises(ImpositionError, match=r"nine\.pdf: a zine holds at most 8 pages, got 9"):
        impose(numbered(9), "zine", Options(), "nine.pdf")


def damaged(pdf: bytes, damage: str) -> bytes:
    """``pdf`` with its second page damaged in a way pypdf only notices when the page is used."""
    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    page = writer.pages[1]
    if damage == "crop box":
        page[NameObject("/CropBox")] = ArrayObject([NumberObject(0), NumberObject(0), NumberObject(400)])
    else:
        bad = DecodedStreamObject()
        bad.set_data(b"x\x9c garbage")
        bad[NameObject("/Filter")] = NameObject("/FlateDecodeX")
        part = writer._add_object(bad if damage == "filter" else DictionaryObject())
        page[NameObject("/Contents")] = ArrayObject([part, page.raw_get("/Contents")])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("damage", ["crop box", "filter", "not a stream"])
def test_damage_found_late_is_a_one_line_error_too(source: Source, damage: str) -> None:
    with pytest.raises(ImpositionError, match=r"^late\.pdf: not a readable PDF \(.+\)$"):
        impose(damaged(source(4), damage), "saddle", Options(), "late.pdf")


# Every scheme, folded or cut by a simulated reader ----------------------------------------------------------------


@pytest.mark.parametrize("duplex", [None, "long", "manual"])
@pytest.mark.parametrize("pages", [1, 2, 5, 8, 13])
def test_saddle_folds_into_reading_order(source: Source, pages: int, duplex: str | None) -> None:
    imposed = impose(source(pages), "saddle", Options(duplex=duplex), "in.pdf")
    sheets = printed_sheets(imposed, 2, 1, duplex=duplex)
    padded = -(-pages // 4) * 4
    assert len(sheets) == padded // 4 and imposed.sheet == "a4" and imposed.scale == 1.0
    assert_reads(fold_in_half(sheets), book(pages, padded))


@pytest.mark.parametrize("duplex", [None, "short", "manual"])
def test_saddle_of_tall_pages_on_a_portrait_sheet(source: Source, duplex: str | None) -> None:
    imposed = impose(source(6, "100mm 297mm"), "saddle", Options(sheet="a4", duplex=duplex), "tall.pdf")
    assert not imposed.landscape and imposed.scale == 1.0
    sheets = printed_sheets(imposed, 2, 1, cell_mm=(100, 297), duplex=duplex)
    assert_reads(fold_in_half(sheets), book(6, 8))


def test_the_simulation_notices_a_back_turned_the_wrong_way(source: Source) -> None:
    imposed = impose(source(8), "saddle", Options(duplex="short"), "in.pdf")
    assert_reads(fold_in_half(printed_sheets(imposed, 2, 1, duplex="short")), book(8, 8))
    with pytest.raises(AssertionError):
        assert_reads(fold_in_half(printed_sheets(replace(imposed, duplex="long"), 2, 1, duplex="long")), book(8, 8))


def test_saddle_blanks_at_the_end(source: Source) -> None:
    imposed = impose(source(5), "saddle", Options(blanks="end"), "in.pdf")
    assert_reads(fold_in_half(printed_sheets(imposed, 2, 1)), [1, 2, 3, 4, 5, None, None, None])


@pytest.mark.parametrize(("pages", "per_signature", "duplex"),
                         [(20, 2, None), (20, 3, None), (18, 3, None), (20, 3, "long"), (13, 2, "manual")])
def test_signatures_fold_and_stack_into_reading_order(source: Source, pages: int, per_signature: int,
                                                      duplex: str | None) -> None:
    imposed = impose(source(pages), "signatures", Options(duplex=duplex, sheets_per_signature=per_signature), "in.pdf")
    sheets = printed_sheets(imposed, 2, 1, duplex=duplex)
    padded = -(-pages // 4) * 4
    assert len(sheets) == padded // 4
    assert_reads(fold_signatures(sheets, per_signature), book(pages, padded))


@pytest.mark.parametrize("pages", range(1, 9))
def test_zine_folds_into_reading_order(source: Source, pages: int) -> None:
    imposed = impose(source(pages, A7), "zine", Options(), "in.pdf")
    assert imposed.duplex == "one-sided" and imposed.backs is None
    assert imposed.sheet == "a4" and imposed.landscape and imposed.scale == 1.0
    sheets = printed_sheets(imposed, 4, 2)
    assert len(sheets) == 1
    assert_reads(fold_zine(sheets), book(pages, 8))


def test_zine_panels_as_the_issue_draws_them(source: Source) -> None:
    [front] = read_sides(impose(source(8, A7), "zine", Options(), "in.pdf").pdf, 4, 2)
    assert front == [Seen(5, False), Seen(4, False), Seen(3, False), Seen(2, False),
                     Seen(6, True), Seen(7, True), Seen(8, True), Seen(1, True)]


def test_zine_blanks_at_the_end(source: Source) -> None:
    imposed = impose(source(6, A7), "zine", Options(blanks="end"), "in.pdf")
    assert_reads(fold_zine(printed_sheets(imposed, 4, 2)), [1, 2, 3, 4, 5, 6, None, None])


@pytest.mark.parametrize("duplex", [None, "long"])
@pytest.mark.parametrize("pages", [4, 5, 6])
def test_trifold_panels(source: Source, pages: int, duplex: str | None) -> None:
    imposed = impose(source(pages, PANEL), "trifold", Options(duplex=duplex), "in.pdf")
    assert imposed.sheet == "a4" and imposed.landscape and imposed.scale == 1.0
    sheets = printed_sheets(imposed, 3, 1, duplex=duplex)
    assert_reads(fold_trifold(sheets), book(pages, 6))


@pytest.mark.parametrize(("pages", "size", "across", "down", "duplex"), [
    (1, A5, 2, 1, None), (2, A5, 2, 1, None), (3, A5, 2, 1, None), (4, A5, 2, 1, "long"),
    (3, A6, 2, 2, None), (4, A6, 2, 2, None), (3, A6, 2, 2, "short"), (4, A6, 2, 2, "manual"),
])
def test_nup_every_cell_holds_the_same_page_front_and_back(source: Source, pages: int, size: str, across: int,
                                                          down: int, duplex: str | None) -> None:
    imposed = impose(source(pages, size), "nup", Options(duplex=duplex, across=across, down=down), "in.pdf")
    assert imposed.sheet == "a4" and imposed.scale == 1.0
    assert imposed.landscape == (down == 1)
    sheets = printed_sheets(imposed, across, down, duplex=duplex)
    assert len(sheets) == -(-pages // 2)
    expected: list[int | None] = list(range(1, pages + 1)) + [None] * (pages % 2 if pages > 1 else 0)
    assert_reads(cut_copies(sheets), expected)


@pytest.mark.parametrize(("pages", "size", "across", "down", "duplex"), [
    (5, A5, 2, 1, None), (8, A5, 2, 1, None), (9, A5, 2, 1, "long"), (8, A5, 2, 1, "manual"),
    (7, A6, 2, 2, None), (8, A6, 2, 2, None), (9, A6, 2, 2, None), (13, A6, 2, 2, "short"),
])
def test_cutstack_piles_stack_into_reading_order(source: Source, pages: int, size: str, across: int, down: int,
                                                 duplex: str | None) -> None:
    imposed = impose(source(pages, size), "cutstack", Options(duplex=duplex, across=across, down=down), "in.pdf")
    assert imposed.sheet == "a4" and imposed.scale == 1.0
    sheets = printed_sheets(imposed, across, down, duplex=duplex)
    padded = 2 * across * down * len(sheets)
    assert padded - pages < 2 * across * down
    assert_reads(cut_and_stack(sheets, across), book(pages, padded, "end"))


def test_manual_duplex_writes_the_backs_last_sheet_first(source: Source) -> None:
    imposed = impose(source(8), "saddle", Options(duplex="manual"), "in.pdf")
    assert imposed.backs is not None
    assert read_sides(imposed.pdf, 2, 1) == [[Seen(8, True), Seen(1, True)], [Seen(6, True), Seen(3, True)]]
    assert read_sides(imposed.backs, 2, 1) == [[Seen(4, True), Seen(5, True)], [Seen(2, True), Seen(7, True)]]


def test_long_edge_duplex_turns_every_back(source: Source) -> None:
    short = read_sides(impose(source(8), "saddle", Options(duplex="short"), "in.pdf").pdf, 2, 1)
    long = read_sides(impose(source(8), "saddle", Options(duplex="long"), "in.pdf").pdf, 2, 1)
    assert long[::2] == short[::2]
    assert long[1::2] == [turned_over(back, True) for back in short[1::2]]
    assert all(not s.upright for back in long[1::2] for s in back if s)


# Input variety ---------------------------------------------------------------------------------------------------


def rotated(pdf: bytes, angle: int, offset: tuple[float, float] = (0.0, 0.0)) -> bytes:
    """The same pages, looking the same, but stored turned: content rotated back and /Rotate ``angle`` set.

    The page boxes (and the content with them) are moved by ``offset``, so they no longer start at 0, 0.
    """
    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    dx, dy = offset
    for page in writer.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        shift = {0: (0.0, 0.0), 90: (h, 0.0), 180: (w, h), 270: (0.0, w)}[angle]
        page.add_transformation(Transformation().rotate(angle).translate(shift[0] + dx, shift[1] + dy))
        box = RectangleObject((dx, dy, dx + h, dy + w) if angle % 180 else (dx, dy, dx + w, dy + h))
        page.mediabox = page.cropbox = page.trimbox = page.bleedbox = box
        if angle:
            page.rotate(angle)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("angle", "offset"), [(90, (0, 0)), (180, (0, 0)), (270, (0, 0)), (0, (30, -50)),
                                               (90, (-20, 40)), (270, (15, 25))])
def test_pages_with_rotate_are_imposed_as_shown(source: Source, angle: int, offset: tuple[float, float]) -> None:
    turned = rotated(source(5), angle, offset)
    assert all(page.rotation == angle for page in PdfReader(BytesIO(turned)).pages)
    assert [words(t) for t in page_texts(turned)] == [f"Page {k}" for k in range(1, 6)]
    imposed = impose(turned, "saddle", Options(), "turned.pdf")
    assert imposed.sheet == "a4" and imposed.landscape and imposed.scale == 1.0
    assert_reads(fold_in_half(printed_sheets(imposed, 2, 1)), book(5, 8))


def test_pages_with_an_array_of_content_streams(source: Source) -> None:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(source(6))))
    for page in writer.pages:
        lines = page["/Contents"].get_object().get_data().split(b"\n")
        parts = []
        for chunk in (lines[: len(lines) // 2], lines[len(lines) // 2:]):
            stream = DecodedStreamObject()
            stream.set_data(b"\n".join(chunk))
            parts.append(writer._add_object(stream.flate_encode()))
        page[NameObject("/Contents")] = ArrayObject(parts)
    out = BytesIO()
    writer.write(out)
    imposed = impose(out.getvalue(), "saddle", Options(), "parts.pdf")
    assert_reads(fold_in_half(printed_sheets(imposed, 2, 1)), book(6, 8))


def test_pages_of_mixed_sizes_are_centred_in_cells_of_the_largest(source: Source) -> None:
    mixed = source(7, A5, (A5, A6))
    assert page_sizes_mm(mixed)[:2] == [(148.0, 210.0), (105.0, 148.0)]
    imposed = impose(mixed, "saddle", Options(), "mixed.pdf")
    assert imposed.sheet == "a4" and imposed.scale == 1.0
    assert_reads(fold_in_half(printed_sheets(imposed, 2, 1)), book(7, 8))

    # page 7 (A5) is on the left of the first front, page 2 (A6) on the left of its back: centred in the same cell
    def left_word(side: int) -> tuple[float, float]:
        [found] = [(w.x0, w.y0) for w in text_boxes(imposed.pdf)[side].words if w.text == "Page" and w.x0 < 421]
        return found

    (a5_x, a5_y), (a6_x, a6_y) = left_word(0), left_word(1)
    assert (a6_x - a5_x, a6_y - a5_y) == pytest.approx(((148 - 105) / 2 * MM, (210 - 148) / 2 * MM), abs=0.5)


# Options ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "scheme", "grid", "sheet", "mm"), [
    (A5, "saddle", (2, 1), "a4", (297.0, 210.0)),
    ("5.5in 8.5in", "saddle", (2, 1), "letter", (279.4, 215.9)),
    (A4, "saddle", (2, 1), "a3", (420.0, 297.0)),
    (A6, "nup", (2, 2), "a4", (210.0, 297.0)),
    (A7, "zine", (4, 2), "a4", (297.0, 210.0)),
])
def test_sheet_is_chosen_from_the_page_size(source: Source, size: str, scheme: str, grid: tuple[int, int],
                                            sheet: str, mm: tuple[float, float]) -> None:
    imposed = impose(source(4, size), scheme, Options(across=grid[0], down=grid[1]), "in.pdf")
    assert (imposed.sheet, imposed.scale) == (sheet, 1.0)
    assert set(page_sizes_mm(imposed.pdf)) == {mm}


def contents(pdf: bytes) -> Iterator[str]:
    """The content stream of every side of ``pdf``."""
    for page in PdfReader(BytesIO(pdf)).pages:
        stream = page.get_contents()
        assert stream is not None
        yield stream.get_data().decode()


def placements(pdf: bytes) -> list[list[tuple[int, tuple[float, float, float, float]]]]:
    """Every side: each placed page (0-based) and the box it covers on the sheet, from the cm operators."""
    reader = PdfReader(BytesIO(pdf))
    sides = []
    for page in reader.pages:
        content = page.get_contents()
        assert content is not None
        placed = []
        for matrix, name in re.findall(r"([-\d. ]+) cm /P(\d+) Do", content.get_data().decode()):
            a, b, c, d, e, f = (float(v) for v in matrix.split())
            x0, y0, x1, y1 = (float(v) for v in page["/Resources"]["/XObject"][f"/P{name}"]["/BBox"])
            xs = [a * x + c * y + e for x in (x0, x1) for y in (y0, y1)]
            ys = [b * x + d * y + f for x in (x0, x1) for y in (y0, y1)]
            placed.append((int(name), (min(xs), min(ys), max(xs), max(ys))))
        sides.append(placed)
    return sides


@pytest.mark.parametrize(("size", "sheet", "scale"), [(A5, "letter", 279.4 / 2 / 148), (A4, "a4", 148.5 / 210)])
def test_pages_too_big_are_scaled_to_fit_and_centred_never_cropped(source: Source, size: str, sheet: str,
                                                                   scale: float) -> None:
    imposed = impose(source(4, size), "saddle", Options(sheet=sheet), "in.pdf")
    assert imposed.scale == pytest.approx(scale, abs=1e-3)
    w, h = (float(v) for v in PdfReader(BytesIO(imposed.pdf)).pages[0].mediabox[2:])
    for side in placements(imposed.pdf):
        for _, (x0, y0, x1, y1) in side:
            assert min(x0, y0) >= -0.05 and x1 <= w + 0.05 and y1 <= h + 0.05  # within the sheet
            assert x1 - x0 == pytest.approx(w / 2, abs=0.5) or y1 - y0 == pytest.approx(h, abs=0.5)
            assert (y0 + y1) / 2 == pytest.approx(h / 2, abs=0.1)
            assert (x0 + x1) / 2 == pytest.approx(w / 4 if x0 < w / 2 - 1 else 3 * w / 4, abs=0.1)
    assert not any(" W n" in c for c in contents(imposed.pdf))  # no clipping without bleed
    assert_reads(fold_in_half(printed_sheets(imposed, 2, 1)), book(4, 4))


def text_left(pdf: bytes) -> dict[int, float]:
    """Where each page's 'Page k' starts, from the left of its sheet, in mm."""
    found: dict[int, float] = {}
    for page in text_boxes(pdf):
        for word, number in pairwise(page.words):
            if word.text == "Page" and number.text.isdigit():
                found[int(number.text)] = min(word.x0, number.x0, word.x1, number.x1) / MM
    return found


@pytest.mark.parametrize(("scheme", "pages", "per_signature", "duplex", "depths"), [
    ("saddle", 16, 4, None, 4),
    ("saddle", 16, 4, "long", 4),
    ("signatures", 16, 2, None, 2),
])
def test_creep_moves_inner_sheets_toward_the_spine(source: Source, scheme: str, pages: int, per_signature: int,
                                                   duplex: str | None, depths: int) -> None:
    plain = impose(source(pages), scheme, Options(duplex=duplex, sheets_per_signature=per_signature), "in.pdf")
    crept = impose(source(pages), scheme, Options(duplex=duplex, sheets_per_signature=per_signature, creep_mm=3),
                   "in.pdf")
    before, after = text_left(plain.pdf), text_left(crept.pdf)
    assert sorted(before) == sorted(after) == list(range(1, pages + 1))
    spine = 297 / 2
    for sheet, (front, back) in enumerate(printed_sheets(plain, 2, 1, duplex=duplex)):
        depth = sheet % depths
        for seen in (*front, *back):
            assert seen is not None
            toward_spine = 1 if before[seen.page] < spine else -1
            shift = after[seen.page] - before[seen.page]
            assert shift == pytest.approx(toward_spine * 3 * depth / (depths - 1), abs=0.05), (seen, depth)


def strokes(pdf: bytes) -> list[list[tuple[bool, float, tuple[float, float, float, float]]]]:
    """Every side: each stroked line as (dashed, width, (x0, y0, x1, y1))."""
    sides = []
    for content in contents(pdf):
        found = re.findall(r"q 0 G ([\d.]+) w (\[[\d ]+\] [\d.]+ d )?([-\d. ]+) m ([-\d. ]+) l S Q", content)
        assert len(found) == content.count(" S"), "a stroke the test cannot read"
        sides.append([(bool(dash), float(width), tuple(float(v) for v in f"{a} {b}".split()))
                      for width, dash, a, b in found])
    return sides


def test_no_marks_unless_asked(source: Source) -> None:
    for scheme, size in (("saddle", A5), ("zine", A7), ("nup", A6), ("cutstack", A6)):
        imposed = impose(source(8, size), scheme, Options(), "in.pdf")
        assert strokes(imposed.pdf) == [[]] * len(PdfReader(BytesIO(imposed.pdf)).pages)


@pytest.mark.parametrize(("scheme", "size", "grid", "folds", "cuts", "bleed"), [
    ("saddle", A5, (2, 1), (1, 0), (0, 0), 0),
    ("zine", A7, (4, 2), (3, 1), (0, 0), 0),
    ("nup", A6, (2, 2), (0, 0), (1, 1), 0),
    ("cutstack", A6, (3, 2), (0, 0), (2, 1), 0),
    ("saddle", "154mm 216mm", (2, 1), (1, 0), (0, 0), 3),
    ("nup", "111mm 154mm", (2, 2), (0, 0), (1, 1), 3),
])
def test_marks_are_thin_lines_outside_the_pages_and_their_bleed(source: Source, scheme: str, size: str,
                                                                grid: tuple[int, int], folds: tuple[int, int],
                                                                cuts: tuple[int, int], bleed: float) -> None:
    """The pages' boxes, bleed included, are read from the cm operators; no mark may cross one."""
    across, down = grid
    options = Options(marks=("crop", "fold", "cut"), across=across, down=down, gutter_mm=4 if cuts[0] else 0,
                      bleed_mm=bleed)
    imposed = impose(source(6, size), scheme, options, "in.pdf")
    pages = placements(imposed.pdf)
    for side, lines in zip(pages, strokes(imposed.pdf), strict=True):
        assert lines
        xs = {round(x, 1) for _, _, (x, _, x1, _) in lines if x == x1}
        ys = {round(y, 1) for _, _, (_, y, _, y1) in lines if y == y1}
        dashed_x = {round(x, 1) for dashed, _, (x, _, x1, _) in lines if dashed and x == x1}
        dashed_y = {round(y, 1) for dashed, _, (_, y, _, y1) in lines if dashed and y == y1}
        assert (len(dashed_x), len(dashed_y)) == folds
        # crop marks at both edges of the block, plus a line at each fold, or two (either side of the gutter) per cut
        gutter_lines = 2 if options.gutter_mm else 1
        assert len(xs) == 2 + folds[0] + gutter_lines * cuts[0] and len(ys) == 2 + folds[1] + gutter_lines * cuts[1]
        for _, width, (x0, y0, x1, y1) in lines:
            assert width <= 0.5
            for _, (left, bottom, right, top) in side:
                assert not (left + 0.5 < max(x0, x1) and min(x0, x1) < right - 0.5 and bottom + 0.5 < max(y0, y1)
                            and min(y0, y1) < top - 0.5), "a mark crosses a page"
    only_folds = impose(source(6, size), scheme, Options(marks=("fold",), across=across, down=down), "in.pdf")
    assert all(dashed for side in strokes(only_folds.pdf) for dashed, _, _ in side)
    assert bool(strokes(only_folds.pdf)[0]) == bool(sum(folds))


def test_gutter_moves_cells_apart(source: Source) -> None:
    def lefts(gutter: float) -> list[float]:
        imposed = impose(source(1, A6), "nup", Options(sheet="a4", gutter_mm=gutter), "in.pdf")
        return sorted(w.x0 / MM for w in text_boxes(imposed.pdf)[0].words if w.text == "Page")

    assert [b - a for a, b in zip(lefts(0), lefts(10), strict=True)] == pytest.approx([-5, 5], abs=0.05)


def test_gutter_reads_back_in_order(source: Source) -> None:
    imposed = impose(source(9, A6), "cutstack", Options(across=2, down=2, gutter_mm=6), "in.pdf")
    sheets = printed_sheets(imposed, 2, 2, cell_mm=(105 * imposed.scale, 148 * imposed.scale), gutter_mm=6)
    assert_reads(cut_and_stack(sheets, 2), book(9, 16, "end"))


def test_bleed_is_placed_outside_the_cells_at_full_size(source: Source) -> None:
    bled = impose(source(4, "154mm 216mm"), "saddle", Options(bleed_mm=3), "bleed.pdf")
    assert (bled.sheet, bled.scale) == ("a4", 1.0)
    assert page_sizes_mm(bled.pdf) == [(297.0, 210.0)] * 2
    assert impose(source(4, "154mm 216mm"), "saddle", Options(sheet="a4"), "in.pdf").scale < 0.97
    assert_reads(fold_in_half(printed_sheets(bled, 2, 1)), book(4, 4))
    # the trimmed page fills its cell: its content (10 mm in from the bled edge) is 7 mm in from the cell
    trimmed = impose(source(4, A5), "saddle", Options(), "in.pdf")
    for page, x in text_left(bled.pdf).items():
        assert x == pytest.approx(text_left(trimmed.pdf)[page] - 3, abs=0.05)
    assert all(" re W n " in c for c in contents(bled.pdf))


def test_nup_backs_sit_behind_their_fronts(source: Source) -> None:
    imposed = impose(source(2, A6), "nup", Options(across=2, down=2, gutter_mm=5), "in.pdf")
    w = float(PdfReader(BytesIO(imposed.pdf)).pages[0].mediabox.width)
    front, back = placements(imposed.pdf)
    mirrored = sorted((round(w - r, 2), round(b, 2), round(w - left, 2), round(t, 2)) for _, (left, b, r, t) in back)
    assert sorted(tuple(round(v, 2) for v in box) for _, box in front) == mirrored



@given(st.text(max_size=12))
def test_each_name_is_written_as_pypdf_escapes_it(text: str) -> None:
    """pypdf's escaping of names, done once per name (a third of the time writing a PDF took)."""
    name = NameObject("/" + text)
    assert name.renumber() == NameObject.renumber.__wrapped__(name) == NameObject.renumber(NameObject(name))  # type: ignore[attr-defined]
    assert NameObject("/A B#(é").renumber() == b"/A#20B#23#28#C3#A9"
