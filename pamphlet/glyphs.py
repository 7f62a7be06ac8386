"""Characters of the statements that no bundled font can print, found before rendering, as warnings."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from pamphlet.statements import Statement

#: Categories that need no glyph of their own: controls (line ends, tabs) and format characters
#: (soft hyphen, zero-width joiners, direction marks), which shaping consumes.
INVISIBLE = ("Cc", "Cf")


#: The code points the fonts of a folder hold, as ranges ("0020-007E"), so that a build need not read
#: every font's character map (a quarter of a second); `python -m pamphlet.glyphs FOLDER` writes it.
COVERAGE = "coverage.txt"


@cache
def covered(fonts_dir: Path) -> frozenset[int]:
    """Every code point that some font in ``fonts_dir`` maps to a glyph, from its COVERAGE file when it has one.

    The bundled families (Noto Serif, Noto Sans) cover the same characters in every style, and every
    font stack of the layouts ends in Pamphlet Arabic, so a character any of them holds is printed.
    """
    listed = fonts_dir / COVERAGE
    if not listed.is_file():
        return read_fonts(fonts_dir)
    codes: set[int] = set()
    for line in listed.read_text(encoding="ascii").split():
        first, _, last = line.partition("-")
        codes.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(codes)


def read_fonts(fonts_dir: Path) -> frozenset[int]:
    """Every code point that some font (*.ttf, *.otf) in ``fonts_dir`` maps to a glyph, read from the fonts."""
    from fontTools.ttLib import TTFont

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


def ranges(codes: frozenset[int]) -> list[str]:
    """``codes`` as sorted ranges, "0041-005A" (or "00A0" alone): the lines of a COVERAGE file."""
    lines: list[str] = []
    start = previous = None
    for code in [*sorted(codes), None]:
        if start is not None and previous is not None and (code is None or code != previous + 1):
            lines.append(f"{start:04X}" if start == previous else f"{start:04X}-{previous:04X}")
            start = None
        if code is not None and start is None:
            start = code
        previous = code
    return lines


if __name__ == "__main__":
    import sys

    folder = Path(sys.argv[1])
    (folder / COVERAGE).write_text("\n".join(ranges(read_fonts(folder))) + "\n", encoding="ascii")
