"""One configured Markdown parser: raw HTML shown as text, links printed as numbered endnotes."""

from __future__ import annotations

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
    """A statement body as safe HTML, with the URLs of its links in endnote order."""

    html: Markup
    notes: tuple[str, ...]


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
    return Body(Markup(html), tuple(env["notes"]))  # noqa: S704 - markdown-it escapes all text; raw HTML is off
