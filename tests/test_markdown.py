"""Tests for pamphlet.markdown: untrusted Markdown becomes printable HTML that fetches nothing."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pamphlet.markdown import to_html


def test_paragraphs_and_emphasis() -> None:
    body = to_html("Workers *of* the **world**.\n\nUnite.\n")
    assert str(body.html) == "<p>Workers <em>of</em> the <strong>world</strong>.</p>\n<p>Unite.</p>\n"
    assert body.notes == ()


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ("Hi <b onclick=x()>there</b>", "<p>Hi &lt;b onclick=x()&gt;there&lt;/b&gt;</p>\n"),
        ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"),
        ("`<script>`", "<p><code>&lt;script&gt;</code></p>\n"),
        ("<!-- hidden -->", "<p>&lt;!-- hidden --&gt;</p>\n"),
    ],
)
def test_raw_html_is_shown_as_text(markdown: str, expected: str) -> None:
    assert str(to_html(markdown).html) == expected


def test_links_become_text_and_numbered_notes() -> None:
    body = to_html("Read [the call](https://a.org/call), [again](https://a.org/call) and [more](https://b.org).")
    assert str(body.html) == (
        '<p>Read <span class="link">the call</span><sup class="note-ref">1</sup>, '
        '<span class="link">again</span><sup class="note-ref">1</sup> and '
        '<span class="link">more</span><sup class="note-ref">2</sup>.</p>\n'
    )
    assert body.notes == ("https://a.org/call", "https://b.org")


def test_anchor_links_get_no_note() -> None:
    body = to_html("See [below](#demands).")
    assert str(body.html) == '<p>See <span class="link">below</span>.</p>\n'
    assert body.notes == ()


def test_autolinks_and_reference_links_are_notes_too() -> None:
    body = to_html("<https://a.org> and [ref][r]\n\n[r]: https://r.org 'title'\n")
    assert body.notes == ("https://a.org", "https://r.org")
    assert "href=" not in body.html


@pytest.mark.parametrize(
    "markdown",
    ["[x](javascript:alert(1))", "[x](JavaScript:alert(1))", "[x](file:///etc/passwd)", "[x](<javascript:a>)"],
)
def test_dangerous_urls_are_not_kept_as_links(markdown: str) -> None:
    body = to_html(markdown)
    assert body.notes == ()
    assert "link" not in body.html
    assert "href" not in body.html


def test_images_become_their_description_and_are_never_fetched() -> None:
    body = to_html("![Marchers *at* dawn](https://x.org/a.png) ![](https://x.org/b.png)")
    assert str(body.html) == '<p><span class="image-alt">[Marchers at dawn]</span> </p>\n'
    assert body.notes == ()


def test_an_image_inside_a_link_keeps_the_link_note() -> None:
    body = to_html("[![Logo](logo.png)](https://a.org)")
    assert str(body.html) == (
        '<p><span class="link"><span class="image-alt">[Logo]</span></span><sup class="note-ref">1</sup></p>\n'
    )
    assert body.notes == ("https://a.org",)


def test_headings_are_shifted_down_below_the_statement_title() -> None:
    body = to_html("# One\n## Two\n### Three\n###### Six\nSetext\n======\n")
    assert re.findall(r"<(h\d)[ >]", body.html) == ["h3", "h3", "h4", "h6", "h3"]
    assert '<h3 class="section">One</h3>' in body.html
    assert '<h4 class="section">Three</h4>' in body.html


def test_link_text_is_escaped() -> None:
    body = to_html('[<b>bold</b> & co](https://a.org?x=1&y=2 "t<script>")')
    assert '<span class="link">&lt;b&gt;bold&lt;/b&gt; &amp; co</span>' in body.html
    assert body.notes == ("https://a.org?x=1&y=2",)
    assert "<script" not in body.html


pieces = st.sampled_from(
    ["<script>", "</script>", "<img src=x>", "[a](", "](", ")", "![", "<", ">", "javascript:", "http://x", "#", "\n",
     "`", "*", "&", '"', "href=", "<a href='x'>", " ", "word", "\n\n", "    ", "[r]: ", "<!--", "-->", "\\"]
)  # fmt: skip


@given(st.one_of(st.text(), st.lists(pieces).map("".join)))
def test_arbitrary_text_never_yields_script_image_or_link_tags(markdown: str) -> None:
    body = to_html(markdown)
    html = str(body.html).lower()
    assert "<script" not in html
    assert "<img" not in html
    assert not re.search(r"<[^>]*href=", html)  # text is escaped, so every '<' left opens a real tag
    assert not re.search(r"<h[12][ >]", html)
    cited = {int(n) for n in re.findall(r'<sup class="note-ref">(\d+)</sup>', html)}
    assert cited == set(range(1, len(body.notes) + 1))
