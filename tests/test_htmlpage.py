"""Tests for pamphlet.htmlpage: saved HTML pages to statements with trafilatura, and what each one drops."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import lxml.html

from pamphlet.htmlpage import page_lines, parse_html

TEXT = ("This paragraph of the statement is long enough for the extractor to keep it as the main text of the "
        "article, and it says plainly what the statement is about.")


def article(title: str, date: str) -> str:
    return (f"<article><h2>{title}</h2><p>Posted on <time datetime='{date}'>{date}</time> by Riverside Network</p>"
            f"<p>{TEXT}</p><p>A second paragraph with <em>emphasis</em>. {TEXT}</p><p><a href='/x'>Read more ›</a></p>"
            "</article>")


def test_two_articles_are_two_statements_and_the_page_around_them_is_dropped() -> None:
    html = ("<html><head><title>Statements</title><meta property='og:url' content='https://example.org/statements'>"
            "</head><body><nav><a href='/'>Home</a> <a href='/s'>Statements</a></nav><main>"
            f"{article('No War on Venezuela', '2025-01-05')}{article('Free All Political Prisoners', '2025-02-01')}"
            "</main><footer>© 2025 Riverside Network</footer></body></html>")
    first, second = parse_html(html)
    assert (first.title, first.date, first.author) == ("No War on Venezuela", dt.date(2025, 1, 5), "Riverside Network")
    assert (second.title, second.date) == ("Free All Political Prisoners", dt.date(2025, 2, 1))
    assert first.source == second.source == "https://example.org/statements"
    assert first.body.startswith(TEXT) and "Read more" not in first.body and "Posted on" not in first.body
    assert first.dropped == ("Home Statements", "© 2025 Riverside Network", "Read more ›")
    assert second.dropped == ("Read more ›",)


def test_a_page_with_no_main_text_has_no_statement() -> None:
    assert parse_html("<html><body><nav><a href='/'>Home</a></nav></body></html>") == []
    assert parse_html("") == []
    assert parse_html("<html><body><p>Too short.</p></body></html>") == []


def test_page_lines_are_the_blocks_a_browser_shows() -> None:
    tree = lxml.html.document_fromstring(
        "<html><head><style>p {}</style><script>var x;</script></head><body><nav><a>Home</a><a>News</a></nav>"
        "<p>One <b>bold</b>   word.</p><ul><li>first</li><li>second</li></ul><p>Two<br>lines</p></body></html>")
    assert page_lines(tree) == ["HomeNews", "One bold word.", "first", "second", "Two", "lines"]


def test_an_xhtml_page_with_an_xml_declaration_is_read() -> None:
    page = (Path(__file__).parent / "fixtures" / "import" / "saved-page.html").read_text(encoding="utf-8")
    (draft,) = parse_html('<?xml version="1.0" encoding="utf-8"?>\n' + page)
    assert draft.title == "Hands Off Our Libraries!"
