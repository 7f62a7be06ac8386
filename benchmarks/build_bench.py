"""Benchmark: `pamphlet build` against bare WeasyPrint and pandoc + pdflatex + pdfjam, on 16-512 A5 pages.

Run:  python benchmarks/build_bench.py [--runs 3] [--sizes 16,64,256,512] [--write]
Needs `pip install psutil` (the `bench` extra); pandoc + pdflatex + pdfjam are timed when on PATH
(Debian: pandoc texlive-latex-base texlive-latex-recommended texlive-fonts-recommended texlive-extra-utils).
Every command runs as its own process (start-up included); within each run every size and tool runs in
turn (interleaved); the table shows medians of --runs runs. --write replaces the build section of
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import platform
import queue
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import psutil
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
HEADING = "## Build (`python benchmarks/build_bench.py`)"
PAMPHLET = [sys.executable, "-m", "pamphlet"]
BARE_WEASYPRINT = "import weasyprint, sys; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"
# pandoc turns the Markdown into an A5 PDF with pdflatex (with a contents page, as pamphlet makes), then
# pdfjam imposes it as a saddle-stitched booklet on A4: one shell, so one process tree is measured.
PANDOC_PDFJAM = (
    'pandoc "$1" -o "$2" --pdf-engine=pdflatex --toc -V documentclass=article -V fontsize=10pt'
    " -V geometry:a5paper -V geometry:margin=15mm"
    ' && pdfjam --quiet --booklet true --landscape --a4paper "$2" -o "$3"'
)
WATCHED = "same, in `build --watch`: from saving one more edit to the rebuild reported"
EDIT = "\nThis sentence was added by the benchmark to change one statement.\n"
BATCH_PAGES = 32  # each of the 4 manifests of the --jobs batch
SAMPLE_SECONDS = 0.05  # between two samples of a command's memory


@dataclass(frozen=True)
class Measurement:
    """One command run once: wall time and the two peak-memory readings, or why it failed."""

    seconds: float
    tree_mb: float  # peak of the RSS summed over the whole process tree, sampled every 50 ms
    process_mb: float  # peak RSS of the largest single process in the tree (VmHWM / ru_maxrss)
    error: str | None = None


@dataclass(frozen=True)
class Case:
    """One measured command: what to run, in which folder, and the file its output goes to."""

    command: list[str]
    cwd: Path
    log: str = "command.log"  # the command's output, in cwd


# --- measuring -------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` from /proc (cheap), or from psutil where the kernel lacks that file."""
    try:
        found: list[int] = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
        return found
    except FileNotFoundError:
        try:
            return [child.pid for child in psutil.Process(pid).children()]
        except psutil.Error:
            return []
    except OSError:
        return []


def sample_tree(pid: int) -> tuple[int, dict[int, int]]:
    """RSS summed over ``pid`` and its living descendants, and each one's peak RSS so far (VmHWM), in bytes."""
    total, peaks, todo = 0, {}, [pid]
    while todo:
        current = todo.pop()
        try:
            total += psutil.Process(current).memory_info().rss
            with open(f"/proc/{current}/status") as handle:
                hwm = next((line.split()[1] for line in handle if line.startswith("VmHWM:")), "0")
            peaks[current] = int(hwm) * 1024
        except (psutil.Error, OSError):
            continue
        todo += _children(current)
    return total, peaks


def measure(command: list[str], cwd: Path, env: dict[str, str], log_name: str = "command.log") -> Measurement:
    """Run ``command`` to its end (output to ``log_name`` in ``cwd``), sampling its process tree every 50 ms
    (every 10 ms took 6% of a core, which a tool using both cores of a 2-core machine had to share).

    The largest single process is the highest VmHWM (the kernel's peak RSS of a process since its exec)
    seen while sampling, or wait4's ru_maxrss for the tree when that is higher than this script's own peak:
    a child's ru_maxrss starts from the RSS of the process it was forked from, so only then is it its own.
    The tree figure is the highest summed RSS sampled, and at least the largest single process.
    """
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    with (cwd / log_name).open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        tree_peak, process_peaks = 0, {process.pid: 0}
        done = threading.Event()

        def sample() -> None:
            nonlocal tree_peak
            while not done.is_set():
                total, peaks = sample_tree(process.pid)
                tree_peak = max(tree_peak, total)
                for pid, peak in peaks.items():
                    process_peaks[pid] = max(process_peaks.get(pid, 0), peak)
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)  # rusage of the child and every descendant it waited for
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    largest = max(process_peaks.values())
    if usage.ru_maxrss * 1024 > own_peak:
        largest = max(largest, usage.ru_maxrss * 1024)
    error = None
    if process.returncode != 0:
        lines = [line.strip() for line in (cwd / log_name).read_text(errors="replace").splitlines() if line.strip()]
        cause = next((line for line in lines if line.startswith("! ")), lines[-1] if lines else "no output")
        error = f"exit {process.returncode}: {cause[:120]}"  # a LaTeX error ("! ..."), else the last line
    return Measurement(seconds, max(tree_peak, largest) / 1e6, largest / 1e6, error)


