"""Writing output files all or nothing: temp files beside them, checked, then put in place."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from pamphlet.errors import OutputError


def write_atomically(files: dict[Path, bytes]) -> None:
    """Write every PDF or none: each goes to a temp file beside it, is read back and compared, then replaces it."""
    temps: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps[path] = Path(name)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if temps[path].read_bytes() != data:
                raise OSError(errno.EIO, "it read back other than it was written", str(path))
        for path, temp in temps.items():
            os.replace(temp, path)
    except OSError as err:
        raise OutputError(f"{err.filename or next(iter(files))}: cannot write: {err.strerror or err}") from None
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
