"""HTML to PDF with WeasyPrint, through a fetcher that serves only files under the project's roots."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pamphlet.errors import RenderError

log = logging.getLogger("pamphlet")


def render_pdf(html: str, base: Path, roots: tuple[Path, ...]) -> tuple[bytes, tuple[str, ...]]:
    """Render ``html`` (relative URLs resolved against ``base``) to PDF bytes.

    Only ``data:`` URLs and regular files under ``roots`` can be read; nothing is fetched from
    the network. Returns the PDF and the warnings WeasyPrint gave (missing glyphs, refused files).
    """
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    allowed = tuple(r.resolve() for r in roots)

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]
        """Serves data: URLs and files under the allowed roots; refuses everything else."""

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

    warnings: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warnings.append(record.getMessage())

    handler = Collect(logging.WARNING)
    weasy_log = logging.getLogger("weasyprint")
    weasy_log.addHandler(handler)
    try:
        document = weasyprint.HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=ProjectFetcher())
        identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()  # same HTML, same bytes
        pdf = document.write_pdf(pdf_identifier=identifier)
    except Exception as err:  # WeasyPrint raises many kinds; the user needs one clear line
        raise RenderError(f"WeasyPrint could not render the pamphlet: {type(err).__name__}: {err}") from None
    finally:
        weasy_log.removeHandler(handler)
    assert isinstance(pdf, bytes)
    return pdf, tuple(dict.fromkeys(warnings))
