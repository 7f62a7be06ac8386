"""Apply a SheetPlan to a PDF with pypdf: each source page placed once as a Form XObject."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from io import BytesIO

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from pamphlet import schemes
from pamphlet.errors import ImpositionError
from pamphlet.schemes import SHEETS_MM, Options

MM = 72 / 25.4
MARK_SPACE = 8 * MM  # room kept around the pages (and their bleed) when marks are asked for
MIN_SCALE = 0.5  # below this a page is unreadable: refuse rather than print it
FOLDED = {"saddle": "v", "signatures": "v", "trifold": "v", "zine": "vh"}  # inner lines that are folds
FILL_SHEET = ("zine", "trifold")  # folded at fractions of the sheet, so cells divide the whole sheet
CREEP = ("saddle", "signatures")
#: What pypdf raises, early or late, on a damaged file (its own asserts included).
DAMAGE = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, AssertionError, NotImplementedError, OSError)

Matrix = tuple[float, float, float, float, float, float]

#: pypdf writes a name (/Type, /Font, ...) by escaping it a character at a time, every time it writes it: 10,000
#: times for a 64-page booklet and its imposition, a third of the time they take. Each name is escaped once.
if hasattr(NameObject, "renumber"):
    NameObject.renumber = functools.lru_cache(maxsize=4096)(NameObject.renumber)  # type: ignore[method-assign]


@dataclass(frozen=True)
class Imposed:
    """An imposed PDF (with manual duplex: the fronts, and ``backs`` the second file) and its facts."""

    pdf: bytes
    backs: bytes | None
    plan: schemes.SheetPlan
    sheet: str
    landscape: bool
    duplex: str  # short | long | manual, or "one-sided"
    scale: float  # how much pages were scaled to fit their cells (1.0: not at all)
    options: Options  # as asked: the summary needs the blanks mode and the sheets per signature


@contextmanager
def _reading(name: str) -> Iterator[None]:
    """Report a damaged file once, as one ImpositionError naming it, however late pypdf finds the damage.

    pypdf reads objects only when they are used and logs every repair it tries; those notes are kept quiet.
    """
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    except DAMAGE as err:
        raise ImpositionError(f"{name}: not a readable PDF ({err or type(err).__name__})") from None
    finally:
        log.setLevel(level)


def _open(pdf: bytes, name: str) -> PdfReader:
    reader = PdfReader(BytesIO(pdf))
    if reader.is_encrypted:
        raise ImpositionError(f"{name}: the PDF is encrypted; save an unencrypted copy first")
    if not reader.pages:
        raise ImpositionError(f"{name}: the PDF has no pages")
    return reader


def impose(pdf: bytes | PdfWriter, scheme: str, options: Options, name: str) -> Imposed:
    """Lay out the pages of ``pdf`` (called ``name`` in messages) on sheets, as ``scheme`` and ``options`` say.

    ``pdf`` is a PDF's bytes, or a document pamphlet has just made (imposed without reading it back).
    Pages are scaled to fit their cells and centred, never cropped; the sheet is turned to the
    orientation that fits them largest. Raises ImpositionError for unreadable input, a scheme the
    pages do not fit (a zine of 9 pages) and pages that would print below half size.
    """
    with _reading(name):
        reader = _open(pdf, name) if isinstance(pdf, bytes) else pdf
        shown = [_shown_size(page) for page in reader.pages]
    try:
        plan = schemes.plan(scheme, len(reader.pages), blanks=options.blanks, across=options.across,
                            down=options.down, sheets_per_signature=options.sheets_per_signature)
    except ValueError as err:
        raise ImpositionError(f"{name}: {err}") from None
    bleed = options.bleed_mm * MM
    trim = (max(w for w, _ in shown) - 2 * bleed, max(h for _, h in shown) - 2 * bleed)
    if min(trim) <= 0:
        raise ImpositionError(f"{name}: a bleed of {options.bleed_mm:g} mm is wider than the pages")
    sheet = options.sheet or _best_sheet(trim, plan, replace(options, marks=()))
    landscape = _fit(trim, _area(sheet, True, options), plan, options) >= _fit(
        trim, _area(sheet, False, options), plan, options)
    scale = min(1.0, round(_fit(trim, _area(sheet, landscape, options), plan, options), 4))
    if scale < MIN_SCALE:
        raise ImpositionError(
            f"{name}: pages of {trim[0] / MM:.0f} x {trim[1] / MM:.0f} mm cannot fit {plan.across * plan.down} "
            f"to one {sheet.upper()} sheet (they would print at {scale:.0%}); choose a larger --sheet or another scheme"
        )
    two_sided = any(s.back is not None for s in plan.sheets)
    duplex = options.duplex or ("short" if landscape else "long")
    if two_sided and (duplex == "long") == landscape:  # plans assume the sheet turns about its vertical axis
        plan = schemes.for_duplex(plan, "long")
    geometry = _geometry(plan, sheet, landscape, scale, trim, options)
    fronts = [(s.front, s.depth) for s in plan.sheets]
    backs = [(s.back or schemes.Side(()), s.depth) for s in plan.sheets]
    with _reading(name):
        if not two_sided:
            return Imposed(_render(reader, fronts, geometry), None, plan, sheet, landscape, "one-sided", scale, options)
        if duplex == "manual":
            return Imposed(_render(reader, fronts, geometry), _render(reader, backs[::-1], geometry), plan, sheet,
                           landscape, duplex, scale, options)
        both = [side for pair in zip(fronts, backs, strict=True) for side in pair]
        return Imposed(_render(reader, both, geometry), None, plan, sheet, landscape, duplex, scale, options)


def _shown_size(page: PageObject) -> tuple[float, float]:
    box = page.cropbox
    w, h = float(box.width), float(box.height)
    return (h, w) if page.rotation % 180 else (w, h)


def _area(sheet: str, landscape: bool, options: Options) -> tuple[float, float]:
    w, h = SHEETS_MM[sheet]
    margin = 2 * (MARK_SPACE + options.bleed_mm * MM) if options.marks else 0.0
    return (h * MM - margin, w * MM - margin) if landscape else (w * MM - margin, h * MM - margin)


def _fit(trim: tuple[float, float], area: tuple[float, float], plan: schemes.SheetPlan, options: Options) -> float:
    gutter = options.gutter_mm * MM
    return min((area[0] - gutter * (plan.across - 1)) / plan.across / trim[0],
               (area[1] - gutter * (plan.down - 1)) / plan.down / trim[1])


def _best_sheet(trim: tuple[float, float], plan: schemes.SheetPlan, options: Options) -> str:
    """The sheet that holds the pages at full size with least waste (A5 -> A4, half-letter -> letter)."""

    def score(sheet: str) -> tuple[bool, float]:
        fit = max(_fit(trim, _area(sheet, o, options), plan, options) for o in (True, False))
        used = plan.across * plan.down * trim[0] * trim[1] * min(fit, 1.0) ** 2
        return fit >= 0.999, used / (SHEETS_MM[sheet][0] * SHEETS_MM[sheet][1] * MM * MM) if fit >= 0.999 else fit

    return max(SHEETS_MM, key=score)


@dataclass(frozen=True)
class _Geometry:
    """Where the cells of every side are, in points, and the marks drawn around them."""

    size: tuple[float, float]
    origin: tuple[float, float]  # bottom left of the block of cells
    cell: tuple[float, float]
    gutter: float
    scale: float
    bleed: float
    creep: float  # shift toward the spine per step of sheet depth
    across: int
    down: int
    marks: tuple[str, ...]  # content-stream operators, the same on every side

    def place(self, index: int, slot: schemes.Slot, depth: int, page: PageObject) -> str:
        """The operators that draw ``page`` (a Form XObject named /P<n>) into cell ``index``."""
        row, col = divmod(index, self.across)
        x0 = self.origin[0] + col * (self.cell[0] + self.gutter)
        y0 = self.origin[1] + (self.down - 1 - row) * (self.cell[1] + self.gutter)
        w, h = _shown_size(page)
        tw, th, s, b = w - 2 * self.bleed, h - 2 * self.bleed, self.scale, self.bleed
        toward_spine = 1 if x0 + self.cell[0] / 2 < self.size[0] / 2 else -1
        ox = x0 + (self.cell[0] - tw * s) / 2 + toward_spine * self.creep * depth
        oy = y0 + (self.cell[1] - th * s) / 2
        matrix = _then(_upright(page), (1, 0, 0, 1, -b, -b))
        if slot.rotate == 180:
            matrix = _then(matrix, (-1, 0, 0, -1, tw, th))
        matrix = _then(matrix, (s, 0, 0, s, ox, oy))
        clip = ""
        if b or self.creep:  # bleed reaches past the cell, creep shifts toward the fold: cut both at the cell
            g = self.gutter / 2
            left, bottom = max(ox - b * s, x0 - g, 0.0), max(oy - b * s, y0 - g, 0.0)
            right = min(ox + (tw + b) * s, x0 + self.cell[0] + g, self.size[0])
            top = min(oy + (th + b) * s, y0 + self.cell[1] + g, self.size[1])
            clip = f"{_nums((left, bottom, right - left, top - bottom))} re W n "
        return f"q {clip}{_nums(matrix)} cm /P{slot.page} Do Q"


def _geometry(plan: schemes.SheetPlan, sheet: str, landscape: bool, scale: float, trim: tuple[float, float],
              options: Options) -> _Geometry:
    w, h = SHEETS_MM[sheet]
    size = (h * MM, w * MM) if landscape else (w * MM, h * MM)
    gutter = options.gutter_mm * MM
    if plan.scheme in FILL_SHEET:
        area = _area(sheet, landscape, options)
        cell = ((area[0] - gutter * (plan.across - 1)) / plan.across, (area[1] - gutter * (plan.down - 1)) / plan.down)
    else:
        cell = (trim[0] * scale, trim[1] * scale)
    block = (plan.across * cell[0] + (plan.across - 1) * gutter, plan.down * cell[1] + (plan.down - 1) * gutter)
    origin = ((size[0] - block[0]) / 2, (size[1] - block[1]) / 2)
    deepest = max(s.depth for s in plan.sheets)
    creep = options.creep_mm * MM / deepest if plan.scheme in CREEP and deepest else 0.0
    geometry = _Geometry(size, origin, cell, gutter, scale, options.bleed_mm * MM, creep, plan.across, plan.down, ())
    return replace(geometry, marks=_marks(geometry, plan.scheme, options.marks))


def _marks(g: _Geometry, scheme: str, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """Thin lines in the margin around the block of cells: crop at its edges, cut and fold between cells.

    They start 2 mm beyond the bleed, so that none of them prints over it.
    """
    if not wanted:
        return ()
    near, far = 2 * MM + g.bleed * g.scale, 7 * MM + g.bleed * g.scale
    folded = FOLDED.get(scheme, "")
    xs = _lines(g.origin[0], g.cell[0], g.gutter, g.across, "v" in folded)
    ys = _lines(g.origin[1], g.cell[1], g.gutter, g.down, "h" in folded)
    (left, _), (right, _) = xs[0], xs[-1]
    (bottom, _), (top, _) = ys[0], ys[-1]
    ops = []
    for at, kind in xs:
        for a, b in ((max(0.0, bottom - far), bottom - near), (top + near, min(g.size[1], top + far))):
            ops.append((kind, (at, a, at, b)))
    for at, kind in ys:
        for a, b in ((max(0.0, left - far), left - near), (right + near, min(g.size[0], right + far))):
            ops.append((kind, (a, at, b, at)))
    return tuple(
        f"q 0 G 0.3 w {'[3 2] 0 d ' if kind == 'fold' else ''}{_nums(p[:2])} m {_nums(p[2:])} l S Q"
        for kind, p in ops
        if kind in wanted
    )


def _lines(start: float, cell: float, gutter: float, count: int, folds: bool) -> list[tuple[float, str]]:
    """Positions along one axis: the block's two edges (crop), and between cells a fold or cut lines."""
    lines = [(start, "crop")]
    for k in range(1, count):
        edge = start + k * cell + (k - 1) * gutter
        if folds:
            lines.append((edge + gutter / 2, "fold"))
        else:
            lines += [(edge, "cut"), (edge + gutter, "cut")] if gutter else [(edge, "cut")]
    return [*lines, (start + count * cell + (count - 1) * gutter, "crop")]


