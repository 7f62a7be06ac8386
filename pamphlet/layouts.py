"""Layouts: find one by name, read its layout.yaml, and render its Jinja2 templates."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from pamphlet.bundled import BUILTIN_LAYOUTS, PARTIALS
from pamphlet.errors import LayoutError, problems_error
from pamphlet.yamlfile import Fields, parse

PAPERS = ("a4", "letter")
TEMPLATE = "document.html.j2"
MIN_SIZE = 8.0  #: the smallest body text size, in points, that pamphlet prints


@dataclass(frozen=True)
class Layout:
    """A layout folder, with the folders it extends, resolved into what rendering needs."""

    name: str
    folders: tuple[Path, ...]  # own folder first, then the layouts it extends
    description: str
    page_mm: dict[str, tuple[float, float]]  # paper -> (width, height) of one page
    scheme: str
    pages: int | None  # the most pages it holds (a zine's 8), or None when it grows with its text
    split: bool  # statements start on new pages, so each can be rendered on its own and cached
    size: float  # the body text size in points, before any shrinking to fit

    @property
    def stylesheets(self) -> tuple[Path, ...]:
        """Every style.css of the chain, the extended layout's first so its children override it."""
        return tuple(f / "style.css" for f in reversed(self.folders) if (f / "style.css").is_file())

    def render(self, context: dict[str, Any]) -> str:
        """Render the layout's document template with ``context``; raise LayoutError on template bugs."""
        try:
            return _environment(self.folders).get_template(TEMPLATE).render(context)
        except jinja2.TemplateError as err:
            where = f"{getattr(err, 'filename', None) or self.name}:{getattr(err, 'lineno', None) or 1}"
            raise LayoutError(f"{where}: layout '{self.name}': {err.message or err}") from None


@functools.lru_cache(maxsize=16)
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    """One Jinja2 environment per chain of folders, so templates compile once (and reload when edited)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in (*folders, PARTIALS)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def reload_templates() -> None:
    """Forget every compiled template: a template added since shadows the one loaded before (``--watch``)."""
    _environment.cache_clear()


def search_path(manifest_dir: Path | None) -> tuple[Path, ...]:
    """Where layouts are looked for: the manifest's own ``layouts/`` folder, then the built-in ones."""
    own = manifest_dir.resolve() / "layouts" if manifest_dir else None  # absolute: its files become file: URIs
    return (own, BUILTIN_LAYOUTS) if own and own.is_dir() else (BUILTIN_LAYOUTS,)


def available(manifest_dir: Path | None = None) -> list[str]:
    """Names of every layout the manifest can use."""
    return sorted({p.name for root in search_path(manifest_dir) for p in root.iterdir() if _is_layout(p)})


def _is_layout(folder: Path) -> bool:
    return (folder / "layout.yaml").is_file()


def find_layout(name: str, manifest_dir: Path | None = None, _seen: tuple[str, ...] = ()) -> Layout:
    """The layout called ``name``; raise LayoutError listing the available ones when unknown."""
    # a manifest's own layout that extends the built-in one of the same name
    roots = (BUILTIN_LAYOUTS,) if _seen and name == _seen[-1] else search_path(manifest_dir)
    folder = next((r / name for r in roots if _is_layout(r / name)), None)
    if folder is None:
        raise LayoutError(f"unknown layout '{name}'; available: {', '.join(available(manifest_dir))}")
    path = folder / "layout.yaml"
    try:
        fields = Fields(parse(path.read_text(encoding="utf-8"), path), path)
    except (ValueError, UnicodeDecodeError) as err:
        raise LayoutError(str(err)) from None
    fields.unknown(("description", "extends", "page", "imposition", "pages", "split", "size"))
    parent_name = fields.text("extends")
    if parent_name in (*_seen, name) and parent_name != name:
        raise LayoutError(f"{path}:{fields.line('extends')}: extends: layouts extend each other in a circle")
    try:
        parent = find_layout(parent_name, manifest_dir, (*_seen, name)) if parent_name else None
    except LayoutError as err:
        if not err.message.startswith("unknown layout"):  # already names its own file and line
            raise
        raise LayoutError(f"{path}:{fields.line('extends')}: extends: {err.message}") from None
    page_mm = dict(parent.page_mm) if parent else {}
    pages = fields.mapping("page")
    if pages:
        pages.unknown(PAPERS)
    for paper in PAPERS:
        size = pages.data.get(paper) if pages else None
        if size is None:
            continue
        if isinstance(size, list) and len(size) == 2 and all(type(v) in (int, float) and v > 0 for v in size):
            page_mm[paper] = (float(size[0]), float(size[1]))
        elif pages:
            pages.problem(paper, f"expected [width, height] in millimetres, got {size!r}")
    if not page_mm and not fields.problems:
        fields.problem("page", "expected page sizes for a4 and letter paper in millimetres")
    pages_held = _pages(fields, parent)
    split = fields.flag("split", parent.split if parent else False)
    size = fields.number("size", parent.size if parent else 10.0, low=MIN_SIZE, high=24.0)
    if fields.problems:
        raise problems_error(LayoutError, fields.problems)
    return Layout(
        name=name,
        folders=(folder, *(parent.folders if parent else ())),
        description=fields.text("description") or (parent.description if parent else ""),
        page_mm=page_mm,
        scheme=fields.text("imposition") or (parent.scheme if parent else "saddle"),
        pages=pages_held,
        split=split,
        size=size,
    )


def _pages(fields: Fields, parent: Layout | None) -> int | None:
    value = fields.data.get("pages", parent.pages if parent else None)
    if value is None or (type(value) is int and value > 0):
        return value
    fields.problem("pages", f"expected a whole number of pages, got {value!r}")
    return None
