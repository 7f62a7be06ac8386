"""The pamphlet command line: thin click commands, each one call into the core."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

PAPER_NAMES = {"a4": "A4", "letter": "US Letter"}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pamphlet")
def main() -> None:
    """Turn a library of statements into print-ready pamphlets and zines."""
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)


@main.command()
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the reader and print PDFs.")
@click.option("--strict/--no-strict", default=os.environ.get("CI") == "true",
              help="Fail on any rendering warning (default on when CI=true).")
def build(manifest: Path, out_dir: Path, strict: bool) -> None:
    """Build MANIFEST into OUT/<name>.pdf (to read) and OUT/<name>-print.pdf (to photocopy)."""
    from pamphlet.build import build as run

    logging.getLogger("weasyprint").propagate = False  # its warnings are collected and printed below
    result = run(manifest, out_dir, strict=strict)
    paper = PAPER_NAMES[result.paper]
    sides = result.sheets * 2
    click.echo(f"Built {manifest} in {result.seconds:.1f} s")
    click.echo(f"  {result.reader}  {result.pages} pages, to read on screen or print as is")
    click.echo(f"  {result.printed}  {result.sheets} sheet{'s' * (result.sheets != 1)} of {paper} a copy "
               f"({sides} sides), to photocopy")
    padded = result.pages + result.blanks
    blanks = f" + {result.blanks} blank before the back cover" if result.blanks else ""
    click.echo(f"  Pages: {result.pages}{blanks} = {padded} ({result.scheme}, 2 pages a side)")
    if result.scale < 0.999:
        click.echo(f"  Pages scaled to {result.scale:.0%} to fit the sheet.")
    for warning in result.warnings:
        click.echo(f"  Warning: {warning}")
    click.echo("How to print, fold and staple one copy:")
    click.echo(f"  1. Print {result.printed.name} on {paper} paper, double-sided, \"flip on short edge\",")
    click.echo("     at actual size (100%, not \"fit to page\").")
    click.echo("  2. Keep the sheets in the order they come out; fold the stack in half, cover outside.")
    click.echo("  3. Staple twice along the fold, from the outside.")


@main.command("list")
@click.option("--tag", help="Only statements with this tag.")
@click.option("--library", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of statements (default: the nearest statements/ at or above here).")
def list_statements(tag: str | None, library: Path | None) -> None:
    """Print the library as a table: id, title, organisation, date, tags, words."""
    from pamphlet.errors import StatementError
    from pamphlet.statements import find_library, read_library

    folder = library or find_library(Path.cwd())
    if folder is None:
        raise StatementError("no statements/ folder here or above; pass --library DIR")
    rows = [
        (s.id, s.title, s.organisation or s.author or "", str(s.date or ""), ", ".join(s.tags), str(s.words))
        for s in read_library(folder).values()
        if tag is None or tag.lower() in s.tags
    ]
    header = ("id", "title", "organisation", "date", "tags", "words")
    limits = (999, 48, 26, 10, 34, 6)  # ids are never clipped: users type them
    rows = [tuple(_clip(c, n) for c, n in zip(row, limits, strict=True)) for row in rows]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        click.echo("  ".join(c.ljust(w) if i < 5 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
    click.echo(f"{len(rows)} statement{'s' * (len(rows) != 1)} in {folder}" + (f" tagged '{tag}'" if tag else ""))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
