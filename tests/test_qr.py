"""Tests for pamphlet.qr: only web addresses become codes; codes are vector, black on white, big enough to scan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pamphlet.errors import StatementError
from pamphlet.qr import MAX_URL, MIN_MM, MODULE_MM, is_web_address, qr_code
from pamphlet.statements import read_statement


@pytest.mark.parametrize(
    "url", ["https://example.org", "http://example.org/a?b=c&d=e#f", "HTTPS://EXAMPLE.ORG/", "https://пример.рф/путь"]
)
def test_web_addresses_are_accepted(url: str) -> None:
    assert is_web_address(url)


@pytest.mark.parametrize(
    "url",
    [
        "", "example.org", "javascript:alert(1)", "file:///etc/passwd", "ftp://example.org", "https://",
        "https:///path", "https://exa mple.org", "https://example.org/\nx", 'https://example.org/"onload="x',
        "https://example.org/<script>", "https://[::1", "data:text/html,hi", "https://example.org/" + "a" * MAX_URL,
    ],
)  # fmt: skip
def test_anything_else_is_refused(url: str) -> None:
    assert not is_web_address(url)
    with pytest.raises(ValueError, match="expected an http"):
        qr_code(url)


def test_a_code_is_an_inline_vector_svg_black_on_white_with_its_quiet_zone() -> None:
    code = qr_code("https://example.org/ukraine-solidarity")
    svg = str(code.svg)
    assert svg.startswith(f'<svg width="{code.size_mm}mm" height="{code.size_mm}mm"')
    assert re.findall(r"<(\w+)", svg) == ["svg", "path", "path"]  # no text, no image, no link
    assert 'viewBox="0 0 37 37"' in svg and 'fill="#fff" d="M0 0h37v37h-37z"' in svg  # white under it all
    assert 'stroke="#000"' in svg
    assert 'd="M4 4.5h7' in svg  # the first dark module sits 4 modules in: the quiet zone is kept
    assert code.size_mm == MIN_MM >= 20
    assert str(code.caption) == "example.<wbr>org/<wbr>ukraine-<wbr>solidarity"


def test_a_longer_address_makes_a_bigger_code_so_no_module_prints_too_small() -> None:
    short, long = qr_code("https://a.org"), qr_code("https://example.org/" + "x" * 200)
    assert short.size_mm == MIN_MM < long.size_mm
    modules = int(re.search(r'viewBox="0 0 (\d+) ', str(long.svg)).group(1))  # type: ignore[union-attr]
    assert long.size_mm / modules >= MODULE_MM - 0.01


def test_a_statement_may_ask_for_its_web_source_as_a_qr_code(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("---\ntitle: T\nsource: https://example.org/t\nqr: true\npullquote: Say it.\n---\nText.\n")
    statement = read_statement(good)
    assert (statement.qr, statement.pullquote) == (True, "Say it.")
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: T\nsource: Left Voice\nqr: yes please\n---\nText.\n")
    with pytest.raises(StatementError) as caught:
        read_statement(bad)
    assert caught.value.message == f"{bad}:4: qr: expected true or false, got 'yes please'"
    bad.write_text("---\ntitle: T\nsource: Left Voice\nqr: true\n---\nText.\n")
    with pytest.raises(StatementError) as caught:
        read_statement(bad)
    assert caught.value.message == (
        f"{bad}:4: qr: expected a source that is a web address (https://...) to print as a QR code, got 'Left Voice'"
    )
