"""The cache of rendered parts: keys follow every input, entries round-trip, damage reads as a miss."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pamphlet import cache
from pamphlet.render import Job, Rendered

BASE = Path("/srv/layouts/booklet")
ROOTS = (Path("/srv/layouts/booklet"), Path("/srv/fonts"))
INPUTS = hashlib.sha256(b"inputs").digest()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for hypothesis examples (function-scoped tmp_path does not mix with @given)."""
    return tmp_path_factory.mktemp("scratch")


def job(*htmls: str, base: Path = BASE, pages: int | None = None, stylesheets: tuple[Path, ...] = ()) -> Job:
    return Job(htmls or ("<p>x</p>",), base, ROOTS, pages, stylesheets)


RENDERED = Rendered(b"%PDF-1.7 fake bytes\n%%EOF", 2, False, ("a warning", "another"), 5,
                    {"statement-one": 0, "statement-two": 3, "sources": 4}, (64.25, 64.25, 60.5, 64.25, 64.25))


# Keys


#: What a template can produce: any text but lone surrogates (a UTF-8 file cannot hold them) and NUL
#: (Markdown turns it into U+FFFD).
html_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


@settings(max_examples=200)
@given(html_text, html_text)
def test_key_is_a_function_of_the_html_and_differs_when_it_does(a: str, b: str) -> None:
    assert cache.key(job(a), INPUTS) == cache.key(job(a), INPUTS)
    assert (cache.key(job(a), INPUTS) == cache.key(job(b), INPUTS)) == (a == b)


@settings(max_examples=100)
@given(st.binary(min_size=1, max_size=2000), st.data())
def test_changing_one_byte_of_the_html_changes_the_key(html: bytes, data: st.DataObject) -> None:
    text = html.decode("latin-1").replace("\x00", " ")
    index = data.draw(st.integers(0, len(text) - 1))
    changed = text[:index] + chr(ord(text[index]) % 255 + 1) + text[index + 1:]
    assert cache.key(job(text), INPUTS) != cache.key(job(changed), INPUTS)


@settings(max_examples=50)
@given(st.lists(html_text, min_size=1, max_size=4), st.lists(html_text, min_size=1, max_size=4))
def test_every_candidate_counts_in_order(a: list[str], b: list[str]) -> None:
    assert (cache.key(job(*a), INPUTS) == cache.key(job(*b), INPUTS)) == (a == b)


def test_key_changes_with_the_page_limit_the_stylesheets_the_base_and_the_inputs() -> None:
    html = "<p>Solidarity</p>"
    plain = cache.key(job(html), INPUTS)
    others = [
        cache.key(job(html, pages=8), INPUTS),
        cache.key(job(html, pages=6), INPUTS),
        cache.key(job(html, stylesheets=(Path("/srv/layouts/booklet/style.css"),)), INPUTS),
        cache.key(job(html, stylesheets=(Path("/srv/layouts/zine/style.css"),)), INPUTS),
        cache.key(job(html, stylesheets=(Path("/srv/fonts/fonts.css"), Path("/srv/layouts/booklet/style.css"))),
                  INPUTS),
        cache.key(job(html, stylesheets=(Path("/srv/layouts/booklet/style.css"), Path("/srv/fonts/fonts.css"))),
                  INPUTS),
        cache.key(job(html, base=Path("/srv/layouts/zine")), INPUTS),
        cache.key(job(html), hashlib.sha256(b"other inputs").digest()),
    ]
    assert len({plain, *others}) == len(others) + 1
    assert cache.key(job(html, pages=8), INPUTS) == cache.key(job(html, pages=8), INPUTS)


# Fingerprints of the roots


def tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


FILES = {"layout.yaml": b"size: 10\n", "style.css": b"p { margin: 0 }\n", "fonts/deep/font.woff2": bytes(range(256))}


def test_fingerprint_is_equal_for_equal_trees_whatever_order_files_were_written(tmp_path: Path) -> None:
    root = tree(tmp_path / "root", FILES)
    first = cache.fingerprint((root,))
    shutil.rmtree(root)
    tree(root, dict(reversed(FILES.items())))
    assert cache.fingerprint((root,)) == first
    assert cache.fingerprint((root,)) == cache.fingerprint((root,))