def run_case(case: Case, work: Path) -> Measurement:
    """Run one case with a fresh, empty cache folder (so every build is cold), removed afterwards."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    try:
        return measure(case.command, case.cwd, {**os.environ, "PAMPHLET_CACHE_DIR": str(cache)}, case.log)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


# --- generating the booklets -------------------------------------------------------------------------


def seed_statements() -> list[tuple[str, str, str]]:
    """(id, front matter lines, body) of each curated statement in the repository's statements/."""
    seeds = []
    for path in sorted((ROOT / "statements").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        seeds.append((path.stem, front, body))
    return seeds


def write_library(folder: Path, count: int) -> list[str]:
    """Write ``count`` statements into ``folder``: the seeds in turn, copies with distinct ids and titles."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = seed_statements()
    ids = []
    for n in range(count):
        stem, front, body = seeds[n % len(seeds)]
        copy = n // len(seeds) + 1
        if copy > 1:
            stem = f"{stem}-{copy}"
            retitled = "title: " + json.dumps(f"{_title(front)} ({copy})", ensure_ascii=False)
            front = "".join(retitled + "\n" if line.startswith("title:") else line for line in front.splitlines(True))
        (folder / f"{stem}.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
        ids.append(stem)
    return ids


def _title(front: str) -> str:
    """The title in a statement's front matter (written double-quoted, single-quoted or plain)."""
    found = re.search(r"(?m)^title: *(.*?) *$", front)
    value = found.group(1) if found else "Untitled"
    return str(json.loads(value)) if value.startswith('"') else value.strip("'")


def write_manifest(path: Path, title: str, statements: list[str]) -> None:
    items = "".join(f"  - {json.dumps(s)}\n" for s in statements)
    path.write_text(f"title: {json.dumps(title)}\nlayout: booklet\npaper: a4\nstatements:\n{items}", encoding="utf-8")


def write_markdown(folder: Path, path: Path) -> None:
    """The library's statements as one Markdown file, each title a heading, for pandoc."""
    parts = []
    for statement in sorted(folder.glob("*.md")):
        _, front, body = statement.read_text(encoding="utf-8").split("---\n", 2)
        parts.append(f"# {_title(front)}\n\n{body.strip()}\n")
    path.write_text("\n".join(parts), encoding="utf-8")


def pages(pdf: Path) -> int | None:
    try:
        return len(PdfReader(pdf).pages)
    except Exception:  # a missing or damaged output: the table shows "?"
        return None


def calibrate(work: Path) -> tuple[float, float]:
    """Pages = fixed + per_statement * statements, fitted on builds of 14 and 42 statements."""
    points = []
    for count in (14, 42):
        folder = work / f"calibrate-{count}"
        write_library(folder / "statements", count)
        write_manifest(folder / "booklet.yaml", "Calibration", ["*"])
        result = run_case(Case([*PAMPHLET, "build", "booklet.yaml", "--out", "out"], folder), work)
        if result.error:
            sys.exit(f"calibration build failed ({folder}): {result.error}")
        points.append((count, pages(folder / "out" / "booklet.pdf") or 0))
    (n1, p1), (n2, p2) = points
    per_statement = (p2 - p1) / (n2 - n1)
    return p1 - per_statement * n1, per_statement


def statements_for(target: int, model: tuple[float, float]) -> int:
    fixed, per_statement = model
    return max(1, round((target - fixed) / per_statement))


def make_project(folder: Path, count: int, with_html: bool) -> None:
    """A project with ``count`` statements and booklet.yaml selecting them all ("*")."""
    write_library(folder / "statements", count)
    write_manifest(folder / "booklet.yaml", f"Benchmark booklet of {count} statements", ["*"])
    if with_html:
        from pamphlet.build import document_html

        (folder / "document.html").write_text(document_html(folder / "booklet.yaml"), encoding="utf-8")
        write_markdown(folder / "statements", folder / "document.md")


# --- the plan: every case of one run -----------------------------------------------------------------


@dataclass(frozen=True)
class Features:
    """What this `pamphlet build` accepts, read from its --help."""

    jobs: bool
    no_cache: bool
    many: bool
    watch: bool


def features() -> Features:
    """Read `pamphlet build --help`, so the script runs before --jobs, --no-cache and batches exist."""
    text = subprocess.run([*PAMPHLET, "build", "--help"], capture_output=True, text=True, check=True).stdout
    return Features(jobs="--jobs" in text, no_cache="--no-cache" in text, many="..." in text.splitlines()[0],
                    watch="--watch" in text)


def pandoc_ready() -> bool:
    return all(shutil.which(tool) for tool in ("pandoc", "pdflatex", "pdfjam"))


def size_cases(folder: Path) -> dict[str, Case]:
    """The three ways to make one booklet: pamphlet, bare WeasyPrint on its HTML, pandoc + pdfjam."""
    cases = {
        "pamphlet build": Case([*PAMPHLET, "build", "booklet.yaml", "--out", "out"], folder),
        "bare WeasyPrint": Case([sys.executable, "-c", BARE_WEASYPRINT, "document.html", "weasyprint.pdf"], folder),
    }
    if pandoc_ready():
        cases["pandoc + pdflatex + pdfjam"] = Case(
            ["sh", "-c", PANDOC_PDFJAM, "sh", "document.md", "pandoc-a5.pdf", "pandoc-print.pdf"], folder, "pandoc.log"
        )
    return cases


def batch_cases(folder: Path, found: Features) -> dict[str, Case]:
    manifests = [f"{name}.yaml" for name in "abcd"]
    if not found.many:  # no multi-manifest build yet: four processes one after the other
        loop = 'for m in "$@"; do "$0" -m pamphlet build "$m" --out out || exit 1; done'
        return {"--jobs 1": Case(["sh", "-c", loop, sys.executable, *manifests], folder)}
    build = [*PAMPHLET, "build", *manifests, "--out", "out"]
    if not found.jobs:
        return {"--jobs 1": Case(build, folder)}
    return {"--jobs 1": Case([*build, "--jobs", "1"], folder), "--jobs 2": Case([*build, "--jobs", "2"], folder)}


def startup_cases(folder: Path) -> dict[str, Case]:
    return {
        "pamphlet --help": Case([*PAMPHLET, "--help"], folder),
        "pamphlet list": Case([*PAMPHLET, "list"], folder),
        "pamphlet layouts": Case([*PAMPHLET, "layouts"], folder),
    }


def edit_run(folder: Path, statement: Path, found: Features, work: Path) -> dict[str, Measurement]:
    """Cold build with a fresh cache, edit one statement, rebuild (and with --no-cache); then restore."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    env = {**os.environ, "PAMPHLET_CACHE_DIR": str(cache)}
    build = [*PAMPHLET, "build", "booklet.yaml", "--out", "out"]
    original = statement.read_text(encoding="utf-8")
    try:
        results = {"64-page build, cold (fresh cache)": measure(build, folder, env)}
        statement.write_text(original.rstrip("\n") + "\n" + EDIT, encoding="utf-8")
        results["same, after editing one statement"] = measure(build, folder, env)
        if found.no_cache:
            results["same, edited, --no-cache"] = measure([*build, "--no-cache"], folder, env)
        if found.watch:
            results[WATCHED] = watch_edit([*build, "--watch"], folder, env, statement)
        return results
    finally:
        statement.write_text(original, encoding="utf-8")
        shutil.rmtree(cache, ignore_errors=True)


def watch_edit(command: list[str], cwd: Path, env: dict[str, str], statement: Path) -> Measurement:
    """Start ``command`` (a `build --watch`), let its first build finish, save one more edit of ``statement``
    and time it until the rebuild is reported; the memory is its process tree's then."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    stdout, lines = process.stdout, queue.Queue[str | None]()
    threading.Thread(target=lambda: [*map(lines.put, stdout or ()), lines.put(None)], daemon=True).start()

    def next_line(seconds: float) -> str:
        """The next line printed within ``seconds``, or "" at the end of the output or the time."""
        try:
            return lines.get(timeout=seconds) or ""
        except queue.Empty:
            return ""

    try:
        while not (line := next_line(600)).startswith("Watching"):
            if not line:
                return Measurement(float("nan"), 0, 0, "the first build was not reported within 10 minutes")
        time.sleep(1)  # the workers are warm and idle, as after a user's first build
        started = time.perf_counter()
        statement.write_text(statement.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
        rebuilt = next_line(120)
        seconds = time.perf_counter() - started
        total, peaks = sample_tree(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)  # as Ctrl-C, which a benchmark started in the background ignores
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    error = None if " Built " in rebuilt else f"no rebuild reported: {rebuilt.strip()[:120] or 'none in 2 minutes'}"
    return Measurement(seconds, total / 1e6, max(peaks.values(), default=0) / 1e6, error)


# --- reporting -----------------------------------------------------------------------------------------


def median(samples: list[Measurement]) -> Measurement:
    """Medians of the runs that succeeded; the first error if any run failed."""
    good = [m for m in samples if m.error is None]
    error = next((m.error for m in samples if m.error), None)
    if not good:
        return Measurement(float("nan"), float("nan"), float("nan"), error)
    return Measurement(
        statistics.median(m.seconds for m in good),
        statistics.median(m.tree_mb for m in good),
        statistics.median(m.process_mb for m in good),
        error,
    )


def cells(m: Measurement | None) -> str:
    """Seconds, tree MB and largest MB as three table cells; 'n/a (why)' for a command that failed."""
    if m is None:
        return "n/a | | "
    if m.error and m.seconds != m.seconds:  # every run failed
        return f"n/a ({m.error.replace('|', '/')}) | | "
    note = " (some runs failed)" if m.error else ""
    return f"{m.seconds:.2f}{note} | {m.tree_mb:.0f} | {m.process_mb:.0f}"


def ratio(a: Measurement | None, b: Measurement | None) -> float | None:
    if a is None or b is None or a.error or b.error or not b.seconds:
        return None
    return a.seconds / b.seconds


def target(
    name: str,
    value: float | None,
    limit: float,
    *,
    at_most: bool = True,
    unit: str = "x",
    missing: str = "n/a",
    why: str = "not measured",
) -> str:
    """A row of the targets table: PASS or FAIL against ``limit``; ``missing`` (with ``why``) without a value."""
    sign = "<=" if at_most else ">="
    space = "" if unit == "x" else " "
    if value is None:
        return f"| {name} | n/a: {why} | {sign} {limit}{space}{unit} | {missing} |"
    ok = value <= limit if at_most else value >= limit
    shown = f"{value:.0f}" if unit == "MB" else f"{value:.2f}"
    return f"| {name} | {shown}{space}{unit} | {sign} {limit}{space}{unit} | {'PASS' if ok else 'FAIL'} |"


def machine() -> str:
    def first_line(command: list[str]) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()[0]
        except (OSError, subprocess.CalledProcessError, IndexError):
            return "not installed"

    commit = first_line(["git", "-C", str(ROOT), "describe", "--always", "--dirty"]).replace("not installed", "?")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cores} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, {platform.system()} {platform.machine()};"
        f" Python {platform.python_version()}, WeasyPrint {version('weasyprint')}, pypdf {version('pypdf')};"
        f" {first_line(['pandoc', '--version'])}, {first_line(['pdflatex', '--version'])}; pamphlet at {commit}"
    )


