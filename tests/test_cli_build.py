"""`pamphlet build` with several manifests, workers, the cache and progress; `pamphlet layouts`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pamphlet.cli import main
from tests.conftest import FIXTURES, ROOT, page_sizes_mm, pdftotext, words


@pytest.fixture
def booklets(tmp_path: Path) -> Path:
    """Two small booklets, a.yaml and b.yaml, over a copy of the fixture statements."""
    folder = tmp_path / "project"
    (folder / "statements").mkdir(parents=True)
    for statement in (FIXTURES / "statements").glob("*.md"):
        shutil.copy(statement, folder / "statements")
    (folder / "a.yaml").write_text("title: First Booklet\norganisation: ILPS US\npaper: a4\n"
                                   "statements: [general-strike, ilps-peace]\n")
    (folder / "b.yaml").write_text("title: Second Booklet\npaper: letter\n"
                                   "statements: [ilps-solidarity, mir-dlya-ukrainy]\n")
    return folder


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [*args])


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# Several manifests, workers, usage errors


def test_build_two_manifests_on_two_workers(booklets: Path, tmp_path: Path, cache_dir: Path) -> None:
    out = tmp_path / "out"
    result = run("build", str(booklets / "a.yaml"), str(booklets / "b.yaml"), "--jobs", "2", "--no-cache",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    built = [line for line in result.stdout.splitlines() if line.startswith("Built ")]
    assert [line.split()[1] for line in built] == [str(booklets / "a.yaml"), str(booklets / "b.yaml")]
    assert files(out) == ["a-print.pdf", "a.pdf", "b-print.pdf", "b.pdf"]
    assert words(pdftotext(out / "a.pdf", 1)).startswith("First Booklet")
    assert words(pdftotext(out / "b.pdf", 1)).startswith("Second Booklet")
    assert set(page_sizes_mm(out / "a.pdf")) == {(148.0, 210.0)} and set(page_sizes_mm(out / "b.pdf")) == {
        (139.7, 215.9)}
    assert result.stdout.count("  Pages: ") == 2 and result.stdout.count("How to print and finish one copy:") == 2
    assert files(cache_dir) == []


@pytest.mark.parametrize("jobs", ["0", "-1", "65", "many"])
def test_jobs_out_of_range_is_a_usage_error(booklets: Path, tmp_path: Path, jobs: str) -> None:
    result = run("build", str(booklets / "a.yaml"), "--jobs", jobs, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "--jobs" in result.output
    assert not (tmp_path / "out").exists()


def test_a_missing_manifest_among_others_is_a_usage_error_and_builds_nothing(booklets: Path, tmp_path: Path) -> None:
    result = run("build", str(booklets / "a.yaml"), str(booklets / "missing.yaml"), "-j", "1",
                 "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "missing.yaml" in result.output
    assert not (tmp_path / "out").exists()


def test_a_broken_manifest_among_others_fails_before_any_output(booklets: Path, tmp_path: Path) -> None:
    (booklets / "c.yaml").write_text("title: Broken\nstatements: [no-such-statement]\n")
    result = run("build", str(booklets / "a.yaml"), str(booklets / "c.yaml"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "no-such-statement" in result.output and "Traceback" not in result.output
    assert files(tmp_path / "out") == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_weasyprint_that_cannot_load_fails_the_build_in_one_line(booklets: Path, tmp_path: Path, jobs: str) -> None:
    """No Pango on the machine: one clear error, exit status 1, nothing written, and no worker started again and
    again (it would fail the same way each time)."""
    script = """
