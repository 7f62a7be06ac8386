"""Tests for pamphlet.manifest: every key read, every problem reported at once with its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pamphlet.errors import ManifestError
from pamphlet.manifest import KEYS, Back, Theme, read_manifest
from pamphlet.schemes import Options
from pamphlet.statements import Selector
from tests import conftest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MANIFESTS = FIXTURES / "manifests"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with an empty statements/ library, for manifests written inside a test."""
    (tmp_path / "statements").mkdir()
    return tmp_path


def write(folder: Path, text: str | bytes, name: str = "edition.yaml") -> Path:
    return conftest.write(folder / name, text)


def problem(path: Path) -> str:
    return conftest.problem(ManifestError, read_manifest, path)


def test_every_key_is_read() -> None:
    path = MANIFESTS / "full.yaml"
    manifest = read_manifest(path)
    assert manifest.title == "Against War"
    assert manifest.subtitle == "Statements 2022-2024"
    assert manifest.organisation == "ILPS US"
    assert manifest.date == dt.date(2024, 5, 1)
    assert manifest.edition == "1.10"
    assert manifest.language == "en-US"
    assert manifest.layout == "booklet"
    assert manifest.paper == "letter"
    assert manifest.library == FIXTURES / "statements"
    assert manifest.statements == (
        Selector("id", "general-strike", 12), Selector("glob", "ilps-*", 13), Selector("tag", "peace", 14)
    )  # fmt: skip
    assert manifest.cover == "Read, copy, pass it on."
    assert manifest.back == Back("Join us.", ("info@example.org", "+1 555 0100"), "https://example.org")
    assert manifest.stem == "full"


def test_defaults_and_the_nearest_library(project: Path) -> None:
    (project / "editions" / "2024").mkdir(parents=True)
    manifest = read_manifest(write(project / "editions" / "2024", "title: no\nstatements: [2024, 'no']\n"))
    assert manifest.title == "no"
    assert manifest.statements == (Selector("id", "2024", 2), Selector("id", "no", 2))
    assert manifest.library == (project / "statements").resolve()
    assert (manifest.layout, manifest.paper, manifest.language) == ("booklet", "a4", "en")
    assert (manifest.date, manifest.edition, manifest.cover, manifest.back) == (None, None, None, Back())


def test_every_problem_is_reported_at_once_with_its_line() -> None:
    path = MANIFESTS / "broken.yaml"
    lines = problem(path).splitlines()
    assert lines[0] == "9 problems:"
    assert sorted(lines[1:], key=lambda line: int(line.split(":")[1])) == [
        f"  {path}:1: title: expected text, got a list",
        f"  {path}:3: colour: unknown key; expected one of: {', '.join(KEYS)}",
        f"  {path}:4: date: expected a date as YYYY-MM-DD, got 'May 2024'",
        f"  {path}:5: language: expected a language tag such as en, uk or ar, got 'English'",
        f"  {path}:6: paper: expected one of a4, letter, got 'a3'",
        f"  {path}:10: statements[2]: expected a statement id or {{tag: T}}, got ['general-strike', 'ilps-peace']",
        f"  {path}:11: statements[3]: expected a statement id or {{tag: T}}, got {{'tag': 'peace', 'extra': 1}}",
        f"  {path}:13: back.url: expected a web address starting with https://, got 'javascript:alert(1)'",
        f"  {path}:14: back.phone: unknown key; expected one of: text, contact, url",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("statements: [a]\n", "1: title: required, but missing"),
        ("title: T\n", "1: statements: required, but missing"),
        (
            "title: T\nstatements: []\n",
            "2: statements: expected a list of statement ids or {tag: T} items, got an empty list",
        ),
        ("title: T\nstatements: a\n", "2: statements: expected a list of statement ids or {tag: T} items, got 'a'"),
        ("title: T\nstatements:\n", "2: statements: expected a list of statement ids or {tag: T} items, got nothing"),
        ("title: T\nstatements:\n  - a\n  -\n", "4: statements[2]: expected a statement id or {tag: T}, got None"),
        ("title: T\nstatements:\n  - {tag: [a]}\n", "3: statements[1]: expected a statement id or {tag: T}, got"),
        (
            "title: T\nstatements: [a]\nback: [5]\n",
            "3: back: expected text, or a mapping of text, contact and url, got a list",
        ),
        ("title: T\nstatements: [a]\nback:\n  contact: {a: 1}\n", "4: back.contact: expected a list of text, got"),
        ("title: T\nstatements: [a]\nlibrary: nowhere\n", "3: library: expected a folder of statements, got 'nowhere'"),
        ("title: T\nstatements: [a]\nlayout: [a]\n", "3: layout: expected text, got a list"),
    ],
)
def test_each_bad_key_is_reported_at_its_line(project: Path, text: str, expected: str) -> None:
    path = write(project, text)
    assert problem(path).startswith(f"{path}:{expected}")


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.org", "example.org", "https://a.org/x y"]
)
def test_back_url_must_be_a_web_address(project: Path, url: str) -> None:
    path = write(project, f"title: T\nstatements: [a]\nback:\n  text: Hi\n  url: '{url}'\n")
    assert problem(path) == f"{path}:5: back.url: expected a web address starting with https://, got '{url}'"


