"""Characters of the statements that no bundled font can print, found before rendering, as warnings."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from pamphlet.statements import Statement

#: Categories that need no glyph of their own: controls (line ends, tabs) and format characters
#: (soft hyphen, zero-width joiners, direction marks), which shaping consumes.
INVISIBLE = ("Cc", "Cf")


@cache
def covered(fonts_dir: Path) -> frozenset[int]:
    """Every code point that some font (*.ttf, *.otf) in ``fonts_dir`` maps to a glyph; read once per process.

    The bundled families (Noto Serif, Noto Sans) cover the same characters in every style, and every
    font stack of the layouts ends in Pamphlet Arabic, so a character any of them holds is printed.
    """
    codes: set[int] = set()
    for path in sorted(p for p in fonts_dir.iterdir() if p.suffix.lower() in (".ttf", ".otf")):
        font = TTFont(path, lazy=True)
        try:
            codes.update(font.getBestCmap() or {})
        finally:
            font.close()
    return frozenset(codes)


def missing(statements: Iterable[Statement], fonts_dir: Path) -> tuple[str, ...]:
    """One warning per statement and character that the fonts in ``fonts_dir`` cannot print.

    Each reads ``file:line: statement 'id': no glyph for 'X' (U+XXXX NAME) in the bundled fonts``,
    with the line where the character first appears in the file. Printed text only is checked:
    title, summary, organisation, author, source, pull quote and body.
    """
    have = covered(fonts_dir.resolve())
    warnings: list[str] = []
    for statement in statements:
        fields = (statement.title, statement.summary, statement.organisation, statement.author, statement.source,
                  statement.pullquote, statement.body)
        lacking = [c for c in dict.fromkeys("".join(f for f in fields if f)) if _needs_glyph(c) and ord(c) not in have]
        if not lacking:
            continue
        source = _text(statement.path)
        for char in lacking:
            line = source.count("\n", 0, max(source.find(char), 0)) + 1
            name = unicodedata.name(char, "unnamed")
            warnings.append(f"{statement.path}:{line}: statement '{statement.id}': no glyph for '{char}' "
                            f"(U+{ord(char):04X} {name}) in the bundled fonts")
    return tuple(warnings)


def _needs_glyph(char: str) -> bool:
    code = ord(char)
    selector = 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF  # variation selectors pick a glyph, need none
    return not selector and unicodedata.category(char) not in INVISIBLE


def _text(path: Path) -> str:
    """The statement file's text, to find lines in; empty when it can no longer be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
