"""Tests for pamphlet.statements: reading front matter and bodies, the library, and selection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pamphlet.errors import ManifestError, StatementError
from pamphlet.statements import KEYS, MAX_BYTES, Selector, find_library, read_library, read_statement, select
from tests import conftest

LIBRARY = Path(__file__).resolve().parent / "fixtures" / "statements"
MANIFEST = Path("edition.yaml")


def write(folder: Path, name: str, text: str | bytes) -> Path:
    return conftest.write(folder / name, text)


def problem(path: Path) -> str:
    return conftest.problem(StatementError, read_statement, path)


def test_read_statement_reads_every_front_matter_key() -> None:
    statement = read_statement(LIBRARY / "general-strike.md")
    assert statement.id == "general-strike"
    assert statement.title == "General Strike: Shut It Down"
    assert statement.summary == "Why the unions walked out on 26 March."
    assert statement.organisation == "ILPS US"
    assert statement.author == "Maria Santos"
    assert statement.date == dt.date(2023, 3, 26)
    assert statement.source == "https://example.org/general-strike"
    assert statement.tags == ("labour", "ilps")
    assert statement.language == "en"
    assert statement.body.startswith("Workers everywhere stopped work on 26 March.\n")
    assert statement.body_line == 10  # the line after the closing '---'


def test_byline_and_words() -> None:
    statement = read_statement(LIBRARY / "general-strike.md")
    assert statement.byline == "ILPS US · Maria Santos · 26 March 2023"
    assert statement.words == 13
    assert read_statement(LIBRARY / "ilps-solidarity.md").byline == "ILPS US"
    ukrainian = read_statement(LIBRARY / "mir-dlya-ukrainy.md")
    assert (ukrainian.byline, ukrainian.language, ukrainian.title) == ("24 February 2024", "uk", "Мир для України")


def test_a_bom_and_crlf_line_endings_are_accepted(tmp_path: Path) -> None:
    text = b"\xef\xbb\xbf---\r\ntitle: From Windows\r\ndate: 2024-01-02\r\n---\r\nHello\r\n"
    path = write(tmp_path, "windows.md", text)
    statement = read_statement(path)
    assert (statement.title, statement.date, statement.body, statement.body_line) == (
        "From Windows", dt.date(2024, 1, 2), "Hello\n", 5
    )  # fmt: skip


def test_unquoted_scalars_stay_text(tmp_path: Path) -> None:
    statement = read_statement(write(tmp_path, "no.md", "---\ntitle: no\nauthor: 1.10\ntags: [no, 2024]\n---\nBody\n"))
    assert (statement.title, statement.author, statement.tags) == ("no", "1.10", ("no", "2024"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Just a body\n", "1: expected front matter between two '---' lines at the top of the file"),
        ("---\ntitle: T\nBody\n", "1: expected front matter between two '---' lines at the top of the file"),
        ("---\ntitle: T\ntags: [a\n---\nBody\n", "3: invalid YAML: while parsing a flow sequence, expected ',' or ']'"),
        ("---\ntitle: T\n\ntitle: U\n---\nBody\n", "4: invalid YAML: duplicate key 'title' (first on line 2)"),
        ("---\ntitle: T\nsummary: &s x\nauthor: *s\n---\nB\n", "4: invalid YAML: aliases (*name) are not allowed"),
        ("---\ntitle: T\ncmd: !!python/object/apply:os.system [ls]\n---\nB\n", "3: invalid YAML: could not determine"),
        ("---\ntitle: T\n\ncolour: red\n---\nBody\n", "4: colour: unknown key; expected one of: title, summary,"),
        ("---\nsummary: s\n---\nBody\n", "2: title: required, but missing"),
        ("---\ntitle: ''\n---\nBody\n", "2: title: expected text, got ''"),
        ("---\ntitle: T\ndate: 26 March 2023\n---\nBody\n", "3: date: expected a date as YYYY-MM-DD, got '26 March"),
        ("---\ntitle: T\ndate: 2023-02-30\n---\nBody\n", "3: invalid YAML: expected a valid timestamp, got '2023-02"),
        ("---\ntitle: T\nlanguage: English\n---\nB\n", "3: language: expected a language tag such as en, uk or ar"),
        ("---\ntitle: T\ntags: {a: 1}\n---\nBody\n", "3: tags: expected a list of text, got a mapping"),
        ("---\ntitle: T\ntags: [[a]]\n---\nBody\n", "3: tags: expected a list of text, got a list"),
        ("---\ntitle: T\n---\n\n   \n", "4: body: expected the statement's text after the front matter"),
        ("---\ntitle: T\n---", "4: body: expected the statement's text after the front matter"),
        ("---\n- title\n---\nBody\n", "2: expected a mapping of keys, got a list"),
    ],
)
def test_each_bad_statement_is_reported_at_its_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "bad.md", text)
    assert problem(path).startswith(f"{path}:{expected}")


def test_every_problem_of_one_statement_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "Bad_Name.md", "---\ncolour: red\ndate: soon\n---\n")
    assert problem(path) == "\n".join(
        [
            "5 problems:",
            f"  {path}:1: file name: expected a lowercase id of letters, digits and hyphens, got 'Bad_Name'",
            f"  {path}:2: colour: unknown key; expected one of: {', '.join(KEYS)}",
            f"  {path}:2: title: required, but missing",
            f"  {path}:3: date: expected a date as YYYY-MM-DD, got 'soon'",
            f"  {path}:5: body: expected the statement's text after the front matter",
        ]
    )


@pytest.mark.parametrize("name", ["Capital.md", "under_score.md", "-leading.md", "sp ace.md", "ümlaut.md"])
def test_file_names_must_be_lowercase_ids(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "---\ntitle: T\n---\nBody\n")
    assert problem(path).startswith(f"{path}:1: file name: expected a lowercase id of letters, digits and hyphens")


def test_non_utf8_bytes_are_reported_at_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, "latin.md", b"---\ntitle: T\n---\nfine\ncaf\xe9\n")
    assert problem(path) == f"{path}:5: expected UTF-8 text, got the byte 0xe9"


def test_a_file_too_large_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "huge.md", b"---\ntitle: T\n---\n" + b"word " * (MAX_BYTES // 5 + 1))
    assert problem(path) == f"{path}:1: expected a statement under 2 MB, got {path.stat().st_size:,} bytes"


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "gone.md"
    assert problem(path) == f"{path}: expected a readable statement file, got: No such file or directory"


def test_read_library_reads_every_statement() -> None:
    library = read_library(LIBRARY)
    assert sorted(library) == ["general-strike", "ilps-peace", "ilps-solidarity", "mir-dlya-ukrainy"]
    assert library["ilps-peace"].tags == ("ilps",)


def test_read_library_reports_the_problems_of_several_files_at_once(tmp_path: Path) -> None:
    write(tmp_path, "good.md", "---\ntitle: Good\n---\nBody\n")
    first = write(tmp_path, "a-first.md", "---\ntitle: T\ndate: soon\n---\nBody\n")
    second = write(tmp_path, "z-second.md", "no front matter\n")
    (tmp_path / "folder.md").mkdir()
    write(tmp_path, "notes.txt", "not a statement")
    with pytest.raises(StatementError) as caught:
        read_library(tmp_path)
    assert caught.value.message == "\n".join(
        [
            "2 problems:",
            f"  {first}:3: date: expected a date as YYYY-MM-DD, got 'soon'",
            f"  {second}:1: expected front matter between two '---' lines at the top of the file",
        ]
    )


def test_read_library_of_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StatementError, match="expected a folder of statements, but there is none"):
        read_library(tmp_path / "nowhere")


def test_find_library_looks_at_and_above_the_start(tmp_path: Path) -> None:
    (tmp_path / "statements").mkdir()
    (tmp_path / "editions" / "2024").mkdir(parents=True)
    assert find_library(tmp_path / "editions" / "2024") == tmp_path / "statements"
    assert find_library(tmp_path) == tmp_path / "statements"
    (tmp_path / "editions" / "statements").mkdir()
    assert find_library(tmp_path / "editions" / "2024") == tmp_path / "editions" / "statements"


def test_find_library_finds_nothing(tmp_path: Path) -> None:
    (tmp_path / "statements").write_text("a file, not a folder")
    assert find_library(tmp_path) is None


def ids(*selectors: Selector) -> list[str]:
    return [s.id for s in select(read_library(LIBRARY), selectors, MANIFEST)]


def test_select_by_id_keeps_manifest_order() -> None:
    assert ids(Selector("id", "mir-dlya-ukrainy", 3), Selector("id", "general-strike", 4)) == [
        "mir-dlya-ukrainy", "general-strike"
    ]  # fmt: skip


def test_select_by_tag_is_in_date_order_with_undated_last() -> None:
    assert ids(Selector("tag", "ilps", 3)) == ["ilps-peace", "general-strike", "ilps-solidarity"]
    assert ids(Selector("tag", "LABOUR", 3)) == ["general-strike"]


def test_select_by_glob_over_ids() -> None:
    assert ids(Selector("glob", "ilps-*", 3)) == ["ilps-peace", "ilps-solidarity"]
    assert ids(Selector("glob", "*-[ps]*", 3)) == ["ilps-peace", "general-strike", "ilps-solidarity"]


def test_each_statement_is_selected_at_most_once() -> None:
    selectors = (Selector("id", "ilps-solidarity", 3), Selector("tag", "ilps", 4), Selector("glob", "*", 5))
    assert ids(*selectors) == ["ilps-solidarity", "ilps-peace", "general-strike", "mir-dlya-ukrainy"]


def test_every_unknown_selector_is_reported_at_once_with_hints() -> None:
    selectors = (
        Selector("id", "general-strike", 3),
        Selector("id", "general-strik", 4),
        Selector("tag", "peaec", 5),
        Selector("tag", "zzz", 6),
        Selector("glob", "ilsp-*", 7),
        Selector("id", "qqqqqqqq", 8),
    )
    with pytest.raises(ManifestError) as caught:
        ids(*selectors)
    assert caught.value.exit_code == 1
    assert caught.value.message == "\n".join(
        [
            "5 problems:",
            "  edition.yaml:4: statements: no statement with id 'general-strik'; did you mean 'general-strike'?",
            "  edition.yaml:5: statements: no statement with tag 'peaec'; did you mean 'peace'?; "
            "tags in use: ilps, labour, palestine, peace",
            "  edition.yaml:6: statements: no statement with tag 'zzz'; tags in use: ilps, labour, palestine, peace",
            "  edition.yaml:7: statements: no statement with glob 'ilsp-*'",
            "  edition.yaml:8: statements: no statement with id 'qqqqqqqq'",
        ]
    )
