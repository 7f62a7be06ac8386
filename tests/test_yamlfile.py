"""Tests for pamphlet.yamlfile: strict parsing of untrusted YAML and typed, located field reading."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pamphlet.yamlfile import Fields, YamlList, YamlMap, parse

FILE = Path("edition.yaml")


def error(text: str, first_line: int = 1) -> str:
    with pytest.raises(ValueError) as caught:
        parse(text, FILE, first_line)
    return str(caught.value)


def fields(text: str, first_line: int = 1) -> Fields:
    return Fields(parse(text, FILE, first_line), FILE, first_line)


def test_parse_keeps_the_line_of_every_key_and_list_item() -> None:
    data = parse("title: T\n\ntags:\n  - a\n  - b\nback:\n  url: u\n", FILE)
    assert data == {"title": "T", "tags": ["a", "b"], "back": {"url": "u"}}
    assert data.lines == {"title": 1, "tags": 3, "back": 6}
    assert isinstance(data["tags"], YamlList) and data["tags"].lines == [4, 5]
    assert isinstance(data["back"], YamlMap) and data["back"].lines == {"url": 7}


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_an_empty_document_is_an_empty_mapping(text: str) -> None:
    data = parse(text, FILE)
    assert data == {} and data.lines == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!python/object:os.system {}\n", "edition.yaml:1: invalid YAML: could not determine a constructor"),
        ("a: 1\nb: !!python/name:os.system\n", "edition.yaml:2: invalid YAML: could not determine a constructor"),
        ("a: &x 1\nb: *x\n", "edition.yaml:2: invalid YAML: aliases (*name) are not allowed"),
        ("a: 1\nb: 2\n\na: 3\n", "edition.yaml:4: invalid YAML: duplicate key 'a' (first on line 1)"),
        ("1: one\n", "edition.yaml:1: invalid YAML: expected a key name, got 1"),
        ("title: T\nyes: 1\n", "edition.yaml:2: invalid YAML: expected a key name, got True"),
        ("? [a]\n: b\n", "edition.yaml:1: invalid YAML: expected a key name, got ['a']"),
        ("a: 1\n<<: {b: 2}\n", "edition.yaml:2: invalid YAML: could not determine a constructor for the tag"),
        ("a: 1\nb: [\n", "edition.yaml:3: invalid YAML: while parsing a flow node, expected the node content"),
        ("a: 1\n\tb: 2\n", "edition.yaml:2: invalid YAML: while scanning for the next token, found character '\\t'"),
        (
            "a: 1\n---\nb: 2\n",
            "edition.yaml:2: invalid YAML: expected a single document in the stream, but found another",
        ),
        ("- a\n- b\n", "edition.yaml:1: expected a mapping of keys, got a list"),
        ("just words\n", "edition.yaml:1: expected a mapping of keys, got 'just words'"),
    ],
)
def test_unsafe_or_ambiguous_yaml_is_an_error_at_its_line(text: str, expected: str) -> None:
    assert error(text).startswith(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: !!bool maybe\n", "edition.yaml:2: invalid YAML: expected a valid bool, got 'maybe'"),
        ("a: !!int abc\n", "edition.yaml:1: invalid YAML: expected a valid int, got 'abc'"),
        ("a: !!float abc\n", "edition.yaml:1: invalid YAML: expected a valid float, got 'abc'"),
        ("a: 1\nb: !!int\n", "edition.yaml:2: invalid YAML: expected a valid int, got ''"),
        ("a: !!timestamp soon\n", "edition.yaml:1: invalid YAML: expected a valid timestamp, got 'soon'"),
        ("a: 1\ndate: 2023-13-01\n", "edition.yaml:2: invalid YAML: expected a valid timestamp, got '2023-13-01'"),
        pytest.param(
            "a: " + "1" * 5000, "edition.yaml:1: invalid YAML: expected a valid int, got text", id="5000-digits"
        ),
        ("a: !!map [1]\n", "edition.yaml:1: invalid YAML: expected a mapping, got sequence"),
        ("a: !!seq x\n", "edition.yaml:1: invalid YAML: expected a list, got scalar"),
        ("a: !!set [1]\n", "edition.yaml:1: invalid YAML: expected a mapping, got sequence"),
        ("a: 1\nb:\n  c: x\x01y\n", "edition.yaml:3: invalid YAML: special characters are not allowed: #x0001"),
    ],
)
def test_values_pyyaml_cannot_construct_are_errors_at_their_line(text: str, expected: str) -> None:
    assert error(text) == expected


def test_first_line_offsets_every_line_in_messages() -> None:
    assert error("title: T\nsummary: s\ntitle: U\n", first_line=2) == (
        "edition.yaml:4: invalid YAML: duplicate key 'title' (first on line 2)"
    )
    assert error("a: 1\nb: *x\n", first_line=10).startswith("edition.yaml:11: ")
    assert error("a: 1\nb: \x02\n", first_line=5).startswith("edition.yaml:6: ")


@pytest.mark.parametrize("depth", [2000, 50_000])
def test_deep_nesting_is_an_error_not_a_crash(depth: int) -> None:
    assert error("a: " + "[" * depth + "]" * depth, first_line=3) == "edition.yaml:3: invalid YAML: nested too deeply"


def test_text_keeps_unquoted_scalars_as_written() -> None:
    read = fields("version: 1.10\ntitle: no\ncode: 007\nwhen: 2024-05-01\nplain: ' spaced '\n")
    assert [read.text(k) for k in ("version", "title", "code", "when", "plain")] == [
        "1.10", "no", "007", "2024-05-01", "spaced"
    ]  # fmt: skip
    assert read.problems == []


def test_texts_keeps_list_items_as_written() -> None:
    read = fields("tags: [no, 1.10, 2024-05-01, ' x ', '']\none: yes\n")
    assert read.texts("tags") == ("no", "1.10", "2024-05-01", "x")
    assert read.texts("one") == ("yes",)
    assert read.texts("missing") == ()
    assert read.problems == []


def test_each_problem_names_file_line_key_expected_and_got() -> None:
    read = fields("a: [1]\nb: {x: 1}\nc:\nd: soon\ne: [[x]]\nf: A3\ng: English\nh: 5\n", first_line=2)
    assert read.text("a") is None
    assert read.text("b") is None
    assert read.text("c") is None
    assert read.date("d") is None
    assert read.texts("e") == ()
    assert read.choice("f", ("a4", "letter"), "a4") == "a4"
    assert read.language("g", "en") == "en"
    assert read.mapping("h") is None
    assert read.problems == [
        "edition.yaml:2: a: expected text, got a list",
        "edition.yaml:3: b: expected text, got a mapping",
        "edition.yaml:4: c: expected text, got nothing",
        "edition.yaml:5: d: expected a date as YYYY-MM-DD, got 'soon'",
        "edition.yaml:6: e: expected a list of text, got a list",
        "edition.yaml:7: f: expected one of a4, letter, got 'A3'",
        "edition.yaml:8: g: expected a language tag such as en, uk or ar, got 'English'",
        "edition.yaml:9: h: expected a mapping of keys, got 5",
    ]


def test_required_and_unknown_keys() -> None:
    read = fields("titel: T\nsummary: s\n", first_line=2)
    read.unknown(("title", "summary"))
    assert read.text("title", required=True) is None
    assert read.problems == [
        "edition.yaml:2: titel: unknown key; expected one of: title, summary",
        "edition.yaml:2: title: required, but missing",
    ]


def test_dates_choices_and_languages_that_are_valid() -> None:
    read = fields("a: 2024-05-01\nb: '2024-05-01'\nc: 2024-05-01 10:30:00\nd: Letter\ne: fil-PH\n")
    assert read.date("a") == read.date("b") == read.date("c") == dt.date(2024, 5, 1)
    assert read.date("missing") is None
    assert read.choice("d", ("a4", "letter"), "a4") == "letter"
    assert read.language("e", "en") == "fil-PH"
    assert read.language("missing", "en") == "en"
    assert read.problems == []


def test_a_nested_mapping_shares_problems_and_prefixes_its_keys() -> None:
    read = fields("title: T\nback:\n  url: 5\n  extra: x\n", first_line=3)
    back = read.mapping("back")
    assert back is not None
    back.unknown(("url",))
    assert back.text("url") == "5"
    assert read.problems == ["edition.yaml:6: back.extra: unknown key; expected one of: url"]


tokens = [*"ab1:-[]{}&*!?#|>'\"%@,\n\t ~", "!!python/object:os.system ", "!!int ", "<<", "2023-13-01", "  "]
yamlish = st.lists(st.sampled_from(tokens)).map("".join)


@given(text=st.one_of(yamlish, st.text()), first_line=st.integers(1, 50))
def test_any_text_parses_to_a_mapping_or_fails_with_file_and_line(text: str, first_line: int) -> None:
    try:
        data = parse(text, FILE, first_line)
    except ValueError as err:
        found = re.match(r"edition\.yaml:(\d+): ", str(err))
        assert found, str(err)
        assert first_line <= int(found[1]) <= first_line + text.count("\n") + 1
    else:
        assert isinstance(data, YamlMap)
        assert all(isinstance(key, str) for key in data)
