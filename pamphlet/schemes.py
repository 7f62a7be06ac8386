"""Imposition schemes and options: pure plans placing source pages on the sides of sheets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

BLANKS = ("before-last", "end")
DUPLEX = ("short", "long", "manual")
SCHEMES = ("cutstack", "nup", "saddle", "signatures", "trifold", "zine")
#: Sheet sizes in millimetres, portrait, smallest first.
SHEETS_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4), "a3": (297.0, 420.0), "tabloid": (279.4, 431.8)}
MARKS = ("crop", "fold", "cut")


@dataclass(frozen=True)
class Options:
    """How to impose: the flags of `pamphlet impose`, and the keys of a manifest's `print:`."""

    sheet: str | None = None  # a4 | letter | a3 | tabloid; None: the best fit for the page size
    duplex: str | None = None  # short | long | manual; None: the one that needs no turning
    creep_mm: float = 0.0
    marks: tuple[str, ...] = ()
    bleed_mm: float = 0.0
    blanks: str = "before-last"
    gutter_mm: float = 0.0
    sheets_per_signature: int = 4
    across: int = 2
    down: int = 1


def parse_grid(text: str) -> tuple[int, int]:
    """'3x2' -> (3, 2): cells across and down."""
    across, sep, down = text.lower().replace(" ", "").partition("x")
    if not (sep and across.isdigit() and down.isdigit() and 0 < int(across) <= 8 and 0 < int(down) <= 8):
        raise ValueError(f"expected cells across x down such as 2x2 (up to 8x8), got '{text}'")
    return int(across), int(down)


@dataclass(frozen=True)
class Slot:
    """One page position on one side of a sheet."""

    page: int | None
    rotate: int = 0


@dataclass(frozen=True)
class Side:
    """The slots of one side of a sheet, row by row from the top left, as seen."""

    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Sheet:
    """One sheet: front, back (None if one-sided), depth (0 = outermost)."""

    front: Side
    back: Side | None
    depth: int = 0


@dataclass(frozen=True)
class SheetPlan:
    """Where every source page goes on every sheet, for one scheme and page count."""

    scheme: str
    pages: int
    padded: int
    across: int
    down: int
    sheets: tuple[Sheet, ...]

    @property
    def blanks(self) -> int:
        """How many blank reading positions the padding added."""
        return self.padded - self.pages


def _check_positive(name: str, value: int) -> None:
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")


def _check_choice(kind: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"unknown {kind} {value!r}; choose from {', '.join(choices)}")


