"""Plain-text pages: find the statements in a pasted web page and drop the furniture around them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pamphlet.importer import Draft

_MONTH_NAMES = (
    "january february march april may june july august september october november december",
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "januar februar märz april mai juni juli august september oktober november dezember",
)
_MONTHS = {name: n for names in _MONTH_NAMES for n, name in enumerate(names.split(), 1)} | {"sept": 9}
_D, _M, _Y = r"(?P<d>\d{1,2})(?:st|nd|rd|th|er|\.)?", r"(?P<m>[^\W\d_]{3,10})\.?", r"(?P<y>\d{4})"
_DATES = [re.compile(rf"(?:[^\W\d_]+\.?,?\s+)?{form}(?:,?\s+(?:at\s+)?\d{{1,2}}[:.]\d\d(?:\s*[ap]\.?m\.?)?)?", re.I)
          for form in (rf"{_M}\s+{_D},?\s+{_Y}", rf"{_D}\s+(?:de\s+)?{_M},?\s+(?:de\s+)?{_Y}",
                       rf"{_Y}-(?P<mm>\d\d)-(?P<dd>\d\d)(?:T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?",
                       rf"(?P<dd>\d{{1,2}})\.(?P<mm>\d{{1,2}})\.{_Y}")]
_SEPARATORS = re.compile(r"\s+[|·•\u2014\u2013-]\s+|\s*\|\s*")
_META_PREFIX = re.compile(r"^(?:(?:posted|published|updated|written|date|publicado|publié|veröffentlicht)\b:?\s*"
                          r"(?:on|el|le|am)?\b:?\s*)", re.I)
_BY = re.compile(r"(?P<when>.*?)\s*\b(?:by|por|par|von)\s+(?P<who>.+)", re.I)
_PARTICLES = {"and", "&", "de", "da", "del", "der", "van", "von", "bin", "al", "y", "la", "le"}
_SMALL = {"a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for", "from", "with",
          "as", "is", "are", "vs", "via", "into", "over", "per", "than", "its", "our", "your", "their", "de", "la"}
_NAV = set(re.findall(r"\w+", "home about news contact donate menu search subscribe share tweet email print "
                      "facebook twitter x instagram youtube linkedin whatsapp telegram reddit pinterest tiktok "
                      "mastodon bluesky threads like follow login log in sign up read more continue reading comments "
                      "comment reply copy link rss feed next previous back to top skip content main navigation "
                      "loading"))
_FURNITURE = re.compile(
    r"^(?:(?:photo(?:graph)?|image|picture|credit|illustration|video)\s*(?:credit)?\s*[:©]"
    r"|share (?:this|on|via)\b|\d+\s+min(?:ute)?s?\s+read$|(?:advertisement|sponsored)$"
    r"|(?:tags?|categories|category|filed under|posted in)\s*:|.*\bcookies?\b.*\b(?:accept|consent|privacy|agree)"
    r"|(?:subscribe|sign up|join our (?:mailing list|newsletter)|get our newsletter)\b.{0,80}$)", re.I)
_TAIL = re.compile(
    r"^(?:related(?: (?:posts|articles|stories|content|news))?|latest (?:articles|news|posts|stories)"
    r"|most (?:read|popular|viewed)|more (?:from|on|in|stories)\b.*|you (?:may|might) also like|read next"
    r"|recommended|also read|trending|recent posts|popular posts|further reading|about the author"
    r"|leave a (?:reply|comment)|\d+ (?:comments?|responses?|replies)|comments?|join the discussion|add a comment"
    r"|read more|continue reading)\W*$|^(?:©|\(c\)|copyright\b)|all rights reserved", re.I)
_CTA = re.compile(r"^(?=.*\b(?:click|tap)\b|(?:sign|donate|join|read|download|register|learn|find out|watch|listen"
                  r"|support|give|visit|see)\b.*\b(?:here|below|this link)\W*$)", re.I)
_SPEECH = re.compile(r"\b(?:put it|said|says|wrote|writes|states|stated|declared|declares|reads|noted|notes|explained"
                     r"|added|warned|concluded)\s*:$", re.I)
_LIST_ITEM = re.compile(r"^(?:\d{1,3}[.)]|[-*•·\u2013])\s+")


def parse_date(text: str) -> dt.date | None:
    """The date a whole line of text spells, in any common written form (English, Spanish, French, German)."""
    for form in _DATES:
        if match := form.fullmatch(text.strip()):
            parts = match.groupdict()
            month = int(parts["mm"]) if parts.get("mm") else _MONTHS.get(parts["m"].lower(), 0)
            try:
                return dt.date(int(parts["y"]), month, int(parts.get("dd") or parts["d"]))
            except ValueError:
                return None
    return None


def parse_meta(line: str) -> tuple[dt.date | None, str | None] | None:
    """(date, author) of a byline such as 'Posted on March 3, 2025 by Ana Reyes' or 'By Jo Roe | 14 March 2025'."""
    date = author = None
    for part in _SEPARATORS.split(line.strip()):
        part = _META_PREFIX.sub("", part)
        if by := _BY.fullmatch(part):
            when = parse_date(by["when"]) if by["when"] else None
            if (by["when"] and when is None) or not _is_name(by["who"]):
                return None
            date, author = date or when, author or by["who"]
        elif when := parse_date(part):
            date = date or when
        elif not re.fullmatch(r"\d+\s+min(?:ute)?s?\s+read", part, re.I):
            return None
    return (date, author) if date or author else None


def _is_name(text: str, strict: bool = False) -> bool:
    """Whether ``text`` looks like a person's or an organisation's name (strict: a bare 'First Last' line)."""
    words = text.split()
    if not 0 < len(words) <= (4 if strict else 7) or re.search(r"[\d,;:!?()\"“”]", text):
        return False
    if strict and (len(words) < 2 or not all(re.fullmatch(r"[^\W\d_][\w.'\u2019-]*", w) for w in words)):
        return False
    first = 1 if words[0].lower() == "the" and not strict else 0
    return all(not w[0].islower() or (i > first and w.lower() in _PARTICLES) for i, w in enumerate(words[first:]))


def is_furniture(line: str) -> bool:
    """Page furniture anywhere on a page: menus, share buttons, captions, cookie notices, reading times."""
    words = re.findall(r"[\w']+", line.lower())
    return (bool(words) and all(w in _NAV for w in words)) or bool(_FURNITURE.match(line))


def is_tail(line: str, author: str | None = None) -> bool:
    """A line after which a statement has ended: related lists, comments, bios, copyright, 'Read more'."""
    if _TAIL.search(line) or ((meta := parse_meta(line)) and meta[0] is None):
        return True  # a byline after the text, or the end of the page
    bio = rf"{re.escape(author or '')} (?:is|was|has|writes)\b"
    return bool(author) and (line == author or bool(re.match(bio, line)))


def is_call_to_follow_a_link(line: str) -> bool:
    """'Sign the petition here.', 'a simple click will...': words whose meaning was a link that plain text lost."""
    return len(line.split()) <= 40 and not re.search(r"https?://", line) and bool(_CTA.match(line))


def _heading_like(line: str) -> bool:
    words = line.split()
    if not 0 < len(words) <= 30 or len(line) > 250 or line.endswith((".", ",", ";", ":")) or line[0].islower():
        return False
    return (not _LIST_ITEM.match(line) and not line.startswith(("#", ">", "<", "[", "http"))
            and not is_furniture(line) and parse_meta(line) is None and not is_tail(line))


def _title_case(line: str) -> bool:
    words = re.findall(r"[^\W\d_][\w'\u2019-]*", line)
    significant = [w for w in words if w.lower() not in _SMALL]
    return len(words) >= 4 and sum(w[0].isupper() for w in significant) >= 0.75 * len(significant) > 0


def _prose(line: str) -> bool:
    words = len(line.split())
    return words >= 30 or (words >= 12 and _sentence(line))


def _sentence(line: str) -> bool:
    return bool(re.search(r"[.!?…][\"'\u201d\u2019»)\]]*$", line))


@dataclass(frozen=True)
class _Head:
    """A statement's top on a page: its title, what the page shows under it, and where its text starts."""

    title: str
    summary: str | None
    date: dt.date | None
    author: str | None
    start: int
    dropped: tuple[str, ...]


