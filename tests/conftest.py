"""Shared helpers: read PDFs back by structure and text, with pypdf and poppler's pdftotext."""

from __future__ import annotations

import html
import os
import random
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
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


SENTENCES = [
    "Workers in every city stood together against the war and the bosses who profit from it",
    "The union called on members to join the march on Saturday and bring their neighbours",
    "Nobody should be sent to fight for the interests of a distant ruling class",
    "We demand housing wages and peace for every family in our community",
    "Solidarity across borders is the strongest answer to fear and division",
    "The government promised reform but delivered only more police and less bread",
    "Students and nurses organised meetings in schools and hospitals all through the winter",
    "Our strength is in our numbers and in our patience not in the speeches of leaders",
    "When the factory closed its gates the whole town came out to meet the strikers",
    "Every tenant on the estate signed the letter and the landlord had to listen",
    "They told us to wait for better times but better times are won and never given",
    "Nurses walked out at dawn and the patients cheered them from the windows",
]


def prose(count: int, seed: int = 1) -> str:
    """``count`` words of real-looking prose in paragraphs of five sentences: no digits, hyphens or quotes."""
    chooser, paragraphs, sentence_list, total = random.Random(seed), [], [], 0
    while total < count:
        sentence = chooser.choice(SENTENCES).split()[: count - total]
        total += len(sentence)
        sentence_list.append(" ".join(sentence) + ".")
        if len(sentence_list) == 5:
            paragraphs.append(" ".join(sentence_list))
            sentence_list = []
    return "\n\n".join([*paragraphs, " ".join(sentence_list)]).strip()


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


def require(tool: str, package: str) -> None:
    """Skip the test when ``tool`` (from the Debian ``package``) is missing; fail it on CI, which installs it."""
    if shutil.which(tool) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} (Debian {package}) is missing; .ci/run installs it")
        pytest.skip(f"{tool} (Debian {package}) is not installed")


def poppler_text(pdf: Path | bytes, *args: str) -> str:
    """What poppler's pdftotext prints for ``pdf`` (a file, or the bytes of one) with ``args``."""
    require("pdftotext", "poppler-utils")
    fed = isinstance(pdf, bytes)
    done = subprocess.run(["pdftotext", "-q", *args, "-" if fed else str(pdf), "-"], input=pdf if fed else None,
                          capture_output=True, check=True)
    return done.stdout.decode()


def pdftotext(pdf: Path | bytes, page: int, box: tuple[float, float, float, float] | None = None) -> str:
    """Text of 1-based ``page``, optionally only inside ``box`` = (x, y, width, height) in points from top left."""
    args = ["-layout", "-r", "72", "-f", str(page), "-l", str(page)]
    if box:
        args += ["-x", str(int(box[0])), "-y", str(int(box[1])), "-W", str(int(box[2])), "-H", str(int(box[3]))]
    return poppler_text(pdf, *args)


def page_texts(pdf: Path | bytes) -> list[str]:
    """The text of every page of ``pdf`` as ``pdftotext`` lays each out, read in one run of poppler."""
    return poppler_text(pdf, "-layout", "-r", "72").split("\f")[:-1]


def all_words(pdf: Path | bytes) -> str:
    """The text of all pages of ``pdf`` as ``words`` gives it."""
    return words(" ".join(page_texts(pdf)))


@dataclass(frozen=True)
class Word:
    """A word on a page and its box, in points from the page's top left."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    """A page's size in points and its words in reading order."""

    width: float
    height: float
    words: tuple[Word, ...]


def text_boxes(pdf: Path | bytes) -> list[Page]:
    """Every page of ``pdf`` with the box of each of its words, as ``pdftotext -bbox`` reads them."""
    found = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', poppler_text(pdf, "-bbox"),
                            re.S):
        boxes = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                           page[3])
        found.append(Page(float(page[1]), float(page[2]),
                          tuple(Word(*map(float, box[:4]), html.unescape(box[4])) for box in boxes)))
    return found


def page_sizes_mm(pdf: Path | bytes) -> list[tuple[float, float]]:
    """The size of every page of ``pdf`` in mm, to a tenth."""
    return [(round(float(p.mediabox.width) * 25.4 / 72, 1), round(float(p.mediabox.height) * 25.4 / 72, 1))
            for p in PdfReader(BytesIO(pdf) if isinstance(pdf, bytes) else pdf).pages]


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


A4 = "210mm 297mm"
A5 = "148mm 210mm"
A6 = "105mm 148mm"
A7 = "74.25mm 105mm"  # an eighth of A4: a zine panel


def numbered(pages: int, size: str = A5, sizes: tuple[str, ...] = ()) -> bytes:
    """A real WeasyPrint PDF whose page k shows 'Page k' in large type at its top.

    ``sizes``, if given, are cycled through as the sizes of successive pages (mixed sizes).
    """
    import weasyprint

    html = f"<style>@page {{ size: {size}; margin: 10mm }} p {{ font-size: 30pt; margin: 0; break-after: page }}"
    html += "".join(f"@page s{i} {{ size: {s} }} .s{i} {{ page: s{i} }}" for i, s in enumerate(sizes))
    html += "</style>"
    html += "".join(
        f"<p class='s{(k - 1) % len(sizes)}'>Page {k}</p>" if sizes else f"<p>Page {k}</p>" for k in range(1, pages + 1)
    )
    return bytes(weasyprint.HTML(string=html).write_pdf())
