"""The renderer reads only data: URLs and regular files under the allowed roots, never the network."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

from pamphlet.bundled import FONTS
from pamphlet.render import Job, render
from tests.conftest import pdftotext, render_pdf, words

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the renderer opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_renders_text_to_pdf(tmp_path: Path) -> None:
    pdf, warnings = render_pdf("<p>Hello, comrades</p>", tmp_path, (tmp_path,))
    out = tmp_path / "out.pdf"
    out.write_bytes(pdf)
    assert words(pdftotext(out, 1)) == "Hello, comrades"
    assert warnings == ()


def test_files_inside_roots_and_data_urls_are_served(tmp_path: Path, no_network: None) -> None:
    (tmp_path / "dot.png").write_bytes(__import__("base64").b64decode(PNG))
    (tmp_path / "style.css").write_text("p { color: black }")
    html = f'<link rel="stylesheet" href="style.css"><img src="dot.png"><img src="data:image/png;base64,{PNG}">'
    _, warnings = render_pdf(html, tmp_path, (tmp_path,))
    assert warnings == ()


@pytest.mark.parametrize(
    "url, reason",
    [
        ("file:///etc/hostname", "outside"),
        ("../outside.png", "outside"),
        ("link.png", "outside"),
        ("http://127.0.0.1:9/x.png", "network"),
        ("https://example.com/x.png", "network"),
        ("ftp://example.com/x.png", "network"),
        ("missing.png", "not a regular file"),
        ("sub", "not a regular file"),
    ],
)
def test_everything_else_is_refused_with_a_warning(tmp_path: Path, no_network: None, url: str, reason: str) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (tmp_path / "outside.png").write_bytes(b"secret")
    (root / "link.png").symlink_to(tmp_path / "outside.png")
    _, warnings = render_pdf(f'<img src="{url}"><p>x</p>', root, (root,))
    assert any("refused" in w and reason in w for w in warnings), warnings


def test_weasyprint_is_imported_again_the_usual_way_when_the_fast_import_fails() -> None:
    """A system whose libraries only find_library can locate: the first import fails, the second works."""
    script = """
import sys, importlib.abc
class FailOnce(importlib.abc.MetaPathFinder):
    failed = False
    def find_spec(self, name, path, target=None):
        if name == "weasyprint.text.ffi" and not FailOnce.failed:
            FailOnce.failed = True
            raise OSError("cannot load library 'libpango-1.0.so.0'")
sys.meta_path.insert(0, FailOnce())
from pamphlet.render import _weasyprint
module = _weasyprint()
assert FailOnce.failed and module.HTML and sys.modules["weasyprint.text.ffi"].pango
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "ok", done.stderr


