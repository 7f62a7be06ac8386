"""The pamphlet command line: thin click commands, each one call into the core."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pamphlet.schemes import BLANKS, DUPLEX, MARKS, SCHEMES, SHEETS_MM, Options, parse_grid

if TYPE_CHECKING:
    from pamphlet.build import BuildResult
    from pamphlet.renderer import Renderer


def run() -> None:
    """The ``pamphlet`` command: ``main``, then an exit that leaves the interpreter's objects to the system
    instead of freeing them one by one (a twentieth of a second after a build). Not where WeasyPrint rendered
    in this process (``--jobs 1``): its copies of the fonts go only when its objects are freed."""
    code = 0
    try:
        main()
    except SystemExit as done:
        if "weasyprint" in sys.modules or not isinstance(done.code, int | None):
            raise
        code = done.code or 0
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the reader stopped reading (| head)
        code = code or 1
    os._exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pamphlet")
def main() -> None:
    """Turn a library of statements into print-ready pamphlets and zines."""
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped as by Ctrl-C: workers and temp files go


@main.command()
@click.argument("manifests", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the reader and print PDFs.")
@click.option("--strict/--no-strict", default=os.environ.get("CI") == "true",
              help="Fail on any rendering warning (default on when CI=true).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
@click.option("--no-cache", is_flag=True, help="Render everything afresh; neither read nor fill the cache.")
@click.option("--watch", is_flag=True, help="Build again whenever a manifest, statement, layout or font changes.")
def build(manifests: tuple[Path, ...], out_dir: Path, strict: bool, jobs: int | None, no_cache: bool,
          watch: bool) -> None:
    """Build each MANIFEST into OUT/<name>.pdf (to read) and OUT/<name>-print.pdf (to photocopy).

    Rendered parts are cached in $PAMPHLET_CACHE_DIR (default ~/.cache/pamphlet), keyed on the content
    of every input, so a rebuild renders only what changed. The folder is safe to delete at any time.
    With --watch, the workers stay warm between builds: a rebuild after an edit takes a fraction of a second.
    """
    from pamphlet.cache import folder
    from pamphlet.renderer import Renderer, default_jobs

    stems = [m.stem for m in manifests]
    if clash := sorted(str(m) for m in manifests if stems.count(m.stem) > 1):
        raise click.UsageError(f"these manifests would write the same files in {out_dir}: {', '.join(clash)}; "
                               "build them one at a time, each with its own --out")

    logging.getLogger("weasyprint").propagate = False  # its warnings are collected and printed below
    cache = None if no_cache else folder()
    if watch:
        _watch(manifests, out_dir, strict, lambda: Renderer(jobs or default_jobs(), cache, _progress(), isolated=True))
        return
    with Renderer(jobs or default_jobs(), cache, _progress()) as renderer:
        from pamphlet.build import build_many  # after the workers start: they load WeasyPrint meanwhile

        results = build_many(list(manifests), out_dir, strict, renderer)
    _report(manifests, results)


def _report(manifests: Sequence[Path], results: Sequence[BuildResult]) -> None:
    """What each build wrote, how to print and finish it, and its warnings."""
    from pamphlet.howto import summary

    for manifest, result in zip(manifests, results, strict=True):
        click.echo(f"Built {manifest} in {result.seconds:.1f} s")
        click.echo(f"  {result.reader}  {result.imposed.plan.pages} pages, to read on screen")
        for path in result.printed:
            click.echo(f"  {path}  to photocopy")
        if result.shrunk:
            click.echo(f"  Body text set at {result.body_size:g} pt (smaller than usual) to fit the pages.")
        for line in summary(result.imposed, list(result.printed)):
            click.echo(line)
        _warn(result)


def _warn(result: BuildResult) -> None:
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)


def _watch(manifests: Sequence[Path], out_dir: Path, strict: bool, start: Callable[[], Renderer]) -> None:
    """Build, then build again after every change until Ctrl-C: the first summary in full, then one line each."""
    from pamphlet.errors import PamphletError
    from pamphlet.watch import watch

    builds = watch(manifests, out_dir, strict, start)
    try:
        for number, outcome in enumerate(builds):
            if isinstance(outcome, PamphletError):
                outcome.show()
            elif number == 0:
                _report(manifests, outcome)
            else:
                for manifest, result in zip(manifests, outcome, strict=True):
                    click.echo(f"{time.strftime('%H:%M:%S')} Built {manifest} in {result.seconds:.1f} s: "
                               f"{', '.join(map(str, (result.reader, *result.printed)))}")
                    _warn(result)
            if number == 0:
                click.echo("Watching the manifests, statements, layouts and fonts for changes; Ctrl-C stops.")
    except KeyboardInterrupt:
        click.echo("Stopped watching.")
    finally:
        builds.close()


def _progress() -> Callable[[int, int], None]:
    """Progress of long renders on stderr: a bar that redraws on a terminal, a line per tenth in logs."""
    terminal = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if total < 8:
            return
        if terminal:
            bar = "#" * (30 * done // total)
            click.echo(f"\rRendering {bar:<30} {done}/{total}", err=True, nl=done == total)
        elif done == total or done * 10 // total != (done - 1) * 10 // total:
            click.echo(f"Rendered {done}/{total} parts", err=True)

    return show


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The imposed PDF (with --duplex manual: OUTPUT-fronts.pdf and OUTPUT-backs.pdf).")
@click.option("--scheme", type=click.Choice(SCHEMES), default="saddle", show_default=True,
              help="saddle: booklet; signatures: sewn booklet; zine: 8-page one-sheet zine; trifold: "
                   "leaflet; nup: copies a side; cutstack: cut the stack into piles.")
@click.option("--sheet", type=click.Choice(tuple(SHEETS_MM)),
              help="Paper (default: the best fit, A5 -> A4, half-letter -> letter).")
@click.option("--duplex", type=click.Choice(DUPLEX),
              help="How the printer turns the sheet: short or long edge, or manual (two files).")
@click.option("--creep", type=click.FloatRange(-20, 20), default=0.0, help="Total creep compensation, mm.")
@click.option("--marks", default="", metavar="crop,fold,cut", help="Marks to draw outside the pages.")
@click.option("--bleed", type=click.FloatRange(0, 20), default=0.0, help="Bleed included in the pages, mm.")
@click.option("--blanks", type=click.Choice(BLANKS), default="before-last", show_default=True,
              help="Where padding blanks go: before the back cover, or at the end.")
@click.option("--gutter", type=click.FloatRange(0, 100), default=0.0, help="Space between cells, mm.")
@click.option("--sheets-per-signature", type=click.IntRange(1, 64), default=4, show_default=True)
@click.option("--grid", default="2x1", show_default=True, help="Cells across x down, for nup and cutstack.")
def impose(source: Path, output: Path, scheme: str, sheet: str | None, duplex: str | None, creep: float, marks: str,
           bleed: float, blanks: str, gutter: float, sheets_per_signature: int, grid: str) -> None:
    """Impose any PDF for printing, folding and cutting."""
    from pamphlet.howto import summary
    from pamphlet.impose import impose
    from pamphlet.output import write_atomically

    wanted = tuple(m.strip().lower() for m in marks.split(",") if m.strip())
    if bad := [m for m in wanted if m not in MARKS]:
        raise click.BadParameter(f"expected some of {', '.join(MARKS)}, got {', '.join(bad)}", param_hint="--marks")
    try:
        across, down = parse_grid(grid)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--grid") from None
    options = Options(sheet, duplex, creep, wanted, bleed, blanks, gutter, sheets_per_signature, across, down)
    result = impose(source.read_bytes(), scheme, options, str(source))
    if result.backs is None:
        files = {output: result.pdf}
    else:
        stem = output.with_suffix("")
        files = {Path(f"{stem}-fronts.pdf"): result.pdf, Path(f"{stem}-backs.pdf"): result.backs}
    write_atomically(files)
    click.echo(f"Imposed {source} ({result.plan.scheme})")
    for path in files:
        click.echo(f"  {path}")
    for line in summary(result, list(files)):
        click.echo(line)


@main.command("layouts")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also list the layouts in this manifest's own layouts/ folder.")
def list_layouts(manifest: Path | None) -> None:
    """Print the layouts: page size, pages a sheet holds, how they are imposed."""
    from pamphlet.errors import LayoutError
    from pamphlet.layouts import available, find_layout
    from pamphlet.schemes import plan

    folder = manifest.resolve().parent if manifest else None
    rows: list[tuple[str, ...]] = [("layout", "page (A4 paper)", "page (letter)", "a sheet holds", "imposition",
                                    "description")]
    for name in available(folder):
        layout = find_layout(name, folder)
        try:
            sheet = plan(layout.scheme, layout.pages or 4)
        except ValueError as err:
            raise LayoutError(f"{layout.folders[0] / 'layout.yaml'}: imposition: {err}") from None
        sides = 2 if any(s.back is not None for s in sheet.sheets) else 1
        cells = sheet.across * sheet.down
        holds = (f"{cells} copies a side" if layout.scheme == "nup"
                 else f"{cells * sides} pages ({cells} a side{', 2 sides' if sides == 2 else ''})")
        sizes = [f"{w:g} x {h:g} mm" if (w, h) != (0, 0) else "-"
                 for w, h in (layout.page_mm.get(paper, (0, 0)) for paper in ("a4", "letter"))]
        rows.append((name, *sizes, holds, layout.scheme, layout.description))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


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
    table = [header, *(tuple(_clip(c, n) for c, n in zip(row, limits, strict=True)) for row in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for row in table:
        cells = (c.ljust(w) if i < 5 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        click.echo("  ".join(cells).rstrip())
    click.echo(f"{len(rows)} statement{'s' * (len(rows) != 1)} in {folder}" + (f" tagged '{tag}'" if tag else ""))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@main.command("import")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the statement files (default: the nearest statements/ at or above here).")
@click.option("--tag", "tags", multiple=True, help="Tag every imported statement; repeat for more tags.")
@click.option("--dry-run", is_flag=True, help="Print each file and the page lines it drops; write nothing.")
@click.option("--force", is_flag=True, help="Replace statement files that already exist.")
def import_pages(sources: tuple[str, ...], into: Path | None, tags: tuple[str, ...], dry_run: bool,
                 force: bool) -> None:
    """Turn web pages (text files, .html files, or - for standard input) into statement files."""
    from pamphlet.errors import SourceError, problems_error
    from pamphlet.importer import import_sources
    from pamphlet.statements import find_library

    folder = into or find_library(Path.cwd())
    if folder is None:
        raise SourceError("no statements/ folder here or above; pass --into DIR")
    results, problems = import_sources(sources, folder, tags, force, dry_run, sys.stdin.buffer)
    for result in results:
        for line in result.report(dry_run):
            click.echo(line)
    if problems:
        raise problems_error(SourceError, problems)
