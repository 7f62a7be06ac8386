"""Writing output files all or nothing."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from pamphlet.errors import OutputError
from pamphlet.output import write_atomically


def test_every_file_is_written_and_no_temp_file_is_left(tmp_path: Path) -> None:
    files = {tmp_path / "a.pdf": b"%PDF-a", tmp_path / "new" / "b.pdf": b"%PDF-b"}
    write_atomically(files)
    assert {path: path.read_bytes() for path in files} == files
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["a.pdf", "b.pdf"]


def test_a_file_that_reads_back_wrong_fails_and_keeps_every_old_file(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    old = {tmp_path / "a.pdf": b"old a", tmp_path / "b.pdf": b"old b"}
    write_atomically(old)
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read(path)[:-1] if ".b.pdf." in path.name else read(path))
    expected = f"{tmp_path / 'b.pdf'}: cannot write: it read back other than it was written"
    with pytest.raises(OutputError, match=f"^{re.escape(expected)}$"):
        write_atomically({path: b"new" for path in old})
    monkeypatch.undo()
    assert {path: path.read_bytes() for path in old} == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf"]


@pytest.mark.parametrize("threads", [0, 1])
def test_ctrl_c_while_files_are_put_in_place_waits_until_all_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  threads: int) -> None:
    """Also while another thread runs (WeasyPrint's libraries start some): the kernel may hand it the signal."""
    done = threading.Event()

    def busy() -> None:
        while not done.is_set():
            pass

    others = [threading.Thread(target=busy) for _ in range(threads)]
    for thread in others:
        thread.start()
    old = {tmp_path / "a.pdf": b"old a", tmp_path / "b.pdf": b"old b"}
    write_atomically(old)
    replace = os.replace

    def interrupted(src: str, dst: str) -> None:
        replace(src, dst)
        os.kill(os.getpid(), signal.SIGINT)  # as a user's Ctrl-C, or SIGTERM, between the two files
        time.sleep(0.01)  # this thread waits its turn: Python may act on the signal now

    monkeypatch.setattr(os, "replace", interrupted)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_atomically({path: b"new" for path in old})
    finally:
        done.set()
    assert {path.name: path.read_bytes() for path in old} == {"a.pdf": b"new", "b.pdf": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf"]
