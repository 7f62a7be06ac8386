"""HTML to PDF with WeasyPrint, through a fetcher that serves only files under the project's roots."""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import hashlib
import importlib
import logging
import mimetypes
import re
import stat
import sys
import types
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pamphlet.errors import RenderError


@dataclass(frozen=True)
class Job:
    """One PDF to render: candidate HTMLs, largest text first, and the most pages the result may have."""

    htmls: tuple[str, ...]
    base: Path  # relative URLs resolve against it
    roots: tuple[Path, ...]  # the only folders whose files may be read
    pages: int | None = None  # None: one candidate, any length
    stylesheets: tuple[Path, ...] = ()  # applied to every candidate, parsed once per process


@dataclass(frozen=True)
class Rendered:
    """A rendered PDF, which candidate it is, whether it fits, and WeasyPrint's warnings."""

    pdf: bytes
    choice: int
    fits: bool
    warnings: tuple[str, ...]
    pages: int
    anchors: dict[str, int]  # the page (from 0) of every element id in the document
    tops: tuple[float, ...] = ()  # each page's top margin (CSS px, as its content stream sets text): running heads


def render(job: Job) -> Rendered:
    """Render the first candidate of ``job`` that has at most ``job.pages`` pages.

    Candidates are tried largest first, then by halving; when none fits, the last one is
    rendered with ``fits`` False. Pure function of the job: worker processes run it too, and what a process
    rendered before never shows.
    """
    warm_up()
    tried: dict[int, tuple[Any, list[str]]] = {}

    def fits(index: int) -> bool:
        if index not in tried:
            warnings: list[str] = []
            tried[index] = (_layout(job.htmls[index], job, warnings), warnings)
        return job.pages is None or len(tried[index][0].pages) <= job.pages

    choice, low, high = 0, 1, len(job.htmls) - 1
    if not fits(0):
        while low <= high:  # the first candidate that fits is in low .. high + 1
            middle = (low + high) // 2
            low, high = (low, middle - 1) if fits(middle) else (middle + 1, high)
        choice = min(low, len(job.htmls) - 1)
    fitting = fits(choice)  # lays it out if the search never did
    document, found = tried[choice]
    identifier = _identifier(job.htmls[choice], job.roots)
    try:
        with _collected(found):
            pdf = document.write_pdf(pdf_identifier=identifier)
    except Exception as err:  # WeasyPrint raises many kinds; the user needs one clear line
        raise RenderError(f"WeasyPrint could not write the PDF: {type(err).__name__}: {err}") from None
    anchors = {name: index for index, page in reversed(list(enumerate(document.pages))) for name in page.anchors}
    tops = tuple(page._page_box.margin_top for page in document.pages)
    return Rendered(pdf, choice, fitting, tuple(dict.fromkeys(found)), len(document.pages), anchors, tops)


# CPython 3.11 and 3.12 keep each thread's Python frames in 16 KB chunks, and map a chunk afresh every time a
# call crosses into it (python/cpython#142183): deep in WeasyPrint's layout that happened 130,000 times in a
# 256-page build, up to a tenth of its time. Reserving room for 16,000 values in this frame gives each render a
# chunk of its own of 256 KB, half of it free for the calls below.
render.__code__ = render.__code__.replace(co_stacksize=16_000)


def _identifier(html: str, roots: tuple[Path, ...]) -> bytes:
    """The PDF's /ID: a hash of ``html`` with the roots' locations left out (its stylesheet links name
    them), so that a project gives the same bytes wherever it is checked out."""
    for index, root in sorted(enumerate(roots), key=lambda pair: -len(str(pair[1]))):  # the longest first
        html = html.replace(root.resolve().as_uri(), f"root{index}:")
    return hashlib.sha256(html.encode()).hexdigest()[:32].encode()


