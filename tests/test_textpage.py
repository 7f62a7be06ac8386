"""Tests for pamphlet.textpage: dates, bylines, furniture, and statements found in pasted text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pamphlet.textpage import (
    is_call_to_follow_a_link,
    is_furniture,
    is_tail,
    paragraphs,
    parse_date,
    parse_meta,
    parse_text,
)

PROSE = ("This paragraph is long enough to be read as prose: it has more than a dozen words and it ends with a "
         "full stop, as paragraphs of a statement do.")


@pytest.mark.parametrize(("text", "expected"), [
    ("March 26, 2023", (2023, 3, 26)),
    ("Mar. 26 2023", (2023, 3, 26)),
    ("Sunday, March 26th, 2023", (2023, 3, 26)),
    ("14 March 2025", (2025, 3, 14)),
    ("1st Sept 2024", (2024, 9, 1)),
    ("2023-03-26", (2023, 3, 26)),
    ("2025-03-14T09:00:00Z", (2025, 3, 14)),
    ("March 4, 2025 at 9:12 am", (2025, 3, 4)),
    ("3 de marzo de 2025", (2025, 3, 3)),
    ("lundi 3 mars 2025", (2025, 3, 3)),
    ("3. März 2025", (2025, 3, 3)),
    ("03.03.2025", (2025, 3, 3)),
    ("February 30, 2024", None),
    ("Samuel Karlin", None),
    ("May", None),
    ("2024", None),
    ("On May 25, 2020 – one year ago today – killer cop Derek Chauvin", None),
])
def test_parse_date(text: str, expected: tuple[int, int, int] | None) -> None:
    assert parse_date(text) == (dt.date(*expected) if expected else None)


FORMATS = ["%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%A, %d %B %Y", "%Y-%m-%d", "%d.%m.%Y", "%B %d %Y, %H:%M"]


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.sampled_from(FORMATS))
def test_any_date_written_in_a_common_form_reads_back(date: dt.date, form: str) -> None:
    assert parse_date(dt.datetime.combine(date, dt.time(9, 5)).strftime(form)) == date


@given(st.text(max_size=60))
def test_parse_date_never_raises(text: str) -> None:
    found = parse_date(text)
    assert found is None or type(found) is dt.date  # a date, not a datetime (which is a date too)


@pytest.mark.parametrize(("line", "expected"), [
    ("Posted on March 3, 2025 by Ana Reyes", (dt.date(2025, 3, 3), "Ana Reyes")),
    ("By Jane Doe | 14 March 2025", (dt.date(2025, 3, 14), "Jane Doe")),
    ("Published: 2025-01-28 · 5 min read", (dt.date(2025, 1, 28), None)),
    ("By Julie Monteiro", (None, "Julie Monteiro")),
    ("Written by the Editorial Board", (None, "the Editorial Board")),
    ("Stand by Ukraine", None),
    ("Russia Out of Ukraine — Solidarity with Ukraine’s People!", None),
    ("By continuing to browse you agree to our privacy policy.", None),
    ("5 min read", None),
])
def test_parse_meta(line: str, expected: tuple[dt.date | None, str | None] | None) -> None:
    assert parse_meta(line) == expected


@pytest.mark.parametrize("line", ["Facebook Instagram Twitter YouTube", "Facebook Twitter Share", "Read more ›",
                                  "Skip to content", "Photo: Étienne Laurent/EPA", "Share this:", "5 min read",
                                  "Tags: housing, strikes", "We use cookies to improve this site. Accept",
                                  "Subscribe to our newsletter", "Like Loading..."])
def test_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", ["Read more about the strike in our last statement.", "Share the wealth!",
                                  "Home is where the struggle is.", "Photographs of the march were taken by members."])
def test_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_tail_markers() -> None:
    assert all(is_tail(line) for line in ("Related", "Most read", "Latest articles", "Leave a Reply", "3 Comments",
                                          "© 2025 The Daily Worker", "By Julie Monteiro", "Read more"))
    assert is_tail("Jane Doe is a labour reporter.", "Jane Doe") and is_tail("Jane Doe", "Jane Doe")
    assert not is_tail("Related struggles are growing across the region.")
    assert not is_tail("Jane Doe is a labour reporter.")


def test_calls_to_follow_a_lost_link() -> None:
    assert is_call_to_follow_a_link("Sign the petition here.")
    assert is_call_to_follow_a_link("Help keep him out – a simple click will send 190 letters!")
    assert not is_call_to_follow_a_link("Sign the petition at https://example.org/petition here.")
    assert not is_call_to_follow_a_link("We are still here.")


def test_paragraphs_join_hard_wrapped_lines_and_mend_a_sentence_cut_by_a_blank_line() -> None:
    cut = ("He justified the invasion by claiming that the country is not a real one and has no claim to exist. Then "
           "look at the map that the Prime Minister held up at the General Assembly in")
    text = ("Hospital management called the strike regrettable and said it\nwould keep emergency departments open.\n"
            f"\n{cut}\n\n2023—one that showed Gaza erased.\n\nWe demand\n\nthe following:\n1. an end to the war;\n"
            "2. a ceasefire now.\n\nSolidarity with the Russian anti-war movement\n\n2024 was a hard year.\n"
            "\nMarch 26, 2023\nFacebook Twitter Share\n")
    assert paragraphs(text) == [
        "Hospital management called the strike regrettable and said it would keep emergency departments open.",
        f"{cut} 2023—one that showed Gaza erased.", "We demand the following:", "1. an end to the war;",
        "2. a ceasefire now.", "Solidarity with the Russian anti-war movement", "2024 was a hard year.",
        "March 26, 2023", "Facebook Twitter Share"]


def test_title_subtitle_headings_lists_and_quotes() -> None:
    page = "\n\n".join([
        "Home News Donate", "Hands Off Our Libraries", "A statement of the Tenants Committee on the library closures",
        PROSE, "What we demand", "• Keep every branch open.\n• Hire the staff.", "As the librarians put it:", PROSE,
        "Another paragraph with an editorial [insertion] inside the quotation, which goes on for long enough.", PROSE,
    ])
    (draft,) = parse_text(page)
    assert (draft.title, draft.dropped) == ("Hands Off Our Libraries", ("Home News Donate",))
    assert draft.summary == "A statement of the Tenants Committee on the library closures"
    assert draft.body.split("\n\n") == [PROSE, "## What we demand", "- Keep every branch open.\n- Hire the staff.",
                                        "As the librarians put it:", f"> {PROSE}",
                                        "> Another paragraph with an editorial [insertion] inside the quotation, "
                                        "which goes on for long enough.", PROSE]


def test_a_listing_splits_on_title_case_titles_but_keeps_closing_slogans_and_sub_headings() -> None:
    page = "\n\n".join([
        "Stop the War on the Poor Now", PROSE, "Unlawful", PROSE, "Down with Austerity!", "Jobs Not Bombs!",
        "Free All the Political Prisoners", PROSE, PROSE,
    ])
    first, second = parse_text(page)
    assert first.title == "Stop the War on the Poor Now" and second.title == "Free All the Political Prisoners"
    assert first.body.split("\n\n") == [PROSE, "## Unlawful", PROSE, "Down with Austerity!", "Jobs Not Bombs!"]
    assert second.body == f"{PROSE}\n\n{PROSE}"


def test_on_a_page_with_bylines_only_a_titled_and_dated_item_starts_a_statement() -> None:
    page = "\n\n".join([
        "The Fight Goes On", "March 3, 2025", PROSE, "Why We Will Win", PROSE, PROSE,
        "Related", "Rent strike wins repairs", "2 March 2025", "A one-paragraph teaser of another article, too "
        "short to be a statement of its own, though it ends with a full stop.", "Next Big Meeting", "1 March 2025",
    ])
    (draft,) = parse_text(page)
    assert draft.date == dt.date(2025, 3, 3)
    assert draft.body.split("\n\n") == [PROSE, "## Why We Will Win", PROSE, PROSE]
    assert draft.dropped[0] == "Related" and draft.dropped[-1] == "1 March 2025"


def test_a_most_read_list_without_a_heading_ends_the_statement() -> None:
    page = "\n\n".join(["Solidarity with the Dockers", PROSE, "Bus drivers vote for action", "12 March 2025",
                        "Council budget explained", "9 March 2025"])
    (draft,) = parse_text(page)
    assert draft.body == PROSE and draft.dropped == ("Bus drivers vote for action", "12 March 2025",
                                                     "Council budget explained", "9 March 2025")


def test_a_page_without_a_title_has_no_statement() -> None:
    assert parse_text(f"{PROSE}\n\n{PROSE}\n") == []
    assert parse_text("Facebook Twitter\n\nHome\n") == []
