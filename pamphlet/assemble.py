"""Join separately rendered parts into one reader PDF, laying running heads and page numbers over its pages."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
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
from pamphlet.render import Rendered

#: What a content stream sets text with: a font and size, a position, a run of glyphs.
_TEXT = re.compile(
    rb"(?P<font>/\S+) (?P<size>[\d.]+) Tf|(?P<x>-?[\d.]+) (?P<y>-?[\d.]+) Tm|\[(?P<glyphs>[^\]]*)\]\s*TJ"
)
#: A text object, and the heights of the lines it sets (from the top edge, in the units its page sets text in).
_TEXT_OBJECT = re.compile(rb"(?m)^BT\n(?:[^\n]*\n)*?ET$")  # line by line: five times faster than .*?
_LINES = re.compile(rb"[-\d.]+ (-?[\d.]+) Tm")
#: Stamp pages the cover part ends with, in this order.
COVER_STAMPS = ("head-left", "folio-left", "folio-right")


@dataclass(frozen=True)
class Piece:
    """One rendered part of a pamphlet: its printed pages, and what to stamp on them.

    Its pages draw their section's running head in their top margin (``rendered.tops``), as right pages do.
    After its printed pages come its stamp pages: for the first piece (the cover) the COVER_STAMPS; with
    ``numbers``, one showing '0123456789' in the placeholders' font.
    """

    rendered: Rendered
    pages: int
    outline: tuple[tuple[str, int], ...] = ()  # (title, page) entries for the PDF's outline
    bare: bool = False  # no running heads or page numbers: covers
    numbers: tuple[int, ...] = ()  # page numbers to draw over its placeholders of zeros (the contents)


@dataclass(frozen=True)
class Info:
    """The document information of the reader PDF."""

    title: str
    author: str | None
    language: str
    created: str | None  # PDF date string, D:YYYYMMDDHHmmSSZ


class Readers:
    """Rendered PDFs read ahead of assembly, while the workers render the rest, each to be assembled once."""

    def __init__(self) -> None:
        self._read: dict[bytes, PdfReader] = {}

    def add(self, pdf: bytes) -> None:
        """Read ``pdf`` now, every object in it: assembling it then only copies them, in a third of the time."""
        reader = PdfReader(BytesIO(pdf))
        size: Any = reader.trailer["/Size"]
        for number in range(1, int(size)):
            reader.get_object(number)
        self._read[pdf] = reader

    def take(self, pdf: bytes) -> PdfReader:
        """A reader of ``pdf``: the one read ahead, unless taken before, or one that reads it as it goes."""
        reader = self._read.pop(pdf, None)
        return PdfReader(BytesIO(pdf)) if reader is None else reader


def assemble(pieces: Sequence[Piece], info: Info, ahead: Readers | None = None) -> tuple[bytes, PdfWriter]:
    """The reader PDF: every piece's printed pages in order, numbered from the cover as page 1; and the
    document it was written from, to impose without reading the PDF back. Pieces are read from ``ahead``
    where it has them.

    Left pages get the edition's running head instead of their own, and a page number in the outer corner;
    right pages keep the running head of their section, and get a page number.
    """
    writer = PdfWriter()
    ahead = ahead or Readers()
    readers = [ahead.take(piece.rendered.pdf) for piece in pieces]
    cover = readers[0].pages[pieces[0].pages:]
    edition = form_xobject(writer, cover[0])
    folios = (_Folios(writer, cover[1], right=False), _Folios(writer, cover[2], right=True))
    number = 0
    outline: list[tuple[str, int]] = []
    for piece, reader in zip(pieces, readers, strict=True):
        if piece.numbers:
            digits = _digits(reader.pages[piece.pages])
            _fill_numbers(reader.pages[: piece.pages], digits, piece.numbers)
        outline += [(title, number + page) for title, page in piece.outline]
        for index in range(piece.pages):
            page = reader.pages[index]
            number += 1
            if piece.bare:
                writer.add_page(page)
                continue
            if number % 2:
                _stamped(writer, page, (folios[True].form(number),))
            else:
                _drop_head(page, piece.rendered.tops[index])
                _stamped(writer, page, (edition, folios[False].form(number)))
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
    return out.getvalue(), writer


def _stamped(writer: PdfWriter, page: PageObject, stamps: tuple[IndirectObject, ...]) -> None:
    """Add a page to ``writer`` that draws ``page`` and then each stamp over it, all as Form XObjects."""
    box = page.cropbox
    new = writer.add_blank_page(float(box.width), float(box.height))
    forms = {"/Page": form_xobject(writer, page), **{f"/Stamp{i}": s for i, s in enumerate(stamps)}}
    new[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject(k): v for k, v in forms.items()})}
    )
    content = DecodedStreamObject()
    content.set_data(" ".join(f"q {name} Do Q" for name in forms).encode())
    new[NameObject("/Contents")] = writer._add_object(content)


def _drop_head(page: PageObject, top: float) -> None:
    """Take out of ``page`` each text object it sets wholly above ``top`` from the top edge: its running head."""
    def kept(text: re.Match[bytes]) -> bytes:
        return b"" if all(float(line[1]) < top for line in _LINES.finditer(text[0])) else text[0]

    data = _content(page)
    if (headless := _TEXT_OBJECT.sub(kept, data)) != data:
        _set_content(page, headless)


def _content(page: PageObject) -> bytes:
    """The content stream of ``page``, decoded (empty if it has none)."""
    contents = page.get_contents()
    return contents.get_data() if contents is not None else b""


def _set_content(page: PageObject, data: bytes) -> None:
    """Make ``data`` the content stream of ``page``, compressed."""
    stream = DecodedStreamObject()
    stream.set_data(data)
    page[NameObject("/Contents")] = stream.flate_encode()


@dataclass(frozen=True)
class _Run:
    """A run of glyphs a content stream sets from a position of its own: ``data[start:end]`` holds the
    position, the font (when it changes there) and the glyphs (hex codes, kerning left out)."""

    start: int
    end: int
    x: float
    y: bytes
    font: bytes
    size: bytes
    glyphs: bytes


def _runs(data: bytes) -> Iterator[_Run]:
    """The runs of ``data`` that start at a position (Tm) of their own; the font is the last one set,
    which WeasyPrint sets anew in every text object."""
    font, size, at = b"", b"0", None
    for token in _TEXT.finditer(data):
        if token["font"]:
            font, size = token["font"], token["size"]
        elif token["x"]:
            at = token
        elif at is not None:
            glyphs = b"".join(re.findall(rb"<([0-9a-fA-F]+)>", token["glyphs"]))
            yield _Run(at.start(), token.end(), float(at["x"]), at["y"], font, size, glyphs)
            at = None


@dataclass(frozen=True)
class _Digits:
    """A stamp page showing '0123456789': its content stream, the run of digits, the object number of
    their font, and each digit's glyph code and advance width (1/1000 em)."""

    data: bytes
    run: _Run
    font: int
    codes: tuple[bytes, ...]
    widths: tuple[float, ...]

    def drawn(self, number: int, x: float, run: _Run) -> bytes:
        """``number`` drawn from ``x`` on the line of ``run``, in its font and size."""
        glyphs = b"".join(self.codes[int(d)] for d in str(number))
        return b"%.4f %s Tm %s %s Tf [<%s>] TJ" % (x, run.y, run.font, run.size, glyphs)

    def width(self, number: int | str, size: bytes) -> float:
        """How wide ``number`` is set in the digits' font at ``size``."""
        return sum(self.widths[int(d)] for d in str(number)) / 1000 * float(size)