def _layout(html: str, job: Job, warnings: list[str]) -> Any:
    """Lay ``html`` out with WeasyPrint (a Document of pages), logging its warnings into ``warnings``."""
    weasyprint = _weasyprint()
    try:
        with _collected(warnings):
            sheets = [_stylesheet(path, path.read_bytes(), job.roots) for path in job.stylesheets]
            document = weasyprint.HTML(string=html, base_url=job.base.as_uri() + "/", url_fetcher=_fetcher(job.roots))
            return document.render(font_config=_font_config(), stylesheets=sheets)
    except Exception as err:  # WeasyPrint raises many kinds; the user needs one clear line
        raise RenderError(f"WeasyPrint could not render the pamphlet: {type(err).__name__}: {err}") from None


@contextlib.contextmanager
def _collected(warnings: list[str]) -> Iterator[None]:
    """WeasyPrint's warnings, while in this block, appended to ``warnings``."""

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warnings.append(record.getMessage())

    handler = Collect(logging.WARNING)
    weasy_log = logging.getLogger("weasyprint")
    weasy_log.addHandler(handler)
    try:
        yield
    finally:
        weasy_log.removeHandler(handler)


@functools.cache
def warm_up() -> None:
    """Pay a process's fixed cost of rendering once, the same way in every process, before its first job: load
    WeasyPrint, a font configuration holding the bundled fonts, and the English hyphenation patterns. (A job loads
    each face as it first sets text in it: setting a line in all twelve here took 25 ms, and saved a job none.)
    What the process holds then stays for good: the garbage collector leaves it out of every later collection (a
    full one looking over it all took 20 to 40 ms, in a job of 60)."""
    import pyphen

    from pamphlet.bundled import FONTS

    fonts = FONTS / "fonts.css"
    _stylesheet(fonts, fonts.read_bytes(), (FONTS,))
    pyphen.Pyphen(lang="en")  # pyphen keeps the patterns for every later use in this process
    atexit.register(gc.unfreeze)  # first: then the fonts' temporary files go with the rest
    gc.freeze()


@functools.lru_cache(maxsize=32)
def _stylesheet(path: Path, content: bytes, roots: tuple[Path, ...]) -> Any:
    """``path`` (whose bytes are ``content``) parsed once per process, its fonts loaded."""
    return _weasyprint().CSS(string=content.decode("utf-8"), base_url=path.as_uri(), url_fetcher=_fetcher(roots),
                          font_config=_font_config())


@functools.cache
def _font_config() -> Any:
    """One font configuration per process: each @font-face font is loaded once, not once per document."""
    _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    atexit.register(_stylesheet.cache_clear)  # drop them while WeasyPrint can still clean up after them
    atexit.register(_font_config.cache_clear)
    return FontConfiguration()


@functools.cache
def _weasyprint() -> Any:
    """The weasyprint module, imported lightly (see ``_lightly``) when it can be, else the usual way, and set up
    (once) to compress at zlib's default level and make cffi types fast. A RenderError if it cannot load at all."""
    if "weasyprint" not in sys.modules:
        with _lightly():
            import weasyprint
    try:
        import pydyf
        import weasyprint
    except (OSError, ImportError) as err:
        raise RenderError(f"WeasyPrint cannot start: {err}; it needs the Pango library (see the README's "
                          "'What your system needs')") from None
    pydyf.zlib = _DEFLATE
    ffi = weasyprint.text.ffi.ffi
    if type(vars(ffi).get("_parsed_types")) is dict:
        ffi._parsed_types = _Types(ffi, ffi._parsed_types)
    return weasyprint


#: A C type named as WeasyPrint names those it asks cffi for: a type by name, pointers to it, or an array of it.
_C_TYPE = re.compile(r"(\w+(?: \w+)*) ?(\**)(?:\[(\d*)\])?")


