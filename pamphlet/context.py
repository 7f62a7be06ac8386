"""What a layout template sees: the manifest, its statements as HTML, page size, fonts, theme and QR codes."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from markupsafe import Markup

from pamphlet.bundled import FONTS
from pamphlet.layouts import Layout
from pamphlet.manifest import Manifest
from pamphlet.markdown import printed_url, to_html
from pamphlet.qr import is_web_address, qr_code
from pamphlet.statements import Statement

RTL_LANGUAGES = ("ar", "fa", "he", "ur", "ps", "yi", "ckb", "dv")


def context(manifest: Manifest, layout: Layout, statements: tuple[Statement, ...]) -> dict[str, Any]:
    """Everything a layout template may use."""
    width, height = layout.page_mm[manifest.paper]
    when = manifest.edition or (_long_date(manifest.date) if manifest.date else None)
    return {
        "manifest": manifest,
        "when": when,
        "created": made.strftime("%Y-%m-%dT%H:%M:%SZ") if (made := source_date()) else None,
        "page": {"width": width, "height": height},
        "fonts_css": (FONTS / "fonts.css").as_uri(),
        "stylesheets": [p.resolve().as_uri() for p in layout.stylesheets],
        "theme": manifest.theme,
        "body_size": manifest.theme.size or layout.size,
        "pullquote": manifest.pullquote,
        "qr": qr_code(manifest.back.url) if manifest.back.url else None,
        "items": [
            {
                "statement": s,
                "anchor": f"statement-{s.id}",
                "body": to_html(s.body),
                "direction": "rtl" if s.language.split("-")[0].lower() in RTL_LANGUAGES else "ltr",
                "pullquote": s.pullquote,
                "source": _source(s.source),
                "qr": qr_code(s.source) if s.qr and s.source else None,
            }
            for s in statements
        ],
    }


def _source(source: str | None) -> Markup | str | None:
    """A source as printed: a web address shortened and wrapping only at its separators, other text as it is."""
    return printed_url(source) if source and is_web_address(source) else source


def _long_date(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def source_date() -> dt.datetime | None:
    """The PDFs' creation date: SOURCE_DATE_EPOCH when set, else none at all (so builds repeat)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else None
