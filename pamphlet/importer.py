"""`pamphlet import`: pasted or saved web pages -> statements -> one Markdown file per statement."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import yaml

from pamphlet.errors import OutputError, PamphletError, SourceError

MAX_BYTES = 5_000_000
ID_LENGTH = 48
_LATIN = re.findall(r"\w+", "a b v g g d e ye zh z i i yi y k l m n o p r s t u f kh ts ch sh shch y e yu ya yo")
_CYRILLIC = str.maketrans(dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщыэюяё", _LATIN, strict=True)) | {"ъ": "", "ь": ""})
_SAYS = (r"(?:condemns|calls|stands|supports|demands|applauds|salutes|reaffirms|affirms|remains|rises|unites|denounces"
         r"|welcomes|urges|declares|commits|joins|mourns|extends|expresses|celebrates|rejects|congratulates)")
_NAME = rf"(?!(?i:{_SAYS}|this|that|it|he|she|they|we|there)\b)[A-Z][\w\u2019'.&-]*"
_ORG = rf"{_NAME}(?:\s+(?:(?:of|for|and|the)\s+)*{_NAME})*"
_CLAUSE = r"(?:^|[.!?:;\u2013\u2014]\s+|,\s+|\()"  # where a sentence's subject can start
_ORGANISATION = (re.compile(rf"{_CLAUSE}(?:[Tt]he\s+)?({_ORG})\)?\s+(?:\w+ly\s+)?(?i:{_SAYS})\b"),
                 re.compile(rf"\b[Ss]tatement (?:by|from|of the) (?:the )?({_ORG})"),
                 re.compile(rf"\bWe, (?:the )?({_ORG}),"))


@dataclass(frozen=True)
class Draft:
    """One statement found on a page, before it becomes a file: the model text and HTML pages share."""

    title: str
    body: str
    summary: str | None = None
    author: str | None = None
    organisation: str | None = None
    date: dt.date | None = None
    source: str | None = None
    dropped: tuple[str, ...] = ()  # the page's lines left out, for --dry-run


@dataclass(frozen=True)
class Planned:
    """One statement file to write: where, its full text, and what the page had that it leaves out."""

    path: Path
    text: str
    dropped: tuple[str, ...]


@dataclass(frozen=True)
class Imported:
    """What one source gave: its name and its statement files (written unless --dry-run)."""

    source: str
    files: tuple[Planned, ...]

    def report(self, dry_run: bool) -> list[str]:
        """What `pamphlet import` prints for this source: each file (in full with --dry-run) and what it dropped."""
        lines = [f"{self.source}: {len(self.files)} statement{'s' * (len(self.files) != 1)}"]
        for file in self.files:
            dropped = f"{len(file.dropped)} line{'s' * (len(file.dropped) != 1)} of the page dropped"
            lines.append(f"  {'Would write' if dry_run else 'Wrote'} {file.path} ({dropped})")
            if dry_run:
                lines += [f"    | {line}".rstrip() for line in file.text.splitlines()]
                lines += [f"    dropped: {line}" for line in file.dropped]
        return lines


def import_sources(sources: Sequence[str], into: Path, tags: Sequence[str] = (), force: bool = False,
                   dry_run: bool = False, stdin: BinaryIO | None = None) -> tuple[list[Imported], list[str]]:
    """Import each source ('-' is ``stdin``) into ``into``; return what each gave and one problem per failed source.

    A source that fails writes nothing; the others are still written (unless ``dry_run``).
    """
    results, problems = [], []
    for source in sources:
        try:
            files = plan(source, read_source(source, stdin), into, tags, force)
            if not dry_run:
                write(files)
            results.append(Imported(source, files))
        except PamphletError as err:
            problems.append(err.message)
    return results, problems


def read_source(source: str, stdin: BinaryIO | None) -> str:
    """The text of a page file, or of standard input for '-'; raise SourceError if it is not a readable page."""
    try:
        if source == "-":
            data = stdin.read(MAX_BYTES + 1) if stdin else b""
        else:
            with open(source, "rb") as file:
                data = file.read(MAX_BYTES + 1)
    except OSError as err:
        raise SourceError(f"{source}: cannot read: {err.strerror or err}") from None
    if len(data) > MAX_BYTES:
        size = "more" if source == "-" else f"{os.path.getsize(source):,} bytes"
        raise SourceError(f"{source}: expected a page under {MAX_BYTES // 1_000_000} MB, got {size}")
    if not data.strip():
        raise SourceError(f"{source}: the file is empty")
    controls = sum(b < 32 and b not in b"\t\n\r\f" for b in data[:8192])
    if b"\0" in data or controls > len(data[:8192]) // 10:
        raise SourceError(f"{source}: expected text or HTML, got binary data")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as err:
        raise SourceError(
            f"{source}: expected UTF-8 text, got the byte {data[err.start]:#04x} at offset {err.start}") from None
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)  # stray control characters: nothing to print


def plan(source: str, text: str, into: Path, tags: Sequence[str], force: bool) -> tuple[Planned, ...]:
    """The files the statements of one page become; raise SourceError if it has none or a file would clash."""
    html = re.match(r"\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype html|html)", text, re.I)
    if html or source.lower().endswith((".html", ".htm", ".xhtml")):
        from pamphlet.htmlpage import parse_html

        drafts = parse_html(text)
    else:
        from pamphlet.textpage import parse_text

        drafts = parse_text(text)
    if not drafts:
        raise SourceError(f"{source}: no statement found: expected a title followed by paragraphs of text")
    planned: dict[Path, Planned] = {}
    for draft in with_organisations(drafts):
        path = into / f"{slug(draft.title)}.md"
        if path in planned:
            raise SourceError(f"{source}: two statements would both be written to {path}")
        if path.exists() and not force:
            raise SourceError(f"{source}: {path} already exists; pass --force to replace it")
        language = detect_language(f"{draft.title}\n{draft.body}")
        planned[path] = Planned(path, render(draft, language, tags), draft.dropped)
    return tuple(planned.values())


def slug(title: str) -> str:
    """A statement id from its title: lowercase ASCII words joined by hyphens, at most 48 characters."""
    ascii_text = unicodedata.normalize("NFKD", title.lower().translate(_CYRILLIC)).encode("ascii", "ignore").decode()
    words: list[str] = re.findall(r"[a-z0-9]+", re.sub(r"['`]", "", ascii_text))
    if not words:
        return "statement-" + hashlib.sha1(title.encode()).hexdigest()[:8]  # noqa: S324 (a name, not a secret)
    cut = words[0][:ID_LENGTH]
    for word in words[1:]:
        if len(cut) + 1 + len(word) > ID_LENGTH:
            break
        cut += "-" + word
    return cut


def detect_language(text: str) -> str:
    """The text's language as a two-letter code (py3langid's model, which ships inside the package)."""
    import py3langid

    return str(py3langid.classify(text)[0])


def render(draft: Draft, language: str, tags: Sequence[str] = ()) -> str:
    """A statement file: YAML front matter (every value quoted) and the Markdown body."""
    lines = ["---"]
    for key in ("title", "summary", "organisation", "author"):
        if value := _one_line(getattr(draft, key)):
            lines.append(f"{key}: {_quoted(value)}")
    if draft.date:
        lines.append(f"date: {draft.date.isoformat()}")
    if source := _one_line(draft.source):
        lines.append(f"source: {_quoted(source)}")
    if tags := [t for t in (_one_line(t).lower() for t in tags) if t]:
        lines.append(f"tags: [{', '.join(_quoted(t) for t in tags)}]")
    return "\n".join([*lines, f"language: {language}", "---", "", draft.body.strip("\n"), ""])


def _one_line(value: str | None) -> str:
    """``value`` on one line, its ends stripped; no-break spaces inside it are kept."""
    return re.sub(r"[ \t\n\r\f\v]+", " ", value or "").strip()


def _quoted(value: str) -> str:
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1_000_000).strip()


def with_organisations(drafts: list[Draft]) -> list[Draft]:
    """Fill in the organisation of unsigned statements: the name that 'condemns', 'calls on', 'stands' most often.

    Ties go to the name the whole page uses most, then the longest; spellings that differ only in punctuation
    ('ILPS-US', 'ILPS US') count as one, written as the page most often writes it.
    """
    found = [[m for pattern in _ORGANISATION for text in (d.title, d.summary or "", d.body)
              for m in pattern.findall(text)] for d in drafts]
    spellings = Counter(name for names in found for name in names)
    page = Counter(_fold(name) for name in spellings.elements())
    out = []
    for draft, names in zip(drafts, found, strict=True):
        if names and not draft.author and not draft.organisation:
            mine = Counter(_fold(name) for name in names)
            best = max(mine, key=lambda key: (mine[key], page[key], len(key)))
            draft = replace(draft, organisation=next(n for n, _ in spellings.most_common() if _fold(n) == best))
        out.append(draft)
    return out


def _fold(name: str) -> str:
    return " ".join(re.findall(r"\w+", name.lower()))


def write(files: Sequence[Planned]) -> None:
    """Write every file or none: all go to a temp folder beside them, are read back and checked, then moved."""
    from pamphlet.statements import read_statement

    if not files:
        return
    folder = files[0].path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(dir=folder, prefix=".import-"))
    except OSError as err:
        raise OutputError(f"{folder}: cannot write: {err.strerror or err}") from None
    try:
        for file in files:
            (temp / file.path.name).write_text(file.text, encoding="utf-8")
            read_statement(temp / file.path.name)
        for file in files:
            os.replace(temp / file.path.name, file.path)
    except OSError as err:
        raise OutputError(f"{err.filename or folder}: cannot write: {err.strerror or err}") from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
