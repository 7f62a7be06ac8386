"""Tests for pamphlet.schemes: doctests, fold and cut simulations, and error paths."""

from __future__ import annotations

import dataclasses
import doctest
from collections import Counter
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pamphlet import schemes
from pamphlet.schemes import (
    SCHEMES,
    Sheet,
    SheetPlan,
    Side,
    Slot,
    cutstack,
    for_duplex,
    nup,
    plan,
    reading_order,
    saddle,
    signatures,
    trifold,
    zine,
)

Order = list[int | None]
blank_modes = st.sampled_from(["before-last", "end"])
grid = st.integers(1, 4)


def pages_of(side: Side | None) -> Order:
    assert side is not None
    return [slot.page for slot in side.slots]


def sides(p: SheetPlan) -> list[Side]:
    return [s for sheet in p.sheets for s in (sheet.front, sheet.back) if s is not None]


def check_common(p: SheetPlan, pages: int) -> None:
    """Each source page once, the right number of blanks, well-formed sides."""
    assert p.pages == pages
    assert p.blanks == p.padded - pages >= 0
    found = [slot.page for side in sides(p) for slot in side.slots]
    assert Counter(x for x in found if x is not None) == Counter(range(pages))
    assert found.count(None) == p.blanks
    for side in sides(p):
        assert len(side.slots) == p.across * p.down
        assert all(slot.rotate in (0, 180) for slot in side.slots)


def check_order(read: Order, pages: int, padded: int, blanks: str) -> None:
    """A simulated read of the finished piece matches the intended reading order."""
    assert read == list(reading_order(pages, padded, blanks))
    assert [x for x in read if x is not None] == list(range(pages))
    if blanks == "before-last":  # the back cover stays last; a lone page comes first
        assert read[-1 if pages > 1 else 0] == pages - 1


def fold_read(sheets: tuple[Sheet, ...] | list[Sheet]) -> Order:
    """Read a folded, nested stack (sheet 0 outermost) of 2-up landscape sheets."""
    read: Order = []
    for sheet in sheets:  # first half, outside in: right of front, then left of back
        read += [pages_of(sheet.front)[1], pages_of(sheet.back)[0]]
    for sheet in reversed(sheets):  # second half, inside out
        read += [pages_of(sheet.back)[1], pages_of(sheet.front)[0]]
    return read


def rows(side: Side, across: int) -> list[list[Slot]]:
    return [list(side.slots[i : i + across]) for i in range(0, len(side.slots), across)]


def test_doctests() -> None:
    result = doctest.testmod(schemes)
    assert result.failed == 0
    assert result.attempted > 0


@given(st.integers(1, 200), st.integers(0, 50), blank_modes)
def test_reading_order(pages: int, extra: int, blanks: str) -> None:
    order = reading_order(pages, pages + extra, blanks)
    assert len(order) == pages + extra
    assert [x for x in order if x is not None] == list(range(pages))
    gap = [i for i, x in enumerate(order) if x is None]
    if blanks == "end" or pages == 1:
        assert gap == list(range(pages, pages + extra))
    else:
        assert gap == list(range(pages - 1, pages - 1 + extra))
        assert order[-1] == pages - 1