def _upright(page: PageObject) -> Matrix:
    """Map the page's own coordinates to its box as shown (its /Rotate applied), origin at bottom left."""
    box = page.cropbox
    bx, by, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
    return {
        0: (1, 0, 0, 1, -bx, -by),
        90: (0, -1, 1, 0, -by, w + bx),
        180: (-1, 0, 0, -1, w + bx, h + by),
        270: (0, 1, -1, 0, h + by, -bx),
    }[page.rotation % 360]


def _then(m: Matrix, n: Matrix) -> Matrix:
    """The transformation ``m`` followed by ``n`` (PDF row-vector convention)."""
    return (m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5])


def _nums(values: tuple[float, ...]) -> str:
    return " ".join(f"{v:.4f}".rstrip("0").rstrip(".") if abs(v) >= 5e-5 else "0" for v in values)


def _render(reader: PdfReader | PdfWriter, sides: list[tuple[schemes.Side, int]], geometry: _Geometry) -> bytes:
    """One PDF page per side; each source page becomes one shared Form XObject."""
    writer = PdfWriter()
    forms: dict[int, IndirectObject] = {}
    for side, depth in sides:
        ops, xobjects = [], DictionaryObject()
        for index, slot in enumerate(side.slots):
            if slot.page is None:
                continue
            if slot.page not in forms:
                forms[slot.page] = form_xobject(writer, reader.pages[slot.page])
            xobjects[NameObject(f"/P{slot.page}")] = forms[slot.page]
            ops.append(geometry.place(index, slot, depth, reader.pages[slot.page]))
        page = writer.add_blank_page(*geometry.size)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        content = DecodedStreamObject()
        content.set_data("\n".join((*ops, *geometry.marks)).encode())
        page[NameObject("/Contents")] = writer._add_object(content)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def form_xobject(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """The page as a Form XObject: its content stream kept as it was encoded, its resources shared."""
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if isinstance(contents, StreamObject):
        form = contents.clone(writer)
        assert isinstance(form, StreamObject)
    else:
        joined = DecodedStreamObject()
        parts = [p.get_object() for p in contents] if isinstance(contents, ArrayObject) else []
        if not all(isinstance(p, StreamObject) for p in parts):
            raise PdfReadError("a page's /Contents array holds something other than streams")
        joined.set_data(b"\n".join(p.get_data() for p in parts))
        form = joined.flate_encode()
    box = page.cropbox
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in (box.left, box.bottom, box.right, box.top))
    resources = page.get("/Resources")
    form[NameObject("/Resources")] = resources.clone(writer) if resources is not None else DictionaryObject()
    return writer._add_object(form)
