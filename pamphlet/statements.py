"""Statements: Markdown files with YAML front matter, the library of a folder, and selection."""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

from pamphlet.errors import StatementError, problems_error
from pamphlet.qr import is_web_address
from pamphlet.yamlfile import Fields, describe, parse

STATEMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
KEYS = ("title", "summary", "organisation", "author", "date", "source", "tags", "language", "pullquote", "qr")
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class Statement:
    """One statement: its front matter and its Markdown body."""

    id: str
    path: Path
    title: str
    body: str
    body_line: int
    language: str = "en"
    summary: str | None = None
    organisation: str | None = None
    author: str | None = None
    date: dt.date | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    pullquote: str | None = None  # a line set large beside the text
    qr: bool = False  # print the source, a web address, as a QR code

    @property
    def byline(self) -> str:
        """Who and when, as printed under the title: 'Organisation · Author · 26 March 2023'."""
        date = f"{self.date.day} {self.date:%B %Y}" if self.date else None
        return " · ".join(p for p in (self.organisation, self.author, date) if p)

    @property
    def words(self) -> int:
        return len(self.body.split())


def read_statement(path: Path) -> Statement:
    """Read one statement file; raise StatementError listing every problem in it."""
    problems: list[str] = []
    statement = _read(path, problems)
    if statement is None or problems:
        raise problems_error(StatementError, problems)
    return statement


def _read(path: Path, problems: list[str]) -> Statement | None:
    if not STATEMENT_ID.match(path.stem):
        problems.append(
            f"{path}:1: file name: expected a lowercase id of letters, digits and hyphens, got '{path.stem}'"
        )
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as err:
        problems.append(f"{path}: expected a readable statement file, got: {err.strerror}")
        return None
    if len(data) > MAX_BYTES:
        size = path.stat().st_size
        problems.append(f"{path}:1: expected a statement under {MAX_BYTES // 1_000_000} MB, got {size:,} bytes")
        return None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.append(f"{path}:{line}: expected UTF-8 text, got the byte {data[err.start]:#04x}")
        return None
    lines = text.split("\n")
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() == "---"), None)
    if lines[0].rstrip() != "---" or end is None:
        problems.append(f"{path}:1: expected front matter between two '---' lines at the top of the file")
        return None
    try:
        meta = parse("\n".join(lines[1:end]), path, first_line=2)
    except ValueError as err:
        problems.append(str(err))
        return None
    fields = Fields(meta, path, first_line=2, problems=problems)
    fields.unknown(KEYS)
    title = fields.text("title", required=True)
    statement = Statement(
        id=path.stem,
        path=path,
        title=title or "",
        body="\n".join(lines[end + 1 :]).strip("\n") + "\n",
        body_line=end + 2,
        language=fields.language("language", "en"),
        summary=fields.text("summary"),
        organisation=fields.text("organisation"),
        author=fields.text("author"),
        date=fields.date("date"),
        source=fields.text("source"),
        tags=tuple(t.lower() for t in fields.texts("tags")),
        pullquote=fields.text("pullquote"),
        qr=_qr(fields),
    )
    if not statement.body.strip():
        problems.append(f"{path}:{statement.body_line}: body: expected the statement's text after the front matter")
    return statement


def _qr(fields: Fields) -> bool:
    """``qr: true`` asks for the source as a QR code, so the source must be a web address."""
    value = fields.flag("qr", False)
    source = fields.data.get("source")
    if value and not (isinstance(source, str) and is_web_address(source.strip())):
        fields.problem("qr", f"expected a source that is a web address (https://...) to print as a QR code, "
                             f"got {describe(source)}")
        return False
    return value


def read_library(folder: Path) -> dict[str, Statement]:
    """Read every ``*.md`` statement in ``folder``; raise StatementError listing all problems."""
    if not folder.is_dir():
        raise StatementError(f"{folder}: expected a folder of statements, but there is none")
    problems: list[str] = []
    library: dict[str, Statement] = {}
    for path in sorted(p for p in folder.glob("*.md") if p.is_file()):
        statement = _read(path, problems)
        if statement is not None:
            library[statement.id] = statement
    if problems:
        raise problems_error(StatementError, problems)
    return library


def find_library(start: Path) -> Path | None:
    """The nearest ``statements/`` folder at or above ``start``, or None."""
    for folder in (start, *start.parents):
        if (folder / "statements").is_dir():
            return folder / "statements"
    return None


@dataclass(frozen=True)
class Selector:
    """One item of a manifest's ``statements`` list: an id, a glob over ids, or a tag."""

    kind: str  # "id" | "glob" | "tag"
    value: str
    line: int


def select(library: dict[str, Statement], selectors: tuple[Selector, ...], manifest: Path) -> tuple[Statement, ...]:
    """Statements in manifest order (a tag or glob adds its matches by date); each at most once.

    Raises ManifestError naming every selector that matches nothing, with close ids.
    """
    from pamphlet.errors import ManifestError

    chosen: dict[str, Statement] = {}
    problems: list[str] = []
    tags = sorted({t for s in library.values() for t in s.tags})
    for sel in selectors:
        if sel.kind == "id":
            found = [library[sel.value]] if sel.value in library else []
            hint = _did_you_mean(sel.value, sorted(library))
        elif sel.kind == "glob":
            found = [s for i, s in library.items() if fnmatch.fnmatchcase(i, sel.value)]
            hint = ""
        else:
            found = [s for s in library.values() if sel.value.lower() in s.tags]
            hint = _did_you_mean(sel.value, tags) + f"; tags in use: {', '.join(tags) or 'none'}"
        if not found:
            problems.append(f"{manifest}:{sel.line}: statements: no statement with {sel.kind} '{sel.value}'{hint}")
        for statement in sorted(found, key=_by_date) if sel.kind != "id" else found:
            chosen.setdefault(statement.id, statement)
    if problems:
        raise problems_error(ManifestError, problems)
    return tuple(chosen.values())


def _by_date(statement: Statement) -> tuple[bool, dt.date, str]:
    return (statement.date is None, statement.date or dt.date.min, statement.id)


def _did_you_mean(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.5)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
