"""End-to-end builds of the bundled examples, checked by structure and by text read back."""

from __future__ import annotations

import gc
import itertools
import math
import os
import random
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

import pamphlet.build
from pamphlet.build import _contents as contents
from pamphlet.build import _groups as groups_of
from pamphlet.build import build, document_html
from pamphlet.errors import ManifestError, OutputError, PamphletError
from pamphlet.manifest import Manifest, read_manifest
from pamphlet.renderer import Renderer
from pamphlet.statements import Statement, read_library, select
from tests.conftest import (
    EXAMPLES,
    all_words,
    assert_bundled_fonts,
    fonts,
    page_sizes_mm,
    page_texts,
    pdftotext,
    project,
    words,
)

PAGE_MM = {"a4": (148.0, 210.0), "letter": (139.7, 215.9)}
SHEET_MM = {"a4": (297.0, 210.0), "letter": (279.4, 215.9)}


BOOKLETS = sorted(p.name for p in EXAMPLES.glob("*.yaml") if read_manifest(p).layout == "booklet")


@pytest.fixture(scope="module", params=BOOKLETS)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    manifest = read_manifest(EXAMPLES / request.param)
    out = tmp_path_factory.mktemp("out")
    result = build(manifest.path, out)
    statements = select(read_library(manifest.library), manifest.statements, manifest.path)
    return manifest, result, statements


def contents_end(pages: list[str]) -> int:
    """Index of the last contents page: the one listing 'Sources' with its page number."""
    return next(i for i, text in enumerate(pages) if i > 0 and re.search(r"Sources \d+", text))


def test_reader_pages_are_the_layout_page_size(built) -> None:
    manifest, result, _ = built
    sizes = page_sizes_mm(result.reader)
    assert len(sizes) == result.imposed.plan.pages >= 4
    assert set(sizes) == {PAGE_MM[manifest.paper]}


def test_print_sheets_are_landscape_paper_padded_to_multiple_of_four(built) -> None:
    manifest, result, _ = built
    sizes = page_sizes_mm(result.printed[0])
    padded = result.imposed.plan.pages + result.imposed.plan.blanks
    assert padded % 4 == 0 and result.imposed.plan.blanks < 4
    assert len(result.imposed.plan.sheets) == padded // 4 == math.ceil(result.imposed.plan.pages / 4)
    assert len(sizes) == 2 * len(result.imposed.plan.sheets)
    assert set(sizes) == {SHEET_MM[manifest.paper]}


def reader_pages(manifest: Manifest, reader: Path) -> list[str]:
    """The words of each page, the edition's running head (left pages) left out."""
    head = words(manifest.title).upper() + " "
    return [words(text).removeprefix(head) for text in page_texts(reader)]


def test_statement_titles_appear_in_order_each_on_a_new_page(built) -> None:
    manifest, result, statements = built
    pages = reader_pages(manifest, result.reader)
    body = contents_end(pages)
    starts = [next(i for i, text in enumerate(pages) if i > body and text.startswith(words(s.title)))
              for s in statements]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for statement, start in zip(statements, starts, strict=True):
        assert words(statement.body.split("\n\n")[0].replace("**", ""))[:60] in " ".join(pages[start : start + 2])


def test_contents_page_numbers_point_at_each_statement(built) -> None:
    manifest, result, statements = built
    pages = reader_pages(manifest, result.reader)
    contents = " ".join(pages[1 : contents_end(pages) + 1])
    assert contents.startswith("Contents")
    for statement in statements:
        match = re.search(re.escape(words(statement.title)) + r" (\d+)\b", contents)
        assert match, f"no page number for {statement.title!r} in contents"
        page = int(match.group(1))
        assert pages[page - 1].startswith(words(statement.title))
    sources = int(re.search(r"Sources (\d+)", contents).group(1))  # type: ignore[union-attr]
    assert pages[sources - 1].startswith("Sources")


def test_cover_and_back_cover_carry_the_manifest_text(built) -> None:
    manifest, result, _ = built
    cover, back = words(pdftotext(result.reader, 1)), words(pdftotext(result.reader, result.imposed.plan.pages))
    assert cover.startswith(words(manifest.title))
    assert not re.search(r"\b1\s*$", cover), "no page number on the cover"
    for line in manifest.back.contact:
        assert line in back
    assert manifest.back.text is None or manifest.back.text in back


def test_every_font_is_embedded_and_bundled(built) -> None:
    _, result, _ = built
    assert_bundled_fonts(result.reader, *result.printed)


