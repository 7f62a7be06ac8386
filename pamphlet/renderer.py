"""Render many jobs: from the cache when it has them, the rest on warm worker processes."""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path
from types import TracebackType
from typing import Any

from pamphlet import cache
from pamphlet.errors import PamphletError, RenderError
from pamphlet.render import Job, Rendered, render, warm_up

Progress = Callable[[int, int], None]  # (rendered so far, to render in all)
Arrived = Callable[[int, Rendered], None]  # (the job's place in the run, its rendering)


def default_jobs() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Renderer:
    """Renders jobs for one command run, reusing ``jobs`` warm worker processes across builds.

    With a ``cache`` folder, a job whose inputs were rendered before is read back instead. One job
    renders in this process, unless ``isolated``: then this process never loads fonts or stylesheets.
    Results never depend on the number of workers or on the cache: each job renders alone.
    """

    def __init__(self, jobs: int = 1, cache_dir: Path | None = None, progress: Progress | None = None,
                 isolated: bool = False) -> None:
        self.jobs = max(1, jobs)
        self.cache_dir = cache_dir
        self.progress = progress
        self._pooled = self.jobs > 1 or isolated
        self._workers: list[_Worker] = []
        self._scratch: Path | None = None  # the workers' temporary files

    def __enter__(self) -> Renderer:
        """Start the workers now, so that the first loads WeasyPrint while this process reads the manifests."""
        self._start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._stop()

    def _start(self) -> None:
        """Start the workers, keeping their temporary files (WeasyPrint's copies of the fonts) in a folder that
        is removed however they end."""
        if self._pooled and not self._workers:
            context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
            self._scratch = Path(tempfile.mkdtemp(prefix="pamphlet-workers-"))
            for n in range(self.jobs):
                self._workers.append(_Worker(context, self._scratch, self.cache_dir, not n, self._workers))

    def _stop(self) -> None:
        """Stop every worker at once (a job still rendering has nobody waiting for it) and clear up after them."""
        for worker in self._workers:
            worker.process.kill()
        for worker in self._workers:
            worker.process.join()
            worker.connection.close()
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
        self._workers, self._scratch = [], None

    def run(self, jobs: list[Job], arrived: Arrived | None = None) -> list[Rendered]:
        """The rendering of every job, in order. ``arrived`` is told of each as soon as this process has it:
        of those the cache has while the workers render the rest, whenever none has an answer waiting."""
        inputs = {roots: cache.fingerprint(roots) for roots in {job.roots for job in jobs}} if self.cache_dir else {}
        keys = [cache.key(job, inputs[job.roots]) for job in jobs] if self.cache_dir else []
        found: dict[int, Rendered] = {}
        if self.cache_dir:
            for index, digest in enumerate(keys):
                if (hit := cache.load(self.cache_dir, digest)) is not None:
                    found[index] = hit
        todo = [i for i in range(len(jobs)) if i not in found]
        todo.sort(key=lambda i: -sum(map(len, jobs[i].htmls)))  # longest first: the workers finish together
        meanwhile: deque[Callable[[], None]] = deque(functools.partial(arrived, *hit) for hit in found.items()
                                                     if arrived)
        for done, (index, rendered) in enumerate(self._render(jobs, todo, meanwhile), 1):
            found[index] = rendered
            if self.cache_dir:
                cache.store(self.cache_dir, keys[index], rendered)
            if arrived:
                arrived(index, rendered)
            if self.progress:
                self.progress(done, len(todo))
        return [found[i] for i in range(len(jobs))]

    def _render(self, jobs: list[Job], todo: list[int], meanwhile: deque[Callable[[], None]]
                ) -> Iterator[tuple[int, Rendered]]:
        """Each job of ``todo`` rendered, as it is done: in this process, or on the workers, each sent its next
        job before this one is handed on, so that none waits while this process stores it. Each call of
        ``meanwhile`` is made while no worker has an answer waiting (at the latest once all have answered)."""
        if not self._pooled:
            cache.hyphenation(self.cache_dir)
            yield from ((index, render(jobs[index])) for index in todo)
            while meanwhile:
                meanwhile.popleft()()
            return
        self._start()  # again, if a failed run stopped them
        waiting = iter(todo)
        busy: dict[Connection, tuple[_Worker, int]] = {}

        def give(worker: _Worker) -> None:
            if (index := next(waiting, None)) is not None:
                worker.send(jobs[index])
                busy[worker.connection] = worker, index

        try:
            for worker in self._workers:
                give(worker)
            while busy or meanwhile:
                ready: Any = wait(list(busy), 0 if meanwhile else None)
                if not ready:
                    meanwhile.popleft()()
                    continue
                worker, index = busy.pop(ready[0])
                rendered = worker.result()
                give(worker)
                yield index, rendered
        except BaseException:
            self._stop()  # the others' jobs would answer the next run: that one starts afresh
            raise


