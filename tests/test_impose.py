"""Imposition with pypdf: pages placed as Form XObjects, in the plan's cells, scaled and turned."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from pamphlet.errors import ImpositionError
from pamphlet.impose import Options, impose, page_count
from pamphlet.schemes import Sheet, SheetPlan, Side, Slot, saddle
from tests.conftest import pdftotext, words


def numbered(pages: int, size: str = "148mm 210mm") -> bytes:
    """A real WeasyPrint PDF whose page k shows 'Page k' in large type."""
    import weasyprint

    html = f"<style>@page {{ size: {size}; margin: 10mm }} p {{ font-size: 30pt; break-after: page }}</style>"
    html += "".join(f"<p>Page {k}</p>" for k in range(1, pages + 1))
    return bytes(weasyprint.HTML(string=html).write_pdf())


def cell_text(pdf: Path, side: int, plan: SheetPlan, index: int, sheet_pt: tuple[float, float]) -> str:
    row, col = divmod(index, plan.across)
    w, h = sheet_pt[0] / plan.across, sheet_pt[1] / plan.down
    return words(pdftotext(pdf, side, (col * w, row * h, w, h)))


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
    with pytest.raises(ImpositionError, match="broken.pdf: not a readable PDF"):
        page_count(b"%PDF-1.7\nnot really", "broken.pdf")
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    locked = BytesIO()
    writer.write(locked)
    with pytest.raises(ImpositionError, match="locked.pdf: the PDF is encrypted"):
        page_count(locked.getvalue(), "locked.pdf")
    with pytest.raises(ImpositionError, match="nine.pdf: a zine holds at most 8 pages, got 9"):
        impose(numbered(9), "zine", Options(), "nine.pdf")
