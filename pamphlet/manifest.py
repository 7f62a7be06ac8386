"""Manifests: a YAML file that selects statements and says how to print them, read into a Manifest."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pamphlet.errors import ManifestError, problems_error
from pamphlet.qr import is_web_address
from pamphlet.schemes import BLANKS, DUPLEX, MARKS, SCHEMES, SHEETS_MM, Options, parse_grid
from pamphlet.statements import Selector, find_library
from pamphlet.yamlfile import Fields, YamlList, YamlMap, describe, parse

KEYS = (
    "title", "subtitle", "organisation", "date", "edition", "language", "layout", "paper",
    "statements", "cover", "back", "library", "print", "theme", "pullquote",
)  # fmt: skip
PRINT_KEYS = (
    "scheme", "sheet", "duplex", "creep", "marks", "bleed", "blanks", "gutter", "sheets-per-signature", "grid",
)  # fmt: skip
PAPERS = ("a4", "letter")
THEME_KEYS = ("accent", "size", "font")
FONTS = {"serif": "Pamphlet Serif", "sans": "Pamphlet Sans"}  #: theme.font -> bundled family (fonts/fonts.css)
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


@dataclass(frozen=True)
class Back:
    """The back cover: a short text, contact lines and a URL."""

    text: str | None = None
    contact: tuple[str, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class Theme:
    """How the pamphlet looks: the colour of rules and bars, the body text size and the font.

    The default prints well in black and white; text itself is always black.
    """

    accent: str = "#000"  # a hex colour, validated, so it can go into CSS as it is
    size: float | None = None  # body text size in points; None: the layout's own
    font: str = "serif"  # a key of FONTS

    @property
    def family(self) -> str:
        """The CSS font-family list for text: the bundled family, then the bundled Arabic for Arabic script."""
        return f"{FONTS[self.font]}, Pamphlet Arabic"


@dataclass(frozen=True)
class Manifest:
    """One pamphlet edition: what it holds and how it is printed."""

    path: Path
    title: str
    statements: tuple[Selector, ...]
    library: Path
    subtitle: str | None = None
    organisation: str | None = None
    date: dt.date | None = None
    edition: str | None = None
    language: str = "en"
    layout: str = "booklet"
    paper: str = "a4"
    cover: str | None = None
    back: Back = Back()
    pullquote: str | None = None  # a line set large on the cover or the first panel
    theme: Theme = Theme()
    scheme: str | None = None  # print.scheme: overrides the layout's imposition
    options: Options = field(default_factory=Options)

    @property
    def stem(self) -> str:
        return self.path.stem


def read_manifest(path: Path) -> Manifest:
    """Read and validate ``path``; raise ManifestError listing every problem with its line."""
    try:
        data = parse(path.read_text(encoding="utf-8"), path)
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such manifest file") from None
    except UnicodeDecodeError as err:
        line = err.object[: err.start].count(b"\n") + 1
        raise ManifestError(f"{path}:{line}: expected UTF-8 text, got the byte {err.object[err.start]:#04x}") from None
    except OSError as err:
        raise ManifestError(f"{path}: expected a readable manifest file, got: {err.strerror}") from None
    except ValueError as err:
        raise ManifestError(str(err)) from None
    fields = Fields(data, path)
    fields.unknown(KEYS)
    library = _library(fields, path)
    manifest = Manifest(
        path=path,
        title=fields.text("title", required=True) or "",
        statements=_selectors(fields),
        library=library or path.parent / "statements",
        subtitle=fields.text("subtitle"),
        organisation=fields.text("organisation"),
        date=fields.date("date"),
        edition=fields.text("edition"),
        language=fields.language("language", "en"),
        layout=fields.text("layout") or "booklet",
        paper=fields.choice("paper", PAPERS, "a4"),
        cover=fields.text("cover"),
        back=_back(fields),
        pullquote=fields.text("pullquote"),
        theme=_theme(fields),
        **_print(fields),
    )
    if fields.problems:
        raise problems_error(ManifestError, fields.problems)
    return manifest


def _library(fields: Fields, path: Path) -> Path | None:
    name = fields.text("library")
    if name is None:
        found = find_library(path.resolve().parent)
        if found is None:
            fields.problems.append(f"{path}:1: library: no statements/ folder at or above {path.parent}; add library:")
        return found
    folder = (path.parent / os.path.expanduser(name)).resolve()
    if not folder.is_dir():
        fields.problem("library", f"expected a folder of statements, got '{name}', which is not a folder")
    return folder


def _selectors(fields: Fields) -> tuple[Selector, ...]:
    items = fields.data.get("statements")
    if not isinstance(items, YamlList) or not items:
        if "statements" in fields.data:
            fields.problem("statements", f"expected a list of statement ids or {{tag: T}} items, got {describe(items)}")
        else:
            fields.text("statements", required=True)
        return ()
    selectors = []
    for number, (item, raw, line) in enumerate(zip(items, items.raw, items.lines, strict=True), 1):
        line += fields.first_line - 1
        is_tag = isinstance(item, YamlMap) and list(item) == ["tag"]
        value, text = (item["tag"], item.raw.get("tag")) if is_tag else (item, raw)
        if value is None or text is None or not text.strip():  # a list, a mapping, nothing or blank
            fields.problems.append(
                f"{fields.path}:{line}: statements[{number}]: expected a statement id or {{tag: T}}, got {item!r}"
            )
            continue
        # scalars are kept as written, so ids such as 2024 or no stay text
        kind = "tag" if is_tag else "glob" if any(c in text for c in "*?[") else "id"
        selectors.append(Selector(kind, text.strip(), line))
    return tuple(selectors)


def _back(fields: Fields) -> Back:
    if isinstance(fields.data.get("back"), (str, int, float)):
        return Back(text=fields.text("back"))
    if not isinstance(fields.data.get("back"), (YamlMap, type(None))):
        got = describe(fields.data["back"])
        fields.problem("back", f"expected text, or a mapping of text, contact and url, got {got}")
        return Back()
    back = fields.mapping("back")
    if back is None:
        return Back()
    back.unknown(("text", "contact", "url"))
    url = back.text("url")
    if url and not is_web_address(url):
        back.problem("url", f"expected a web address starting with https://, got '{url}'")
    return Back(text=back.text("text"), contact=back.texts("contact"), url=url)


def _theme(fields: Fields) -> Theme:
    """The ``theme:`` block: accent colour, body text size, font."""
    block = fields.mapping("theme")
    if block is None:
        return Theme()
    block.unknown(THEME_KEYS)
    accent = "#000"
    if "accent" in block.data and block.data["accent"] is None:
        block.problem("accent", "expected a colour such as '#c00000' in quotes (a bare # starts a YAML comment), "
                                "got nothing")
    elif (text := block.text("accent")) is not None:
        if HEX_COLOUR.fullmatch(text):
            accent = text.lower()
        else:
            block.problem("accent", f"expected a colour as '#rgb' or '#rrggbb', got {describe(text)}")
    size = block.number("size", 10.0, 8.0, 14.0) if "size" in block.data else None
    return Theme(accent=accent, size=size, font=block.choice("font", tuple(FONTS), "serif"))


def _print(fields: Fields) -> dict[str, Any]:
    """The ``print:`` block: the same options as the flags of `pamphlet impose`."""
    block = fields.mapping("print")
    if block is None:
        return {}
    block.unknown(PRINT_KEYS)
    scheme = block.choice("scheme", SCHEMES, "") or None
    marks = tuple(m.strip().lower() for t in block.texts("marks") for m in t.split(","))
    for mark in marks:
        if mark not in MARKS:
            block.problem("marks", f"expected some of {', '.join(MARKS)}, got '{mark}'")
    across, down = 2, 1
    if (grid := block.text("grid")) is not None:
        try:
            across, down = parse_grid(grid)
        except ValueError as err:
            block.problem("grid", str(err))
    duplex = block.choice("duplex", DUPLEX, "") or None
    options = Options(
        sheet=block.choice("sheet", tuple(SHEETS_MM), "") or None,
        duplex=duplex,
        creep_mm=block.number("creep", 0.0, -20.0, 20.0),
        marks=marks,
        bleed_mm=block.number("bleed", 0.0, 0.0, 20.0),
        blanks=block.choice("blanks", BLANKS, "before-last"),
        gutter_mm=block.number("gutter", 0.0, 0.0, 100.0),
        sheets_per_signature=int(block.number("sheets-per-signature", 4, 1, 64)),
        across=across,
        down=down,
    )
    return {"scheme": scheme, "options": options}
