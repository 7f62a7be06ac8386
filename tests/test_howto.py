"""The summary after imposing: the warning when a folded booklet would print more than two blank pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pamphlet.howto import summary
from pamphlet.impose import Imposed
from pamphlet.schemes import Options, SheetPlan, plan

FILES = [Path("out/booklet-print.pdf")]
WARNING = re.compile(r"Warning: (\d+) of (\d+) pages print blank\. To print none, add (\d+) pages? of text "
                     r"\(another statement\), or cut (\d+) pages? \(.*\) so that the booklet has (\d+) pages\.")


def imposed(sheets: SheetPlan, **options: object) -> Imposed:
    return Imposed(b"", None, sheets, "a4", True, "short", 1.0, Options(**options))  # type: ignore[arg-type]


def warnings(lines: list[str]) -> list[str]:
    return [line for line in lines if "blank. To print none" in line or line.strip().startswith("Warning")]


@pytest.mark.parametrize("scheme", ["saddle", "signatures"])
def test_three_blanks_in_a_folded_booklet_are_warned_of_with_the_numbers(scheme: str) -> None:
    lines = summary(imposed(plan(scheme, 13)), FILES)
    (line,) = warnings(lines)
    assert line.startswith("  Warning: 3 of 16 pages print blank.")
    assert WARNING.search(line).groups() == ("3", "16", "3", "1", "12")  # type: ignore[union-attr]
    assert "cut 1 page (" in line  # one page: no plural
    assert "  Pages: 13 + 3 blank before the back cover = 16" in lines
    assert lines.index(line) < lines.index("How to print and finish one copy:"), "before the steps"


def test_the_warning_counts_the_pages_to_cut_to_the_next_smaller_booklet() -> None:
    (line,) = warnings(summary(imposed(plan("saddle", 9)), FILES))
    assert WARNING.search(line).groups() == ("3", "12", "3", "1", "8")  # type: ignore[union-attr]


@pytest.mark.parametrize("pages", [12, 14, 15, 16])
def test_two_blanks_or_fewer_are_not_warned_of(pages: int) -> None:
    assert warnings(summary(imposed(plan("saddle", pages)), FILES)) == []


# nup is left out: it prints each page as it is and never pads, so it has no blanks to warn of.
@pytest.mark.parametrize("scheme, pages", [("zine", 5), ("trifold", 3), ("cutstack", 1)])
def test_layouts_that_are_not_folded_booklets_are_not_warned_of(scheme: str, pages: int) -> None:
    sheets = plan(scheme, pages)
    assert sheets.blanks == 3  # as many as a booklet is warned of
    assert warnings(summary(imposed(sheets), FILES)) == []


@given(st.integers(2, 400), st.sampled_from(["saddle", "signatures"]), st.sampled_from(["before-last", "end"]))
def test_the_advice_always_adds_up(pages: int, scheme: str, blanks: str) -> None:
    sheets = plan(scheme, pages, blanks=blanks)
    found = warnings(summary(imposed(sheets, blanks=blanks), FILES))
    if sheets.blanks <= 2:
        assert found == []
        return
    (line,) = found
    blank, padded, add, cut, target = map(int, WARNING.search(line).groups())  # type: ignore[union-attr]
    assert (blank, padded, add) == (sheets.blanks, sheets.padded, sheets.blanks)
    assert (pages + add) % 4 == 0 and (pages - cut) % 4 == 0 and pages - cut == target
    assert 1 <= cut < 4 and target >= 4


def test_a_one_page_booklet_is_never_told_to_shrink_to_nothing() -> None:
    (line,) = warnings(summary(imposed(plan("saddle", 1)), FILES))
    assert "add 3 pages" in line
    assert "has 0 pages" not in line and "cut 1 page" not in line
