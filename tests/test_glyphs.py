"""Tests for pamphlet.glyphs, and statements in every script printed and read back as they were written."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pamphlet import glyphs
from pamphlet.build import build
from pamphlet.bundled import FONTS
from pamphlet.glyphs import covered, missing
from pamphlet.statements import read_library, read_statement
from tests.conftest import FIXTURES, ROOT, assert_bundled_fonts, pdftotext

SCRIPTS = FIXTURES / "statements" / "scripts"
MM = 72 / 25.4
HARAKAT = re.compile("[\u064b-\u065f\u0670]")  # Arabic vowel and nunation marks, placed above or below letters
EMBEDDINGS = re.compile("[\u202a-\u202e]")


def test_a_character_no_bundled_font_has_is_named_with_its_statement_and_line(tmp_path: Path) -> None:
    path = tmp_path / "music.md"
    path.write_text("---\ntitle: Songs 🎵\nlanguage: en\n---\n\nSing the 𝄞 line,\nthen 𝄞 again. Ünïcödé — «ok» ₴.\n")
    statement = read_statement(path)
    assert missing([statement], FONTS) == (
        f"{path}:2: statement 'music': no glyph for '🎵' (U+1F3B5 MUSICAL NOTE) in the bundled fonts",
        f"{path}:6: statement 'music': no glyph for '𝄞' (U+1D11E MUSICAL SYMBOL G CLEF) in the bundled fonts",
    )


def test_invisible_characters_need_no_glyph(tmp_path: Path) -> None:
    path = tmp_path / "marks.md"
    path.write_text("---\ntitle: Marks\n---\n\nsoft\u00adhyphen, zero\u200dwidth\u200b, \u200fmark, heart\ufe0f\tend\n")
    assert missing([read_statement(path)], FONTS) == ()


def test_every_statement_in_the_library_and_the_fixtures_prints_in_the_bundled_fonts() -> None:
    for folder in (ROOT / "statements", SCRIPTS, FIXTURES / "statements"):
        assert missing(read_library(folder).values(), FONTS) == (), folder


def test_the_fonts_are_read_once_per_process() -> None:
    covered(FONTS.resolve())
    before = covered.cache_info().hits
    missing(read_library(SCRIPTS).values(), FONTS)
    assert covered.cache_info().hits == before + 1
    assert {ord("ї"), ord("ы"), ord("ض"), ord("ñ"), ord("₴")} <= covered(FONTS.resolve())


def logical(line: str) -> str:
    """A line of ``pdftotext -layout`` in reading order.

    For a right-to-left line poppler writes the words in reading order inside RLE...PDF, but a run of
    neutral characters between them (', ' or '. ') as a left-to-right embedding LRE...PDF in the order
    they stand on the page, so those runs are turned round; then the embedding marks are dropped.
    """
    def turn(run: re.Match[str]) -> str:
        text = run.group(1)
        return text if any(unicodedata.bidirectional(c) == "L" for c in text) else text[::-1]

    return EMBEDDINGS.sub("", re.sub("\u202a([^\u202c]*)\u202c", turn, line))


def printed_text(raw: str) -> str:
    """Zine pages' text in reading order, with the hyphens WeasyPrint added (U+2010) at line ends taken out,
    and words broken after their own hyphen ('red-' / 'tagging') joined again."""
    text = "\n".join(logical(line) for line in raw.splitlines())
    return re.sub(r"(?<=\w)(?:\u2010|(-))[ \t]*\n\s*(?=\w)", r"\1", text)


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module", params=sorted(p.stem for p in SCRIPTS.glob("*.md")))
def script(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("script")
    (folder / "m.yaml").write_text(f"title: Scripts\nlayout: zine\nlibrary: {SCRIPTS}\nstatements: [{request.param}]\n")
    result = build(folder / "m.yaml", folder / "out", strict=True)
    statement = read_statement(SCRIPTS / f"{request.param}.md")
    # the statement's pages: all but the cover and the back, above the page numbers
    pages = range(2, result.imposed.plan.pages)
    raw = "\n".join(pdftotext(result.reader, n, (0, 0, 74.25 * MM, 95 * MM)) for n in pages)
    return statement, result, printed_text(raw), raw


def test_each_script_reads_back_exactly_as_written(script) -> None:
    """Title, organisation and text, extracted from the PDF in reading order, equal the source.

    Arabic vowel marks are compared by count: poppler places each as a word of its own, sometimes on
    the line above, so the words are compared without them.
    """
    statement, result, text, _ = script
    source = normal(" ".join((statement.title, statement.organisation or "", statement.body)))
    if statement.language == "ar":
        assert sorted(HARAKAT.findall(text)) == sorted(HARAKAT.findall(source))
        text, source = HARAKAT.sub("", text), HARAKAT.sub("", source)
    assert normal(text) == normal(source)
    assert result.warnings == ()


def test_each_script_is_set_in_the_bundled_fonts(script) -> None:
    _, result, _, _ = script
    assert_bundled_fonts(result.reader)


def test_hyphenation_follows_the_language_where_pyphen_knows_it(script) -> None:
    """Ukrainian, Russian and English are hyphenated in the narrow zine column; pyphen has no Tagalog or
    Arabic patterns, so those are not."""
    statement, _, _, raw = script
    hyphenated = re.search(r"\w\u2010[ \t]*\n", raw) is not None
    assert hyphenated == (statement.language in ("uk", "ru", "en"))


@pytest.mark.parametrize("script", ["tadamun"], indirect=True)
def test_arabic_is_set_right_to_left(script, tmp_path: Path) -> None:
    """The first word of the Arabic text starts at the right margin, and the last, on a short line, stands
    on the right too: set left to right, both would be on the left."""
    statement, result, _, _ = script
    assert statement.language == "ar"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    out = tmp_path / "bbox.html"
    subprocess.run(["pdftotext", "-q", "-bbox", "-f", "2", "-l", "2", str(result.reader), str(out)], check=True)
    boxes = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                       out.read_text())
    words = statement.body.split()  # -bbox gives each word's letters in the order they stand, right to left
    first = next((float(a), float(b)) for a, b, text in boxes if words[0].rstrip("،") in text[::-1])
    last = next((float(a), float(b)) for a, b, text in boxes if words[-1].rstrip(".") in text[::-1])
    right_margin, middle = (74.25 - 6) * MM, 74.25 / 2 * MM
    assert first[0] > middle and abs(first[1] - right_margin) < 4, first
    assert last[0] > middle, last


def test_the_coverage_file_lists_exactly_what_the_bundled_fonts_hold() -> None:
    """fonts/coverage.txt saves reading every font at each build; it must not drift from the fonts."""
    assert glyphs.covered.__wrapped__(FONTS) == glyphs.read_fonts(FONTS)


@given(st.frozensets(st.integers(min_value=0, max_value=0x10FFFF), max_size=60))
def test_ranges_read_back_as_the_same_code_points(codes: frozenset[int]) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / glyphs.COVERAGE).write_text("\n".join(glyphs.ranges(codes)) + "\n", encoding="ascii")
        assert glyphs.covered.__wrapped__(folder) == codes