class _Worker:
    """A worker process and this process's end of the pipe it takes jobs from and answers on."""

    def __init__(self, context: Any, scratch: Path, cache_dir: Path | None, eager: bool, others: list[_Worker]) -> None:
        self.connection, theirs = context.Pipe()
        ours = (self.connection, *(other.connection for other in others))  # a forked process has them too
        self.process = context.Process(target=_serve, args=(theirs, ours, scratch, cache_dir, eager), daemon=True)
        self.process.start()
        theirs.close()

    def send(self, job: Job) -> None:
        try:
            self.connection.send(job)
        except OSError:
            raise self._ended() from None

    def result(self) -> Rendered:
        """The rendering of the job it was sent; its error raised here; a RenderError if it has died."""
        try:
            answer = self.connection.recv()
        except (EOFError, OSError):
            raise self._ended() from None
        if isinstance(answer, PamphletError):
            raise answer
        return answer  # type: ignore[no-any-return]

    def _ended(self) -> RenderError:
        self.process.join(1)
        code = self.process.exitcode
        if code is not None and code < 0:
            how = f"was killed ({next((s.name for s in signal.Signals if s == -code), f'signal {-code}')})"
        else:
            how = f"ended (exit status {code})"
        return RenderError(f"a worker process {how} while rendering; if the machine ran out of memory, "
                           "try again with fewer --jobs")


def _serve(connection: Connection, commands: tuple[Connection, ...], scratch: Path, cache_dir: Path | None,
           eager: bool) -> None:
    """A worker: leave Ctrl-C to the command and end quietly on SIGTERM, keep temporary files in ``scratch``, warm
    up (if ``eager``, at once; else with its first job, so that a rebuild needing one worker leaves the cores to
    the rest), then render each job it is sent, answering with the rendering or the error. The pipe closes when
    the command has ended without stopping it (killed), idle or while this renders: then clear up after the
    workers and end too. (Hence the command's ends of the pipes, which this process has as a copy of it, are
    closed first.)"""
    for end in commands:
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    tempfile.tempdir = str(scratch)
    gc.disable()  # until warmed up
    if eager:
        with contextlib.suppress(Exception):  # each job warms up again first, and answers why it cannot
            _warm(cache_dir)
    with contextlib.suppress(EOFError, OSError):  # the pipe closed
        while True:
            job = connection.recv()
            try:
                _warm(cache_dir)
                answer: Rendered | PamphletError = render(job)
            except Exception as err:  # the command reports it
                answer = _reported(err)
            connection.send(answer)
    shutil.rmtree(scratch, ignore_errors=True)


def _warm(cache_dir: Path | None) -> None:
    """Load the hyphenation patterns, then warm up, then collect garbage as usual. Loading makes much to keep
    and little garbage: the collector, off meanwhile, took a tenth of their time looking over it."""
    try:
        cache.hyphenation(cache_dir)
        warm_up()
    finally:
        gc.enable()


def _reported(err: Exception) -> PamphletError:
    """``err`` as an error the command can report in one line."""
    return err if isinstance(err, PamphletError) else RenderError(f"rendering failed: {type(err).__name__}: {err}")
