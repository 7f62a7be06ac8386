"""Render many jobs: from the cache when it has them, the rest on a warm pool of worker processes."""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from pamphlet import cache
from pamphlet.render import Job, Rendered, render

Progress = Callable[[int, int], None]  # (rendered so far, to render in all)


def default_jobs() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Renderer:
    """Renders jobs for one command run, reusing one pool of ``jobs`` worker processes across builds.

    With a ``cache`` folder, a job whose inputs were rendered before is read back instead. One job
    renders in this process, unless ``isolated``: then this process never loads fonts or stylesheets.
    Results never depend on the number of workers or on the cache: each job renders alone.
    """

    def __init__(self, jobs: int = 1, cache_dir: Path | None = None, progress: Progress | None = None,
                 isolated: bool = False) -> None:
        self.jobs = max(1, jobs)
        self.cache_dir = cache_dir
        self.progress = progress
        self.isolated = isolated
        self._pool: multiprocessing.pool.Pool | None = None
        self._scratch = Path()  # the workers' temporary files

    def __enter__(self) -> Renderer:
        """Start the workers now, so that they load WeasyPrint while this process reads the manifests."""
        if self.jobs > 1 or self.isolated:
            method = "fork" if sys.platform.startswith("linux") else "spawn"
            self._scratch = Path(tempfile.mkdtemp(prefix="pamphlet-workers-"))
            self._pool = multiprocessing.get_context(method).Pool(self.jobs, initializer=_warm,
                                                                  initargs=(self._scratch,))
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._pool:
            self._pool.terminate()  # every result is in; a worker still warming up has nothing to finish
            self._pool.join()
            self._pool = None
            shutil.rmtree(self._scratch, ignore_errors=True)

    def run(self, jobs: list[Job]) -> list[Rendered]:
        """The rendering of every job, in order."""
        inputs = {roots: cache.fingerprint(roots) for roots in {job.roots for job in jobs}} if self.cache_dir else {}
        keys = [cache.key(job, inputs[job.roots]) for job in jobs] if self.cache_dir else []
        found: dict[int, Rendered] = {}
        if self.cache_dir:
            for index, digest in enumerate(keys):
                if (hit := cache.load(self.cache_dir, digest)) is not None:
                    found[index] = hit
        todo = [i for i in range(len(jobs)) if i not in found]
        todo.sort(key=lambda i: -sum(map(len, jobs[i].htmls)))  # longest first: the workers finish together
        for index, rendered in self._render(jobs, todo):
            found[index] = rendered
            if self.cache_dir:
                cache.store(self.cache_dir, keys[index], rendered)
        return [found[i] for i in range(len(jobs))]

    def _render(self, jobs: list[Job], todo: list[int]) -> list[tuple[int, Rendered]]:
        done: list[tuple[int, Rendered]] = []
        if self._pool is None:
            for index in todo:
                done.append((index, render(jobs[index])))
                self._report(len(done), len(todo))
            return done
        for index, rendered in self._pool.imap_unordered(_render_one, [(i, jobs[i]) for i in todo]):
            done.append((index, rendered))
            self._report(len(done), len(todo))
        return done

    def _report(self, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total)


def _warm(scratch: Path) -> None:
    """A worker's first step: leave Ctrl-C to the command, keep temporary files (WeasyPrint's copies of the
    fonts) in ``scratch``, which the command removes however the worker ends, and load WeasyPrint and its
    fonts before the first job."""
    from pamphlet.render import warm_up

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tempfile.tempdir = str(scratch)
    warm_up()


def _render_one(indexed: tuple[int, Job]) -> tuple[int, Rendered]:
    return indexed[0], render(indexed[1])
