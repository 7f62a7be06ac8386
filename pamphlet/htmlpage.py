"""Saved web pages: the statements in an HTML file, extracted with trafilatura, then cleaned like plain text."""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
from dataclasses import replace
from typing import Any

from pamphlet.importer import Draft
from pamphlet.textpage import is_call_to_follow_a_link, is_furniture, is_tail, parse_meta

_BLOCKS = {"address", "article", "aside", "blockquote", "br", "dd", "div", "dt", "figcaption", "figure", "footer",
           "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p", "pre", "section",
           "table", "td", "th", "tr", "ul"}


def parse_html(html: str) -> list[Draft]:
    """Every statement of a saved page: each of two or more <article>s, or else the page's main text."""
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", html))  # lxml refuses it in a str
    except (lxml.etree.ParserError, ValueError):
        return []
    links = tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
    source = str(links[0]).strip() if isinstance(links, list) and links else None
    articles = [a for a in tree.iter("article") if len(a.findall(".//p")) >= 2]
    parts = articles if len(articles) >= 2 else [tree]
    quiet = [(log, log.level) for log in map(logging.getLogger, ("trafilatura", "htmldate"))]
    for log, _ in quiet:
        log.setLevel(logging.ERROR)  # its notes on what it discards are not the user's business
    try:
        drafts = [draft for part in parts if (draft := _extract(part, source))]
    finally:
        for log, level in quiet:
            log.setLevel(level)
    if drafts and len(parts) > 1:  # the page around the articles: menus, sidebars, footer
        inside = {line for part in parts for line in page_lines(part)}
        outside = tuple(line for line in page_lines(tree) if line not in inside)
        drafts[0] = replace(drafts[0], dropped=outside + drafts[0].dropped)
    return drafts


def _extract(part: Any, source: str | None) -> Draft | None:
    """The statement in one part of a page, or None when trafilatura finds no title or no text."""
    import trafilatura
    from trafilatura.settings import Document

    doc = trafilatura.bare_extraction(copy.deepcopy(part), with_metadata=True, include_formatting=True,
                                      include_links=True, include_comments=False, include_images=False)
    if not isinstance(doc, Document) or not doc.title or not doc.text:
        return None
    title, author, date = " ".join(doc.title.split()), doc.author, _iso(doc.date)
    lines = doc.text.strip().split("\n")
    while lines and (not lines[0].strip() or lines[0].lstrip("# ").strip() == title or parse_meta(lines[0])):
        meta = parse_meta(lines.pop(0))
        date, author = date or (meta and meta[0]), author or (meta and meta[1])
    body: list[str] = []
    for line in lines:
        text = line.lstrip("#>-*0123456789.) ").strip()
        if text and is_tail(text, author):
            break
        if not (text and (is_furniture(text) or is_call_to_follow_a_link(text))):
            body.append(line)
    markdown = re.sub(r"\n{3,}", "\n\n", "\n".join(body)).strip()
    if not markdown:
        return None
    kept = f" {_words(f'{title} {markdown}')} "
    dropped = tuple(line for line in page_lines(part) if f" {_words(line)} " not in kept and not parse_meta(line))
    return Draft(title=title, body=markdown, author=author or None, date=date or None, source=source, dropped=dropped)


def page_lines(element: Any) -> list[str]:
    """The text a browser shows for ``element``, one line per block (paragraph, list item, heading, cell...)."""
    element = copy.deepcopy(element)
    for hidden in list(element.iter("script", "style", "noscript", "template", "head")):
        hidden.drop_tree()
    for node in element.iter():
        if node.tag in _BLOCKS:
            node.text, node.tail = "\n" + (node.text or ""), "\n" + (node.tail or "")
    return [" ".join(line.split()) for line in element.text_content().split("\n") if line.strip()]


def _words(text: str) -> str:
    """Lowercase words only, link targets left out: to find a page's line inside the Markdown body."""
    return " ".join(re.findall(r"\w+", re.sub(r"\]\([^)]*\)", "]", text).lower()))


def _iso(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