def test_print_halves_hold_the_saddle_stitch_pages(built) -> None:
    """Sheet i: front (N-1-2i, 2i), back (2i+1, N-2-2i); blanks sit just before the back cover."""
    manifest, result, _ = built
    n, padded = result.imposed.plan.pages, result.imposed.plan.pages + result.imposed.plan.blanks
    order: list[int | None] = [*range(n - 1), *[None] * result.imposed.plan.blanks, n - 1]
    reader_text = [words(text) for text in page_texts(result.reader)]
    width, height = (v * 72 / 25.4 for v in SHEET_MM[manifest.paper])
    for i in range(len(result.imposed.plan.sheets)):
        sides = ((padded - 1 - 2 * i, 2 * i), (2 * i + 1, padded - 2 - 2 * i))
        for side_number, (left, right) in enumerate(sides):
            side = 2 * i + side_number + 1
            for half, position in ((0, left), (1, right)):
                got = words(pdftotext(result.printed[0], side, (half * width / 2, 0, width / 2, height)))
                page = order[position]
                assert got == ("" if page is None else reader_text[page]), f"sheet side {side}, half {half}"


def test_print_pdf_shares_page_content_instead_of_copying_it(built) -> None:
    _, result, _ = built
    assert result.printed[0].stat().st_size < 1.3 * result.reader.stat().st_size


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build(EXAMPLES / "anti-war.yaml", tmp_path / "a")
    second = build(EXAMPLES / "anti-war.yaml", tmp_path / "b")
    assert first.reader.read_bytes() == second.reader.read_bytes()
    assert first.printed[0].read_bytes() == second.printed[0].read_bytes()


def test_a_guess_of_the_contents_digits_too_low_renders_it_again_to_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = pamphlet.build._plan(EXAMPLES / "ilps.yaml")
    with Renderer() as renderer:
        numbers = pamphlet.build._pieces(plan, renderer.run(pamphlet.build._jobs(plan)))[1].numbers
    exact = tuple(len(str(n)) for n in numbers)
    assert 1 in exact and 2 in exact  # pages 4, 6, 8, then 10 and on
    monkeypatch.setattr(pamphlet.build, "_guess_digits", lambda plan: exact)
    right = build(EXAMPLES / "ilps.yaml", tmp_path / "right")
    rendered: list[int] = []
    monkeypatch.setattr(pamphlet.build, "_guess_digits", lambda plan: (1,) * len(exact))
    monkeypatch.setattr(pamphlet.build, "_contents", lambda plan, digits: rendered.append(1) or contents(plan, digits))
    wrong = build(EXAMPLES / "ilps.yaml", tmp_path / "wrong")
    assert len(rendered) == 2  # the guess, then the digits the numbers need
    assert wrong.reader.read_bytes() == right.reader.read_bytes()


def test_assembling_and_imposing_run_with_the_garbage_collector_off_and_leave_it_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    impose = pamphlet.build.impose
    monkeypatch.setattr(pamphlet.build, "impose", lambda *args: seen.append(gc.isenabled()) or impose(*args))
    build(EXAMPLES / "anti-war.yaml", tmp_path)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        build(EXAMPLES / "anti-war.yaml", tmp_path)
        assert seen == [False, False] and not gc.isenabled()
    finally:
        gc.enable()


def test_the_same_project_in_another_folder_gives_the_same_bytes(tmp_path: Path) -> None:
    built = []
    for where in ("one", "two/deeper"):
        folder = tmp_path / where
        folder.mkdir(parents=True)
        (folder / "layouts" / "flyer").mkdir(parents=True)  # its own layout: its stylesheet's path is in the HTML
        (folder / "layouts" / "flyer" / "layout.yaml").write_text("extends: flyer\n")
        (folder / "layouts" / "flyer" / "style.css").write_text(".statement-title { letter-spacing: 0.01em; }\n")
        manifest = project(folder, "title: T\nlayout: flyer\nstatements: [s]\n", {"s": "---\ntitle: S\n---\nText.\n"})
        built.append(build(manifest, folder / "out"))
    first, second = built
    assert "two/deeper" in document_html(tmp_path / "two" / "deeper" / "m.yaml")
    assert first.reader.read_bytes() == second.reader.read_bytes()
    assert first.printed[0].read_bytes() == second.printed[0].read_bytes()


def test_source_date_epoch_sets_the_creation_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = build(EXAMPLES / "anti-war.yaml", tmp_path)
    assert PdfReader(result.reader).metadata["/CreationDate"].startswith("D:20231114221320")


