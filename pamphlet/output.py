"""Writing output files all or nothing: temp files beside them, checked, then put in place."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from pamphlet.errors import OutputError


def write_atomically(files: dict[Path, bytes], checked: bool = True) -> None:
    """Write every file or none: each goes to a temp file beside it, then replaces it. If ``checked`` (the PDFs;
    the cache checks its entries when it reads them), each is first synced to disk, read back and compared."""
    temps: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps[path] = Path(name)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if checked:
                    handle.flush()
                    os.fsync(handle.fileno())
            if checked and temps[path].read_bytes() != data:
                raise OSError(errno.EIO, "it read back other than it was written", str(path))
        with _interrupts_held():  # Ctrl-C or SIGTERM now would leave files of two different builds
            for path, temp in temps.items():
                os.replace(temp, path)
    except OSError as err:
        raise OutputError(f"{err.filename or next(iter(files))}: cannot write: {err.strerror or err}") from None
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM until the block is done, then act on the first that came. (Handlers, not a
    signal mask: the kernel hands a signal that this thread blocks to another thread, and Python acts on it.)"""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    came: list[int] = []
    before = {number: signal.signal(number, lambda number, _: came.append(number))
              for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
        if came:
            signal.raise_signal(came[0])