def _round_up(pages: int, multiple: int) -> int:
    return -(-pages // multiple) * multiple


def reading_order(
    pages: int, padded: int, blanks: str = "before-last"
) -> tuple[int | None, ...]:
    """The source page (None for a blank) at each reading position.

    >>> reading_order(5, 8)
    (0, 1, 2, 3, None, None, None, 4)
    >>> reading_order(5, 8, "end")
    (0, 1, 2, 3, 4, None, None, None)
    """
    _check_positive("pages", pages)
    _check_choice("blanks mode", blanks, BLANKS)
    if padded < pages:
        raise ValueError(f"cannot fit {pages} pages into {padded} positions")
    body: tuple[int | None, ...] = tuple(range(pages))
    gap: tuple[int | None, ...] = (None,) * (padded - pages)
    if blanks == "end" or pages == 1:
        return body + gap
    return body[:-1] + gap + body[-1:]


def _side(order: Sequence[int | None], positions: Sequence[int]) -> Side:
    return Side(tuple(Slot(order[p]) for p in positions))


def _fold(order: Sequence[int | None]) -> tuple[Sheet, ...]:
    """Nest the sheets of one folded group; len(order) is a multiple of 4."""
    n = len(order)
    return tuple(
        Sheet(
            front=_side(order, (n - 1 - 2 * i, 2 * i)),
            back=_side(order, (2 * i + 1, n - 2 - 2 * i)),
            depth=i,
        )
        for i in range(n // 4)
    )


def saddle(pages: int, blanks: str = "before-last") -> SheetPlan:
    """Saddle stitch: nested landscape sheets, 2 pages a side, folded in half.

    >>> for x in saddle(6).sheets:
    ...     print([s.page for s in x.front.slots], [s.page for s in x.back.slots])
    [5, 0] [1, None]
    [None, 2] [3, 4]
    """
    padded = _round_up(pages, 4)
    order = reading_order(pages, padded, blanks)
    return SheetPlan("saddle", pages, padded, 2, 1, _fold(order))


def signatures(
    pages: int, sheets_per_signature: int, blanks: str = "before-last"
) -> SheetPlan:
    """Stacked saddle-folded signatures of up to `sheets_per_signature` sheets each.

    >>> [(x.depth, [s.page for s in x.front.slots]) for x in signatures(12, 2).sheets]
    [(0, [7, 0]), (1, [5, 2]), (0, [11, 8])]
    """
    _check_positive("sheets per signature", sheets_per_signature)
    padded = _round_up(pages, 4)
    order = reading_order(pages, padded, blanks)
    size = 4 * sheets_per_signature
    sheets = tuple(
        s for i in range(0, padded, size) for s in _fold(order[i : i + size])
    )
    return SheetPlan("signatures", pages, padded, 2, 1, sheets)


# (reading position, rotation) of each zine cell, row by row: the top row upside down.
_ZINE = ((4, 180), (3, 180), (2, 180), (1, 180), (5, 0), (6, 0), (7, 0), (0, 0))


def zine(pages: int, blanks: str = "before-last") -> SheetPlan:
    """Mini zine: 8 pages on one side of one sheet, 4 across and 2 down.

    >>> [(s.page, s.rotate) for s in zine(8).sheets[0].front.slots]
    [(4, 180), (3, 180), (2, 180), (1, 180), (5, 0), (6, 0), (7, 0), (0, 0)]
    """
    if pages > 8:
        raise ValueError(f"a zine holds at most 8 pages, got {pages}")
    order = reading_order(pages, 8, blanks)
    front = Side(tuple(Slot(order[p], rotate) for p, rotate in _ZINE))
    return SheetPlan("zine", pages, 8, 4, 2, (Sheet(front, None),))


def trifold(pages: int, blanks: str = "before-last") -> SheetPlan:
    """Roll-fold leaflet: 6 panels, 3 a side, on one double-sided sheet.

    >>> sheet = trifold(6).sheets[0]
    >>> print([s.page for s in sheet.front.slots], [s.page for s in sheet.back.slots])
    [4, 5, 0] [1, 2, 3]
    """
    if pages > 6:
        raise ValueError(f"a trifold holds at most 6 pages, got {pages}")
    order = reading_order(pages, 6, blanks)
    sheet = Sheet(_side(order, (4, 5, 0)), _side(order, (1, 2, 3)))
    return SheetPlan("trifold", pages, 6, 3, 1, (sheet,))


def _check_grid(pages: int, across: int, down: int) -> None:
    _check_positive("pages", pages)
    _check_positive("across", across)
    _check_positive("down", down)


def nup(pages: int, across: int, down: int) -> SheetPlan:
    """Flyers and cards: each side repeats one page; pages pair up front and back.

    >>> for x in nup(3, 2, 1).sheets:
    ...     print([s.page for s in x.front.slots], x.back and len(x.back.slots))
    [0, 0] 2
    [2, 2] None
    """
    _check_grid(pages, across, down)
    cells = across * down

    def side(page: int) -> Side:
        return Side((Slot(page),) * cells)

    sheets = tuple(
        Sheet(side(p), side(p + 1) if p + 1 < pages else None)
        for p in range(0, pages, 2)
    )
    return SheetPlan("nup", pages, pages, across, down, sheets)


def cutstack(pages: int, across: int, down: int) -> SheetPlan:
    """Cut and stack: cut the printed stack into piles by cell, pile 0 on pile 1 ...

    >>> for x in cutstack(8, 2, 1).sheets:
    ...     print([s.page for s in x.front.slots], [s.page for s in x.back.slots])
    [0, 4] [5, 1]
    [2, 6] [7, 3]
    """
    _check_grid(pages, across, down)
    cells = across * down
    count = -(-pages // (2 * cells))
    padded = 2 * cells * count
    order = reading_order(pages, padded, "end")
    run = 2 * count

    def mirror(cell: int) -> int:
        row, col = divmod(cell, across)
        return row * across + across - 1 - col

    sheets = tuple(
        Sheet(
            _side(order, [c * run + 2 * s for c in range(cells)]),
            _side(order, [mirror(c) * run + 2 * s + 1 for c in range(cells)]),
        )
        for s in range(count)
    )
    return SheetPlan("cutstack", pages, padded, across, down, sheets)


def _turn(side: Side) -> Side:
    return Side(tuple(Slot(s.page, 180 - s.rotate) for s in reversed(side.slots)))


def for_duplex(plan: SheetPlan, duplex: str) -> SheetPlan:
    """Adapt a short-edge plan to the printer: "long" turns every back 180 degrees.

    >>> back = for_duplex(saddle(4), "long").sheets[0].back
    >>> [(s.page, s.rotate) for s in back.slots]
    [(2, 180), (1, 180)]
    """
    _check_choice("duplex mode", duplex, DUPLEX)
    if duplex != "long":
        return plan
    sheets = tuple(replace(x, back=x.back and _turn(x.back)) for x in plan.sheets)
    return replace(plan, sheets=sheets)


def plan(
    scheme: str,
    pages: int,
    *,
    blanks: str = "before-last",
    sheets_per_signature: int = 4,
    across: int = 2,
    down: int = 1,
) -> SheetPlan:
    """Build the plan of the named scheme, passing on only the options it uses.

    >>> plan("signatures", 18, sheets_per_signature=3).padded
    20
    """
    match scheme:
        case "cutstack":
            return cutstack(pages, across, down)
        case "nup":
            return nup(pages, across, down)
        case "saddle":
            return saddle(pages, blanks)
        case "signatures":
            return signatures(pages, sheets_per_signature, blanks)
        case "trifold":
            return trifold(pages, blanks)
        case "zine":
            return zine(pages, blanks)
    names = ", ".join(SCHEMES)
    raise ValueError(f"unknown scheme {scheme!r}; available: {names}")