def test_a_failed_build_keeps_the_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = build(EXAMPLES / "anti-war.yaml", tmp_path)
    before = {p: p.read_bytes() for p in (result.reader, *result.printed)}
    bad = tmp_path / "anti-war.yaml"
    bad.write_text((EXAMPLES / "anti-war.yaml").read_text().replace("paper: a4", "paper: a5"))
    monkeypatch.chdir(EXAMPLES)
    with pytest.raises(ManifestError):
        build(bad, tmp_path)

    def fail_second_replace(src: str, dst: str, calls: list[int] = []) -> None:  # noqa: B006
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(dst))
        os.rename(src, dst)

    monkeypatch.setattr(os, "replace", fail_second_replace)
    with pytest.raises(OutputError, match="No space left"):
        build(EXAMPLES / "anti-war.yaml", tmp_path)
    left = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert left == ["anti-war-print.pdf", "anti-war.pdf", "anti-war.yaml"]
    assert result.printed[0].read_bytes() == before[result.printed[0]]


def test_untrusted_statement_prints_html_as_text_and_reads_nothing(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    manifest = project(tmp_path, "title: Test\nstatements: [evil]\n", {"evil": (
        "---\ntitle: Evil\n---\n\n"
        '<img src="file:///etc/hostname"> <link rel="stylesheet" href="http://example.com/x.css">\n\n'
        "<script>alert(1)</script> ![secret](../secret.txt) [click](javascript:alert(1))\n\n"
        "<style>body { background: url(http://example.com/track.png) }</style>\n"
    )})
    result = build(manifest, tmp_path / "out", strict=True)
    text = all_words(result.reader)
    assert '<img src="file:///etc/hostname">' in text
    assert "<script>alert(1)</script>" in text
    assert "TOP SECRET" not in text
    assert result.warnings == ()


def test_errors_are_pamphlet_errors_with_location(tmp_path: Path) -> None:
    manifest = project(tmp_path, "title: T\nstatements:\n  - one\n  - onee\n", {"one": "---\ntitle: One\n---\nBody.\n"})
    with pytest.raises(PamphletError, match=r"m\.yaml:4: statements: no statement with id 'onee'; did you mean 'one'"):
        build(manifest, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_every_script_prints_in_the_bundled_fonts_with_its_language(tmp_path: Path) -> None:
    texts = {
        "uk": ("Солідарність", "Ми підтримуємо право українського народу на самовизначення."),
        "el": ("Αλληλεγγύη", "Υποστηρίζουμε τον αγώνα των εργαζομένων για ειρήνη."),
        "ar": ("تضامن", "نحن ندعم حق الشعوب في تقرير مصيرها."),
    }
    project(tmp_path, "title: Scripts\nstatements: [s-uk, s-el, s-ar]\n", {
        f"s-{language}": f"---\ntitle: {title}\nlanguage: {language}\n---\n\n{body}\n"
        for language, (title, body) in texts.items()})
    html = document_html(tmp_path / "m.yaml")
    assert '<article class="statement" id="statement-s-uk" lang="uk" dir="ltr">' in html
    assert '<article class="statement" id="statement-s-ar" lang="ar" dir="rtl">' in html
    result = build(tmp_path / "m.yaml", tmp_path / "out", strict=True)
    assert all(re.match(r"^/[A-Z]{6}\+Pamphlet-", name) for name in fonts(result.reader)), fonts(result.reader)
    text = all_words(result.reader)
    for language in ("uk", "el"):
        assert texts[language][1] in text


# Groups of statements, each rendered (and cached) as one part


def library(counts: list[int]) -> tuple[Statement, ...]:
    """Statements of ``counts`` words each."""
    return tuple(Statement(f"s{i}", Path(f"s{i}.md"), f"S{i}", "word " * n, 1) for i, n in enumerate(counts))


@given(st.lists(st.integers(1, 3000), min_size=1, max_size=150))
def test_groups_hold_every_statement_in_order_each_with_enough_words_and_not_twice_that(counts: list[int]) -> None:
    enough = max(n for n in (600, 1200, 2400) if n == 600 or n <= sum(counts) // 16)
    sizes = [[counts[i] for i in group] for group in groups_of(library(counts))]
    assert [n for size in sizes for n in size] == counts
    assert all(sum(size) >= enough for size in sizes[:-1])
    assert all(sum(size[:-1]) < 2 * enough for size in sizes)


def test_an_edit_renders_its_statement_s_group_again_and_seldom_another() -> None:
    """About a 256-page booklet. (Closing groups at enough words alone, an edit rendered 2.7 parts again on average,
    six or more one time in ten, and up to 29 of 33.)"""
    chooser = random.Random(7)
    counts = [chooser.randint(150, 1500) for _ in range(110)]
    before = set(groups_of(library(counts)))
    again = []
    for index, change in itertools.product(range(len(counts)), (400, -100)):
        edited = [*counts[:index], max(1, counts[index] + change), *counts[index + 1:]]
        again.append(sum(1 for group in groups_of(library(edited)) if group not in before or index in group))
    again.sort()
    assert len(before) >= 16
    assert sum(again) / len(again) < 1.5 and again[len(again) * 9 // 10] <= 2 and again[-1] <= 8, again
