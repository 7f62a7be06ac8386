"""Shared helpers: read PDFs back by structure and text, with pypdf and poppler's pdftotext."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from pypdf import PdfReader

from pamphlet.errors import PamphletError
from pamphlet.render import Job, render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# No property test is timed: these machines are shared and noisy (speed is for benchmarks/).
settings.register_profile("pamphlet", deadline=None)
settings.load_profile("pamphlet")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets an empty cache of its own: none reads or fills the user's ~/.cache/pamphlet."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("PAMPHLET_CACHE_DIR", str(folder))
    return folder


def project(folder: Path, manifest: str, statements: dict[str, str]) -> Path:
    """A project in ``folder``: statements/<id>.md holding each text of ``statements``, and m.yaml holding
    ``manifest``; the path of m.yaml."""
    (folder / "statements").mkdir()
    for name, text in statements.items():
        (folder / "statements" / f"{name}.md").write_text(text, encoding="utf-8")
    (folder / "m.yaml").write_text(manifest, encoding="utf-8")
    return folder / "m.yaml"


def write(path: Path, text: str | bytes) -> Path:
    """``text`` written to ``path`` as it is (str as UTF-8); the path."""
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def problem(error: type[PamphletError], read: Callable[[Path], object], path: Path) -> str:
    """The message of the ``error`` that ``read(path)`` raises, which exits with status 1."""
    with pytest.raises(error) as caught:
        read(path)
    assert caught.value.exit_code == 1
    return caught.value.message


def render_pdf(html: str, base: Path, roots: tuple[Path, ...]) -> tuple[bytes, tuple[str, ...]]:
    """``html`` rendered as one job in this process: its PDF and WeasyPrint's warnings."""
    rendered = render(Job((html,), base, roots))
    return rendered.pdf, rendered.warnings


def words(text: str) -> str:
    """Text with all whitespace folded, hyphenation at line ends undone."""
    return re.sub(r"\s+", " ", re.sub(r"-\n(?=\w)", "", text.replace("\u00ad", ""))).strip()


def pdftotext(pdf: Path, page: int, box: tuple[float, float, float, float] | None = None) -> str:
    """Text of 1-based ``page``, optionally only inside ``box`` = (x, y, width, height) in points from top left."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (Debian poppler-utils) is missing; .ci/run installs it")
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    args = ["pdftotext", "-q", "-layout", "-r", "72", "-f", str(page), "-l", str(page)]
    if box:
        args += ["-x", str(int(box[0])), "-y", str(int(box[1])), "-W", str(int(box[2])), "-H", str(int(box[3]))]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def page_sizes_mm(pdf: Path) -> list[tuple[float, float]]:
    return [(round(float(p.mediabox.width) * 25.4 / 72, 1), round(float(p.mediabox.height) * 25.4 / 72, 1))
            for p in PdfReader(pdf).pages]


def fonts(pdf: Path) -> dict[str, bool]:
    """Every font used on any page (also inside Form XObjects): base name -> whether it is embedded."""
    found: dict[str, bool] = {}

    def walk(resources: object) -> None:
        resources = resources.get_object() if resources is not None else None  # type: ignore[attr-defined]
        if not resources:
            return
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            found[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in PdfReader(pdf).pages:
        walk(page.get("/Resources"))
    return found


def assert_bundled_fonts(*pdfs: Path) -> None:
    """Every font of every PDF is embedded and is one of the bundled Pamphlet-* fonts (subset)."""
    for pdf in pdfs:
        used = fonts(pdf)
        assert used and all(used.values()), used
        assert all(re.match(r"^/[A-Z]{6}\+Pamphlet-", name) for name in used), used
