"""Build again whenever a file the build reads changes, keeping the workers warm in between."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from pathlib import Path

from pamphlet.build import BuildResult, build_many
from pamphlet.bundled import FONTS, PARTIALS
from pamphlet.errors import PamphletError
from pamphlet.glyphs import covered
from pamphlet.layouts import reload_templates, search_path
from pamphlet.manifest import read_manifest
from pamphlet.renderer import Renderer
from pamphlet.statements import find_library

POLL = 0.1  # seconds between two looks at the files

Snapshot = dict[Path, tuple[int, int, int]]  # every file watched: its modification time (ns), size and inode


def watch(manifests: Sequence[Path], out_dir: Path, strict: bool, start: Callable[[], Renderer],
          poll: float = POLL) -> Generator[list[BuildResult] | PamphletError, None, None]:
    """Build ``manifests`` now and after every change, yielding each build's results or error, until closed.

    Edits to manifests and statements reuse the warm workers. An edit to a layout or a font starts new
    ones: a worker keeps the stylesheets and fonts it has loaded.
    """
    while True:
        with start() as renderer:
            kept: Snapshot | None = None
            while True:
                places = _places(manifests)
                seen = _look(places, out_dir)
                if kept is not None and seen[1] != kept:
                    covered.cache_clear()  # the fonts' coverage and the templates are read afresh too
                    reload_templates()
                    break
                kept = seen[1]
                try:
                    yield build_many(manifests, out_dir, strict, renderer)
                except PamphletError as err:
                    yield err
                _wait_for_change(places, out_dir, seen, poll)


def _places(manifests: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """The files and folders the builds read: manifests and statements, then layouts and fonts."""
    light, heavy = [*manifests], [PARTIALS, FONTS]
    for path in manifests:
        heavy += search_path(path.parent)
        try:
            light.append(read_manifest(path).library)
        except PamphletError:  # its error is the build's to report; watch where the statements usually are
            light += filter(None, [find_library(path.resolve().parent)])
    return light, heavy


def _look(places: tuple[list[Path], list[Path]], out_dir: Path) -> tuple[Snapshot, Snapshot]:
    """The modification time, size and inode of every file at or under the places, but for hidden files and
    folders (``.git``), editors' backups (``name~``) and the output folder."""
    skip = out_dir.resolve()
    found: tuple[Snapshot, Snapshot] = ({}, {})
    for places_of, snapshot in zip(places, found, strict=True):
        for place in places_of:
            walked: Iterable[tuple[str, list[str], list[str]]] = (
                os.walk(place) if place.is_dir() else [(str(place.parent), [], [place.name])])
            for folder, folders, files in walked:
                here = Path(folder)
                folders[:] = [f for f in folders if not f.startswith(".") and (here / f).resolve() != skip]
                for name in files:
                    if name.startswith(".") or name.endswith("~"):
                        continue
                    try:
                        status = (here / name).stat()
                    except OSError:  # gone since it was listed: the next look sees that
                        continue
                    if stat.S_ISREG(status.st_mode):
                        snapshot[here / name] = (status.st_mtime_ns, status.st_size, status.st_ino)
    return found


def _wait_for_change(places: tuple[list[Path], list[Path]], out_dir: Path, seen: tuple[Snapshot, Snapshot],
                     poll: float) -> None:
    """Return once the files differ from ``seen`` and then stay the same for half a ``poll`` (a save is done)."""
    now = seen
    while now == seen:
        time.sleep(poll)
        now = _look(places, out_dir)
    while True:
        time.sleep(poll / 2)
        later = _look(places, out_dir)
        if later == now:
            return
        now = later