def parse_text(text: str) -> list[Draft]:
    """Every statement on a pasted page, in page order; the furniture each one dropped is kept with it."""
    lines = paragraphs(text)
    heads = ((i, h) for i in range(len(lines)) if (h := _head(lines, i, True)) and _substantial(lines, h.start, 1))
    first = next(heads, None)
    if first is None:
        return []
    skipped, head = lines[: first[0]], first[1]
    meta_mode = bool(head.date or head.author)  # a listing's items look alike: if the first has a byline, all do
    drafts: list[Draft] = []
    following: _Head | None = head
    while following:
        head = following
        body: list[str] = []
        dropped, author, j, following = [*skipped, *head.dropped], head.author, head.start, None
        while j < len(lines):
            line = lines[j]
            if j > head.start and (following := _starts(lines, j, meta_mode)):
                break
            if is_tail(line, author) or _related(lines, j):
                meta = parse_meta(line)
                author = author or (meta[1] if meta else None)
                dropped += [] if meta else [line]
                while (j := j + 1) < len(lines) and not (following := _starts(lines, j, meta_mode)):
                    dropped.append(lines[j])
                break
            (dropped if is_furniture(line) or is_call_to_follow_a_link(line) else body).append(line)
            j += 1
        drafts.append(Draft(title=head.title, body=_markdown(body), summary=head.summary, author=author,
                            date=head.date, dropped=tuple(dropped)))
        skipped = []
    return drafts


