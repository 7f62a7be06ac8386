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


class SourceError(PamphletError):
    """Raised when `pamphlet import` cannot read a page: empty, binary, not UTF-8, too big, or no statement in it."""


def problems_error(kind: type[PamphletError], problems: list[str]) -> PamphletError:
    """Return one error of ``kind`` listing every problem, one per line."""
    if len(problems) == 1:
        return kind(problems[0])
    ordered = sorted(problems, key=_location)
    return kind(f"{len(problems)} problems:\n" + "\n".join(f"  {p}" for p in ordered))


def _location(problem: str) -> tuple[str, int]:
    """(file, line) of a ``file:line: ...`` problem, so problems list in the order of the files."""
    path, _, rest = problem.partition(":")
    line = rest.partition(":")[0]
    return path, int(line) if line.isdigit() else 0
