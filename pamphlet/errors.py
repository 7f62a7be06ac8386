"""The one exception hierarchy of pamphlet: every expected failure is a PamphletError."""

from __future__ import annotations

import click


class PamphletError(click.ClickException):
    """Base of every error pamphlet reports to a user: click prints the message and exits 1."""


class ManifestError(PamphletError):
    """Raised when a manifest is unreadable, malformed or selects statements that do not exist."""


class StatementError(PamphletError):
    """Raised when a statement file has bad front matter, bad encoding or a bad name."""


class LayoutError(PamphletError):
    """Raised when a layout is unknown, its layout.yaml is invalid or a template fails."""


class RenderError(PamphletError):
    """Raised when WeasyPrint cannot render the pamphlet, or warns while --strict is on."""


class ImpositionError(PamphletError):
    """Raised when pages cannot be imposed: damaged input, too many pages, pages too big."""


class OutputError(PamphletError):
    """Raised when an output file cannot be written; the previous output is left untouched."""


def problems_error(kind: type[PamphletError], problems: list[str]) -> PamphletError:
    """Return one error of ``kind`` listing every problem, one per line."""
    if len(problems) == 1:
        return kind(problems[0])
    return kind(f"{len(problems)} problems:\n" + "\n".join(f"  {p}" for p in problems))