def report(
    runs: int,
    sizes: list[int],
    results: dict[str, dict[str, list[Measurement]]],
    page_counts: dict[str, dict[str, int | None]],
    batch_pages: list[int | None],
    pandoc_notes: list[str],
    load_before: float,
) -> str:
    med = {group: {name: median(s) for name, s in tools.items()} for group, tools in results.items()}
    lines = [
        HEADING,
        "",
        f"{time.strftime('%Y-%m-%d')}, {machine()}; 1-minute load average {load_before:.1f} before the runs,"
        f" {os.getloadavg()[0]:.1f} after.",
        f"Each command is one process (start-up included); sizes and tools interleaved within each run;"
        f" medians of {runs} runs. Seconds are wall time; *tree MB* is the peak of the RSS summed over the"
        f" command's whole process tree (sampled every {SAMPLE_SECONDS * 1000:.0f} ms); *largest MB* is the peak"
        " RSS of its largest single process (VmHWM / ru_maxrss). Pages are those of each tool's A5 PDF.",
        "",
        "| booklet | tool | pages | seconds | tree MB | largest MB | time / bare WeasyPrint |",
        "|---|---|---|---|---|---|---|",
    ]
    for size in sizes:
        group = f"{size} pages"
        bare = med[group].get("bare WeasyPrint")
        for name, m in med[group].items():
            count = page_counts[group].get(name)
            vs = ratio(m, bare)
            lines.append(
                f"| ~{size} | {name} | {count if count is not None else '?'} | {cells(m)} |"
                f" {f'{vs:.2f}' if vs is not None else 'n/a'} |"
            )
    lines += ["", "| other measurement | seconds | tree MB | largest MB |", "|---|---|---|---|"]
    lines += [f"| {name} | {cells(m)} |" for name, m in med["edit"].items()]
    shown = ", ".join(str(p) if p is not None else "?" for p in batch_pages)
    for name in ("--jobs 1", "--jobs 2"):
        lines.append(f"| batch of 4 manifests ({shown} pages), {name} | {cells(med['batch'].get(name))} |")
    lines += [f"| {name} | {cells(m)} |" for name, m in med["startup"].items()]

    def tool(size: int, name: str = "pamphlet build") -> Measurement | None:
        return med[f"{size} pages"].get(name) if size in sizes else None

    edit = med["edit"]
    startups = med["startup"].values()
    failed = [name for name, m in med["startup"].items() if m.error]
    big = tool(512)
    peer = "pandoc + pdflatex + pdfjam"
    lines += [
        "",
        "| target | measured | limit | result |",
        "|---|---|---|---|",
        target("1. 16-page build / bare WeasyPrint", ratio(tool(16), tool(16, "bare WeasyPrint")), 1.15),
        target("2. 512-page build / 256-page build", ratio(tool(512), tool(256)), 2.2),
        target("3a. 256-page cold build / bare WeasyPrint", ratio(tool(256), tool(256, "bare WeasyPrint")), 0.7),
        target(
            f"3b. 256-page cold build / {peer}",
            ratio(tool(256), tool(256, peer)),
            1.0,
            why="peer not installed or failed" if tool(256) else "not measured",
        ),
        target(
            "4. 64-page rebuild after one edit / cold build",
            ratio(edit.get("same, after editing one statement"), edit.get("64-page build, cold (fresh cache)")),
            0.35,
        ),
        target(
            "4w. the same rebuild in `build --watch` / cold build",
            ratio(edit.get(WATCHED), edit.get("64-page build, cold (fresh cache)")),
            0.35,
            why="no --watch",
        ),
        target(
            "5. slowest of --help, list, layouts",
            None if failed else max(m.seconds for m in startups),
            0.3,
            unit="s",
            missing="FAIL",
            why=f"{', '.join(failed)} failed",
        ),
        target(
            "6. peak memory of the 512-page build (tree)",
            None if big is None or big.error else big.tree_mb,
            350,
            unit="MB",
        ),
        target(
            "7. batch of 4: --jobs 1 time / --jobs 2 time",
            ratio(med["batch"].get("--jobs 1"), med["batch"].get("--jobs 2")),
            1.6,
            at_most=False,
            missing="FAIL" if "--jobs 2" not in med["batch"] else "n/a",
            why="no --jobs 2 measurement",
        ),
    ]
    lines += [f"\n{note}" for note in pandoc_notes]
    return "\n".join(lines) + "\n"


