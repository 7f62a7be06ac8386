"""Manifests: a YAML file that selects statements and says how to print them, read into a Manifest."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from pamphlet.errors import ManifestError, problems_error
from pamphlet.statements import Selector, find_library
from pamphlet.yamlfile import Fields, YamlList, YamlMap, parse

KEYS = (
    "title", "subtitle", "organisation", "date", "edition", "language", "layout", "paper",
    "statements", "cover", "back", "library",
)  # fmt: skip
PAPERS = ("a4", "letter")


@dataclass(frozen=True)
class Back:
    """The back cover: a short text, contact lines and a URL."""

    text: str | None = None
    contact: tuple[str, ...] = ()
    url: str | None = None


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
        raise ManifestError(f"{path}: expected UTF-8 text, got the byte {err.object[err.start]:#04x}") from None
    except (ValueError, OSError) as err:
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
            fields.problem("statements", "expected a list of statement ids or {tag: T} items")
        else:
            fields.text("statements", required=True)
        return ()
    selectors = []
    for number, (item, line) in enumerate(zip(items, items.lines, strict=True), 1):
        line += fields.first_line - 1
        where = f"{fields.path}:{line}: statements[{number}]"
        if isinstance(item, str) and item.strip():
            kind = "glob" if any(c in item for c in "*?[") else "id"
            selectors.append(Selector(kind, item.strip(), line))
        elif isinstance(item, YamlMap) and len(item) == 1 and "tag" in item and isinstance(item["tag"], str):
            selectors.append(Selector("tag", item["tag"].strip(), line))
        else:
            fields.problems.append(f"{where}: expected a statement id or {{tag: T}}, got {item!r}")
    return tuple(selectors)


def _back(fields: Fields) -> Back:
    if isinstance(fields.data.get("back"), str):
        return Back(text=fields.text("back"))
    back = fields.mapping("back")
    if back is None:
        return Back()
    back.unknown(("text", "contact", "url"))
    url = back.text("url")
    if url and not url.startswith(("https://", "http://")):
        back.problem("url", f"expected a web address starting with https://, got '{url}'")
    return Back(text=back.text("text"), contact=back.texts("contact"), url=url)