import sys, importlib.abc
class NoPango(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "weasyprint.text.ffi":
            raise OSError("cannot load library 'libpango-1.0-0'")
sys.meta_path.insert(0, NoPango())
from pamphlet.cli import main
main(sys.argv[1:])
"""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", script, "build", str(booklets / "a.yaml"), "--out", str(out),
                           "--no-cache", "--jobs", jobs], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Error: ") and "WeasyPrint cannot start: cannot load library 'libpango-1.0-0'" \
        in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert files(out) == []


def test_two_manifests_of_the_same_name_never_overwrite_each_other(booklets: Path, tmp_path: Path) -> None:
    (booklets / "other").mkdir()
    shutil.copy(booklets / "b.yaml", booklets / "other" / "a.yaml")
    shutil.copytree(booklets / "statements", booklets / "other" / "statements")
    out = tmp_path / "out"
    result = run("build", str(booklets / "a.yaml"), str(booklets / "other" / "a.yaml"), "--out", str(out))
    assert result.exit_code == 2
    assert str(booklets / "a.yaml") in result.output and str(booklets / "other" / "a.yaml") in result.output
    assert files(out) == []


# Progress


def test_progress_of_eight_parts_or_more_is_printed_as_plain_lines_on_stderr(booklets: Path, tmp_path: Path) -> None:
    result = run("build", str(booklets / "a.yaml"), str(booklets / "b.yaml"), "-j", "2", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Rendered")]
    parts = [tuple(map(int, re.fullmatch(r"Rendered (\d+)/(\d+) parts", line).groups())) for line in lines]  # type: ignore[union-attr]
    assert parts, result.stderr
    totals = {total for _, total in parts}
    assert totals == {10}  # cover, statements, sources, back and first contents of each; the final two are < 8
    done = [d for d, _ in parts]
    assert done == sorted(set(done)) and done[-1] == 10
    assert "Rendered" not in result.stdout and "\r" not in result.stderr
    warm = run("build", str(booklets / "a.yaml"), str(booklets / "b.yaml"), "-j", "2", "--out", str(tmp_path / "w"))
    assert warm.exit_code == 0 and "Rendered" not in warm.stderr  # everything came from the cache
    for name in ("a.pdf", "a-print.pdf", "b.pdf", "b-print.pdf"):
        assert (tmp_path / "w" / name).read_bytes() == (tmp_path / "o" / name).read_bytes()


def test_few_parts_print_no_progress(booklets: Path, tmp_path: Path) -> None:
    result = run("build", str(booklets / "a.yaml"), "-j", "1", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "Render" not in result.output


# The cache


def test_no_cache_leaves_the_cache_empty_and_a_default_build_fills_it(booklets: Path, tmp_path: Path,
                                                                      cache_dir: Path) -> None:
    result = run("build", str(booklets / "a.yaml"), "--no-cache", "--out", str(tmp_path / "one"))
    assert result.exit_code == 0, result.output
    assert files(cache_dir) == []
    result = run("build", str(booklets / "a.yaml"), "--out", str(tmp_path / "two"))
    assert result.exit_code == 0, result.output
    entries = files(cache_dir)
    assert entries and not [e for e in entries if e.endswith(".tmp")]
    assert {Path(e).suffix for e in entries} == {".pdf", ".json"}
    assert len(entries) == 2 * 5  # cover, contents, one group of statements, sources, back
    assert (tmp_path / "one" / "a.pdf").read_bytes() == (tmp_path / "two" / "a.pdf").read_bytes()


def test_an_unwritable_cache_does_not_fail_the_build(booklets: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("PAMPHLET_CACHE_DIR", str(tmp_path / "a-file" / "cache"))
    result = run("build", str(booklets / "a.yaml"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.pdf").is_file()


# pamphlet layouts


def rows(result: Result) -> dict[str, str]:
    return {line.split()[0]: line for line in result.stdout.splitlines()[1:]}


def test_layouts_lists_the_builtin_layouts_with_page_size_and_imposition() -> None:
    result = run("layouts")
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    assert header.split()[:2] == ["layout", "page"] and "imposition" in header
    found = rows(result)
    assert {"booklet", "zine", "leaflet", "flyer"} <= set(found)
    assert "saddle" in found["booklet"].split()
    assert "148 x 210 mm" in found["booklet"] and "139.7 x 215.9 mm" in found["booklet"]
    assert "zine" in found["zine"].split()[1:] and "8 pages" in found["zine"]
    assert "partials" not in found


def test_layouts_with_a_manifest_adds_its_own_layouts(booklets: Path) -> None:
    poster = booklets / "layouts" / "poster"
    poster.mkdir(parents=True)
    (poster / "layout.yaml").write_text("description: One big page\nextends: booklet\nimposition: nup\n"
                                        "page:\n  a4: [200, 280]\n")
    assert "poster" not in rows(run("layouts"))
    result = run("layouts", "--manifest", str(booklets / "a.yaml"))
    assert result.exit_code == 0, result.output
    found = rows(result)
    assert "poster" in found and "booklet" in found
    assert "200 x 280 mm" in found["poster"] and "nup" in found["poster"] and "One big page" in found["poster"]
    assert "139.7 x 215.9 mm" in found["poster"]  # the letter size comes from the booklet it extends


def test_layouts_with_a_missing_manifest_is_a_usage_error(tmp_path: Path) -> None:
    assert run("layouts", "--manifest", str(tmp_path / "missing.yaml")).exit_code == 2


def test_layouts_with_a_broken_local_layout_is_an_error_naming_the_file(booklets: Path) -> None:
    """Bad input: one line naming the file and what is wrong in it, exit status 1, no traceback, no table."""
    layout = booklets / "layouts" / "broken" / "layout.yaml"
    layout.parent.mkdir(parents=True)
    layout.write_text("extends: booklet\nimposition: sadle\n")
    result = run("layouts", "--manifest", str(booklets / "a.yaml"))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (result.exception, result.output)
    assert result.stderr.startswith(f"Error: {layout}: imposition: unknown scheme 'sadle'"), result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


@pytest.mark.parametrize("args", [["--help"], ["layouts"], ["list", "--library", str(ROOT / "statements")]])
def test_commands_that_render_nothing_load_no_pdf_library(args: list[str]) -> None:
    code = ("import sys\nfrom pamphlet.cli import main\n"
            f"main({args!r}, standalone_mode=False)\n"
            "print(sorted(m for m in ('weasyprint', 'pypdf') if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_command_says_everything_and_leaves_no_temporary_files(booklets: Path, tmp_path: Path, jobs: str) -> None:
    """``pamphlet`` ends without freeing its objects one by one, unless WeasyPrint rendered in it (--jobs 1),
    whose copies of the fonts go only so: either way all output is written and nothing is left in TMPDIR."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = subprocess.run([sys.executable, "-m", "pamphlet", "build", str(booklets / "a.yaml"), "--out",
                           str(tmp_path / "out"), "--jobs", jobs], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TMPDIR": str(scratch)}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built ") and done.stdout.rstrip().endswith("Staple twice along the fold, "
                                                                             "from the outside.")
    assert list(scratch.iterdir()) == []


def test_a_reader_that_stops_reading_ends_the_command_with_status_1_and_no_traceback() -> None:
    listing = subprocess.Popen([sys.executable, "-m", "pamphlet", "list", "--library", str(ROOT / "statements")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert listing.stdout is not None and listing.stderr is not None
    listing.stdout.close()  # as `| head -0` does
    assert listing.wait(timeout=60) == 1
    assert listing.stderr.read() == b""