def test_back_may_be_plain_text(project: Path) -> None:
    manifest = read_manifest(write(project, "title: T\nstatements: [a]\nback: Join us.\n"))
    assert manifest.back == Back(text="Join us.")


def test_tag_and_glob_selectors(project: Path) -> None:
    manifest = read_manifest(write(project, "title: T\nstatements:\n  - tag: Peace\n  - '*-2024'\n  - 'x?'\n"))
    assert manifest.statements == (
        Selector("tag", "Peace", 3), Selector("glob", "*-2024", 4), Selector("glob", "x?", 5)
    )  # fmt: skip


def test_no_library_anywhere_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "title: T\nstatements: [a]\n")
    assert problem(path) == f"{path}:1: library: no statements/ folder at or above {tmp_path}; add library:"


def test_a_missing_file(tmp_path: Path) -> None:
    assert problem(tmp_path / "gone.yaml") == f"{tmp_path / 'gone.yaml'}: no such manifest file"


def test_a_folder_instead_of_a_file(tmp_path: Path) -> None:
    assert problem(tmp_path) == f"{tmp_path}: expected a readable manifest file, got: Is a directory"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- title\n- T\n", "1: expected a mapping of keys, got a list"),
        ("A pamphlet\n", "1: expected a mapping of keys, got 'A pamphlet'"),
        ("title: T\nstatements: [a]\n\ntitle: U\n", "4: invalid YAML: duplicate key 'title' (first on line 1)"),
        ("title: &t T\nsubtitle: *t\nstatements: [a]\n", "2: invalid YAML: aliases (*name) are not allowed"),
    ],
)
def test_a_document_that_is_not_a_plain_mapping(project: Path, text: str, expected: str) -> None:
    path = write(project, text)
    assert problem(path) == f"{path}:{expected}"


def test_non_utf8_bytes_are_reported_at_their_line(project: Path) -> None:
    path = write(project, b"title: T\nstatements: [a]\ncover: caf\xe9\n")
    assert problem(path) == f"{path}:3: expected UTF-8 text, got the byte 0xe9"


def test_print_block_sets_scheme_and_imposition_options(project: Path) -> None:
    path = write(project, "title: T\nstatements: [a]\nprint:\n  scheme: signatures\n  sheet: A3\n  duplex: long\n"
                          "  creep: 1.5\n  marks: crop, fold\n  bleed: 3\n  blanks: end\n  gutter: 4\n"
                          "  sheets-per-signature: 3\n  grid: 2x2\n")
    manifest = read_manifest(path)
    assert manifest.scheme == "signatures"
    assert manifest.options == Options(sheet="a3", duplex="long", creep_mm=1.5, marks=("crop", "fold"), bleed_mm=3,
                                       blanks="end", gutter_mm=4, sheets_per_signature=3, across=2, down=2)


def test_no_print_block_keeps_the_layout_scheme_and_defaults(project: Path) -> None:
    manifest = read_manifest(write(project, "title: T\nstatements: [a]\n"))
    assert manifest.scheme is None and manifest.options == Options()


