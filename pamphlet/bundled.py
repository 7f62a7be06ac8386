"""Where the bundled layouts and fonts are: inside the installed package, or beside it in a source checkout."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_ROOT = _HERE if (_HERE / "layouts").is_dir() else _HERE.parent
BUILTIN_LAYOUTS = _ROOT / "layouts"
#: Templates every layout may include (``{% include "qr.html.j2" %}``); not a layout itself.
PARTIALS = BUILTIN_LAYOUTS / "partials"
FONTS = _ROOT / "fonts"
