"""Join separately rendered parts into one reader PDF, laying running heads and page numbers over its pages."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    TextStringObject,
)

from pamphlet.errors import RenderError
from pamphlet.impose import form_xobject

#: The one run of text on a page-number stamp page: where it starts, its font, and its glyphs.
_RUN = re.compile(
    rb"(?P<x>-?[\d.]+) (?P<y>-?[\d.]+) Tm\s+(?P<font>/\S+) (?P<size>[\d.]+) Tf\s+\[(?P<glyphs>[^\]]*)\]\s*TJ"
)
#: Stamp pages the cover part ends with, in this order; other parts end with one running head per section.
COVER_STAMPS = ("head-left", "folio-left", "folio-right")


@dataclass(frozen=True)
class Piece:
    """One rendered part of a pamphlet: its PDF, its printed pages, and what to stamp on them.

    After its printed pages come its stamp pages: for the first piece (the cover) the COVER_STAMPS,
    for any other one running head per entry of ``heads``, the page its section starts on.
    """

    pdf: bytes
    pages: int
    heads: tuple[int, ...] = ()
    outline: tuple[tuple[str, int], ...] = ()  # (title, page) entries for the PDF's outline
    bare: bool = False  # no running heads or page numbers: covers


@dataclass(frozen=True)
class Info:
    """The document information of the reader PDF."""

    title: str
    author: str | None
    language: str
    created: str | None  # PDF date string, D:YYYYMMDDHHmmSSZ


def assemble(pieces: Sequence[Piece], info: Info) -> bytes:
    """The reader PDF: every piece's printed pages in order, numbered from the cover as page 1.

    Left pages get the edition's running head and a page number in the outer corner; right pages
    the running head of their section (not on its first page) and a page number.
    """
    writer = PdfWriter()
    readers = [PdfReader(BytesIO(piece.pdf)) for piece in pieces]
    cover = readers[0].pages[pieces[0].pages:]
    edition = form_xobject(writer, cover[0])
    folios = (_Folios(writer, cover[1], right=False), _Folios(writer, cover[2], right=True))
    number = 0
    outline: list[tuple[str, int]] = []
    for piece, reader in zip(pieces, readers, strict=True):
        heads = [form_xobject(writer, reader.pages[piece.pages + k]) for k in range(len(piece.heads))]
        outline += [(title, number + page) for title, page in piece.outline]
        for index in range(piece.pages):
            page = reader.pages[index]
            number += 1
            if piece.bare:
                writer.add_page(page)
                continue
            right = number % 2 == 1
            section = bisect.bisect_right(piece.heads, index) - 1
            running = heads[section] if right and section >= 0 and piece.heads[section] != index else None
            _stamped(writer, page, (running if right else edition, folios[right].form(number)))
    for title, index in outline:
        writer.add_outline_item(title=title, page_number=index)
    writer.add_metadata({
        "/Title": info.title, "/Creator": "pamphlet", "/Producer": "pamphlet (WeasyPrint, pypdf)",
        **({"/Author": info.author} if info.author else {}),
        **({"/CreationDate": info.created, "/ModDate": info.created} if info.created else {}),
    })
    writer._root_object[NameObject("/Lang")] = TextStringObject(info.language)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _stamped(writer: PdfWriter, page: PageObject, stamps: tuple[IndirectObject | None, ...]) -> None:
    """Add a page to ``writer`` that draws ``page`` and then each stamp over it, all as Form XObjects."""
    box = page.cropbox
    new = writer.add_blank_page(float(box.width), float(box.height))
    forms = {"/Page": form_xobject(writer, page), **{f"/Stamp{i}": s for i, s in enumerate(stamps) if s}}
    new[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject(k): v for k, v in forms.items()})}
    )
    content = DecodedStreamObject()
    content.set_data(" ".join(f"q {name} Do Q" for name in forms).encode())
    new[NameObject("/Contents")] = writer._add_object(content)


class _Folios:
    """Page numbers set from a stamp page showing '0123456789' in the layout's page-number style."""

    def __init__(self, writer: PdfWriter, page: PageObject, right: bool) -> None:
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        run = _RUN.search(data)
        if run is None:
            raise RenderError("the layout's page-number stamp page shows no digits '0123456789'")
        glyphs = b"".join(re.findall(rb"<([0-9a-fA-F]+)>", run["glyphs"]))
        if len(glyphs) != 40:
            raise RenderError("the layout's page-number stamp page must show exactly '0123456789'")
        self.codes = [glyphs[4 * d: 4 * d + 4] for d in range(10)]
        font: Any = page["/Resources"]
        for step in ("/Font", run["font"].decode(), "/DescendantFonts", 0):
            font = font.get_object()[step]
        self.widths = _widths(font.get_object(), self.codes)
        self.data, self.run, self.right = data, run, right
        self.writer = writer
        self.resources = writer._add_object(page["/Resources"].clone(writer))
        self.box = ArrayObject(FloatObject(v) for v in (page.cropbox.left, page.cropbox.bottom,
                                                         page.cropbox.right, page.cropbox.top))

    def form(self, number: int) -> IndirectObject:
        """A Form XObject drawing ``number``: from the stamp's start, or ending where its digits end."""
        digits = [int(d) for d in str(number)]
        x = float(self.run["x"])
        if self.right:
            size = float(self.run["size"])
            x += (sum(self.widths) - sum(self.widths[d] for d in digits)) / 1000 * size
        text = (f"{x:.4f} {self.run['y'].decode()} Tm {self.run['font'].decode()} {self.run['size'].decode()} Tf "
                f"[<{b''.join(self.codes[d] for d in digits).decode()}>] TJ").encode()
        form = DecodedStreamObject()
        form.set_data(self.data[: self.run.start()] + text + self.data[self.run.end():])
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        form[NameObject("/BBox")] = self.box
        form[NameObject("/Resources")] = self.resources
        return self.writer._add_object(form)


def _widths(font: DictionaryObject, codes: list[bytes]) -> list[float]:
    """Advance widths (1/1000 em) of the glyphs ``codes`` from a CID font's /W array."""
    known: dict[int, float] = {}
    w = list(font.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], ArrayObject):
            known.update({first + k: float(v) for k, v in enumerate(w[i + 1])})
            i += 2
        else:
            known.update({c: float(w[i + 2]) for c in range(first, int(w[i + 1]) + 1)})
            i += 3
    default = float(font.get("/DW", 1000))
    return [known.get(int(code, 16), default) for code in codes]