@pytest.mark.parametrize("name", sorted(FILES))
def test_one_changed_byte_in_any_file_under_a_root_changes_the_fingerprint(tmp_path: Path, name: str) -> None:
    root = tree(tmp_path / "root", FILES)
    other = tree(tmp_path / "other", {"a.css": b"a {}"})
    before = cache.fingerprint((other, root))
    data = bytearray((root / name).read_bytes())
    data[len(data) // 2] ^= 1
    (root / name).write_bytes(bytes(data))
    assert cache.fingerprint((other, root)) != before  # read afresh: no stale memory of the old bytes
    (root / name).write_bytes(FILES[name])
    assert cache.fingerprint((other, root)) == before


def test_adding_renaming_or_removing_a_file_changes_the_fingerprint(tmp_path: Path) -> None:
    root = tree(tmp_path / "root", FILES)
    before = cache.fingerprint((root,))
    (root / "new.css").write_bytes(b"")
    added = cache.fingerprint((root,))
    (root / "new.css").rename(root / "renamed.css")
    renamed = cache.fingerprint((root,))
    (root / "renamed.css").unlink()
    assert len({before, added, renamed}) == 3
    assert cache.fingerprint((root,)) == before


def test_fingerprint_depends_on_which_roots_and_their_order(tmp_path: Path) -> None:
    one = tree(tmp_path / "one", {"a": b"1"})
    two = tree(tmp_path / "two", {"a": b"1"})
    prints = {cache.fingerprint(roots) for roots in ((one,), (two,), (one, two), (two, one))}
    assert len(prints) == 4


def test_the_code_digest_follows_the_package_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tree(tmp_path / "pkg", {"render.py": b"x = 1\n", "cache.py": b"y = 2\n"})
    monkeypatch.setattr(cache, "_PACKAGE", package)
    before = cache._code.__wrapped__()  # type: ignore[attr-defined]
    (package / "render.py").write_bytes(b"x = 2\n")
    assert cache._code.__wrapped__() != before  # type: ignore[attr-defined]


@pytest.mark.parametrize("package", ["weasyprint", "pydyf"])
def test_the_code_digest_follows_the_version_of_weasyprint_and_pydyf(package: str, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import version

    stated = cache._origin(package).read_text(encoding="utf-8")
    assert f"__version__ = '{version(package)}'" in stated
    origin = tmp_path / package / "__init__.py"
    origin.parent.mkdir()
    origin.write_text(stated)
    real = cache._origin
    monkeypatch.setattr(cache, "_origin", lambda name: origin if name == package else real(name))
    before = cache._code.__wrapped__()  # type: ignore[attr-defined]
    origin.write_text(stated.replace(f"'{version(package)}'", "'999.0'"))
    assert cache._code.__wrapped__() != before  # type: ignore[attr-defined]


# Store and load


def entry(where: Path, digest: str) -> tuple[Path, Path]:
    return where / digest[:2] / f"{digest}.pdf", where / digest[:2] / f"{digest}.json"


def test_store_then_load_gives_back_every_field(tmp_path: Path) -> None:
    digest = cache.key(job("<p>a</p>"), INPUTS)
    assert cache.load(tmp_path, digest) is None
    cache.store(tmp_path, digest, RENDERED)
    assert cache.load(tmp_path, digest) == RENDERED  # dataclass equality: a list read back for a tuple differs
    assert cache.load(tmp_path, cache.key(job("<p>b</p>"), INPUTS)) is None


names = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60)
@given(st.builds(Rendered, st.binary(max_size=500), st.integers(0, 10), st.booleans(),
                 st.lists(names, max_size=3).map(tuple), st.integers(1, 500),
                 st.dictionaries(names, st.integers(0, 500), max_size=5)))
def test_round_trip_of_any_rendering(scratch: Path, rendered: Rendered) -> None:
    digest = hashlib.sha256(repr(rendered).encode()).hexdigest()
    cache.store(scratch, digest, rendered)
    assert cache.load(scratch, digest) == rendered


def test_storing_again_replaces_the_entry_and_leaves_no_temp_files(tmp_path: Path) -> None:
    digest = "ab" + "0" * 62
    cache.store(tmp_path, digest, RENDERED)
    newer = Rendered(b"%PDF newer", 0, True, (), 1, {})
    cache.store(tmp_path, digest, newer)
    assert cache.load(tmp_path, digest) == newer
    assert sorted(p.name for p in (tmp_path / "ab").iterdir()) == [f"{digest}.json", f"{digest}.pdf"]


def damage_truncated_pdf(pdf: Path, meta: Path) -> None:
    pdf.write_bytes(pdf.read_bytes()[:-5])


def damage_bad_json(pdf: Path, meta: Path) -> None:
    meta.write_text(meta.read_text()[:-7])


def damage_binary_json(pdf: Path, meta: Path) -> None:
    meta.write_bytes(b"\xff\xfe\x00garbage")


def damage_json_list(pdf: Path, meta: Path) -> None:
    meta.write_text("[1, 2, 3]")


def damage_missing_field(pdf: Path, meta: Path) -> None:
    data = json.loads(meta.read_text())
    del data["anchors"]
    meta.write_text(json.dumps(data))


def damage_sha_mismatch(pdf: Path, meta: Path) -> None:
    data = json.loads(meta.read_text())
    data["sha256"] = hashlib.sha256(b"something else").hexdigest()
    meta.write_text(json.dumps(data))


def damage_same_length_pdf(pdf: Path, meta: Path) -> None:
    data = bytearray(pdf.read_bytes())
    data[3] ^= 0xFF
    pdf.write_bytes(bytes(data))


def damage_missing_pdf(pdf: Path, meta: Path) -> None:
    pdf.unlink()


def damage_missing_json(pdf: Path, meta: Path) -> None:
    meta.unlink()


def damage_empty_files(pdf: Path, meta: Path) -> None:
    pdf.write_bytes(b"")
    meta.write_bytes(b"")


@pytest.mark.parametrize("damage", [
    damage_truncated_pdf, damage_bad_json, damage_binary_json, damage_json_list, damage_missing_field,
    damage_sha_mismatch, damage_same_length_pdf, damage_missing_pdf, damage_missing_json, damage_empty_files,
], ids=lambda f: f.__name__.removeprefix("damage_"))
def test_a_damaged_entry_loads_as_none(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    digest = cache.key(job("<p>damaged</p>"), INPUTS)
    cache.store(tmp_path, digest, RENDERED)
    damage(*entry(tmp_path, digest))
    assert cache.load(tmp_path, digest) is None


@pytest.mark.parametrize("field, value", [("anchors", []), ("pages", "many"), ("warnings", 5), ("anchors", {"a": "x"}),
                                          ("tops", 5), ("tops", ["x"])])
def test_an_entry_with_a_wrongly_typed_field_loads_as_none(tmp_path: Path, field: str, value: object) -> None:
    digest = cache.key(job("<p>typed</p>"), INPUTS)
    cache.store(tmp_path, digest, RENDERED)
    meta = entry(tmp_path, digest)[1]
    data = json.loads(meta.read_text())
    data[field] = value
    meta.write_text(json.dumps(data))
    assert cache.load(tmp_path, digest) is None


def test_an_unwritable_cache_is_skipped_silently(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    where = blocker / "cache"  # no folder can be made below a file, even by root
    digest = cache.key(job("<p>x</p>"), INPUTS)
    cache.store(where, digest, RENDERED)  # no exception
    assert cache.load(where, digest) is None
    assert blocker.read_text() == "not a folder"


def test_a_failed_store_leaves_no_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", dst)

    monkeypatch.setattr(os, "replace", no_space)
    digest = cache.key(job("<p>full disk</p>"), INPUTS)
    cache.store(tmp_path, digest, RENDERED)
    assert cache.load(tmp_path, digest) is None
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


# Where the cache lives


def test_folder_honours_pamphlet_cache_dir_then_xdg_then_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PAMPHLET_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.folder() == tmp_path / "mine"
    monkeypatch.setenv("PAMPHLET_CACHE_DIR", "")
    assert cache.folder() == tmp_path / "xdg" / "pamphlet"
    monkeypatch.delenv("PAMPHLET_CACHE_DIR")
    assert cache.folder() == tmp_path / "xdg" / "pamphlet"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    assert cache.folder() == tmp_path / "home" / ".cache" / "pamphlet"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.folder() == tmp_path / "home" / ".cache" / "pamphlet"


def test_the_autouse_fixture_keeps_tests_out_of_the_home_cache(cache_dir: Path) -> None:
    assert cache.folder() == cache_dir


# Hyphenation patterns, parsed once and read back


@contextlib.contextmanager
def fresh_pyphen() -> Iterator[dict[Path, Any]]:
    """pyphen with no dictionary read yet; as it was afterwards."""
    import pyphen

    before = dict(pyphen.hdcache)
    try:
        yield forget(pyphen.hdcache)
    finally:
        pyphen.hdcache.update(before)
        cache.hyphenation.cache_clear()


def forget(dictionaries: dict[Path, Any]) -> dict[Path, Any]:
    dictionaries.clear()
    cache.hyphenation.cache_clear()
    return dictionaries


@pytest.fixture(scope="module")
def both(scratch: Path) -> tuple[Any, Any]:
    """The English patterns as pyphen parses them, and as read back from the cache."""
    with fresh_pyphen() as dictionaries:
        cache.hyphenation(scratch)  # parses them, and keeps them
        (parsed,) = dictionaries.values()
        assert len(list((scratch / "hyphenation").iterdir())) == 1
        forget(dictionaries)
        with mock.patch.object(type(parsed), "__init__", side_effect=AssertionError("parsed again")):
            cache.hyphenation(scratch)
        (read_back,) = dictionaries.values()
    return parsed, read_back


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéß'-", min_size=1, max_size=30))
def test_patterns_read_back_hyphenate_as_parsed_ones(both: tuple[Any, Any], word: str) -> None:
    parsed, read_back = both
    assert read_back.positions(word) == parsed.positions(word)
    assert read_back.maxlen == parsed.maxlen


def test_damaged_patterns_are_parsed_again_and_kept_afresh(tmp_path: Path) -> None:
    with fresh_pyphen() as dictionaries:
        cache.hyphenation(tmp_path)
        (kept,) = (tmp_path / "hyphenation").iterdir()
        good = kept.read_bytes()
        for damaged in (good[:-1000], good[:40] + b"x" + good[41:], b""):
            kept.write_bytes(damaged)
            forget(dictionaries)
            cache.hyphenation(tmp_path)
            (loaded,) = dictionaries.values()
            assert loaded.positions("organisation") == [2, 5, 8]
            assert kept.read_bytes() == good


def test_without_a_cache_folder_patterns_are_left_to_pyphen() -> None:
    with fresh_pyphen() as dictionaries:
        cache.hyphenation(None)
        assert dictionaries == {}
