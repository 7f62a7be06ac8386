"""Fitting text to layouts of fixed pages: the sizes tried, shrinking that keeps every word, and the error when
even the smallest size is too large."""

from __future__ import annotations

import itertools
import math
import re
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from pamphlet.build import build
from pamphlet.errors import RenderError
from pamphlet.fit import STEP, pad_before_closing, size_steps, too_long
from pamphlet.layouts import MIN_SIZE, available, find_layout
from pamphlet.manifest import read_manifest
from pamphlet.statements import read_library, select
from tests.conftest import poppler_text, project, prose, render_pdf

#: Built-in layouts that hold a fixed number of pages (zine, leaflet, flyer ...).
FIXED = sorted(name for name in available() if find_layout(name).pages)
#: Words of a statement that overflows each layout at its own size but fits at a smaller one.
SHRINKS = {"flyer": 1000, "leaflet": 1150, "zine": 850}


# The sizes tried


def test_there_are_fixed_page_layouts_to_test() -> None:
    """The tests below run for each of them, with words calibrated for each: none is left out, none is stale."""
    assert sorted(SHRINKS) == FIXED, f"calibrate SHRINKS for exactly the fixed-page layouts {FIXED}"


@settings(max_examples=300)
@given(st.integers(int(MIN_SIZE * 100), 2400).map(lambda n: n / 100))
def test_size_steps_go_down_by_half_points_from_the_base_to_the_minimum(base: float) -> None:
    steps = size_steps(base)
    assert steps[0] == base
    assert all(math.isclose(a - b, STEP, abs_tol=1e-9) for a, b in itertools.pairwise(steps))
    assert min(steps) == steps[-1] >= MIN_SIZE
    assert steps[-1] - STEP < MIN_SIZE  # no size that would still be allowed is left out


@settings(max_examples=300)
@given(st.floats(MIN_SIZE, 24.0, allow_nan=False))
def test_size_steps_of_any_base_stay_at_or_above_the_minimum(base: float) -> None:
    steps = size_steps(base)
    assert steps[0] == pytest.approx(base, abs=0.005)
    assert all(a > b for a, b in itertools.pairwise(steps))
    assert all(s >= MIN_SIZE for s in steps) and steps[-1] - STEP < MIN_SIZE + 0.01


def test_size_steps_examples() -> None:
    assert size_steps(10) == (10.0, 9.5, 9.0, 8.5, 8.0)
    assert size_steps(9) == (9.0, 8.5, 8.0)
    assert size_steps(MIN_SIZE) == (MIN_SIZE,)
    assert size_steps(8.3) == (8.3,)


# Statements that shrink to fit, and statements too long for any size


def long_statement(folder: Path, layout: str, count: int) -> Path:
    """A project in ``folder`` printing one statement of ``count`` words of prose in ``layout``; its manifest."""
    return project(folder, f"title: Fit Test\nlayout: {layout}\npaper: a4\nstatements: [long-statement]\n",
                   {"long-statement": f"---\ntitle: A Statement of Some Length\n---\n\n{prose(count)}\n"})


def tokens(pdf: Path) -> list[str]:
    """The words of a PDF in content order, page numbers dropped and words hyphenated at line ends joined."""
    found: list[str] = []
    for token in poppler_text(pdf, "-raw").split():
        if token.isdigit():
            continue
        if found and found[-1].endswith(("\u2010", "\u00ad", "-")):
            found[-1] = found[-1][:-1] + token
        else:
            found.append(token)
    return found


def contains_run(haystack: list[str], needle: list[str]) -> bool:
    starts = [i for i, token in enumerate(haystack) if token == needle[0]]
    return any(haystack[i:i + len(needle)] == needle for i in starts)


@pytest.mark.parametrize("layout", FIXED)
def test_a_long_statement_shrinks_to_fit_and_keeps_every_word_in_order(tmp_path: Path, layout: str) -> None:
    fixed = find_layout(layout)
    result = build(long_statement(tmp_path, layout, SHRINKS[layout]), tmp_path / "out")
    assert result.shrunk and MIN_SIZE <= result.body_size < fixed.size
    assert result.body_size in size_steps(fixed.size)
    assert result.imposed.plan.pages <= fixed.pages  # type: ignore[operator]
    body = prose(SHRINKS[layout]).split()
    assert contains_run(tokens(result.reader), body), "the statement's words, all of them, in order"


