"""Parts joined into one reader PDF: page numbers in the outer corners, running heads, contents, outline, metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

import pamphlet.assemble
from pamphlet.assemble import COVER_STAMPS, Info, Piece, Readers, assemble
from pamphlet.build import BuildResult, build
from pamphlet.bundled import FONTS
from pamphlet.errors import RenderError
from pamphlet.impose import impose
from pamphlet.manifest import Manifest, read_manifest
from pamphlet.render import Job, Rendered, render
from pamphlet.schemes import Options
from pamphlet.statements import Statement, read_library, select
from tests.conftest import EXAMPLES, Page, Word, pdftotext, prose, text_boxes, words

STRIP = 40.0  # points: running heads sit above this from the top, page numbers below it from the bottom


def running_head(page: Page) -> list[Word]:
    """The words at the top of ``page``: its running head."""
    return [w for w in page.words if w.y1 < STRIP]


def folio(page: Page) -> list[Word]:
    """The words at the foot of ``page``: its number."""
    return [w for w in page.words if w.y0 > page.height - STRIP]


def body_words(page: Page) -> list[Word]:
    """The words of ``page`` between its running head and its number."""
    return [w for w in page.words if w.y1 >= STRIP and w.y0 <= page.height - STRIP]


def body_text(page: Page) -> str:
    return text(body_words(page))


def text(found: list[Word]) -> str:
    return " ".join(w.text for w in found)


# A booklet of several render groups whose contents run to more than one page


PLACES = ["Harbour", "Mill", "Depot", "Hospital", "School", "Market", "Station", "Bakery", "Mine", "Warehouse",
          "Print Shop", "Laundry", "Dairy", "Garage", "Cannery", "Foundry", "Tannery"]


def synthetic(folder: Path) -> Path:
    """Three long statements (two render groups) and fourteen short ones with long titles (a long contents)."""
    library = folder / "statements"
    library.mkdir(parents=True)
    ids = []
    for n, place in enumerate(PLACES):
        long = n < 3
        title = (f"Statement {n + 1}: the strike at the {place} goes on" if n % 2 else
                 f"Statement {n + 1}: why the workers of the {place} walked out and what they want from the city")
        ids.append(f"s{n + 1:02d}")
        (library / f"{ids[-1]}.md").write_text(
            f"---\ntitle: \"{title}\"\norganisation: Local {n + 1} of the General Union\ndate: 2024-03-{n + 1:02d}\n"
            f"---\n\n{prose(1300 if long else 40, n)}\n")
    (folder / "synthetic.yaml").write_text(
        "title: Strikes of the Spring\norganisation: Strike Committee\nlanguage: en-GB\npaper: a4\nstatements:\n"
        + "".join(f"  - {i}\n" for i in ids) + "back:\n  text: Pass it on.\n")
    return folder / "synthetic.yaml"


@dataclass(frozen=True)
class Booklet:
    manifest: Manifest
    result: BuildResult
    statements: tuple[Statement, ...]
    pages: list[Page]
    starts: list[int]  # 1-based page each statement starts on
    sources: int  # 1-based page the sources start on


@pytest.fixture(scope="module", params=["anti-war", "synthetic"])
def booklet(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Booklet:
    folder = tmp_path_factory.mktemp(request.param)
    path = EXAMPLES / "anti-war.yaml" if request.param == "anti-war" else synthetic(folder)
    manifest = read_manifest(path)
    result = build(path, folder / "out")
    statements = select(read_library(manifest.library), manifest.statements, manifest.path)
    pages = text_boxes(result.reader)
    contents_end = next(n for n, page in enumerate(pages, 1) if n > 1 and re.search(r"Sources \d+", body_text(page)))
    starts = []
    for statement in statements:
        found = [n for n, page in enumerate(pages, 1)
                 if n > contents_end and body_text(page).startswith(words(statement.title))]
        assert len(found) == 1, (statement.title, found)
        starts += found
    sources = [n for n, page in enumerate(pages, 1) if n > contents_end and body_text(page).startswith("Sources")]
    assert len(sources) == 1
    return Booklet(manifest, result, statements, pages, starts, sources[0])


def test_the_synthetic_booklet_is_the_hard_case(booklet: Booklet) -> None:
    """Several render groups, statements over several pages starting on left and right pages."""
    assert booklet.starts == sorted(booklet.starts) and booklet.starts[-1] < booklet.sources
    assert {n % 2 for n in booklet.starts} == {0, 1}
    assert any(b - a > 2 for a, b in zip(booklet.starts, [*booklet.starts[1:], booklet.sources], strict=True))
    if booklet.manifest.stem == "synthetic":
        assert booklet.starts[0] > 3, "the contents should take more than one page"


def test_every_page_but_the_covers_has_its_number_in_the_outer_bottom_corner(booklet: Booklet) -> None:
    pages = booklet.pages
    assert len(pages) == booklet.result.imposed.plan.pages
    for n, page in enumerate(pages, 1):
        foot = folio(page)
        if n in (1, len(pages)):
            assert foot == [], f"page {n} is a cover: no number"
            continue
        assert [w.text for w in foot] == [str(n)], f"page {n}"
        if n % 2:
            assert foot[0].x0 > page.width / 2, f"odd page {n}: number at the right"
        else:
            assert foot[0].x1 < page.width / 2, f"even page {n}: number at the left"


def test_numbers_are_flush_with_the_outer_margin_whatever_their_digits(booklet: Booklet) -> None:
    feet = [(n, folio(page)[0], page.width) for n, page in enumerate(booklet.pages[1:-1], 2)]
    lefts = {round(word.x0, 1) for n, word, _ in feet if n % 2 == 0}
    rights = {round(width - word.x1, 1) for n, word, width in feet if n % 2}
    assert len(lefts) == 1 and len(rights) == 1, (lefts, rights)
    assert abs(lefts.pop() - rights.pop()) < 1.0, "the outer margins of left and right pages match"
    assert len({round(word.y0, 1) for _, word, _ in feet}) == 1


def shortened(head: str, title: str) -> bool:
    """Whether ``head`` is ``title`` in capitals, or the start of it on one line ending in an ellipsis."""
    full = words(title).upper()
    return head == full or (head.endswith("…") and full.startswith(head[:-1].rstrip()) and len(head) < len(full))


def test_running_heads(booklet: Booklet) -> None:
    """Left pages: the edition; right pages: their section's title, but not on the section's first page."""
    edition = words(booklet.manifest.title).upper()
    sections = [(2, None), *((s, t.title) for s, t in zip(booklet.starts, booklet.statements, strict=True)),
                (booklet.sources, "Sources")]
    checked = set()
    for n, page in enumerate(booklet.pages, 1):
        head = running_head(page)
        if n in (1, len(booklet.pages)):
            assert head == [], f"page {n} is a cover: no running head"
            continue
        if n % 2 == 0:
            assert text(head) == edition, f"left page {n}"
            continue
        start, title = max((s, t) for s, t in sections if s <= n)
        if start == n or title is None:
            assert head == [], f"right page {n} starts a section (or is the contents): no running head"
        else:
            assert shortened(text(head), title), f"right page {n}: {text(head)!r} is not the head of {title!r}"
            assert len({w.y0 for w in head}) == 1, f"right page {n}: the running head takes one line"
            assert head[-1].x1 > page.width / 2, f"right page {n}: the head sits towards the outer edge"
            checked.add(title)
    assert len(checked) >= 2


def test_contents_numbers_and_outline_point_at_the_pages_titles_start_on(booklet: Booklet) -> None:
    contents = " ".join(body_text(page) for page in booklet.pages[1:booklet.starts[0] - 1])
    assert contents.startswith("Contents")
    for statement, start in zip(booklet.statements, booklet.starts, strict=True):
        match = re.search(re.escape(words(statement.title)) + r" (\d+)\b", contents)
        assert match and int(match.group(1)) == start, statement.title
    assert re.search(r"\bSources (\d+)\b", contents).group(1) == str(booklet.sources)  # type: ignore[union-attr]
    reader = PdfReader(booklet.result.reader)
    outline = [(item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline]
    assert outline == [("Contents", 2), *((s.title, n) for s, n in zip(booklet.statements, booklet.starts,
                                                                        strict=True)), ("Sources", booklet.sources)]


def test_document_information_and_language(booklet: Booklet) -> None:
    reader = PdfReader(booklet.result.reader)
    meta = reader.metadata
    assert meta["/Title"] == booklet.manifest.title
    assert meta["/Author"] == booklet.manifest.organisation
    assert meta["/Creator"] == "pamphlet"
    assert reader.trailer["/Root"]["/Lang"] == booklet.manifest.language
    assert "/CreationDate" not in meta  # no SOURCE_DATE_EPOCH: no date, so builds repeat


# assemble() on its own, with parts rendered from small HTML


STAMP_CSS = """
@page { size: 100mm 140mm; margin: 15mm }
@page { @top-right { content: string(head, first-except); font: 700 8pt "Pamphlet Sans"; text-transform: uppercase } }
@page head-left { @top-left { content: "THE EDITION"; font: 700 8pt "Pamphlet Sans" } }
@page folio-left { @bottom-left { content: "%s"; font: 700 9pt "Pamphlet Sans" } }
@page folio-right { @bottom-right { content: "%s"; font: 700 9pt "Pamphlet Sans" } }
body { font: 10pt "Pamphlet Serif" }
.page, .stamp { break-before: page }
.head-left { page: head-left }
.folio-left { page: folio-left } .folio-right { page: folio-right }
.title { string-set: head content(); visibility: hidden }
"""


def part(body: str, digits: str = "0123456789") -> Rendered:
    css = STAMP_CSS % (digits, digits)
    page = f"<html><head><style>{css}</style></head><body>{body}</body></html>"
    return render(Job((page,), FONTS, (FONTS,), stylesheets=(FONTS / "fonts.css",)))


def cover(digits: str = "0123456789") -> Piece:
    stamps = "".join(f'<div class="stamp {kind}"></div>' for kind in COVER_STAMPS)
    return Piece(part(f"<p>The cover</p>{stamps}", digits), 1, bare=True)


def back() -> Piece:
    return Piece(part("<p>The back</p>"), 1, bare=True)


def body(first: int, count: int, heads: dict[int, str]) -> Piece:
    """``count`` pages saying 'Body page <n>' from ``first``, sections starting at the pages of ``heads``."""
    pages = "".join(f'<section class="page">{title(heads.get(k))}<p>Body page {first + k}</p></section>'
                    for k in range(count))
    return Piece(part(pages.replace(' class="page"', "", 1)), count, tuple((t, page) for page, t in heads.items()))


def title(text: str | None) -> str:
    return f'<span class="title">{text}</span>' if text else ""


def test_assemble_numbers_from_the_cover_and_heads_each_right_page_but_a_section_start(tmp_path: Path) -> None:
    pieces = [cover(), body(2, 5, {0: "Alpha", 3: "Beta"}), body(7, 6, {0: "Gamma", 1: "Delta"}), back()]
    pdf = tmp_path / "assembled.pdf"
    pdf.write_bytes(assemble(pieces, Info("The Edition", "The Committee", "de", "D:20240224120000Z"))[0])
    pages = text_boxes(pdf)
    assert len(pages) == 13
    assert words(pdftotext(pdf, 1)) == "The cover" and words(pdftotext(pdf, 13)) == "The back"
    heads = {3: "ALPHA", 5: "", 7: "", 9: "DELTA", 11: "DELTA"}  # 5: Beta starts; 7: Gamma starts; 8: Delta starts
    for n in range(2, 13):
        page = pages[n - 1]
        assert body_text(page) == f"Body page {n}"
        assert [w.text for w in folio(page)] == [str(n)]
        assert (folio(page)[0].x0 > page.width / 2) == (n % 2 == 1)
        assert text(running_head(page)) == ("THE EDITION" if n % 2 == 0 else heads[n]), n
    reader = PdfReader(pdf)
    outline = [(item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline]
    assert outline == [("Alpha", 2), ("Beta", 5), ("Gamma", 7), ("Delta", 8)]
    assert reader.metadata["/Title"] == "The Edition" and reader.metadata["/Author"] == "The Committee"
    assert reader.metadata["/CreationDate"] == "D:20240224120000Z"
    assert reader.trailer["/Root"]["/Lang"] == "de"


def test_assemble_is_deterministic(tmp_path: Path) -> None:
    pieces = [cover(), body(2, 3, {0: "Alpha"}), back()]
    info = Info("T", None, "en", None)
    assert assemble(pieces, info)[0] == assemble(pieces, info)[0]
    assert "/Author" not in PdfReader(BytesIO(assemble(pieces, info)[0])).metadata


def test_pieces_read_ahead_are_assembled_once_each_to_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Assembling changes what it reads (heads dropped, numbers filled in): a reader read ahead serves one
    assembly, and the next reads the piece afresh."""
    lines = ["Alpha", "<n>000", "Beta", "<n>000", "Gamma", "<n>000"]
    pieces = [cover(), contents(lines), body(3, 4, {0: "Alpha", 2: "Beta"}), back()]
    info = Info("T", None, "en", None)
    expected = assemble(pieces, info)[0]
    ahead = Readers()
    for piece in pieces:
        ahead.add(piece.rendered.pdf)
    made: list[bytes] = []
    reader = pamphlet.assemble.PdfReader
    monkeypatch.setattr(pamphlet.assemble, "PdfReader", lambda stream: made.append(stream.getvalue()) or reader(stream))
    assert assemble(pieces, info, ahead)[0] == expected and made == []
    assert assemble(pieces, info, ahead)[0] == expected and made == [piece.rendered.pdf for piece in pieces]


