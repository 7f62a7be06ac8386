"""QR codes for paper: a web address as an inline vector SVG, black on white, with its quiet zone."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup

from pamphlet.markdown import printed_url

MAX_URL = 300  #: characters; a longer address makes a code too dense to scan from a photocopy
MODULE_MM = 0.55  #: the smallest printed module (one square) that a photocopy still scans well
MIN_MM = 24.0  #: the smallest printed code, quiet zone included
_NOT_IN_URLS = frozenset('"<>\\^`{|}')


@dataclass(frozen=True)
class QrCode:
    """A web address as a QR code to print, and the address as printed under it."""

    url: str
    svg: Markup  # <svg> sized in millimetres; paths only, nothing from the address as text
    caption: Markup  # the address without https:// and tracking, with line breaks only at separators
    size_mm: float


def is_web_address(text: str) -> bool:
    """Whether ``text`` is an http(s) address with a host, short enough for a code, with no spaces or quotes."""
    if not 0 < len(text) <= MAX_URL or any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c in _NOT_IN_URLS
                                           for c in text):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:  # a malformed [IPv6] host or port
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def qr_code(url: str) -> QrCode:
    """The QR code of ``url``, an address that passes ``is_web_address`` (else ValueError).

    The code is at least MIN_MM wide and grows with the address so that no module prints smaller
    than MODULE_MM; error correction is at least level M (segno raises it when that costs no size).
    """
    if not is_web_address(url):
        raise ValueError(f"expected an http(s) web address of at most {MAX_URL} characters, got {url!r}")
    import segno  # here, not at the top: most pamphlets print no code, and segno takes 20 ms to load

    code = segno.make_qr(url, error="m", boost_error=True)
    modules = code.symbol_size(border=4)[0]  # the quiet zone of 4 modules is part of the printed size
    size = round(max(MIN_MM, modules * MODULE_MM), 1)
    # drawn in modules (a scale other than 1 makes segno's white background a module short), sized in mm
    svg = code.svg_inline(border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None, omitsize=True)
    svg = svg.replace("<svg ", f'<svg width="{size}mm" height="{size}mm" ', 1)
    return QrCode(url, Markup(svg), printed_url(url, limit=None), size)  # noqa: S704 - segno writes only paths
