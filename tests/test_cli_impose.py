"""`pamphlet impose`: the files it writes, the summary it prints, and one-line errors that leave no file behind."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader, PdfWriter

from pamphlet.cli import main
from pamphlet.howto import summary
from pamphlet.impose import impose
from pamphlet.schemes import Options
from tests.conftest import A4, A6, A7, numbered, page_sizes_mm, pdftotext, words

A3 = "297mm 420mm"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Input files, good and bad, made once for this module."""
    folder = tmp_path_factory.mktemp("inputs")
    writer = PdfWriter(clone_from=PdfReader(BytesIO(numbered(2))))
    writer.encrypt("secret")
    locked = BytesIO()
    writer.write(locked)
    real = numbered(4)
    made = {
        "five.pdf": numbered(5),
        "a4-pages.pdf": numbered(4, A4),
        "cards.pdf": numbered(4, A6),
        "zine.pdf": numbered(6, A7),
        "nine.pdf": numbered(9, A7),
        "a3-pages.pdf": numbered(2, A3),
        "twelve.pdf": numbered(12),
        "locked.pdf": locked.getvalue(),
        "garbage.pdf": b"%PDF-1.7\n\x00\x13 this is not a PDF at all \xff\xfe",
        "truncated.pdf": real[: len(real) // 2],
        "empty.pdf": empty_pdf(),
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in made}


def empty_pdf() -> bytes:
    """A well-formed PDF with a page tree but no pages, written by hand."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["impose", *map(str, args)])


def test_saddle_writes_the_print_pdf_and_says_how_to_print_and_fold(pdfs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "booklet.pdf"
    result = run(pdfs["five.pdf"], "-o", out)
    assert result.exit_code == 0, result.output
    assert page_sizes_mm(out) == [(297.0, 210.0)] * 4
    assert words(pdftotext(out, 1)) == "Page 5 Page 1"  # the outer sheet's front: back cover, cover
    lines = result.output.splitlines()
    assert lines[0] == f"Imposed {pdfs['five.pdf']} (saddle)"
    assert lines[1] == f"  {out}"
    assert "  Pages: 5 + 3 blank before the back cover = 8" in lines
    assert "  Sheets: 2 sheets of A4 a copy (4 sides), landscape, 2 pages a side (saddle)" in lines
    assert 'double-sided, "flip on short edge"' in result.output
    assert "booklet.pdf on A4 paper at actual size" in result.output
    assert "fold the whole stack in half" in result.output and "Staple" in result.output
    assert "scaled to" not in result.output


def test_blanks_at_the_end_are_reported_as_such(pdfs: dict[str, Path], tmp_path: Path) -> None:
    result = run(pdfs["five.pdf"], "-o", tmp_path / "out.pdf", "--blanks", "end")
    assert result.exit_code == 0, result.output
    assert "  Pages: 5 + 3 blank at the end = 8" in result.output.splitlines()


def test_scaled_pages_are_reported(pdfs: dict[str, Path], tmp_path: Path) -> None:
    result = run(pdfs["a4-pages.pdf"], "-o", tmp_path / "out.pdf", "--sheet", "a4")
    assert result.exit_code == 0, result.output
    assert "scaled to 71%" in result.output
    auto = run(pdfs["a4-pages.pdf"], "-o", tmp_path / "a3.pdf")
    assert "of A3 a copy" in auto.output and "scaled to" not in auto.output
    assert page_sizes_mm(tmp_path / "a3.pdf") == [(420.0, 297.0)] * 2


def test_long_edge_duplex(pdfs: dict[str, Path], tmp_path: Path) -> None:
    result = run(pdfs["five.pdf"], "-o", tmp_path / "out.pdf", "--duplex", "long")
    assert result.exit_code == 0, result.output
    assert 'double-sided, "flip on long edge"' in result.output


def test_manual_duplex_writes_fronts_and_backs(pdfs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "booklet.pdf"
    result = run(pdfs["twelve.pdf"], "-o", out, "--duplex", "manual")
    assert result.exit_code == 0, result.output
    fronts, backs = tmp_path / "booklet-fronts.pdf", tmp_path / "booklet-backs.pdf"
    assert sorted(tmp_path.iterdir()) == [backs, fronts]
    assert result.output.splitlines()[1:3] == [f"  {fronts}", f"  {backs}"]
    assert len(PdfReader(fronts).pages) == len(PdfReader(backs).pages) == 3
    # sheet 1 carries pages 12 and 1 on its front, 2 and 11 on its back: that back is printed last
    assert words(pdftotext(fronts, 1)) == "Page 12 Page 1"
    assert words(pdftotext(backs, 3)) == "Page 2 Page 11"
    assert "Print booklet-fronts.pdf on A4 paper" in result.output
    assert "one-sided: these are the fronts" in result.output
    assert "then print booklet-backs.pdf (the backs, last sheet first)" in result.output
    assert "without turning it over" in result.output


@pytest.mark.parametrize(("name", "args", "expected"), [
    ("zine.pdf", ["--scheme", "zine"], ["Pages: 6 + 2 blank before the back cover = 8", "one-sided",
                                        "8 pages a side (zine)", "Fold it in half short edge to short edge again "
                                        "and, from the fold, cut along the long middle crease as far as the next",
                                        "cover (bottom right panel) on top"]),
    ("twelve.pdf", ["--scheme", "signatures", "--sheets-per-signature", "2"],
     ["3 sheets of A4 a copy (6 sides)", "in groups of 2", "Stack the folded signatures in order"]),
    ("five.pdf", ["--scheme", "trifold", "--sheet", "a4"],
     ["Pages: 5 + 1 blank before the back cover = 6", "3 pages a side (trifold)", "panels 2, 3 and 4 facing you"]),
    ("cards.pdf", ["--scheme", "nup", "--grid", "2x2"],
     ["Pages: 4, each printed 4 times a side", "portrait", 'flip on long edge', "Cut along the cut marks"]),
    ("twelve.pdf", ["--scheme", "cutstack", "--grid", "2x1", "--marks", "cut"],
     ["Pages: 12 = ", "2 pages a side (cutstack)", "cut it along the cut marks into 2 piles",
      "first pile on top"]),
])
def test_each_scheme_explains_its_finishing(pdfs: dict[str, Path], tmp_path: Path, name: str, args: list[str],
                                           expected: list[str]) -> None:
    result = run(pdfs[name], "-o", tmp_path / "out.pdf", *args)
    assert result.exit_code == 0, result.output
    for text in expected:
        if text.endswith("= "):  # no blanks: no sum
            assert text.removesuffix(" = ") in result.output and text not in result.output
        else:
            assert text in result.output, text
    assert (tmp_path / "out.pdf").is_file()


def test_summary_names_the_signature_size_it_was_imposed_with(pdfs: dict[str, Path]) -> None:
    """`pamphlet build` passes no sheets per signature to the summary: it must come from the imposition."""
    imposed = impose(pdfs["twelve.pdf"].read_bytes(), "signatures", Options(sheets_per_signature=2), "twelve.pdf")
    assert any("in groups of 2 as they come out" in line for line in summary(imposed, [Path("print.pdf")]))


@pytest.mark.parametrize(("name", "args", "problem"), [
    ("locked.pdf", [], "the PDF is encrypted"),
    ("garbage.pdf", [], "not a readable PDF"),
    ("truncated.pdf", [], "not a readable PDF"),
    ("empty.pdf", [], "the PDF has no pages"),
    ("nine.pdf", ["--scheme", "zine"], "a zine holds at most 8 pages, got 9"),
    ("a3-pages.pdf", ["--scheme", "zine", "--sheet", "a4"], "pages of 297 x 420 mm cannot fit 8"),
])
def test_errors_are_one_line_naming_the_file_and_leave_no_file(pdfs: dict[str, Path], tmp_path: Path, name: str,
                                                               args: list[str], problem: str) -> None:
    previous = tmp_path / "out.pdf"
    previous.write_bytes(b"an earlier print PDF")
    result = run(pdfs[name], "-o", previous, *args)
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith(f"Error: {pdfs[name]}: {problem}"), line
    assert isinstance(result.exception, SystemExit)  # a click error, not an exception with a traceback
    assert sorted(tmp_path.iterdir()) == [previous] and previous.read_bytes() == b"an earlier print PDF"
    manual = run(pdfs[name], "-o", tmp_path / "new.pdf", "--duplex", "manual", *args)
    assert manual.exit_code == 1 and sorted(tmp_path.iterdir()) == [previous]


def test_damaged_pdf_gives_one_line_on_stderr_from_the_real_command(pdfs: dict[str, Path], tmp_path: Path) -> None:
    """pypdf logs every repair it tries; the command installs a log handler, so run it for real once."""
    code = "import sys; from pamphlet.cli import main; sys.exit(main())"
    args = ["impose", str(pdfs["truncated.pdf"]), "-o", str(tmp_path / "out.pdf")]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [f"Error: {pdfs['truncated.pdf']}: not a readable PDF "
                                        f"{done.stderr.split('not a readable PDF ', 1)[1].strip()}"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "option"), [
    (["--marks", "crop,bleed"], "--marks"),
    (["--grid", "3by2"], "--grid"),
    (["--grid", "0x2"], "--grid"),
    (["--scheme", "booklet"], "--scheme"),
    (["--duplex", "sideways"], "--duplex"),
    (["--creep", "50"], "--creep"),
])
def test_bad_options_are_usage_errors(pdfs: dict[str, Path], tmp_path: Path, args: list[str], option: str) -> None:
    result = run(pdfs["five.pdf"], "-o", tmp_path / "out.pdf", *args)
    assert result.exit_code == 2
    assert option in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
