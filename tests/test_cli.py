"""The click commands: summaries, tables, exit codes, and messages without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pamphlet.cli import main
from tests.conftest import EXAMPLES, ROOT


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_help_lists_commands_without_loading_the_renderer() -> None:
    code = "import sys, pamphlet.cli; print(sorted(m for m in ('weasyprint', 'pypdf') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0 and "build" in result.output and "list" in result.output


def test_build_prints_pages_sheets_and_how_to_fold(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", str(EXAMPLES / "anti-war.yaml"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "14 pages" in result.output
    assert "Pages: 14 + 2 blank before the back cover = 16" in result.output
    assert "4 sheets of A4 a copy (8 sides)" in result.output
    assert "double-sided, \"flip on short edge\"" in result.output
    assert "fold the whole stack in half" in result.output and "Staple" in result.output
    assert (tmp_path / "anti-war.pdf").is_file() and (tmp_path / "anti-war-print.pdf").is_file()


def test_build_defaults_to_out_folder_of_the_working_directory(runner: CliRunner, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["build", str(EXAMPLES / "ilps.yaml")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/ilps.pdf").is_file() and (tmp_path / "out/ilps-print.pdf").is_file()
    assert "US Letter" in result.output


def test_bad_manifest_exits_1_listing_every_problem(runner: CliRunner, tmp_path: Path) -> None:
    manifest = tmp_path / "bad.yaml"
    manifest.write_text(f"title: T\nlibrary: {ROOT / 'statements'}\npaper: a5\nstatments: []\n")
    result = runner.invoke(main, ["build", str(manifest), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{manifest}:3: paper: expected one of a4, letter, got 'a5'" in result.output
    assert f"{manifest}:4: statments: unknown key" in result.output
    assert f"{manifest}:1: statements: required, but missing" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(main, ["build", str(tmp_path / "missing.yaml")]).exit_code == 2
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2


def test_list_prints_the_library_table(runner: CliRunner) -> None:
    result = runner.invoke(main, ["list", "--library", str(ROOT / "statements")])
    assert result.exit_code == 0, result.output
    header, *rows, total = result.output.splitlines()
    assert header.split() == ["id", "title", "organisation", "date", "tags", "words"]
    ids = sorted(p.stem for p in (ROOT / "statements").glob("*.md"))
    assert sorted(row.split()[0] for row in rows) == ids
    assert total == f"{len(ids)} statements in {ROOT / 'statements'}"


def test_list_filters_by_tag_and_finds_the_library_from_the_working_dir(runner: CliRunner,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    result = runner.invoke(main, ["list", "--tag", "ILPS"])
    assert result.exit_code == 0, result.output
    rows = result.output.splitlines()[1:-1]
    assert rows and all("ilps" in row for row in rows)
    assert "russia-out-of-ukraine" not in result.output
    assert result.output.splitlines()[-1].endswith("tagged 'ILPS'")