def test_rendering_imports_fonttools_subsetter_and_instancer_only_when_weasyprint_calls_them() -> None:
    """Not with WeasyPrint, nor for pamphlet's own fonts (nor jinja2 and yaml, which a worker never needs): when
    called, on a system without HarfBuzz's subsetter (the PDF is then as readable), or for a variable font (the real
    instancer answers, refusing a static one)."""
    script = """
import sys
from io import BytesIO
from pypdf import PdfReader
from fontTools.ttLib import TTFont
from pamphlet.bundled import FONTS
from pamphlet.render import Job, render, warm_up
warm_up()
fonts = sys.modules["weasyprint.pdf.fonts"]
html = '<p style="font-family: Pamphlet Serif">Hello, comrades</p>'
job = Job((html,), FONTS, (FONTS,), stylesheets=(FONTS / "fonts.css",))
render(job)
unneeded = {"fontTools.subset", "fontTools.varLib", "jinja2", "yaml"} & set(sys.modules)
assert not unneeded, unneeded
fonts.harfbuzz_subset = None
rendered = render(job)
assert any("Using fontTools" in w for w in rendered.warnings), rendered.warnings
assert "fontTools.subset" in sys.modules
print(PdfReader(BytesIO(rendered.pdf)).pages[0].extract_text())
try:
    fonts.instantiateVariableFont(TTFont(FONTS / "NotoSans-Regular.ttf"), {"wght": 700}, static=True)
except ValueError as err:
    print(err)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.stdout.splitlines() == ["Hello, comrades", "Missing required table fvar"], done.stderr


#: The C types WeasyPrint asks cffi for by name (and an array of each new length, for each font of each PDF).
WEASYPRINT_TYPES = ["PangoRectangle *", "unsigned int *", "PangoFcFontMap *", "hb_tag_t[100]", "char[]", "char[4]",
                    "PangoLogAttr[]", "FcResult *", "FcChar8 **", "hb_codepoint_t[98765]", "unsigned short *"]


@pytest.mark.parametrize("name", WEASYPRINT_TYPES)
def test_c_types_that_weasyprint_asks_for_are_made_as_parsed_without_parsing(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.text.ffi import ffi

    render_pdf("<p>Hello, comrades</p>", tmp_path, (tmp_path,))  # WeasyPrint loaded, its table of types in place
    with ffi._lock:
        parsed = ffi._get_cached_btype(ffi._parser.parse_type(name))
    monkeypatch.setattr(ffi._parser, "parse_type", lambda name: pytest.fail(f"parsed {name}"))
    assert ffi._parsed_types.__missing__(name) == (parsed, False)
    assert ffi.typeof(name) is parsed


@pytest.mark.parametrize("name", ["const char *", "void *", "struct _PangoRectangle *", "int (*)(int)"])
def test_other_c_types_are_parsed(name: str, tmp_path: Path) -> None:
    from weasyprint.text.ffi import ffi

    render_pdf("<p>Hello, comrades</p>", tmp_path, (tmp_path,))
    with pytest.raises(KeyError):
        ffi._parsed_types.__missing__(name)
    made = ffi.typeof(name)
    with ffi._lock:
        assert made is ffi._get_cached_btype(ffi._parser.parse_type(name))


def test_pdf_streams_are_deflated_at_zlib_s_default_level(tmp_path: Path) -> None:
    """Level 6, not the 9 that pydyf asks for: rendering is a tenth faster, the PDF about 1% larger."""
    pdf, _ = render_pdf("<p>Hello, comrades</p>" * 40, tmp_path, (tmp_path,))
    reader = PdfReader(BytesIO(pdf))
    objects = (reader.get_object(number) for number in range(1, int(reader.trailer["/Size"])))
    deflated = [o for o in objects if isinstance(o, StreamObject) and o.get("/Filter") == "/FlateDecode"]
    assert all(o._data == zlib.compress(o.get_data(), 6) for o in deflated)
    assert any(zlib.compress(o.get_data(), 6) != zlib.compress(o.get_data(), 9) for o in deflated), "levels differ"


def test_the_warm_up_leaves_what_the_process_holds_out_of_later_garbage_collections() -> None:
    script = """
import gc
from pamphlet.render import warm_up
before = gc.get_freeze_count()
warm_up()
print(before, gc.get_freeze_count() > 10_000, len(gc.get_objects()) < 1_000)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["0", "True", "True"], done.stderr


#: A line in every bundled face.
EVERY_FACE = "".join(
    f'<p style="font: {style} 10pt {family}">Organise, agitate, educate</p>'
    for family in ("'Pamphlet Serif'", "'Pamphlet Sans'", "'Pamphlet Arabic'")
    for style in ("normal", "bold", "italic", "italic bold")
)


def test_every_bundled_face_sets_a_line_without_a_warning() -> None:
    """Each of the twelve faces that fonts.css declares."""
    rendered = render(Job((EVERY_FACE,), FONTS, (FONTS,), stylesheets=(FONTS / "fonts.css",)))
    reader = PdfReader(BytesIO(rendered.pdf))
    fonts = {str(font["/BaseFont"]).split("+")[-1] for font in reader.pages[0]["/Resources"]["/Font"].values()}
    families = set(re.findall(r'font-family: "Pamphlet (\w+)"', (FONTS / "fonts.css").read_text(encoding="utf-8")))
    assert rendered.warnings == ()
    assert families == {"Serif", "Sans", "Arabic"}
    assert {font.split("-")[1] for font in fonts} == families and len(fonts) == 4 * len(families), fonts