def paragraphs(text: str) -> list[str]:
    """The page's paragraphs, one a line: hard-wrapped lines joined, a sentence cut by a blank line mended."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [re.sub(r"[ \t]+", " ", line).strip() for line in block.split("\n") if line.strip()]
        for k, line in enumerate(lines):
            wrapped = k and len(out[-1]) >= 50 and not _sentence(out[-1]) and not is_furniture(out[-1])
            mended = (not k and out and re.search(r"[a-z,]$", out[-1])
                      and (line[0].islower() or (line[0].isdigit() and not _heading_like(out[-1]))))
            if (wrapped or mended) and not (_LIST_ITEM.match(line) or is_furniture(line) or parse_meta(line)):
                out[-1] += " " + line
            else:
                out.append(line)
    return out


def _head(lines: list[str], i: int, subtitle: bool) -> _Head | None:
    """The statement titled ``lines[i]``, if prose follows it after a subtitle or standfirst and bylines."""
    if not _heading_like(lines[i]) or len(lines[i].split()) < 2:
        return None
    k, summary, date, author, dropped = i + 1, None, None, None, []
    while k < len(lines):
        if is_furniture(lines[k]):
            dropped.append(lines[k])
        elif meta := _meta_at(lines, k):
            date, author = date or meta[0], author or meta[1]
        elif summary is None and date is None and author is None and _summary_at(lines, k, subtitle):
            summary = lines[k]
        else:
            break
        k += 1
    if k == len(lines) or not _prose(lines[k]):
        return None
    return _Head(lines[i], summary, date, author, k, tuple(dropped))


def _summary_at(lines: list[str], k: int, subtitle: bool) -> bool:
    """A subtitle (first statement only) followed by prose, or a standfirst followed by a byline."""
    after = k + 1
    while after < len(lines) and is_furniture(lines[after]):
        after += 1
    if after == len(lines):
        return False
    if subtitle and _heading_like(lines[k]) and _prose(lines[after]):
        return True
    return _prose(lines[k]) and _meta_at(lines, after) is not None


def _meta_at(lines: list[str], k: int) -> tuple[dt.date | None, str | None] | None:
    """A byline or date line, or a bare name next to a date line."""
    if meta := parse_meta(lines[k]):
        return meta
    dates = (parse_meta(lines[n]) for n in (k - 1, k + 1) if 0 <= n < len(lines))
    return (None, lines[k]) if _is_name(lines[k], strict=True) and any(d and d[0] for d in dates) else None


def _starts(lines: list[str], j: int, meta_mode: bool) -> _Head | None:
    """The next statement of a listing, titled ``lines[j]``: it has a byline, or (with none on the page) a Title."""
    head = _head(lines, j, False)
    if head is None or not (head.date or head.author or (not meta_mode and _title_case(head.title))):
        return None
    return head if _substantial(lines, head.start, 2) else None


def _substantial(lines: list[str], k: int, paragraphs: int) -> bool:
    """Whether ``paragraphs`` paragraphs of prose (25 words each on average) follow before the next title or end."""
    found = words = 0
    for n in range(k, len(lines)):
        line = lines[n]
        if n > k and (is_tail(line) or _meta_at(lines, n) or (_heading_like(line) and _title_case(line))):
            break
        if _prose(line):
            found, words = found + 1, words + len(line.split())
        if found >= paragraphs and words >= 25 * paragraphs:
            return True
    return False


def _related(lines: list[str], j: int) -> bool:
    """A 'most read' list with no heading: a title line above a date line."""
    meta = parse_meta(lines[j + 1]) if j + 1 < len(lines) else None
    return _heading_like(lines[j]) and meta is not None and meta[0] is not None


def _markdown(lines: list[str]) -> str:
    """The body's paragraphs as Markdown: bullets, sub-headings and quotations marked."""
    out: list[str] = []
    quoting = False
    for k, line in enumerate(lines):
        before, after = lines[k - 1] if k else "", lines[k + 1] if k + 1 < len(lines) else ""
        quoting = _prose(line) and bool(_SPEECH.search(before) or (quoting and re.search(r"\[[^\]]+\](?!\()", line)))
        if quoting:
            line = "> " + line
        elif _subheading(line, before, after):
            line = "## " + line
        tight = out and _LIST_ITEM.match(line) and _LIST_ITEM.match(before)  # list items stay one list
        out.append(("\n" if tight else "\n\n") + re.sub(r"^[•·\u2013*]\s+", "- ", line))
    return "".join(out).strip("\n")


def _subheading(line: str, before: str, after: str) -> bool:
    """A short line without a full stop between a finished sentence and a paragraph or a list."""
    if not _heading_like(line) or len(line.split()) > 12 or line.endswith(("!", "?")) or not _sentence(before):
        return False
    return (len(after.split()) >= 6 or bool(_LIST_ITEM.match(after))) and not _heading_like(after)
