"""Tests for pamphlet.importer: seeds and wild-web pages to statement files, ids, the writer, bad input."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from pamphlet.cli import main
from pamphlet.importer import (
    MAX_BYTES,
    Draft,
    detect_language,
    import_sources,
    render,
    slug,
    with_organisations,
)
from pamphlet.statements import STATEMENT_ID, read_library, read_statement
from tests.conftest import FIXTURES, ROOT

SEEDS = FIXTURES / "seeds"  # the five raw pages of ../shared/seeds, kept here so a checkout tests alone
PAGES = FIXTURES / "import"
CURATED = {  # seed -> the statements made from it by hand, in page order
    "000": ["russia-out-of-ukraine-solidarity-with-ukraines"],
    "001": ["stand-against-genocide-and-imperialism-from"],
    "002": ["joe-biden-is-deporting-russians-who-escaped"],
    "003": ["defend-boris-kagarlitsky-and-the-russian-anti"],
    "004": ["fight-for-justice-beyond-the-fascist-white", "ilps-us-condemns-duterte-regimes-terror-tagging",
            "on-the-anniversary-of-george-floyds-murder", "nakba-73-years-of-resistance-ilps-us-supports",
            "workers-are-essential-imperialists-are-not-ilps", "continue-the-peoples-fight-regardless-of",
            "stop-the-attacks-in-the-philippines-activism-is", "ilps-northeast-statement-of-solidarity-with-the",
            "stop-the-extremist-attacks-of-the-trump-regime", "ilps-stands-in-solidarity-with-palestinian"],
}


def seed(prefix: str) -> Path:
    (found,) = SEEDS.glob(f"{prefix}_*.txt")
    return found


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("prefix", sorted(CURATED))
def test_importing_a_seed_reproduces_the_curated_statements(prefix: str, tmp_path: Path) -> None:
    results, problems = import_sources([str(seed(prefix))], tmp_path)
    assert problems == []
    assert [file.path.stem for file in results[0].files] == CURATED[prefix]
    for file in results[0].files:
        got, want = read_statement(file.path), read_statement(ROOT / "statements" / file.path.name)
        fields = ("title", "summary", "date", "author", "organisation", "language")
        assert [getattr(got, f) for f in fields] == [getattr(want, f) for f in fields], file.path.name
        assert flat(got.body) == flat(want.body), file.path.name


@pytest.mark.parametrize("page", sorted(p for p in PAGES.iterdir() if p.is_file()), ids=lambda p: p.name)
def test_wild_web_pages_give_the_expected_statement_files(page: Path, tmp_path: Path) -> None:
    results, problems = import_sources([str(page)], tmp_path)
    assert problems == []
    expected = {p.name: p.read_text(encoding="utf-8") for p in page.with_suffix("").iterdir()}
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == expected
    assert len(results[0].files) == len(expected)


def test_dropped_lines_are_the_furniture_and_nothing_of_the_statement(tmp_path: Path) -> None:
    results, _ = import_sources([str(PAGES / "news-article.txt")], tmp_path, dry_run=True)
    dropped = results[0].files[0].dropped
    assert dropped[:5] == (
        "Skip to main content", "The Daily Worker", "News Opinion Labour Culture Subscribe", "Labour", "5 min read")
    assert "Most read" in dropped and "© 2025 The Daily Worker. All rights reserved." in dropped
    assert any(line.startswith("Jane Doe is the labour reporter") for line in dropped)
    assert not any("Nurses at three city hospitals" in line for line in dropped)
    assert list(tmp_path.iterdir()) == []  # a dry run writes nothing


def test_every_curated_id_is_the_slug_of_its_title() -> None:
    library = read_library(ROOT / "statements")
    assert {slug(s.title) for s in library.values()} == set(library)


@pytest.mark.parametrize(("title", "expected"), [
    ("Мир для України", "mir-dlya-ukrayini"),
    ("¡Alto a los desalojos! Vivienda digna para todas", "alto-a-los-desalojos-vivienda-digna-para-todas"),
    ("Workers’ Day: Don't Mourn, Organise", "workers-day-dont-mourn-organise"),
    ("x" * 60 + " tail", "x" * 48),
])
def test_slug_examples(title: str, expected: str) -> None:
    assert slug(title) == expected


@given(st.text(max_size=120))
def test_slug_is_always_a_valid_id_of_at_most_48_characters(title: str) -> None:
    made = slug(title)
    assert STATEMENT_ID.match(made) and len(made) <= 48 and not made.endswith("-")
    assert slug(made) == made


def test_a_title_without_latin_or_cyrillic_letters_gets_a_stable_id() -> None:
    assert slug("لا للحرب") == slug("لا للحرب") != slug("أوقفوا الحرب")
    assert slug("لا للحرب").startswith("statement-")


_value = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
_body = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r"), min_size=1).filter(str.strip)


@given(title=_value.filter(lambda t: t.strip()), summary=st.none() | _value, author=st.none() | _value,
       organisation=st.none() | _value, source=st.none() | _value, date=st.none() | st.dates(),
       tags=st.lists(_value, max_size=3), body=_body)
def test_the_writer_output_reads_back_as_the_same_statement(title: str, summary: str | None, author: str | None,
                                                            organisation: str | None, source: str | None,
                                                            date: dt.date | None, tags: list[str], body: str) -> None:
    def one_line(value: str | None) -> str | None:  # ASCII whitespace runs become one space; ends are stripped
        return re.sub(r"[ \t\n\r\f\v]+", " ", value or "").strip() or None

    draft = Draft(title, body, summary, author, organisation, date, source)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statement.md"
        path.write_text(render(draft, "tl", tags), encoding="utf-8")
        got = read_statement(path)
    assert (got.title, got.summary, got.author, got.organisation, got.source, got.date, got.language) == (
        one_line(title), one_line(summary), one_line(author), one_line(organisation), one_line(source), date, "tl")
    assert got.tags == tuple(t.lower() for t in (one_line(t) for t in tags) if t)
    assert got.body == body.strip("\n") + "\n"


def test_yaml_look_alikes_stay_text(tmp_path: Path) -> None:
    draft = Draft('no: "yes" # 1.10 [a, b] & *x', "Body.", summary="null", author="2024-01-02", organisation="~")
    (tmp_path / "s.md").write_text(render(draft, "en", ["no", "On"]))
    got = read_statement(tmp_path / "s.md")
    assert (got.title, got.summary, got.author, got.organisation, got.tags) == (
        'no: "yes" # 1.10 [a, b] & *x', "null", "2024-01-02", "~", ("no", "on"))


def test_organisation_of_unsigned_statements_is_the_name_that_speaks() -> None:
    drafts = with_organisations([
        Draft("One", "One year on, the Tenants' Union (TU-NYC) reaffirms its demands. We, TU-NYC, call for action."),
        Draft("Two", "TU NYC condemns the evictions. The mayor said nothing."),
        Draft("Three", "TU NYC stands with the strikers. TU NYC calls on everyone to join."),
        Draft("Four", "The Housing Board wholly rejects the plan.", author="Ana Reyes"),
        Draft("Five", "The council opposes the plan, and it supports nothing."),
    ])
    assert [d.organisation for d in drafts] == ["TU NYC", "TU NYC", "TU NYC", None, None]


def test_a_tie_goes_to_the_name_the_page_uses_most() -> None:
    drafts = with_organisations([
        Draft("ILPS Stands With Nerdeen", "Because of this, ILPS US stands firmly with her."),
        Draft("Other", "ILPS US condemns the attack. ILPS US calls for its end."),
    ])
    assert drafts[0].organisation == "ILPS US"


@pytest.mark.parametrize(("name", "data", "problem"), [
    ("empty.txt", b"", "the file is empty"),
    ("blank.txt", b" \n\n\t\n", "the file is empty"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "expected text or HTML, got binary data"),
    ("controls.txt", bytes(range(1, 9)) * 200, "expected text or HTML, got binary data"),
    ("latin1.txt", "Un título\n\nEl pueblo".encode("latin-1"), "expected UTF-8 text, got the byte 0xed at offset 4"),
    ("huge.txt", b"a" * (MAX_BYTES + 1), "expected a page under 5 MB, got 5,000,001 bytes"),
    ("notitle.txt", b"just a few words, and no title at all.\n", "no statement found: expected a title followed by"),
    ("empty.html", b"<html><body><nav>Home</nav></body></html>", "no statement found"),
])
def test_bad_sources_are_one_problem_each_naming_the_file(name: str, data: bytes, problem: str, tmp_path: Path) -> None:
    bad = tmp_path / name
    bad.write_bytes(data)
    into = tmp_path / "statements"
    results, problems = import_sources([str(bad), str(PAGES / "blog-post.txt")], into)
    assert len(problems) == 1 and problems[0].startswith(f"{bad}: {problem}") and "\n" not in problems[0]
    assert [r.source for r in results] == [str(PAGES / "blog-post.txt")]  # the good source is still written
    assert sorted(p.name for p in into.iterdir()) == ["rent-strike-at-maple-court-wins-repairs.md"]


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    _, problems = import_sources([str(tmp_path / "gone.txt")], tmp_path)
    assert problems == [f"{tmp_path / 'gone.txt'}: cannot read: No such file or directory"]


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    page = str(PAGES / "listing.txt")
    import_sources([page], tmp_path)
    kept = tmp_path / "stand-with-the-striking-bakery-workers.md"
    kept.write_text("---\ntitle: Mine\n---\nMy own edit.\n")
    _, problems = import_sources([page], tmp_path)
    assert problems == [f"{page}: {tmp_path / 'no-to-the-eviction-of-the-riverside-camp.md'} already exists; "
                        "pass --force to replace it"]
    assert kept.read_text().endswith("My own edit.\n")
    _, problems = import_sources([page], tmp_path, force=True)
    assert problems == [] and "Golden Crust" in kept.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (PAGES / "listing").iterdir())


def test_two_statements_with_one_title_on_a_page_are_a_problem(tmp_path: Path) -> None:
    body = ("A paragraph of the statement, long enough to count, that says in full sentences what the statement is "
            "about and what it asks of the reader.\n\n") * 2
    page = tmp_path / "twice.txt"
    page.write_text(f"Free Them All Now\n\n{body}\nFree Them All Now\n\n{body}")
    _, problems = import_sources([str(page)], tmp_path / "out")
    assert problems == [f"{page}: two statements would both be written to {tmp_path / 'out/free-them-all-now.md'}"]
    assert not (tmp_path / "out").exists()


def test_an_unwritable_folder_is_reported_and_nothing_is_left_behind(tmp_path: Path) -> None:
    blocker = tmp_path / "statements"
    blocker.write_text("a file where the folder should be")
    _, problems = import_sources([str(PAGES / "blog-post.txt")], blocker)
    assert len(problems) == 1 and problems[0].startswith(f"{blocker}: cannot write")
    import_sources([str(PAGES / "listing.txt")], tmp_path / "ok")
    assert not [p for p in (tmp_path / "ok").iterdir() if p.name.startswith(".")]


def test_tags_and_stdin(tmp_path: Path) -> None:
    with (PAGES / "blog-post.txt").open("rb") as stdin:
        results, problems = import_sources(["-"], tmp_path, tags=["Housing", " rent strike ", ""], stdin=stdin)
    statement = read_statement(results[0].files[0].path)
    assert problems == [] and statement.tags == ("housing", "rent strike") and statement.source is None


def test_stray_control_characters_are_removed(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes((PAGES / "blog-post.txt").read_bytes().replace(b"After eleven", b"After\x07 eleven\x0c"))
    results, _ = import_sources([str(page)], tmp_path / "out")
    assert "After eleven weeks" in results[0].files[0].text


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_cli_import_writes_the_files_and_lists_them(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["import", str(PAGES / "listing.txt"), "--into", str(tmp_path), "--tag", "Housing"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{PAGES / 'listing.txt'}: 3 statements",
        f"  Wrote {tmp_path / 'no-to-the-eviction-of-the-riverside-camp.md'} (5 lines of the page dropped)",
        f"  Wrote {tmp_path / 'stand-with-the-striking-bakery-workers.md'} (1 line of the page dropped)",
        f"  Wrote {tmp_path / 'defend-the-right-to-protest.md'} (4 lines of the page dropped)",
    ]
    assert read_statement(tmp_path / "defend-the-right-to-protest.md").tags == ("housing",)


def test_cli_dry_run_prints_the_files_and_the_dropped_lines_and_writes_nothing(runner: CliRunner,
                                                                              tmp_path: Path) -> None:
    result = runner.invoke(main, ["import", str(PAGES / "blog-post.txt"), "--into", str(tmp_path), "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    path = tmp_path / "rent-strike-at-maple-court-wins-repairs.md"
    assert lines[1] == f"  Would write {path} (23 lines of the page dropped)"
    assert '    | title: "Rent Strike at Maple Court Wins Repairs"' in lines
    assert "    dropped: Leave a Reply" in lines and "    dropped: Skip to content" in lines
    assert list(tmp_path.iterdir()) == []


def test_cli_reads_standard_input_and_finds_the_nearest_statements_folder(runner: CliRunner, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "statements").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    result = runner.invoke(main, ["import", "-"], input=(PAGES / "news-article.txt").read_bytes())
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "statements").iterdir()] == ["nurses-walk-out-over-unsafe-staffing.md"]


def test_cli_bad_input_exits_1_with_one_line_per_source(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = runner.invoke(main, ["import", str(tmp_path / "empty.txt"), str(PAGES / "blog-post.txt"),
                                  "--into", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"Error: {tmp_path / 'empty.txt'}: the file is empty"
    assert "Traceback" not in result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["rent-strike-at-maple-court-wins-repairs.md"]


def test_cli_without_a_statements_folder_or_sources(runner: CliRunner, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["import", str(PAGES / "blog-post.txt")])
    assert result.exit_code == 1 and "no statements/ folder here or above; pass --into DIR" in result.output
    assert runner.invoke(main, ["import"]).exit_code == 2
    assert runner.invoke(main, ["import", "x.txt", "--colour"]).exit_code == 2


def test_importing_the_cli_loads_no_extraction_library() -> None:
    code = ("import sys, pamphlet.cli; "
            "print(sorted(m for m in ('trafilatura', 'lxml', 'py3langid', 'numpy') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


@pytest.mark.parametrize(("language", "text"), [
    ("en", "We demand an immediate end to the war and the release of all political prisoners. The solidarity of "
           "workers in every country is our only road to peace and justice."),
    ("es", "Exigimos el fin inmediato de la guerra y la liberación de todos los presos políticos. La solidaridad "
           "entre los trabajadores de todos los países es nuestro único camino hacia la paz y la justicia."),
    ("fr", "Nous exigeons la fin immédiate de la guerre et la libération de tous les prisonniers politiques. La "
           "solidarité entre les travailleurs de tous les pays est notre seul chemin vers la paix et la justice."),
    ("de", "Wir fordern das sofortige Ende des Krieges und die Freilassung aller politischen Gefangenen. Die "
           "Solidarität der Arbeiter aller Länder ist unser einziger Weg zu Frieden und Gerechtigkeit."),
    ("tl", "Hinihiling namin ang agarang pagwawakas ng digmaan at ang pagpapalaya sa lahat ng bilanggong pulitikal. "
           "Ang pagkakaisa ng mga manggagawa sa bawat bansa ang tanging daan tungo sa kapayapaan at katarungan."),
    ("ru", "Мы требуем немедленно прекратить войну и освободить всех политических заключённых. Солидарность "
           "рабочих всех стран — наш единственный путь к миру и справедливости."),
    ("uk", "Ми вимагаємо негайно припинити війну та звільнити всіх політичних в'язнів. Солідарність робітників "
           "усіх країн — наш єдиний шлях до миру та справедливості."),
    ("ar", "نطالب بوقف الحرب فوراً وبالإفراج عن جميع المعتقلين السياسيين. إن التضامن بين العمال في كل مكان هو "
           "طريقنا الوحيد إلى السلام والعدالة."),
])
def test_detect_language(language: str, text: str) -> None:
    assert detect_language(text) == language
