"""One configured Markdown parser: raw HTML shown as text, links printed as numbered endnotes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup, escape


@dataclass(frozen=True)
class Body:
    """A statement body as safe HTML, with the addresses of its links as printed, in endnote order."""

    html: Markup
    notes: tuple[Markup, ...]


class _PrintRenderer(RendererHTML):
    """Renders links as their text plus a note number, images as their description, headings one level down."""

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return '<span class="link">'

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        opening = next(t for t in reversed(tokens[:idx]) if t.type == "link_open" and t.level == tokens[idx].level)
        href = str(opening.attrGet("href") or "")
        notes: list[str] = env["notes"]
        if href and not href.startswith("#"):
            if href not in notes:
                notes.append(href)
            return f'</span><sup class="note-ref">{notes.index(href) + 1}</sup>'
        return "</span>"

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
        return f'<span class="image-alt">[{escape(alt)}]</span>' if alt else ""

    def heading_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        level = min(6, max(3, int(tokens[idx].tag[1]) + 1))
        return f'<h{level} class="section">'

    def heading_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        opening = next(t for t in reversed(tokens[:idx]) if t.type == "heading_open")
        return f"</h{min(6, max(3, int(opening.tag[1]) + 1))}>\n"


_PARSER = MarkdownIt("js-default", renderer_cls=_PrintRenderer)


def to_html(markdown: str) -> Body:
    """Render untrusted Markdown to HTML that WeasyPrint can print without fetching anything."""
    env: dict[str, Any] = {"notes": []}
    html = _PARSER.render(markdown, env)
    notes = tuple(printed_url(_readable(url)) for url in env["notes"])
    return Body(Markup(html), notes)  # noqa: S704 - markdown-it escapes all text; raw HTML is off


def _readable(href: str) -> str:
    """The link with the %-escapes of its path decoded; its site stays as markdown-it wrote it (punycode),
    so no look-alike letters are printed. Kept as it is when decoding would bring in spaces."""
    start, sep, rest = href.partition("://")
    site, slash, path = rest.partition("/")
    if not (sep and slash):
        return href
    path = str(_PARSER.normalizeLinkText("/" + path))[1:]
    return href if any(c.isspace() or not c.isprintable() for c in path) else f"{start}://{site}/{path}"


#: Query parameters that only tell a site where a reader came from; printing them helps nobody.
TRACKING = re.compile(
    r"utm_\w*|fbclid|gclid|gbraid|wbraid|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|ref_src",
    re.IGNORECASE,
)
LONG_URL = 60  #: printed characters above which the folders in the middle of an address are left out
BREAK_AFTER = frozenset("/.?&-_=")  #: a printed address may wrap only after one of these
UNBROKEN = 24  #: a longer run without any of them (an id, a hash) may also wrap after every 24 characters


def printed_url(url: str, limit: int | None = LONG_URL) -> Markup:
    """``url`` as a reader types it from paper, as HTML: escaped, with ``<wbr>`` where a line may wrap.

    Left out: ``https://``, ``http://``, ``mailto:``, a leading ``www.``, tracking parameters (utm_*,
    fbclid ...), a text fragment (``#:~:text=``) and a trailing slash. An address still longer than
    ``limit`` keeps its site, first folder, last part and query, with ``…`` for the folders between:
    ``example.org/news/…/the-statement``. Lines wrap only after ``/ . ? & - _ =`` (and inside runs of
    more than 24 characters without one), never inside a word. The result is never longer than ``url``.
    """
    text = _shortened(_cleaned(url.strip()), limit) if limit else _cleaned(url.strip())
    pieces: list[str] = []
    run = 0
    for i, char in enumerate(text):
        pieces.append(str(escape(char)))
        run = 0 if char in BREAK_AFTER else run + 1
        if i + 1 < len(text) and (char in BREAK_AFTER or run == UNBROKEN):
            pieces.append("<wbr>")
            run = 0
    return Markup("".join(pieces))  # noqa: S704 - every character was escaped above


def _cleaned(url: str) -> str:
    text = re.sub(r"^(?:https?://|mailto:)", "", url, flags=re.IGNORECASE)
    text = re.sub(r"^www\.(?=[^/?#]*\.)", "", text, flags=re.IGNORECASE)
    rest, hash_, fragment = text.partition("#")
    rest, _, query = rest.partition("?")
    kept = [p for p in query.split("&") if p and not TRACKING.fullmatch(p.partition("=")[0])]
    if fragment.startswith(":~:") or not fragment:
        hash_, fragment = "", ""
    if not kept and not hash_ and rest.count("/") and rest.endswith("/"):
        rest = rest[:-1]
    return rest + ("?" + "&".join(kept) if kept else "") + hash_ + fragment


def _shortened(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    end = min((i for i in (text.find("?"), text.find("#")) if i >= 0), default=len(text))
    parts = text[:end].split("/")  # site, first folder, ..., last part
    short = "/".join((*parts[:2], "…", parts[-1])) + text[end:]
    return short if len(parts) > 3 and len(short) < len(text) else text
