"""Benchmark: saddle imposition of 1024 real WeasyPrint A5 pages to A4, against pdfjam and pdfimpose.

Run:  python benchmarks/impose_bench.py [--pages 1024] [--runs 3]
Peers are timed when installed: `pip install pdfimpose`, Debian `texlive-extra-utils` (pdfjam).
Each tool runs as a command (start-up included), interleaved, median of --runs runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_input(path: Path, pages: int) -> None:
    """A5 pages of real text, set by WeasyPrint, one statement paragraph after another."""
    import weasyprint

    paragraphs = [
        p.strip()
        for f in sorted((ROOT / "statements").glob("*.md"))
        for p in f.read_text(encoding="utf-8").split("---", 2)[2].split("\n\n")
        if p.strip() and not p.startswith("#")
    ]
    css = "@page { size: 148mm 210mm; margin: 15mm; @bottom-center { content: counter(page) } }"
    css += "p { font: 10pt/1.4 serif; text-align: justify; margin: 0 0 2mm } div { break-after: page }"
    body = "".join(f"<div><p>{p}</p><p>{paragraphs[(k + 7) % len(paragraphs)]}</p></div>"
                   for k, p in ((k, paragraphs[k % len(paragraphs)]) for k in range(pages)))
    path.write_bytes(weasyprint.HTML(string=f"<style>{css}</style>{body}").write_pdf())


def tools(source: Path, work: Path) -> dict[str, list[str]]:
    found = {"pamphlet": [sys.executable, "-m", "pamphlet", "impose", str(source), "--scheme", "saddle",
                          "--sheet", "a4", "-o", str(work / "pamphlet.pdf")]}
    if shutil.which("pdfjam"):
        found["pdfjam --booklet"] = ["pdfjam", "--quiet", "--booklet", "true", "--landscape", "--a4paper",
                                     str(source), "-o", str(work / "pdfjam.pdf")]
    if pdfimpose := shutil.which("pdfimpose"):
        found["pdfimpose saddle"] = [pdfimpose, "saddle", "--format", "A4", str(source),
                                     "--output", str(work / "pdfimpose.pdf")]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "input.pdf"
        make_input(source, args.pages)
        commands = tools(source, work)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                started = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True)
                times[name].append(time.perf_counter() - started)
        size_in = source.stat().st_size
        outputs = {"pamphlet": "pamphlet.pdf", "pdfjam --booklet": "pdfjam.pdf", "pdfimpose saddle": "pdfimpose.pdf"}
        ours = statistics.median(times["pamphlet"])
        print(f"{args.pages} A5 pages by WeasyPrint ({size_in / 1e6:.2f} MB), saddle onto A4, median of {args.runs}")
        print("| tool | seconds | output MB | output / input | pamphlet time / tool time |")
        print("|---|---|---|---|---|")
        for name in commands:
            median = statistics.median(times[name])
            size = (work / outputs[name]).stat().st_size
            print(f"| {name} | {median:.2f} | {size / 1e6:.2f} | {size / size_in:.2f}x | {ours / median:.2f} |")


if __name__ == "__main__":
    main()