@pytest.mark.parametrize("blanks", ["before-last", "end"])
def test_saddle_exhaustive(blanks: str) -> None:
    for pages in range(1, 201):
        p = saddle(pages, blanks)
        check_common(p, pages)
        assert p.padded % 4 == 0 and 0 <= p.padded - pages < 4
        assert (p.across, p.down, len(p.sheets)) == (2, 1, p.padded // 4)
        assert [sheet.depth for sheet in p.sheets] == list(range(len(p.sheets)))
        check_order(fold_read(p.sheets), pages, p.padded, blanks)


@given(st.integers(1, 200), blank_modes)
def test_saddle(pages: int, blanks: str) -> None:
    p = saddle(pages, blanks)
    check_common(p, pages)
    assert p.padded - pages < 4
    check_order(fold_read(p.sheets), pages, p.padded, blanks)


@given(st.integers(1, 200), st.integers(1, 10), blank_modes)
def test_signatures(pages: int, per: int, blanks: str) -> None:
    p = signatures(pages, per, blanks)
    check_common(p, pages)
    assert p.padded % 4 == 0 and p.padded - pages < 4
    groups: list[list[Sheet]] = []
    for sheet in p.sheets:
        if sheet.depth == 0:
            groups.append([])
        groups[-1].append(sheet)
    assert all(len(g) == per for g in groups[:-1]) and 1 <= len(groups[-1]) <= per
    for g in groups:
        assert [sheet.depth for sheet in g] == list(range(len(g)))
    read = [x for g in groups for x in fold_read(g)]
    check_order(read, pages, p.padded, blanks)


# Folded mini zine: the (row, column) of the cell holding reading positions 1..8.
# The cover is bottom right; the pages run up, left along the top row, then down
# and right along the bottom row, ending with the back cover next to the front one.
ZINE_PATH = [(1, 3), (0, 3), (0, 2), (0, 1), (0, 0), (1, 0), (1, 1), (1, 2)]


@given(st.integers(1, 8), blank_modes)
def test_zine(pages: int, blanks: str) -> None:
    p = zine(pages, blanks)
    check_common(p, pages)
    assert (p.padded, p.across, p.down, len(p.sheets)) == (8, 4, 2, 1)
    (sheet,) = p.sheets
    assert sheet.back is None
    cells = rows(sheet.front, 4)
    assert all(slot.rotate == 180 for slot in cells[0])
    assert all(slot.rotate == 0 for slot in cells[1])
    read = [cells[r][c].page for r, c in ZINE_PATH]
    check_order(read, pages, 8, blanks)


# Roll fold, short-edge flip: front column j backs onto back column 2 - j. The cover
# (front right) opens onto its reverse (back left), the inside runs left to right,
# and unrolling the flap shows the inside flap and the back panel.
TRIFOLD_PATH = [
    ("front", 2),
    ("back", 0),
    ("back", 1),
    ("back", 2),
    ("front", 0),
    ("front", 1),
]


@given(st.integers(1, 6), blank_modes)
def test_trifold(pages: int, blanks: str) -> None:
    p = trifold(pages, blanks)
    check_common(p, pages)
    assert (p.padded, p.across, p.down, len(p.sheets)) == (6, 3, 1, 1)
    (sheet,) = p.sheets
    panels = {"front": pages_of(sheet.front), "back": pages_of(sheet.back)}
    read = [panels[side][col] for side, col in TRIFOLD_PATH]
    check_order(read, pages, 6, blanks)


@given(st.integers(1, 200), grid, grid)
def test_nup(pages: int, across: int, down: int) -> None:
    p = nup(pages, across, down)
    assert (p.padded, p.blanks, len(p.sheets)) == (pages, 0, (pages + 1) // 2)
    seen: Order = []
    for sheet in p.sheets:
        for side in (sheet.front, sheet.back):
            if side is not None:
                assert len(side.slots) == across * down
                assert len(set(side.slots)) == 1 and side.slots[0].rotate == 0
                seen.append(side.slots[0].page)
    assert seen == list(range(pages))
    assert (p.sheets[-1].back is None) == (pages % 2 == 1)


@given(st.integers(1, 200), grid, grid)
def test_cutstack(pages: int, across: int, down: int) -> None:
    p = cutstack(pages, across, down)
    check_common(p, pages)
    cells = across * down
    assert p.padded % (2 * cells) == 0 and p.padded - pages < 2 * cells
    assert len(p.sheets) == p.padded // (2 * cells)
    piles: list[Order] = [[] for _ in range(cells)]
    for sheet in p.sheets:  # cut the printed stack: each cell becomes a pile, in order
        assert sheet.back is not None
        front, back = rows(sheet.front, across), rows(sheet.back, across)
        for r in range(down):
            for c in range(
                across
            ):  # after a short-edge flip column c backs column -c-1
                piles[r * across + c] += [
                    front[r][c].page,
                    back[r][across - 1 - c].page,
                ]
    read = [x for pile in piles for x in pile]  # pile 0 on top of pile 1 on ...
    check_order(read, pages, p.padded, "end")


plans = st.one_of(
    st.builds(saddle, st.integers(1, 60), blank_modes),
    st.builds(signatures, st.integers(1, 60), st.integers(1, 4), blank_modes),
    st.builds(zine, st.integers(1, 8), blank_modes),
    st.builds(trifold, st.integers(1, 6), blank_modes),
    st.builds(nup, st.integers(1, 60), grid, grid),
    st.builds(cutstack, st.integers(1, 60), grid, grid),
)


def turn_over(side: Side, across: int, down: int) -> Side:
    """Rotate a side 180 degrees on paper: cell (r, c) moves to (down-1-r, across-1-c)."""
    cells = rows(side, across)
    return Side(
        tuple(
            Slot(
                cells[down - 1 - r][across - 1 - c].page,
                180 - cells[down - 1 - r][across - 1 - c].rotate,
            )
            for r in range(down)
            for c in range(across)
        )
    )


@given(plans)
def test_for_duplex(p: SheetPlan) -> None:
    assert for_duplex(p, "short") == p
    assert for_duplex(p, "manual") == p
    long = for_duplex(p, "long")
    assert for_duplex(long, "long") == p
    assert (long.pages, long.padded, long.across, long.down) == (
        p.pages,
        p.padded,
        p.across,
        p.down,
    )
    for short_sheet, long_sheet in zip(p.sheets, long.sheets, strict=True):
        assert long_sheet.front == short_sheet.front
        assert long_sheet.depth == short_sheet.depth
        if short_sheet.back is None:
            assert long_sheet.back is None
        else:
            assert long_sheet.back is not None
            assert turn_over(long_sheet.back, p.across, p.down) == short_sheet.back
            assert turn_over(short_sheet.back, p.across, p.down) == long_sheet.back


def test_for_duplex_long_saddle() -> None:
    back = for_duplex(saddle(8), "long").sheets[0].back
    assert back == Side((Slot(6, 180), Slot(1, 180)))


@pytest.mark.parametrize("name", SCHEMES)
def test_plan_dispatch(name: str) -> None:
    assert plan(name, 5).scheme == name


def test_plan_passes_options() -> None:
    assert plan("saddle", 5, blanks="end") == saddle(5, "end")
    assert plan("signatures", 40, sheets_per_signature=2) == signatures(40, 2)
    assert plan("zine", 3, blanks="end") == zine(3, "end")
    assert plan("trifold", 4, blanks="end") == trifold(4, "end")
    assert plan("nup", 3, across=3, down=2) == nup(3, 3, 2)
    assert plan("cutstack", 30, across=2, down=2) == cutstack(30, 2, 2)


def test_plans_are_frozen() -> None:
    p = saddle(4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.pages = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: reading_order(0, 4), "pages must be at least 1, got 0"),
        (
            lambda: reading_order(3, 4, "middle"),
            "unknown blanks mode 'middle'; choose from before-last, end",
        ),
        (lambda: reading_order(5, 4), "cannot fit 5 pages into 4 positions"),
        (lambda: saddle(0), "pages must be at least 1"),
        (lambda: saddle(4, "start"), "unknown blanks mode 'start'"),
        (lambda: signatures(0, 2), "pages must be at least 1"),
        (lambda: signatures(8, 0), "sheets per signature must be at least 1, got 0"),
        (lambda: zine(9), "a zine holds at most 8 pages, got 9"),
        (lambda: zine(0), "pages must be at least 1"),
        (lambda: zine(4, "x"), "unknown blanks mode 'x'"),
        (lambda: trifold(7), "a trifold holds at most 6 pages, got 7"),
        (lambda: trifold(-1), "pages must be at least 1, got -1"),
        (lambda: nup(0, 2, 1), "pages must be at least 1"),
        (lambda: nup(3, 0, 1), "across must be at least 1, got 0"),
        (lambda: nup(3, 1, 0), "down must be at least 1, got 0"),
        (lambda: cutstack(0, 2, 1), "pages must be at least 1"),
        (lambda: cutstack(3, 0, 1), "across must be at least 1"),
        (lambda: cutstack(3, 1, -2), "down must be at least 1, got -2"),
        (
            lambda: for_duplex(saddle(4), "both"),
            "unknown duplex mode 'both'; choose from short, long, manual",
        ),
        (
            lambda: plan("sadle", 4),
            "unknown scheme 'sadle'; available: cutstack, nup, saddle, signatures, trifold, zine",
        ),
    ],
)
def test_errors(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)