def test_the_document_imposes_as_its_pdf_does() -> None:
    pdf, document = assemble([cover(), body(2, 3, {0: "Alpha"}), back()],
                             Info("T", None, "en", None))
    assert len(document.pages) == len(PdfReader(BytesIO(pdf)).pages) == 5
    for duplex in ("short", "manual"):
        read_back, in_memory = (impose(source, "saddle", Options(duplex=duplex), "t.pdf") for source in (pdf, document))
        assert (in_memory.pdf, in_memory.backs) == (read_back.pdf, read_back.backs)


def test_a_cover_without_the_digit_stamps_is_a_render_error() -> None:
    pieces = [cover(digits="page"), body(2, 2, {0: "Alpha"}), back()]
    with pytest.raises(RenderError, match="0123456789"):
        assemble(pieces, Info("T", None, "en", None))


CONTENTS_CSS = '<style>.t, .n, .stamp { font: 700 10pt "Pamphlet Sans" } .n { text-align: right }</style>'  # one font


def contents(lines: list[str], digits: str = "0123456789") -> Piece:
    """One page of contents: ``lines`` (a number or title per line, '<n>' marks a right-aligned number),
    then the stamp page with ``digits`` in the numbers' font."""
    body = "".join(f'<p class="n">{line[3:]}</p>' if line.startswith("<n>") else f'<p class="t">{line}</p>'
                   for line in lines)
    return Piece(part(CONTENTS_CSS + body + f'<p class="stamp">{digits}</p>'), 1, numbers=(7, 12, 140))