class _Types(dict[str, Any]):
    """The table in which a cffi FFI keeps each C type it has parsed, by name, that makes a pointer or an array of
    a primitive or typedef'd type as its parser would, without parsing the name. Parsing one took 2 to 5 ms (cffi
    reads every type the FFI knows first): a process's first render asks for about ten, and then each PDF written
    asks for arrays of new lengths, one a font (a fortieth of all rendering)."""

    def __init__(self, ffi: Any, parsed: dict[str, Any]) -> None:
        super().__init__(parsed)
        self.ffi = ffi

    def __missing__(self, name: str) -> Any:
        from cffi import model

        match = _C_TYPE.fullmatch(name) if isinstance(name, str) else None
        if match is None:
            raise KeyError(name)
        base, stars, length = match.groups()
        typedef, quals = self.ffi._parser._declarations.get(f"typedef {base}", (None, 0))
        if base in model.PrimitiveType.ALL_PRIMITIVE_TYPES:
            made = model.PrimitiveType(base)
        elif isinstance(typedef, model.BaseTypeByIdentity) and not quals and not typedef.is_raw_function:
            made = typedef
        else:
            raise KeyError(name)  # cffi parses it
        for _ in stars:
            made = model.PointerType(made)
        if length is not None:
            made = model.ArrayType(made, int(length) if length else None)
        with self.ffi._lock:
            self[name] = found = (self.ffi._get_cached_btype(made), False)  # False: not a function
        return found


#: What WeasyPrint takes from fontTools but calls only for fonts that pamphlet does not bundle (variable ones),
#: or on systems without HarfBuzz's subsetter: a third of the time it takes to import.
_ON_FIRST_CALL = {
    "fontTools.subset": ("Options", "Subsetter"),
    "fontTools.varLib.instancer": ("instantiateVariableFont",),
}


@contextlib.contextmanager
def _lightly() -> Iterator[None]:
    """Import WeasyPrint, in this block, in two fifths of the time; should that fail, leave none of it imported,
    for the usual way to try again.

    The modules of ``_ON_FIRST_CALL`` are imported when WeasyPrint first calls them, not with it. And on Linux,
    where its libraries load by their ``.so.N`` names, but first each other spelling of the name is tried through
    ``ctypes.util.find_library``, which runs ldconfig and gcc every time, that lookup finds nothing at once.
    """
    import ctypes.util

    lookup = ctypes.util.find_library
    if sys.platform.startswith("linux"):
        ctypes.util.find_library = lambda name: None
    stand_ins = {name: _StandIn(name, calls) for name, calls in _ON_FIRST_CALL.items() if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    except (OSError, ImportError):
        for name in [m for m in sys.modules if m.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = lookup
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


class _StandIn(types.ModuleType):
    """Stands in for module ``name`` while WeasyPrint imports: each of ``calls`` it takes from it imports the
    module when it is called."""

    def __init__(self, name: str, calls: tuple[str, ...]) -> None:
        super().__init__(name)
        for call in calls:
            setattr(self, call, functools.partial(_call, name, call))


def _call(module: str, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``name`` of ``module``, imported now if it is not yet."""
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


#: The zlib that pydyf, which writes WeasyPrint's PDFs, compresses with: at level 6 (zlib's default) instead of
#: the 9 it asks for, which costs a tenth of all rendering time to make the PDFs about 1% smaller.
_DEFLATE = types.SimpleNamespace(**{**vars(zlib), "compressobj": lambda level=6, *args: zlib.compressobj(6, *args)})


def _fetcher(roots: tuple[Path, ...]) -> Any:
    """A WeasyPrint URL fetcher serving data: URLs and regular files under ``roots``, refusing the rest."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    allowed = tuple(r.resolve() for r in roots)

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme != "file":
                raise URLFetchingError(f"refused {url}: pamphlet reads no network resources")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in allowed):
                raise URLFetchingError(f"refused {url}: outside the layout, fonts and statement folders")
            if not path.exists() or not stat.S_ISREG(path.stat().st_mode):
                raise URLFetchingError(f"refused {url}: not a regular file")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})

    return ProjectFetcher()