def write_results(section: str) -> None:
    """Replace (or append) the build section of RESULTS.md, keeping every other section."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = text.find(HEADING)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + (text[end:] if end >= 0 else "")
    RESULTS.write_text(text, encoding="utf-8")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- main ----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="16,64,256,512", help="Booklet sizes in A5 pages, comma-separated.")
    parser.add_argument("--write", action="store_true", help="Write the results into benchmarks/RESULTS.md.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    # As `pip install` does: else, where Python may not write bytecode (PYTHONDONTWRITEBYTECODE, a read-only
    # checkout), every command would compile pamphlet's modules anew, 0.03 s that no user's command spends.
    compileall.compile_dir(importlib.util.find_spec("pamphlet").submodule_search_locations[0], quiet=1)
    load_before = os.getloadavg()[0]
    found = features()
    say(
        f"pamphlet build: jobs={found.jobs} no-cache={found.no_cache} many-manifests={found.many};"
        f" pandoc + pdflatex + pdfjam: {'yes' if pandoc_ready() else 'not installed'}"
    )
    with tempfile.TemporaryDirectory(prefix="build-bench-") as tmp:
        work = Path(tmp)
        model = calibrate(work)
        say(f"calibrated: {model[0]:.1f} pages + {model[1]:.2f} pages per statement")
        plan: dict[str, dict[str, Case]] = {}
        for size in sizes:
            folder = work / f"size-{size}"
            make_project(folder, statements_for(size, model), with_html=True)
            plan[f"{size} pages"] = size_cases(folder)
        edit = work / "edit-64"
        make_project(edit, statements_for(64, model), with_html=False)
        library = sorted((edit / "statements").glob("*.md"))
        edited = library[len(library) // 2]
        batch = work / "batch"
        per = statements_for(BATCH_PAGES, model)
        ids = write_library(batch / "statements", 4 * per)
        for k, name in enumerate("abcd"):
            write_manifest(batch / f"{name}.yaml", f"Batch booklet {name.upper()}", ids[k * per : (k + 1) * per])
        plan["batch"] = batch_cases(batch, found)
        seed = work / "seed"
        shutil.copytree(ROOT / "statements", seed / "statements")
        plan["startup"] = startup_cases(seed)

        results: dict[str, dict[str, list[Measurement]]] = {g: {n: [] for n in c} for g, c in plan.items()}
        results["edit"] = {}
        for run in range(1, args.runs + 1):
            for group, cases in plan.items():
                for name, case in cases.items():
                    m = run_case(case, work)
                    results[group][name].append(m)
                    say(
                        f"run {run}/{args.runs}: {group}: {name}: {m.seconds:.2f} s, {m.tree_mb:.0f} MB"
                        + (f" ({m.error})" if m.error else "")
                    )
                if group == "batch":  # between the batch and start-up: the edit-one-statement rebuild
                    for name, m in edit_run(edit, edited, found, work).items():
                        results["edit"].setdefault(name, []).append(m)
                        say(f"run {run}/{args.runs}: edit: {name}: {m.seconds:.2f} s")

        page_counts = {
            f"{size} pages": {
                "pamphlet build": pages(work / f"size-{size}" / "out" / "booklet.pdf"),
                "bare WeasyPrint": pages(work / f"size-{size}" / "weasyprint.pdf"),
                "pandoc + pdflatex + pdfjam": pages(work / f"size-{size}" / "pandoc-a5.pdf"),
            }
            for size in sizes
        }
        batch_pages = [pages(batch / "out" / f"{name}.pdf") for name in "abcd"]
        notes = pandoc_notes(work, sizes)
    section = report(args.runs, sizes, results, page_counts, batch_pages, notes, load_before)
    print(section)
    if args.write:
        write_results(section)
        say(f"wrote {RESULTS.relative_to(ROOT)}")


def pandoc_notes(work: Path, sizes: list[int]) -> list[str]:
    """pdflatex's missing-glyph warnings, which pandoc passes on, so the table can say what was lost."""
    notes = []
    for size in sizes:
        log = work / f"size-{size}" / "pandoc.log"
        if not pandoc_ready() or not log.exists():
            continue
        missing = sorted(set(re.findall(r"Missing character: There is no (\S+)", log.read_text(errors="replace"))))
        if missing:
            notes.append(f"pandoc + pdflatex at ~{size} pages: missing glyphs {' '.join(missing)}.")
    return notes


if __name__ == "__main__":
    main()
