"""Tests for pamphlet.markdown: untrusted Markdown becomes printable HTML that fetches nothing."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from pamphlet.markdown import BREAK_AFTER, LONG_URL, UNBROKEN, printed_url, to_html


def plain(note: Markup) -> str:
    """A printed address as the reader sees it: no break opportunities, no escapes."""
    return html.unescape(note.replace("<wbr>", ""))


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
    assert tuple(map(plain, body.notes)) == ("a.org/call", "b.org")
    assert body.notes[0] == "a.<wbr>org/<wbr>call"


def test_anchor_links_get_no_note() -> None:
    body = to_html("See [below](#demands).")
    assert str(body.html) == '<p>See <span class="link">below</span>.</p>\n'
    assert body.notes == ()


def test_autolinks_and_reference_links_are_notes_too() -> None:
    body = to_html("<https://a.org> and [ref][r]\n\n[r]: https://r.org 'title'\n")
    assert tuple(map(plain, body.notes)) == ("a.org", "r.org")
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
    assert tuple(map(plain, body.notes)) == ("a.org",)


def test_headings_are_shifted_down_below_the_statement_title() -> None:
    body = to_html("# One\n## Two\n### Three\n###### Six\nSetext\n======\n")
    assert re.findall(r"<(h\d)[ >]", body.html) == ["h3", "h3", "h4", "h6", "h3"]
    assert '<h3 class="section">One</h3>' in body.html
    assert '<h4 class="section">Three</h4>' in body.html


def test_link_text_is_escaped() -> None:
    body = to_html('[<b>bold</b> & co](https://a.org?x=1&y=2 "t<script>")')
    assert '<span class="link">&lt;b&gt;bold&lt;/b&gt; &amp; co</span>' in body.html
    assert body.notes == ("a.<wbr>org?<wbr>x=<wbr>1&amp;<wbr>y=<wbr>2",)
    assert "<script" not in body.html


pieces = st.sampled_from(
    ["<script>", "</script>", "<img src=x>", "[a](", "](", ")", "![", "<", ">", "javascript:", "http://x", "#", "\n",
     "`", "*", "&", '"', "href=", "<a href='x'>", " ", "word", "\n\n", "    ", "[r]: ", "<!--", "-->", "\\"]
)  # fmt: skip


def attributes(markup: str) -> set[str]:
    """The names of the attributes of every tag in ``markup``."""
    found: set[str] = set()

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.update(name for name, _ in attrs)

    Tags().feed(markup)
    return found


@given(st.one_of(st.text(), st.lists(pieces).map("".join)))
def test_arbitrary_text_never_yields_script_image_or_link_tags(markdown: str) -> None:
    body = to_html(markdown)
    html = str(body.html).lower()
    assert "<script" not in html
    assert "<img" not in html
    assert "href" not in attributes(html)  # no link, whatever text an attribute's value holds
    assert not re.search(r"<h[12][ >]", html)
    cited = {int(n) for n in re.findall(r'<sup class="note-ref">(\d+)</sup>', html)}
    assert cited == set(range(1, len(body.notes) + 1))


@pytest.mark.parametrize(
    ("url", "printed"),
    [
        ("https://www.example.org/", "example.org"),
        ("http://example.org/news/", "example.org/news"),
        ("https://example.org/a/?utm_source=fb&utm_medium=social&fbclid=IwAR0x", "example.org/a"),
        ("https://youtube.com/watch?v=dQw4w9WgXcQ&utm_campaign=x", "youtube.com/watch?v=dQw4w9WgXcQ"),
        ("https://example.org/p?id=7&gclid=abc&page=2", "example.org/p?id=7&page=2"),
        ("https://example.org/a#section-2", "example.org/a#section-2"),
        ("https://example.org/a#:~:text=solidarity", "example.org/a"),
        ("mailto:hello@example.org", "hello@example.org"),
        ("https://www.org/x", "www.org/x"),
        (
            "https://www.leftvoice.org/2023/03/26/joe-biden-is-deporting-russians-who-escaped-putins-draft/",
            "leftvoice.org/2023/…/joe-biden-is-deporting-russians-who-escaped-putins-draft",
        ),
        ("https://example.org/2024/03/short?x=1", "example.org/2024/03/short?x=1"),
    ],
)
def test_printed_addresses_are_short_and_typeable(url: str, printed: str) -> None:
    assert plain(printed_url(url)) == printed


def test_addresses_wrap_only_after_separators() -> None:
    assert printed_url("https://a-b.org/c_d?e=f&g") == "a-<wbr>b.<wbr>org/<wbr>c_<wbr>d?<wbr>e=<wbr>f&amp;<wbr>g"
    long_id = "x" * 30
    assert printed_url(f"https://a.org/{long_id}") == f"a.<wbr>org/<wbr>{'x' * UNBROKEN}<wbr>{'x' * 6}"


def test_a_link_to_a_page_in_another_script_is_printed_readable_but_its_site_stays_ascii() -> None:
    body = to_html("[a](https://uk.wikipedia.org/wiki/Солідарність) [b](https://аррӏе.com/x) [c](https://a.org/a%20b)")
    assert tuple(map(plain, body.notes)) == (
        "uk.wikipedia.org/wiki/Солідарність", "xn--80ak6aa92e.com/x", "a.org/a%20b"
    )  # fmt: skip


addresses = st.one_of(
    st.text(),
    st.lists(st.sampled_from(["https://", "www.", "a", "org", ".", "/", "?", "&", "=", "#", "utm_x=1", "fbclid=2",
                              "-", "_", "<", ">", '"', "'", "&amp;", "…", "ü", " ", ":~:", "x" * 30]))
    .map("".join),
)


@given(addresses)
def test_printed_addresses_are_escaped_never_longer_and_break_only_after_separators(url: str) -> None:
    printed = printed_url(url)
    pieces = str(printed).split("<wbr>")
    assert all("<" not in p and ">" not in p and '"' not in p for p in pieces)  # every character escaped
    text = plain(printed)
    assert len(text) <= len(url.strip())
    assert len(printed_url(url, limit=None).replace("<wbr>", "")) >= len(printed.replace("<wbr>", ""))
    for before in pieces[:-1]:  # a break follows a separator, or a long run without one
        last = html.unescape(before)
        assert last and (last[-1] in BREAK_AFTER or len(re.split("[" + re.escape("".join(BREAK_AFTER)) + "]", last)[-1])
                         % UNBROKEN == 0)
    if len(plain(printed_url(url, limit=None))) <= LONG_URL:
        assert "…" not in text or "…" in url
