"""Apply a SheetPlan to a PDF with pypdf: each source page placed once as a Form XObject."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from pamphlet.errors import ImpositionError
from pamphlet.schemes import SheetPlan

MM = 72 / 25.4
#: Sheet sizes in millimetres, portrait.
SHEETS_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}


@dataclass(frozen=True)
class Imposed:
    """An imposed PDF and what the summary says about it."""

    pdf: bytes
    sheet: str
    landscape: bool
    scale: float  # how much source pages were scaled to fit their cells (1.0 = not at all)
    sides: int


def page_count(pdf: bytes, name: str) -> int:
    """Number of pages of ``pdf``; raise ImpositionError naming ``name`` if it is unreadable."""
    return len(_open(pdf, name).pages)


def _open(pdf: bytes, name: str) -> PdfReader:
    try:
        reader = PdfReader(BytesIO(pdf))
        if reader.is_encrypted:
            raise ImpositionError(f"{name}: the PDF is encrypted; save an unencrypted copy first")
        if not reader.pages:
            raise ImpositionError(f"{name}: the PDF has no pages")
    except (PdfReadError, ValueError, KeyError, OSError) as err:
        raise ImpositionError(f"{name}: not a readable PDF ({err})") from None
    return reader


def impose(pdf: bytes, plan: SheetPlan, sheet: str, name: str) -> Imposed:
    """Lay out the pages of ``pdf`` on ``sheet`` paper as ``plan`` says and return the new PDF.

    The sheet is turned to whichever orientation fits the cells largest; pages are scaled to fit
    their cell and centred, never cropped.
    """
    reader = _open(pdf, name)
    if len(reader.pages) != plan.pages:
        raise ImpositionError(f"{name}: plan is for {plan.pages} pages, the PDF has {len(reader.pages)}")
    boxes = [page.cropbox for page in reader.pages]
    widest = max(float(b.width) for b in boxes), max(float(b.height) for b in boxes)
    portrait = (SHEETS_MM[sheet][0] * MM, SHEETS_MM[sheet][1] * MM)
    landscape = _fit(widest, (portrait[1], portrait[0]), plan) > _fit(widest, portrait, plan)
    sheet_w, sheet_h = (portrait[1], portrait[0]) if landscape else portrait
    scale = min(1.0, round(_fit(widest, (sheet_w, sheet_h), plan), 4))
    cell_w, cell_h = sheet_w / plan.across, sheet_h / plan.down
    writer = PdfWriter()
    forms: dict[int, IndirectObject] = {}
    sides = [side for s in plan.sheets for side in (s.front, s.back) if side is not None]
    for side in sides:
        ops, xobjects = [], DictionaryObject()
        for index, slot in enumerate(side.slots):
            if slot.page is None:
                continue
            if slot.page not in forms:
                forms[slot.page] = _form(writer, reader, slot.page)
            box = boxes[slot.page]
            w, h, bx, by = float(box.width), float(box.height), float(box.left), float(box.bottom)
            row, col = divmod(index, plan.across)
            x = col * cell_w + (cell_w - w * scale) / 2
            y = sheet_h - (row + 1) * cell_h + (cell_h - h * scale) / 2
            if slot.rotate == 180:
                matrix = (-scale, 0, 0, -scale, x + (w + bx) * scale, y + (h + by) * scale)
            else:
                matrix = (scale, 0, 0, scale, x - bx * scale, y - by * scale)
            key = f"/P{slot.page}"
            xobjects[NameObject(key)] = forms[slot.page]
            ops.append(f"q {' '.join(_num(v) for v in matrix)} cm {key} Do Q")
        page = writer.add_blank_page(sheet_w, sheet_h)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        content = DecodedStreamObject()
        content.set_data("\n".join(ops).encode())
        page[NameObject("/Contents")] = writer._add_object(content)
    out = BytesIO()
    writer.write(out)
    return Imposed(out.getvalue(), sheet, landscape, scale, len(sides))


def _fit(page: tuple[float, float], sheet: tuple[float, float], plan: SheetPlan) -> float:
    return min(sheet[0] / plan.across / page[0], sheet[1] / plan.down / page[1])


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def _form(writer: PdfWriter, reader: PdfReader, index: int) -> IndirectObject:
    """The source page as a Form XObject: its content stream kept as encoded, its resources shared."""
    page = reader.pages[index]
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if isinstance(contents, StreamObject):
        form = contents.clone(writer)
        assert isinstance(form, StreamObject)
    else:
        parts = contents if isinstance(contents, ArrayObject) else []
        form = DecodedStreamObject()
        form.set_data(b"\n".join(p.get_object().get_data() for p in parts))
        form = form.flate_encode()
    box = page.cropbox
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in (box.left, box.bottom, box.right, box.top))
    resources = page.get("/Resources")
    form[NameObject("/Resources")] = resources.clone(writer) if resources is not None else DictionaryObject()
    return writer._add_object(form)
