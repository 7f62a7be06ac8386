"""The renderer: order kept, cache hits never rendered, workers and cache never change a byte, progress counted."""

from __future__ import annotations

import gc
import math
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

import pamphlet.render
import pamphlet.renderer
from pamphlet import cache
from pamphlet.build import build
from pamphlet.bundled import FONTS
from pamphlet.errors import RenderError
from pamphlet.render import Job, Rendered, render
from pamphlet.renderer import Renderer
from tests.conftest import EXAMPLES, ROOT, all_words, words


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Job]:
    """Every job the renderer renders in this process."""
    rendered: list[Job] = []

    def counting(job: Job) -> Rendered:
        rendered.append(job)
        return render(job)

    monkeypatch.setattr(pamphlet.renderer, "render", counting)
    return rendered


def make_jobs(tmp_path: Path, count: int = 5) -> list[Job]:
    """Jobs of different lengths (the renderer sorts longest first), each with its own text and an anchor.

    Their root is a folder of its own: the cache folder must not lie under a root, or each store changes the key.
    """
    root = tmp_path / "root"
    root.mkdir(exist_ok=True)
    jobs = []
    for n in range(count):
        paragraphs = "".join(f"<p>Paragraph {k} of part {n}.</p>" for k in range((n * 7) % 5 * 40 + 1))
        html = f'<h1 id="part-{n}">Part number {n}</h1>{paragraphs}<p id="end-{n}">End of part {n}.</p>'
        jobs.append(Job((html,), root, (root,)))
    return jobs


def first_words(pdf: bytes) -> str:
    return words(PdfReader(BytesIO(pdf)).pages[0].extract_text())


def check_order(jobs: list[Job], results: list[Rendered]) -> None:
    assert len(results) == len(jobs)
    for n, result in enumerate(results):
        assert first_words(result.pdf).startswith(f"Part number {n}"), n
        assert result.anchors[f"part-{n}"] == 0
        assert result.anchors[f"end-{n}"] == result.pages - 1 == len(PdfReader(BytesIO(result.pdf)).pages) - 1


# Order, cache hits and misses


@pytest.mark.parametrize("workers", [1, 2])
def test_run_returns_one_rendering_per_job_in_order(tmp_path: Path, workers: int) -> None:
    jobs = make_jobs(tmp_path)
    assert len({sum(map(len, j.htmls)) for j in jobs}) == len(jobs)  # not already longest first
    with Renderer(workers) as renderer:
        check_order(jobs, renderer.run(jobs))
        assert renderer.run([]) == []


def test_a_second_run_with_the_cache_renders_nothing_and_returns_equal_results(tmp_path: Path,
                                                                                calls: list[Job]) -> None:
    jobs = make_jobs(tmp_path, 4)
    with Renderer(1, tmp_path / "cache") as renderer:
        first = renderer.run(jobs)
    assert len(calls) == 4
    progress: list[tuple[int, int]] = []
    with Renderer(1, tmp_path / "cache", lambda done, total: progress.append((done, total))) as renderer:
        second = renderer.run(jobs)
    assert len(calls) == 4 and progress == []
    assert second == first
    check_order(jobs, second)


def test_a_changed_job_is_the_only_one_rendered_again(tmp_path: Path, calls: list[Job]) -> None:
    jobs = make_jobs(tmp_path, 4)
    with Renderer(1, tmp_path / "cache") as renderer:
        before = renderer.run(jobs)
    changed = Job((jobs[2].htmls[0].replace("Part number 2", "Part number 2, revised"),), jobs[2].base, jobs[2].roots)
    jobs[2] = changed
    calls.clear()
    with Renderer(1, tmp_path / "cache") as renderer:
        after = renderer.run(jobs)
    assert calls == [changed]
    assert [a == b for a, b in zip(before, after, strict=True)] == [True, True, False, True]
    assert first_words(after[2].pdf).startswith("Part number 2, revised")


def test_a_changed_file_under_a_root_renders_again(tmp_path: Path, calls: list[Job]) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "style.css").write_text("p { color: black }")
    html = '<link rel="stylesheet" href="style.css"><p>Styled</p>'
    jobs = [Job((html,), root, (root,))]
    with Renderer(1, tmp_path / "cache") as renderer:
        first = renderer.run(jobs)
    with Renderer(1, tmp_path / "cache") as renderer:
        assert renderer.run(jobs) == first and len(calls) == 1
    (root / "style.css").write_text("p { color: red }")
    with Renderer(1, tmp_path / "cache") as renderer:
        second = renderer.run(jobs)
    assert len(calls) == 2 and second[0].pdf != first[0].pdf