def _digits(page: PageObject) -> _Digits:
    """What the stamp page ``page`` tells of its digits; a RenderError if it shows anything else."""
    data = _content(page)
    run = next(_runs(data), None)
    resources: Any = page["/Resources"]
    reference = resources["/Font"].raw_get(run.font.decode()) if run else None
    if run is None or len(run.glyphs) != 40 or not isinstance(reference, IndirectObject):
        raise RenderError("the layout's stamp pages for page numbers must show exactly '0123456789'")
    codes = tuple(run.glyphs[4 * d: 4 * d + 4] for d in range(10))
    font: Any = reference.get_object()
    font = font["/DescendantFonts"][0].get_object()
    return _Digits(data, run, reference.idnum, codes, _widths(font, codes))


class _Folios:
    """Page numbers set from a stamp page showing '0123456789' in the layout's page-number style."""

    def __init__(self, writer: PdfWriter, page: PageObject, right: bool) -> None:
        self.digits = _digits(page)
        self.right = right
        self.writer = writer
        self.resources = writer._add_object(page["/Resources"].clone(writer))
        self.box = ArrayObject(FloatObject(v) for v in (page.cropbox.left, page.cropbox.bottom,
                                                         page.cropbox.right, page.cropbox.top))

    def form(self, number: int) -> IndirectObject:
        """A Form XObject drawing ``number``: from the stamp's start, or ending where its digits end."""
        digits, run = self.digits, self.digits.run
        x = run.x
        if self.right:
            x += digits.width("0123456789", run.size) - digits.width(number, run.size)
        form = DecodedStreamObject()
        form.set_data(digits.data[: run.start] + digits.drawn(number, x, run) + digits.data[run.end:])
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        form[NameObject("/BBox")] = self.box
        form[NameObject("/Resources")] = self.resources
        return self.writer._add_object(form)


def _fill_numbers(pages: Sequence[PageObject], digits: _Digits, numbers: Sequence[int]) -> None:
    """Draw ``numbers``, in order, over the pages' placeholders: runs of zeros in the digits' font that end
    at the right edge, each number right-aligned in its own (a title that says '00' ends short of the
    edge, and is kept)."""
    zero = digits.codes[0]
    streams = [_content(page) for page in pages]
    found = []
    for index, (page, data) in enumerate(zip(pages, streams, strict=True)):
        resources: Any = page["/Resources"]
        fonts = {name.encode(): ref.idnum for name, ref in resources["/Font"].items()
                 if isinstance(ref, IndirectObject)}
        found += [(index, run, "0" * (len(run.glyphs) // len(zero))) for run in _runs(data)
                  if fonts.get(run.font) == digits.font and run.glyphs and not run.glyphs.replace(zero, b"")]
    ends = [run.x + digits.width(zeros, run.size) for _, run, zeros in found]
    edge = max(ends, default=0.0)
    found = [placeholder for placeholder, end in zip(found, ends, strict=True) if end > edge - 0.5]
    if len(found) != len(numbers):
        raise RenderError(f"the contents shows {len(found)} page numbers to fill in where "
                          f"{len(numbers)} were expected")
    for (index, run, zeros), number in reversed(list(zip(found, numbers, strict=True))):  # offsets hold
        x = run.x + digits.width(zeros, run.size) - digits.width(number, run.size)
        streams[index] = streams[index][: run.start] + digits.drawn(number, x, run) + streams[index][run.end:]
    for page, data in zip(pages, streams, strict=True):
        _set_content(page, data)


def _widths(font: DictionaryObject, codes: Sequence[bytes]) -> tuple[float, ...]:
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
    return tuple(known.get(int(code, 16), default) for code in codes)
