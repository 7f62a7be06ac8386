"""Tests for pamphlet.layouts: finding layouts, extends chains, layout.yaml checks and safe rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

from pamphlet.bundled import BUILTIN_LAYOUTS
from pamphlet.errors import LayoutError
from pamphlet.layouts import available, find_layout

PROJECT = Path(__file__).resolve().parent / "fixtures" / "layouts"  # holds layouts/booklet and layouts/poster
OWN = PROJECT / "layouts"
BUILTIN = BUILTIN_LAYOUTS / "booklet"


def layout(project: Path, name: str, yaml: str, **files: str) -> Path:
    folder = project / "layouts" / name
    folder.mkdir(parents=True)
    (folder / "layout.yaml").write_text(yaml)
    for file, text in files.items():
        (folder / file.replace("_", ".")).write_text(text)
    return folder / "layout.yaml"


def problem(name: str, project: Path) -> str:
    with pytest.raises(LayoutError) as caught:
        find_layout(name, project)
    return caught.value.message


@pytest.mark.parametrize("folder", [None, Path("/"), Path(__file__).parent])
def test_the_builtin_booklet_is_found_from_any_folder(folder: Path | None) -> None:
    booklet = find_layout("booklet", folder)
    assert booklet.folders == (BUILTIN,)
    assert booklet.page_mm == {"a4": (148.0, 210.0), "letter": (139.7, 215.9)}
    assert booklet.scheme == "saddle"
    assert booklet.stylesheets == (BUILTIN / "style.css",)
    assert (BUILTIN / "document.html.j2").is_file()


def test_an_unknown_layout_lists_the_available_ones(tmp_path: Path) -> None:
    assert problem("bookelt", tmp_path) == "unknown layout 'bookelt'; available: booklet, flyer, leaflet, zine"
    assert problem("bookelt", PROJECT) == "unknown layout 'bookelt'; available: booklet, flyer, leaflet, poster, zine"
    assert available(PROJECT) == ["booklet", "flyer", "leaflet", "poster", "zine"]


def test_the_manifest_folder_layout_is_found_first_and_may_extend_the_builtin_of_its_name() -> None:
    booklet = find_layout("booklet", PROJECT)
    assert booklet.folders == (OWN / "booklet", BUILTIN)
    assert booklet.page_mm == {"a4": (140.0, 200.0), "letter": (139.7, 215.9)}
    assert booklet.stylesheets == (BUILTIN / "style.css", OWN / "booklet" / "style.css")
    assert booklet.description.startswith("A5 (half-letter) booklet")


def test_a_layout_extends_the_whole_chain_with_its_own_stylesheet_last() -> None:
    poster = find_layout("poster", PROJECT)
    assert poster.folders == (OWN / "poster", OWN / "booklet", BUILTIN)
    assert poster.stylesheets == (BUILTIN / "style.css", OWN / "booklet" / "style.css", OWN / "poster" / "style.css")
    assert (poster.description, poster.scheme) == ("One big page", "none")
    assert poster.page_mm["a4"] == (140.0, 200.0)


def test_extending_in_a_circle_is_an_error(tmp_path: Path) -> None:
    a = layout(tmp_path, "a", "description: A\nextends: b\n")
    layout(tmp_path, "b", "extends: c\n")
    layout(tmp_path, "c", "extends: a\n")
    assert problem("b", tmp_path) == f"{a}:2: extends: layouts extend each other in a circle"


def test_extending_an_unknown_layout_is_an_error(tmp_path: Path) -> None:
    mine = layout(tmp_path, "mine", "description: Mine\nextends: nosuch\n")
    assert problem("mine", tmp_path) == (
        f"{mine}:2: extends: unknown layout 'nosuch'; available: booklet, flyer, leaflet, mine, zine"
    )


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        ("page:\n  a4: [0, 210]\n", "2: page.a4: expected [width, height] in millimetres, got [0, 210]"),
        ("page:\n  a4: [148, 210]\n  letter: 5\n", "3: page.letter: expected [width, height] in millimetres, got 5"),
        ("page:\n  a4: [148, 'x']\n", "2: page.a4: expected [width, height] in millimetres, got [148, 'x']"),
        ("page:\n  a4: [true, 210]\n", "2: page.a4: expected [width, height] in millimetres, got [True, 210]"),
        ("page:\n  a4: [148, 210, 1]\n", "2: page.a4: expected [width, height] in millimetres, got [148, 210, 1]"),
        ("page:\n  a4: [148, 210]\n  a5: [1, 2]\n", "3: page.a5: unknown key; expected one of: a4, letter"),
        ("page: [148, 210]\n", "1: page: expected a mapping of keys, got a list"),
        ("description: No pages\n", "1: page: expected page sizes for a4 and letter paper in millimetres"),
        ("extends: booklet\ncolour: red\n", "2: colour: unknown key; expected one of: description, extends, page,"),
        ("extends: booklet\nextends: zine\n", "2: invalid YAML: duplicate key 'extends' (first on line 1)"),
        ("page:\n  a4: [148, 210\n", "3: invalid YAML: while parsing a flow sequence"),
    ],
)
def test_an_invalid_layout_yaml_is_reported_at_its_line(tmp_path: Path, yaml: str, expected: str) -> None:
    path = layout(tmp_path, "bad", yaml)
    assert problem("bad", tmp_path).startswith(f"{path}:{expected}")


def test_every_problem_of_a_layout_yaml_at_once(tmp_path: Path) -> None:
    path = layout(tmp_path, "bad", "size: A5\npage:\n  a4: [-1, 210]\n  letter: []\npages: 0\nsplit: 1\n")
    assert problem("bad", tmp_path) == "\n".join(
        [
            "5 problems:",
            f"  {path}:1: size: expected a number from 8 to 24, got 'A5'",
            f"  {path}:3: page.a4: expected [width, height] in millimetres, got [-1, 210]",
            f"  {path}:4: page.letter: expected [width, height] in millimetres, got []",
            f"  {path}:5: pages: expected a whole number of pages, got 0",
            f"  {path}:6: split: expected true or false, got 1",
        ]
    )


def test_render_uses_the_nearest_template_and_escapes_every_value(tmp_path: Path) -> None:
    layout(tmp_path, "mine", "extends: booklet\n", document_html_j2="<h1>{{ title }}</h1>{{ body }}\n")
    mine = find_layout("mine", tmp_path)
    html = mine.render({"title": "<script>alert(1)</script>", "body": "<img src=x onerror=alert(1)>"})
    assert html == "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>&lt;img src=x onerror=alert(1)&gt;\n"


@pytest.mark.parametrize(
    ("template", "context", "expected"),
    [
        ("{{ missing }}", {}, "'missing' is undefined"),
        ("{{ manifest.title }}", {"manifest": {}}, "'dict object' has no attribute 'title'"),
        ("{% for x in items %}{% endfor %}", {}, "'items' is undefined"),
        ("{% if %}", {}, "Expected an expression"),
    ],
)
def test_template_mistakes_are_layout_errors(
    tmp_path: Path, template: str, context: dict[str, object], expected: str
) -> None:
    layout(tmp_path, "mine", "extends: booklet\n", document_html_j2=template)
    with pytest.raises(LayoutError, match="layout 'mine'") as caught:
        find_layout("mine", tmp_path).render(context)
    assert expected in caught.value.message