def test_every_bad_print_option_is_reported_at_its_line(project: Path) -> None:
    path = write(project, "title: T\nstatements: [a]\nprint:\n  scheme: sadle\n  sheet: a5\n  creep: lots\n"
                          "  marks: [crop, bleed]\n  grid: 2 by 2\n  sheets-per-signature: 0\n  colour: red\n")
    assert problem(path).splitlines()[1:] == [
        f"  {path}:4: print.scheme: expected one of cutstack, nup, saddle, signatures, trifold, zine, got 'sadle'",
        f"  {path}:5: print.sheet: expected one of a4, letter, a3, tabloid, got 'a5'",
        f"  {path}:6: print.creep: expected a number from -20 to 20, got 'lots'",
        f"  {path}:7: print.marks: expected some of crop, fold, cut, got 'bleed'",
        f"  {path}:8: print.grid: expected cells across x down such as 2x2 (up to 8x8), got '2 by 2'",
        f"  {path}:9: print.sheets-per-signature: expected a number from 1 to 64, got 0",
        f"  {path}:10: print.colour: unknown key; expected one of: scheme, sheet, duplex, creep, marks, bleed, blanks, "
        "gutter, sheets-per-signature, grid",
    ]


def test_theme_and_pull_quote(project: Path) -> None:
    path = write(project, "title: T\nstatements: [a]\npullquote: Peace, bread, land.\n"
                          "theme:\n  accent: '#C00000'\n  size: 9.5\n  font: Sans\n")
    manifest = read_manifest(path)
    assert manifest.pullquote == "Peace, bread, land."
    assert manifest.theme == Theme(accent="#c00000", size=9.5, font="sans")
    assert manifest.theme.family == "Pamphlet Sans, Pamphlet Arabic"


def test_the_default_theme_is_black_and_white_at_the_layout_size(project: Path) -> None:
    manifest = read_manifest(write(project, "title: T\nstatements: [a]\n"))
    assert manifest.theme == Theme(accent="#000", size=None, font="serif") and manifest.pullquote is None
    assert read_manifest(write(project, "title: T\nstatements: [a]\ntheme: {accent: '#fff'}\n")).theme.accent == "#fff"


def test_every_bad_theme_key_is_reported_at_its_line(project: Path) -> None:
    path = write(project, "title: T\nstatements: [a]\ntheme:\n  accent: 'red; background: url(x)'\n  size: 20\n"
                          "  font: Comic Sans\n  colour: red\n")
    assert problem(path).splitlines()[1:] == [
        f"  {path}:4: theme.accent: expected a colour as '#rgb' or '#rrggbb', got 'red; background: url(x)'",
        f"  {path}:5: theme.size: expected a number from 8 to 14, got 20",
        f"  {path}:6: theme.font: expected one of serif, sans, got 'Comic Sans'",
        f"  {path}:7: theme.colour: unknown key; expected one of: accent, size, font",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("theme:\n  accent: #c00\n", "4: theme.accent: expected a colour such as '#c00000' in quotes (a bare # starts "
                                     "a YAML comment), got nothing"),
        ("theme:\n  accent: '#c0000'\n", "4: theme.accent: expected a colour as '#rgb' or '#rrggbb', got '#c0000'"),
        ("theme:\n  accent: '#c00000\\n'\n", "4: theme.accent: expected a colour as '#rgb' or '#rrggbb'"),
        ("theme:\n  size: 7.5\n", "4: theme.size: expected a number from 8 to 14, got 7.5"),
        ("theme:\n  size: large\n", "4: theme.size: expected a number from 8 to 14, got 'large'"),
        ("theme: dark\n", "3: theme: expected a mapping of keys, got 'dark'"),
        ("pullquote: [a, b]\n", "3: pullquote: expected text, got a list"),
    ],
)
def test_each_bad_theme_value(project: Path, text: str, expected: str) -> None:
    path = write(project, "title: T\nstatements: [a]\n" + text)
    assert problem(path).startswith(f"{path}:{expected}")