@pytest.mark.parametrize("layout", FIXED)
def test_a_short_statement_is_printed_at_the_layout_size(tmp_path: Path, layout: str) -> None:
    fixed = find_layout(layout)
    result = build(long_statement(tmp_path, layout, 60), tmp_path / "out")
    assert not result.shrunk and result.body_size == fixed.size
    assert contains_run(tokens(result.reader), prose(60).split())


@pytest.mark.parametrize("layout", FIXED)
def test_a_statement_too_long_at_any_size_fails_naming_it_and_layouts_with_room(tmp_path: Path, layout: str) -> None:
    out = tmp_path / "out"
    manifest = long_statement(tmp_path, layout, 5000)
    with pytest.raises(RenderError) as caught:
        build(manifest, out)
    message = caught.value.message
    statement = tmp_path / "statements" / "long-statement.md"
    assert str(manifest) in message and str(statement) in message and "5000 words" in message
    assert "'A Statement of Some Length'" in message
    over = re.search(r"about (\d+) words too long for layout '" + layout + r"' \((\d+) pages\)", message)
    assert over, message
    assert 0 < int(over.group(1)) < 5000 and int(over.group(2)) == find_layout(layout).pages
    assert f"even at {MIN_SIZE:g} pt" in message
    room = re.search(r"layouts with room: (.*)$", message)
    assert room and "booklet" in room.group(1).split(", ") and layout not in room.group(1).split(", ")
    assert not out.exists() or list(out.iterdir()) == []


def counted_pages(tmp_path: Path, words_per_page: list[int]) -> bytes:
    """A PDF with that many words on each page."""
    html = "".join(f'<p style="break-before: page">{" ".join(["word"] * n)}</p>' for n in words_per_page)
    return render_pdf(f"<style>@page {{ size: A4 }}</style>{html}", tmp_path, (tmp_path,))[0]


def reported(tmp_path: Path, layout: str, pdf: bytes, text_end: int | None = None) -> int:
    manifest = read_manifest(long_statement(tmp_path, layout, 100))
    statements = select(read_library(manifest.library), manifest.statements, manifest.path)
    message = too_long(manifest, find_layout(layout, manifest.path.parent), statements, pdf, text_end).message
    return int(re.search(r"about (\d+) words too long", message).group(1))  # type: ignore[union-attr]


def test_words_over_a_zine_are_those_after_its_seventh_page_before_the_back(tmp_path: Path) -> None:
    """A zine: cover, text, and a back page of its own as page 8."""
    pdf = counted_pages(tmp_path, [3] + [20] * 9 + [2])  # cover, 9 pages of text, back
    assert reported(tmp_path, "zine", pdf) == 60  # the text on pages 8, 9 and 10 did not fit


def test_words_over_a_leaflet_are_those_after_its_fourth_page_before_the_flap(tmp_path: Path) -> None:
    """A leaflet: cover, three panels of text, the flap and the back; here one page of text too many."""
    pdf = counted_pages(tmp_path, [3, 100, 100, 100, 100, 5, 2])
    assert reported(tmp_path, "leaflet", pdf, text_end=4) == 100


def test_words_over_a_flyer_are_those_after_its_second_page(tmp_path: Path) -> None:
    """A flyer: two pages, its contact box following the text on the last one."""
    pdf = counted_pages(tmp_path, [100, 100, 100, 100, 10])
    assert reported(tmp_path, "flyer", pdf, text_end=4) == 210  # pages 3, 4 and 5


def test_short_text_is_followed_by_blanks_so_the_closing_pages_stay_last(tmp_path: Path) -> None:
    """A leaflet with one panel of text: the flap and back keep panels 5 and 6, the blanks come after the text."""
    pdf = counted_pages(tmp_path, [3, 50, 7, 2])  # cover, text, flap, back
    padded = PdfReader(BytesIO(pad_before_closing(pdf, 1, 6))).pages
    assert [len(p.extract_text().split()) for p in padded] == [3, 50, 0, 0, 7, 2]


def test_closing_matter_on_the_text_page_or_a_full_layout_is_left_as_it_is(tmp_path: Path) -> None:
    flyer = counted_pages(tmp_path, [60])  # one page: its contact box follows the text on it
    assert pad_before_closing(flyer, 0, 2) == flyer
    full = counted_pages(tmp_path, [3, 50, 50, 50, 7, 2])
    assert pad_before_closing(full, 3, 6) == full
    assert pad_before_closing(full, None, 8) == full
