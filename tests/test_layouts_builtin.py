"""End-to-end builds of the zine, leaflet and flyer examples: pages, sheets, text in order, fonts, QR codes."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from pamphlet.build import build
from pamphlet.context import context
from pamphlet.layouts import available, find_layout
from pamphlet.manifest import read_manifest
from pamphlet.markdown import BREAK_AFTER, UNBROKEN, to_html
from pamphlet.statements import read_library, select
from tests.conftest import (
    EXAMPLES,
    FIXTURES,
    assert_bundled_fonts,
    page_sizes_mm,
    page_texts,
    pdftotext,
    project,
    require,
    words,
)

MM = 72 / 25.4
#: layout -> (reader page in mm, print sheet side in mm, sides a copy, imposition)
EXPECTED = {
    "zine": ((74.25, 105.0), (297.0, 210.0), 1, "zine"),
    "leaflet": ((99.0, 210.0), (297.0, 210.0), 2, "trifold"),
    "flyer": ((148.0, 210.0), (297.0, 210.0), 2, "nup"),
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    manifest = read_manifest(EXAMPLES / f"{request.param}.yaml")
    assert manifest.layout == request.param
    result = build(manifest.path, tmp_path_factory.mktemp("out"))
    statements = select(read_library(manifest.library), manifest.statements, manifest.path)
    return manifest, result, statements


def reader_text(pdf: Path) -> str:
    """All pages of ``pdf`` as text, with the hyphens WeasyPrint added at line ends (U+2010) taken out again."""
    text = "\n".join(page_texts(pdf))
    return re.sub(r"\u2010[ \t]*\n\s*", "", text)


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def in_order(expected: list[str], found: list[str]) -> list[str]:
    """The expected tokens that cannot be found after the ones before them (empty when all are in order)."""
    rest = iter(found)
    return [token for token in expected if token not in rest]


def zbarimg(png: Path) -> list[str]:
    """The codes zbarimg (Debian zbar-tools) reads in ``png``, as 'QR-Code:<data>' lines."""
    require("zbarimg", "zbar-tools")
    done = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
                          capture_output=True, text=True, check=False)
    return done.stdout.splitlines()


def render_png(pdf: Path, page: int, dpi: int, out: Path) -> Path:
    require("pdftoppm", "poppler-utils")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                    str(out)], check=True)
    return out.with_suffix(".png")


def test_the_builtin_layouts_are_available() -> None:
    assert {"booklet", "zine", "leaflet", "flyer"} <= set(available())
    for name, (_, _, _, scheme) in EXPECTED.items():
        layout = find_layout(name)
        assert layout.scheme == scheme
        assert layout.pages == {"zine": 8, "leaflet": 6, "flyer": 2}[name]
        assert set(layout.page_mm) == {"a4", "letter"}


def test_reader_pages_are_the_layout_page_size_and_fit_the_layout(built) -> None:
    manifest, result, _ = built
    page, _, _, _ = EXPECTED[manifest.layout]
    sizes = page_sizes_mm(result.reader)
    assert all(size == pytest.approx(page, abs=0.06) for size in sizes), sizes
    assert len(sizes) == result.imposed.plan.pages <= find_layout(manifest.layout).pages


def test_print_sheets_are_one_landscape_a4_sheet(built) -> None:
    manifest, result, _ = built
    _, sheet, sides, scheme = EXPECTED[manifest.layout]
    assert result.imposed.plan.scheme == scheme
    assert len(result.imposed.plan.sheets) == 1
    assert page_sizes_mm(result.printed[0]) == [sheet] * sides


def test_every_word_of_every_statement_is_printed_in_order(built) -> None:
    """No silent truncation: the words of each statement's text (as rendered from its Markdown) all appear,
    in their order, in the reader PDF; so do the title and byline."""
    _, result, statements = built
    found = tokens(reader_text(result.reader))
    expected: list[str] = []
    for statement in statements:
        body = html.unescape(re.sub(r"<[^>]+>", " ", str(to_html(statement.body).html)))
        expected += tokens(statement.byline) + tokens(body)
    assert in_order(expected, found) == []
    for statement in statements:
        assert in_order(tokens(statement.title), found) == []


def test_every_font_is_embedded_and_bundled(built) -> None:
    _, result, _ = built
    assert_bundled_fonts(result.reader, *result.printed)


def test_cover_first_and_back_last(built) -> None:
    manifest, result, _ = built
    last = result.imposed.plan.pages
    first_page = words(pdftotext(result.reader, 1))
    assert words(manifest.title) in first_page
    back = words(pdftotext(result.reader, last))
    if manifest.layout == "leaflet":  # the call to action stands alone on the inner flap, just before the back
        assert manifest.back.text and words(pdftotext(result.reader, last - 1)).endswith(manifest.back.text)
    else:
        assert manifest.back.text and manifest.back.text in back
    assert all(line in back for line in manifest.back.contact)
    assert manifest.back.url and manifest.back.url.removeprefix("https://") in back


def test_zine_sheet_holds_cover_bottom_right_and_back_beside_it(tmp_path: Path) -> None:
    """The one-sheet fold: bottom row, left to right, pages 6, 7, back, cover; the top row upside down."""
    manifest = read_manifest(EXAMPLES / "zine.yaml")
    result = build(manifest.path, tmp_path)
    sheet = result.printed[0]
    width, height = 297 * MM, 210 * MM
    cell = (width / 4, height / 2)
    cover = words(pdftotext(sheet, 1, (3 * cell[0], cell[1], cell[0], cell[1])))
    back = words(pdftotext(sheet, 1, (2 * cell[0], cell[1], cell[0], cell[1])))
    assert words(manifest.title) in cover
    assert manifest.back.text and back.startswith(manifest.back.text)
    top = PdfReader(sheet).pages[0].get_contents()
    assert top is not None and b"-1 0 0 -1" in top.get_data()  # the top row is turned upside down


def test_leaflet_outside_holds_flap_back_and_cover_inside_the_text(tmp_path: Path) -> None:
    """Roll fold: the outside shows panels 5, 6 (back) and 1 (cover); the inside 2, 3, 4, the text in order."""
    manifest = read_manifest(EXAMPLES / "leaflet.yaml")
    result = build(manifest.path, tmp_path)
    sheet, panel, height = result.printed[0], 297 * MM / 3, 210 * MM
    outside = [words(pdftotext(sheet, 1, (i * panel, 0, panel, height))) for i in range(3)]
    inside = [words(pdftotext(sheet, 2, (i * panel, 0, panel, height))) for i in range(3)]
    reader = [words(text) for text in page_texts(result.reader)]
    plan = result.imposed.plan.sheets[0]
    assert plan.back is not None
    assert outside == ["" if s.page is None else reader[s.page] for s in plan.front.slots]
    assert inside == ["" if s.page is None else reader[s.page] for s in plan.back.slots]
    assert [s.page for s in plan.front.slots] == [4, 5, 0]
    assert manifest.pullquote and manifest.back.text and outside[0] == f"{manifest.pullquote} {manifest.back.text}"
    assert manifest.back.contact[0] in outside[1]
    assert words(manifest.title) in outside[2]
    text = " ".join(inside)  # the statements run over the three inside panels, and only there
    assert all(words(s.title) in text for s in select(read_library(manifest.library), manifest.statements,
                                                      manifest.path))


def test_leaflet_back_qr_code_scans_from_the_printed_sheet(tmp_path: Path) -> None:
    """The outside of the sheet, rendered at 300 dpi (as a copier scans), gives back the manifest's back.url;
    so does a rough 100 dpi rendering."""
    manifest = read_manifest(EXAMPLES / "leaflet.yaml")
    result = build(manifest.path, tmp_path)
    for dpi in (300, 100):
        png = render_png(result.printed[0], 1, dpi, tmp_path / f"outside-{dpi}")
        assert zbarimg(png) == [manifest.back.url]


@pytest.mark.parametrize("name", ["zine", "flyer"])
def test_zine_and_flyer_qr_codes_scan_too(name: str, tmp_path: Path) -> None:
    manifest = read_manifest(EXAMPLES / f"{name}.yaml")
    result = build(manifest.path, tmp_path)
    last_side = len(PdfReader(result.printed[0]).pages)
    png = render_png(result.printed[0], last_side, 300, tmp_path / "side")
    codes = zbarimg(png)
    assert codes and set(codes) == {manifest.back.url}


def test_context_carries_theme_body_size_qr_and_pull_quotes(tmp_path: Path) -> None:
    library = FIXTURES / "statements" / "scripts"
    (tmp_path / "m.yaml").write_text(
        f"title: T\nlibrary: {library}\nlayout: flyer\nstatements: [injury-to-one]\n"
        "pullquote: No one is free.\ntheme: {accent: '#C00000', size: 11.5, font: sans}\n"
        "back: {url: 'https://example.org/a?utm_source=x'}\n"
    )
    manifest = read_manifest(tmp_path / "m.yaml")
    layout = find_layout("flyer")
    values = context(manifest, layout, select(read_library(library), manifest.statements, manifest.path))
    assert values["body_size"] == 11.5
    assert values["pullquote"] == "No one is free."
    assert values["qr"].url == "https://example.org/a?utm_source=x"
    assert str(values["qr"].caption) == "example.<wbr>org/<wbr>a"
    assert values["items"][0]["qr"] is None and values["items"][0]["pullquote"] is None
    page = layout.render(values)
    assert ":root { --accent: #c00000; --body-size: 11.5pt; --text-font: Pamphlet Sans, Pamphlet Arabic; }" in page
    assert '<blockquote class="pullquote"><p>No one is free.</p></blockquote>' in page
    assert '<svg width="24.0mm" height="24.0mm"' in page


def test_a_statement_qr_prints_its_source_and_its_pull_quote(tmp_path: Path) -> None:
    manifest = project(tmp_path, "title: M\nlayout: zine\nstatements: [s]\n", {
        "s": "---\ntitle: S\nsource: https://example.org/s\nqr: true\npullquote: Say it loud.\n---\n\nText.\n"})
    result = build(manifest, tmp_path / "out", strict=True)
    text = words(pdftotext(result.reader, 2))
    assert "Say it loud." in text and "example.org/s" in text
    png = render_png(result.reader, 2, 300, tmp_path / "page")
    assert zbarimg(png) == ["https://example.org/s"]


def test_an_a4_flyer_from_the_manifest_folder_extends_the_builtin_one(tmp_path: Path) -> None:
    own = tmp_path / "layouts" / "flyer"
    own.mkdir(parents=True)
    (own / "layout.yaml").write_text("extends: flyer\npage:\n  a4: [210, 297]\n")
    library = FIXTURES / "statements" / "scripts"
    (tmp_path / "m.yaml").write_text(
        f"title: Big\nlibrary: {library}\nlayout: flyer\nstatements: [injury-to-one]\nprint: {{grid: 1x1}}\n"
    )
    result = build(tmp_path / "m.yaml", tmp_path / "out")
    assert set(page_sizes_mm(result.reader)) == {(210.0, 297.0)}
    assert page_sizes_mm(result.printed[0]) == [(210.0, 297.0)]


def test_links_print_as_numbered_notes_that_wrap_only_at_separators(tmp_path: Path) -> None:
    manifest = project(tmp_path, "title: Notes\nlayout: zine\nstatements: [links]\n", {"links": (
        "---\ntitle: Links on paper\n---\n\nRead [the statement](https://www.example.org/news/2024/02/24/"
        "statement-of-the-ukraine-solidarity-network-on-the-second-anniversary-of-the-invasion/?utm_source=tw&"
        "fbclid=IwAR3x), [the appeal](https://example.org/appeal?id=8f14e45fceea167a5a36dedd4bea2543b8e5f1c2d3a4b5c6d7e8f9)"
        " and [write](mailto:friends@example.org) to [us](https://example.org/sign/).\n"
    )})
    result = build(manifest, tmp_path / "out", strict=True)
    text = pdftotext(result.reader, 2)
    assert "the statement1, the appeal2 and write3 to us4." in words(text)
    notes: list[str] = []
    first = re.search(r"(?m)^\s*1\. ", text)
    assert first, text
    for line in text[first.start():].splitlines():
        if not line.strip() or line.strip().isdigit():  # the page number
            continue
        if item := re.match(r"\s*\d+\. (.*)", line):
            notes.append(item.group(1).strip())
            continue
        before = notes[-1]
        run = re.split("[" + re.escape("".join(BREAK_AFTER)) + "]", before)[-1]
        assert before[-1] in BREAK_AFTER or len(run) % UNBROKEN == 0, f"wrapped inside a word: {before!r}"
        notes[-1] += line.strip()
    assert notes == [
        "example.org/news/…/statement-of-the-ukraine-solidarity-network-on-the-second-anniversary-of-the-invasion",
        "example.org/appeal?id=8f14e45fceea167a5a36dedd4bea2543b8e5f1c2d3a4b5c6d7e8f9",
        "friends@example.org",
        "example.org/sign",
    ]


def styles(manifest: Path, *texts: str) -> list[list[dict[str, object]]]:
    """For each of ``texts``, the computed style of every line WeasyPrint lays out for ``manifest`` that
    starts with it."""
    import weasyprint

    plan = read_manifest(manifest)
    layout = find_layout(plan.layout)
    page = layout.render(context(plan, layout, select(read_library(plan.library), plan.statements, plan.path)))
    found: list[list[dict[str, object]]] = [[] for _ in texts]
    for laid in weasyprint.HTML(string=page, base_url=layout.folders[0].as_uri() + "/").render().pages:
        boxes = [laid._page_box]
        while boxes:
            box = boxes.pop()
            boxes += getattr(box, "children", [])
            for text, styled in zip(texts, found, strict=True):
                if getattr(box, "text", "").startswith(text):
                    styled.append(box.style)
    return found


@pytest.mark.parametrize("name", ["zine", "leaflet", "flyer"])
def test_a_second_paragraph_in_a_list_item_is_not_indented(name: str, tmp_path: Path) -> None:
    manifest = project(tmp_path, f"title: M\nlayout: {name}\nstatements: [s]\n", {
        "s": "---\ntitle: S\n---\n\nFirst.\n\nIndented.\n\n- Item one.\n\n  Unindented.\n\n- Item two.\n"})
    (indented,), (unindented,) = styles(manifest, "Indented.", "Unindented.")
    assert indented["text_indent"].value > 0 and unindented["text_indent"].value == 0


def test_a_flyer_sets_its_own_pull_quote_large_and_a_statement_s_with_the_text(tmp_path: Path) -> None:
    manifest = project(tmp_path, "title: M\nlayout: flyer\nstatements: [s]\npullquote: Ours.\ntheme: {size: 8}\n", {
        "s": "---\ntitle: S\npullquote: Theirs.\n---\n\nText.\n"})
    (ours,), (theirs,) = styles(manifest, "Ours.", "Theirs.")
    points = {"ours": ours["font_size"] * 0.75, "theirs": theirs["font_size"] * 0.75}  # WeasyPrint's px are 0.75 pt
    assert points == {"ours": pytest.approx(14), "theirs": pytest.approx(8 * 1.35)}


@pytest.mark.parametrize("name", ["zine", "leaflet", "flyer"])
def test_code_inline_and_in_a_block_is_in_the_bundled_sans_a_tenth_smaller_than_text(name: str, tmp_path: Path) -> None:
    manifest = project(tmp_path, f"title: M\nlayout: {name}\nstatements: [s]\n", {
        "s": "---\ntitle: S\n---\n\nText with `inline` code.\n\n```\nblock code\n```\n"})
    (text, *_), (inline,), (block,) = styles(manifest, "Text with", "inline", "block code")
    assert inline["font_size"] == block["font_size"] == pytest.approx(0.9 * text["font_size"])
    assert inline["font_family"] == block["font_family"] == ("Pamphlet Sans",)  # bundled, not the system's mono
