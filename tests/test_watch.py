"""Watching: a rebuild after each saved change, the same bytes as a cold build, errors reported and survived."""

from __future__ import annotations

import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from pamphlet.build import BuildResult, build
from pamphlet.bundled import BUILTIN_LAYOUTS
from pamphlet.errors import PamphletError, StatementError
from pamphlet.renderer import Renderer
from pamphlet.watch import _look, watch
from tests.conftest import all_words, project

Builds = Generator[list[BuildResult] | PamphletError, None, None]

STATEMENT = "---\ntitle: {title}\n---\n{body}\n"


def step(builds: Builds) -> list[BuildResult] | PamphletError:
    """The next build, failing the test if none comes within a minute."""
    box: list[list[BuildResult] | PamphletError] = []
    thread = threading.Thread(target=lambda: box.append(next(builds)), daemon=True)
    thread.start()
    thread.join(60)
    assert box, "no build within a minute"
    return box[0]


def save(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a watcher sees it even within the file system's clock tick."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def gone(pids: list[int], within: float = 30.0) -> bool:
    """Whether every process of ``pids`` ends within ``within`` seconds, waiting on each as the kernel tells it."""
    end = time.monotonic() + within
    for pid in pids:
        try:
            handle = os.pidfd_open(pid)
        except ProcessLookupError:
            continue  # ended already
        try:
            if not select.select([handle], [], [], max(0.0, end - time.monotonic()))[0]:
                return False
        finally:
            os.close(handle)
    return True


def output(process: subprocess.Popen[str]) -> Iterator[str]:
    """The lines ``process`` prints until it ends, each within a minute or the test fails."""
    assert process.stdout is not None
    stdout, lines = process.stdout, queue.Queue[str | None]()
    threading.Thread(target=lambda: [*map(lines.put, stdout), lines.put(None)], daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=60)
        except queue.Empty:
            pytest.fail("no output for a minute")
        if line is None:
            return
        yield line


@pytest.fixture
def booklet(tmp_path: Path) -> Path:
    return project(tmp_path, "title: Watched\nstatements: [one, two]\n", {
        "one": STATEMENT.format(title="One", body="The first statement."),
        "two": STATEMENT.format(title="Two", body="The second statement."),
    })


@pytest.fixture
def starts() -> list[Renderer]:
    return []


@pytest.fixture
def builds(booklet: Path, cache_dir: Path, starts: list[Renderer]) -> Generator[Builds, None, None]:
    def start() -> Renderer:
        starts.append(Renderer(1, cache_dir, isolated=True))
        return starts[-1]

    running = watch([booklet], booklet.parent / "out", False, start, poll=0.02)
    yield running
    running.close()


def test_an_edit_builds_again_with_the_same_workers_and_the_bytes_of_a_cold_build(
        booklet: Path, builds: Builds, starts: list[Renderer], tmp_path: Path) -> None:
    first = step(builds)
    assert isinstance(first, list) and first[0].reader == tmp_path / "out" / "m.pdf"
    save(tmp_path / "statements" / "two.md", STATEMENT.format(title="Two", body="The second statement, edited."))
    second = step(builds)
    assert isinstance(second, list)
    assert "The second statement, edited." in all_words(second[0].reader)
    assert len(starts) == 1  # the workers stayed warm
    cold = build(booklet, tmp_path / "cold", renderer=Renderer(1, None))
    for made, fresh in ((second[0].reader, cold.reader), (second[0].printed[0], cold.printed[0])):
        assert made.read_bytes() == fresh.read_bytes()


def test_a_new_statement_and_a_changed_manifest_are_seen(booklet: Path, builds: Builds, tmp_path: Path) -> None:
    step(builds)
    save(tmp_path / "statements" / "three.md", STATEMENT.format(title="Three", body="A third statement."))
    save(booklet, "title: Watched\nstatements: [one, two, three]\n")
    result = step(builds)
    assert isinstance(result, list)
    assert "A third statement." in all_words(result[0].reader)


def test_a_broken_statement_is_reported_and_the_last_good_pdf_kept_until_it_is_mended(
        builds: Builds, tmp_path: Path) -> None:
    first = step(builds)
    assert isinstance(first, list)
    good = first[0].reader.read_bytes()
    statement = tmp_path / "statements" / "one.md"
    save(statement, "---\ntitle: [One\n---\nBroken.\n")
    error = step(builds)
    assert isinstance(error, StatementError) and f"{statement}:2:" in error.message
    assert first[0].reader.read_bytes() == good
    save(statement, STATEMENT.format(title="One", body="Mended."))
    mended = step(builds)
    assert isinstance(mended, list) and "Mended." in all_words(mended[0].reader)


def test_a_changed_layout_starts_new_workers(tmp_path: Path, cache_dir: Path) -> None:
    shutil.copytree(BUILTIN_LAYOUTS / "flyer", tmp_path / "layouts" / "mine")
    manifest = project(tmp_path, "title: T\nlayout: mine\nstatements: [s]\n", {"s": STATEMENT.format(
        title="S", body="Text.")})
    starts: list[Renderer] = []

    def start() -> Renderer:
        starts.append(Renderer(1, cache_dir, isolated=True))
        return starts[-1]

    builds = watch([manifest], tmp_path / "out", False, start, poll=0.02)
    try:
        step(builds)
        style = tmp_path / "layouts" / "mine" / "style.css"
        save(style, style.read_text(encoding="utf-8") + "\nh1 { color: #333; }\n")
        assert isinstance(step(builds), list)
        assert len(starts) == 2
    finally:
        builds.close()


def test_look_skips_hidden_files_backups_and_the_output_folder(tmp_path: Path) -> None:
    for name in ("a.md", ".a.md.swp", "a.md~", "out/m.pdf", "deeper/b.md", ".git/HEAD", "deeper/.hidden/c.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    light, heavy = _look(([tmp_path], [tmp_path / "a.md", tmp_path / "missing.md"]), tmp_path / "out")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in light) == ["a.md", "deeper/b.md"]
    assert list(heavy) == [tmp_path / "a.md"]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or not hasattr(os, "pidfd_open"),
                    reason="reads the worker processes from /proc and waits on them with pidfd_open (Linux)")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_watching_cleanly_with_its_workers(booklet: Path, tmp_path: Path, stop: int) -> None:
    command = [sys.executable, "-m", "pamphlet", "build", str(booklet), "--out", str(tmp_path / "out"), "--watch"]
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "TMPDIR": str(temp)})
    try:
        lines = output(process)
        printed: list[str] = []
        for line in lines:
            printed.append(line)
            if line.startswith("Watching"):
                break
        else:
            err = process.stderr.read()  # type: ignore[union-attr]
            pytest.fail(f"the first build never finished; it printed {printed!r} and on stderr {err!r}")
        save(tmp_path / "statements" / "one.md", STATEMENT.format(title="One", body="Changed."))
        rebuilt = next(lines, "")
        assert " Built " in rebuilt, f"no rebuild after a change, but {rebuilt!r}"
        workers = [int(pid) for task in Path(f"/proc/{process.pid}/task").glob("*")
                   for pid in (task / "children").read_text().split()]
        assert workers  # one worker process, so that a layout change can start a fresh one
        assert list(temp.glob("pamphlet-workers-*"))
        process.send_signal(stop)
        process.wait(30)
        out, err = "".join(lines), process.stderr.read()  # type: ignore[union-attr]
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert out.strip() == "Stopped watching." and "Traceback" not in err
    assert gone(workers)
    assert list(temp.iterdir()) == []