def test_the_cache_holds_what_was_rendered(tmp_path: Path) -> None:
    jobs = make_jobs(tmp_path, 2)
    with Renderer(1, tmp_path / "cache") as renderer:
        results = renderer.run(jobs)
        keys = [cache.key(job, cache.fingerprint(job.roots)) for job in jobs]
    assert [cache.load(tmp_path / "cache", k) for k in keys] == results


@pytest.mark.parametrize("workers", [1, 2])
def test_the_cache_keeps_the_hyphenation_patterns_parsed(tmp_path: Path, workers: int,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import pyphen

    monkeypatch.setattr(pyphen, "hdcache", {})  # as in a process that never hyphenated
    cache.hyphenation.cache_clear()
    with Renderer(workers, tmp_path / "cache") as renderer:
        renderer.run(make_jobs(tmp_path, 2))
    cache.hyphenation.cache_clear()
    assert [p.suffix for p in (tmp_path / "cache" / "hyphenation").iterdir()] == [".json"]


def test_two_workers_give_the_same_bytes_as_one(tmp_path: Path) -> None:
    jobs = make_jobs(tmp_path, 6)
    with Renderer(1) as one, Renderer(2) as two:
        alone, pooled = one.run(jobs), two.run(jobs)
        again = two.run(jobs)  # the warm pool is reused
    assert [r.pdf for r in pooled] == [r.pdf for r in alone] == [r.pdf for r in again]
    assert pooled == alone


def test_what_a_worker_rendered_before_never_shows_in_the_bytes(tmp_path: Path) -> None:
    """Each job sets text in faces of its own, so a worker has loaded different faces before each."""
    root = tmp_path / "root"
    root.mkdir()
    faces = ["'Pamphlet Serif'", "italic 'Pamphlet Sans'", "bold 'Pamphlet Arabic'", "bold italic 'Pamphlet Serif'"]
    jobs = [Job((f'<p style="font: 10pt {face}">Organise, agitate, educate: {face}</p>',), root, (root, FONTS),
                stylesheets=(FONTS / "fonts.css",)) for face in faces]
    renderings = []
    for order in (jobs, jobs[::-1], jobs[1::2] + jobs[::2]):
        with Renderer(1, isolated=True) as renderer:
            done = {job: renderer.run([job])[0].pdf for job in order}
        renderings.append([done[job] for job in jobs])
    assert renderings[0] == renderings[1] == renderings[2]


def test_isolated_renders_one_worker_s_jobs_in_another_process_with_the_same_bytes(tmp_path: Path,
                                                                                   calls: list[Job]) -> None:
    jobs = make_jobs(tmp_path, 3)
    with Renderer(1, isolated=True) as renderer:
        isolated = renderer.run(jobs)
    assert calls == []  # the worker's calls are counted in the worker
    with Renderer(1) as renderer:
        assert [r.pdf for r in renderer.run(jobs)] == [r.pdf for r in isolated]
    assert len(calls) == 3


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_counts_every_render_up_to_the_total(tmp_path: Path, workers: int) -> None:
    jobs = make_jobs(tmp_path, 5)
    with Renderer(workers, tmp_path / "cache") as renderer:
        renderer.run(jobs[:2])
        progress: list[tuple[int, int]] = []
        renderer.progress = lambda done, total: progress.append((done, total))
        renderer.run(jobs)  # two are cached: only three render
    assert progress == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("isolated", [False, True])
def test_arrived_is_told_of_every_rendering_once(tmp_path: Path, workers: int, isolated: bool) -> None:
    jobs = make_jobs(tmp_path, 5)
    told: list[tuple[int, Rendered]] = []
    with Renderer(workers, tmp_path / "cache", isolated=isolated) as renderer:
        renderer.run(jobs[:2])
        results = renderer.run(jobs, lambda index, rendered: told.append((index, rendered)))  # two are cached
    assert sorted(index for index, _ in told) == [0, 1, 2, 3, 4]
    assert all(rendered is results[index] for index, rendered in told)


def test_arrived_is_told_of_cached_renderings_while_the_worker_renders(tmp_path: Path) -> None:
    """The worker has its job before this process reads the cached parts: they are told first."""
    jobs = make_jobs(tmp_path, 3)
    told: list[int] = []
    with Renderer(1, tmp_path / "cache", isolated=True) as renderer:
        renderer.run([jobs[0], jobs[2]])
        renderer.run(jobs, lambda index, rendered: told.append(index))
    assert told == [0, 2, 1]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_job_raises_a_render_error(tmp_path: Path, workers: int) -> None:
    jobs = make_jobs(tmp_path, 3)
    jobs[1] = Job(("<p>x</p>",), jobs[1].base, jobs[1].roots, stylesheets=(jobs[1].base / "missing.css",))
    with Renderer(workers, tmp_path / "cache") as renderer, pytest.raises(RenderError, match="could not render"):
        renderer.run(jobs)


def test_after_a_failed_job_the_workers_render_the_next_run_right(tmp_path: Path) -> None:
    jobs = make_jobs(tmp_path, 4)
    broken = Job(("<p>x</p>",), jobs[1].base, jobs[1].roots, stylesheets=(jobs[1].base / "missing.css",))
    with Renderer(2) as renderer:
        with pytest.raises(RenderError, match="could not render"):
            renderer.run([broken, *jobs])  # the other worker is busy when the error comes
        check_order(jobs, renderer.run(jobs))


def test_a_worker_killed_while_rendering_fails_the_run_at_once_and_the_next_run_renders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def killed_by_part_2(job: Job) -> Rendered:
        if "part 2." in job.htmls[0]:
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
        return render(job)

    monkeypatch.setattr(pamphlet.renderer, "render", killed_by_part_2)  # before the workers are forked
    jobs = make_jobs(tmp_path, 4)
    with Renderer(2) as renderer:
        with pytest.raises(RenderError, match=r"a worker process was killed \(SIGKILL\) while rendering"):
            renderer.run(jobs)
        check_order(jobs[:2], renderer.run(jobs[:2]))


def test_workers_that_cannot_start_fail_every_run_with_the_reason(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pamphlet.render, "warm_up", broken)  # the workers look it up once forked
    with Renderer(2) as renderer:
        for _ in range(2):
            with pytest.raises(RenderError, match=re.escape("OSError: cannot load library 'libpango-1.0-0'")):
                renderer.run(make_jobs(tmp_path, 3))


def test_workers_warm_up_with_the_garbage_collector_off_and_render_with_it_on(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    warm_up = pamphlet.renderer.warm_up

    def warming() -> None:
        if not (first := tmp_path / f"warm-{os.getpid()}").exists():
            first.write_text(str(gc.isenabled()))
        warm_up()

    def rendering(job: Job) -> Rendered:
        (tmp_path / f"job-{os.getpid()}-{hash(job.htmls[0])}").write_text(str(gc.isenabled()))
        return render(job)

    monkeypatch.setattr(pamphlet.renderer, "warm_up", warming)  # before the workers are forked
    monkeypatch.setattr(pamphlet.renderer, "render", rendering)
    with Renderer(2) as renderer:
        renderer.run(make_jobs(tmp_path, 4))
    assert [path.read_text() for path in tmp_path.glob("warm-*")] == ["False", "False"]  # one each
    assert [path.read_text() for path in tmp_path.glob("job-*")] == ["True"] * 4


def test_only_the_first_worker_warms_up_before_it_has_a_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild that renders one part leaves the other core to this process and that worker."""
    warm_up = pamphlet.render.warm_up

    def recorded() -> None:
        (tmp_path / f"warmed-{os.getpid()}").touch()
        warm_up()

    monkeypatch.setattr(pamphlet.render, "warm_up", recorded)  # the workers look it up once forked
    jobs = make_jobs(tmp_path, 3)
    with Renderer(2) as renderer:
        check_order(jobs[:1], renderer.run(jobs[:1]))
        assert len(list(tmp_path.glob("warmed-*"))) == 1
        check_order(jobs, renderer.run(jobs))
        assert len(list(tmp_path.glob("warmed-*"))) == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_leave_no_temporary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    for cached in (pamphlet.render.warm_up, pamphlet.render._stylesheet, pamphlet.render._font_config):
        cached.cache_clear()  # workers forked from a warm process would load no fonts of their own
    with Renderer(workers, isolated=True) as renderer:
        renderer.run(make_jobs(tmp_path, 2))
        assert [p.name for p in scratch.glob("pamphlet-workers-*/weasyprint-*")]  # WeasyPrint's copies of the fonts
    assert list(scratch.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="waits on the workers with pidfd_open (Linux)")
@pytest.mark.parametrize("when", ["idle", "rendering"])
def test_workers_of_a_killed_command_end_and_leave_no_temporary_files(tmp_path: Path, when: str) -> None:
    """Killed (by the out-of-memory killer, or kill -9), the command cannot stop its workers: they end by themselves,
    quietly, between jobs or once the job they render has nobody to take it."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    script = f"""
import time
from pathlib import Path
import pamphlet.renderer
from pamphlet.render import Job, render
from pamphlet.renderer import Renderer

def slow(job):
    (base / f"rendering-{{job.htmls[0]}}").touch()
    time.sleep(2)
    return render(job)

base = Path({str(tmp_path)!r})
jobs = [Job(("One",), base, (base,)), Job(("Two",), base, (base,))]
if {when == "rendering"}:
    pamphlet.renderer.render = slow  # before the workers are forked
with Renderer(2) as renderer:
    print(*(worker.process.pid for worker in renderer._workers), flush=True)
    renderer.run(jobs)
    print("rendered", flush=True)
    time.sleep(600)
"""
    command = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "TMPDIR": str(scratch)})
    try:
        workers = [os.pidfd_open(int(pid)) for pid in command.stdout.readline().split()]  # type: ignore[union-attr]
        if when == "idle":
            assert command.stdout.readline() == "rendered\n"  # type: ignore[union-attr]
        else:
            end = time.monotonic() + 30
            while len(list(tmp_path.glob("rendering-*"))) < 2 and time.monotonic() < end:
                time.sleep(0.05)
        assert len(workers) == 2 and list(scratch.glob("pamphlet-workers-*/weasyprint-*"))
    finally:
        command.kill()
        command.wait()
    assert all(select.select([worker], [], [], 30)[0] for worker in workers), "a worker is still running"
    assert list(scratch.iterdir()) == []
    assert "Traceback" not in command.stderr.read()  # type: ignore[union-attr]


# Choosing among candidates (the layout step replaced by page counts, so any sequence can be tried)


class FakeDocument:
    def __init__(self, pages: int) -> None:
        self.pages = [type("Page", (), {"anchors": {}, "_page_box": type("Box", (), {"margin_top": 50})})()
                      for _ in range(pages)]

    def write_pdf(self, pdf_identifier: bytes) -> bytes:
        return b"%PDF " + str(len(self.pages)).encode()


@settings(max_examples=300)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=12).map(lambda v: sorted(v, reverse=True)),
       st.one_of(st.none(), st.integers(1, 40)))
def test_the_first_candidate_that_fits_is_chosen_with_few_layouts(counts: list[int], limit: int | None) -> None:
    tried: list[int] = []

    def layout(html: str, job: Job, warnings: list[str]) -> Any:
        index = int(html)
        tried.append(index)
        warnings.append(f"warning of candidate {index}")
        return FakeDocument(counts[index])

    pamphlet.render.warm_up()  # with the real layout: the fake one below takes only candidates
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pamphlet.render, "_layout", layout)
        result = render(Job(tuple(map(str, range(len(counts)))), Path("/"), (), limit))
    fitting = [i for i, c in enumerate(counts) if limit is None or c <= limit]
    expected = fitting[0] if fitting else len(counts) - 1
    assert result.choice == expected
    assert result.fits == bool(fitting)
    assert result.pages == counts[expected]
    assert result.warnings == (f"warning of candidate {expected}",)
    assert tried[0] == 0 and len(tried) <= 2 + math.ceil(math.log2(len(counts)))
    assert limit is not None or tried == [0]


def test_real_candidates_shrink_until_they_fit(tmp_path: Path) -> None:
    text = "".join(f"<p>Line {k} of a text that must fit.</p>" for k in range(120))
    htmls = tuple(f"<style>@page {{ size: A6 }} p {{ font-size: {size}pt; margin: 0 }}</style>{text}"
                  for size in (20, 16, 12, 8, 6))
    pages = [render(Job((h,), tmp_path, (tmp_path,))).pages for h in htmls]
    assert pages == sorted(pages, reverse=True) and pages[0] > pages[2] > pages[-1] >= 2
    chosen = render(Job(htmls, tmp_path, (tmp_path,), pages[2]))
    expected = next(i for i, n in enumerate(pages) if n <= pages[2])
    assert (chosen.choice, chosen.fits, chosen.pages) == (expected, True, pages[expected])
    assert chosen.pdf == render(Job((htmls[expected],), tmp_path, (tmp_path,))).pdf
    too_small = render(Job(htmls, tmp_path, (tmp_path,), pages[-1] - 1))
    assert (too_small.choice, too_small.fits, too_small.pages) == (4, False, pages[-1])


# Whole builds: the number of workers and the cache never change a byte, and never serve stale parts


def anti_war(tmp_path: Path) -> Path:
    """A copy of examples/anti-war.yaml and the statements library, safe to edit."""
    folder = tmp_path / "project"
    shutil.copytree(ROOT / "statements", folder / "statements")
    shutil.copy(EXAMPLES / "anti-war.yaml", folder / "anti-war.yaml")
    return folder / "anti-war.yaml"


def built(manifest: Path, out: Path, workers: int, cache_dir: Path | None,
          progress: list[tuple[int, int]] | None = None) -> tuple[bytes, bytes]:
    def report(done: int, total: int) -> None:
        if progress is not None:
            progress.append((done, total))

    with Renderer(workers, cache_dir, report) as renderer:
        result = build(manifest, out, renderer=renderer)
    return result.reader.read_bytes(), result.printed[0].read_bytes()


def test_workers_and_cache_give_byte_identical_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    manifest, store = EXAMPLES / "anti-war.yaml", tmp_path / "cache"
    alone = built(manifest, tmp_path / "one", 1, None)
    pooled = built(manifest, tmp_path / "two", 2, None)
    cold = built(manifest, tmp_path / "cold", 2, store)
    progress: list[tuple[int, int]] = []
    warm = built(manifest, tmp_path / "warm", 2, store, progress)
    assert alone == pooled == cold == warm
    assert progress == []  # every part came from the cache
    assert PdfReader(BytesIO(warm[0])).metadata["/CreationDate"].startswith("D:20231114221320")


def test_an_edited_statement_is_rendered_again_never_served_stale(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    manifest, store = anti_war(tmp_path), tmp_path / "cache"
    old = built(manifest, tmp_path / "old", 2, store)
    statement = manifest.parent / "statements" / "russia-out-of-ukraine-solidarity-with-ukraines.md"
    text = statement.read_text()
    assert "a heroic resistance" in text
    statement.write_text(text.replace("a heroic resistance", "a valiant resistance"))
    progress: list[tuple[int, int]] = []
    new = built(manifest, tmp_path / "new", 2, store, progress)
    fresh = built(manifest, tmp_path / "fresh", 2, None)
    assert new == fresh
    assert new[0] != old[0] and new[1] != old[1]
    assert progress[0] == (1, 1) and len(progress) <= 2  # the group holding the statement (and maybe the contents)
    read = all_words(new[0])
    assert "a valiant resistance" in read and "a heroic resistance" not in read


def test_an_edited_layout_stylesheet_is_rendered_again_never_served_stale(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    manifest, store = anti_war(tmp_path), tmp_path / "cache"
    local = manifest.parent / "layouts" / "local"
    local.mkdir(parents=True)
    (local / "layout.yaml").write_text("description: the booklet, locally styled\nextends: booklet\n")
    (local / "style.css").write_text("/* nothing yet */\n")
    manifest.write_text(manifest.read_text().replace("paper: a4", "paper: a4\nlayout: local"))
    old = built(manifest, tmp_path / "old", 2, store)
    (local / "style.css").write_text('.statement-title::after { content: " [revised]"; }\n')
    new = built(manifest, tmp_path / "new", 2, store)
    fresh = built(manifest, tmp_path / "fresh", 2, None)
    assert new == fresh
    assert new[0] != old[0]
    assert all_words(new[0]).count("[revised]") == 4  # once after each statement's title
    assert "[revised]" not in all_words(old[0])