def numbered(piece: Piece, tmp_path: Path) -> list[Word]:
    """The words of the contents page once assembled, without its running head and page number."""
    pieces = [cover(), piece, body(3, 1, {0: "Alpha"}), back()]
    pdf = tmp_path / "assembled.pdf"
    pdf.write_bytes(assemble(pieces, Info("T", None, "en", None))[0])
    return body_words(text_boxes(pdf)[1])


@pytest.mark.parametrize("placeholders", [("0", "00", "000"), ("00", "00", "000"), ("000", "000", "000")])
def test_placeholders_of_any_width_take_their_numbers_right_aligned(placeholders: tuple[str, ...],
                                                                    tmp_path: Path) -> None:
    lines = [line for title, zeros in zip(("Alpha", "Beta", "Gamma"), placeholders, strict=True)
             for line in (title, f"<n>{zeros}")]
    found = numbered(contents(lines), tmp_path)
    assert text(found) == "Alpha 7 Beta 12 Gamma 140"
    numbers = [w for w in found if w.text.isdigit()]
    assert max(w.x1 for w in numbers) - min(w.x1 for w in numbers) < 0.5


def test_a_title_saying_000_is_left_alone(tmp_path: Path) -> None:
    found = numbered(contents(["000", "<n>000", "Beta", "<n>000", "Gamma", "<n>000"]), tmp_path)
    assert text(found) == "000 7 Beta 12 Gamma 140"


@pytest.mark.parametrize(("lines", "digits", "message"), [
    (["Alpha", "<n>000", "Beta", "<n>000"], "0123456789", "shows 2 page numbers to fill in where 3 were expected"),
    (["Alpha", "<n>000", "Beta", "<n>000", "Gamma", "<n>000"], "digits", "must show exactly '0123456789'"),
])
def test_contents_that_cannot_be_numbered_is_a_render_error(lines: list[str], digits: str, message: str,
                                                           tmp_path: Path) -> None:
    with pytest.raises(RenderError, match=re.escape(message)):
        numbered(contents(lines, digits), tmp_path)
