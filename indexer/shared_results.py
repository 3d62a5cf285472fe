"""Search results shared by the worker processes of one server.

Each worker process of `thuvien serve --workers N` has its own cache, so a popular
search is answered once per process; on a cold start, when popular searches reach
every process within the same second, that is N times the work exactly when the
server can least afford it. This folder (on tmpfs where there is one, private to the
server's user, made by the server and removed when it stops) holds each result once
for all of them, and a lock per search makes a second process wait for the first one's
answer instead of computing it too.

Results are pickled files (written by the server's own processes into its own 0700
folder, never read from anywhere else), one sub-folder per index version: a commit
starts a new one and the old ones are removed. Past `size` results the oldest used are
dropped. Any error here (a full disk, a vanished folder) is a cache miss, never a
failed search.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import pickle
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TRIM_EVERY = 256  # results written between looks at how many the folder holds
TMPFS = Path("/dev/shm")  # noqa: S108 — only ever the parent of a mkdtemp folder

log = logging.getLogger(__name__)


class SharedResults:
    """A folder of results for one index, shared by processes (see the module)."""

    def __init__(self, folder: Path, size: int) -> None:
        self.folder = folder
        self.size = size
        self.lock = threading.Lock()
        self.writes = 0
        self.current = ""  # the version folder this process last wrote in

    def get(self, version: tuple, key: tuple) -> Any:
        path = self._path(version, key)
        try:
            data = path.read_bytes()
            os.utime(path)  # used now: the last to be dropped
            return pickle.loads(data)  # noqa: S301 — written by this server's processes
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None

    def put(self, version: tuple, key: tuple, value: Any) -> None:
        path = self._path(version, key)
        try:
            path.parent.mkdir(exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
            temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, path)
        except OSError:
            log.warning("could not share a search result in %s", path.parent, exc_info=True)
            return
        self._tidy(path.parent)

    @contextmanager
    def answering(self, version: tuple, key: tuple) -> Iterator[Any]:
        """Hold the search's lock across processes; yields the result another process
        stored while this one waited for the lock, else None (this one computes it,
        `put`s it and leaves the block, which lets the next one in)."""
        path = self._path(version, key)
        try:
            path.parent.mkdir(exist_ok=True)
            handle = open(path.with_suffix(".lock"), "a+b")  # noqa: SIM115 — closed below
        except OSError:
            yield None
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)  # a waiting thread lets go of the GIL
            yield self.get(version, key)
        finally:
            handle.close()  # releases the lock

    def close(self) -> None:
        """Remove the folder (the server that made it is stopping)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def _path(self, version: tuple, key: tuple) -> Path:
        return self.folder / _digest(version) / (_digest(key) + ".result")

    def _tidy(self, here: Path) -> None:
        """Drop other versions' folders when this one is new to this process, and the
        least recently used results past `size` every TRIM_EVERY writes."""
        with self.lock:
            self.writes += 1
            moved = here.name != self.current
            self.current = here.name
            due = moved or self.writes % TRIM_EVERY == 0
        if not due:
            return
        try:
            for other in self.folder.iterdir():
                if other.is_dir() and other.name != here.name:
                    shutil.rmtree(other, ignore_errors=True)
            results = []
            for entry in os.scandir(here):
                if entry.name.endswith(".result"):
                    results.append((entry.stat().st_mtime_ns, entry.path))
            results.sort()
            for _used, path in results[: max(0, len(results) - self.size)]:
                Path(path).unlink(missing_ok=True)
                Path(path).with_suffix(".lock").unlink(missing_ok=True)
        except OSError:
            log.warning("could not tidy the shared search results in %s", here, exc_info=True)


def shared_folder(prefix: str = "thuvien-results-") -> Path:
    """A new private folder for one server's shared results: on tmpfs when there is one
    (results never touch a disk), else in the system's temporary folder."""
    import tempfile

    base = TMPFS if TMPFS.is_dir() and os.access(TMPFS, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def _digest(value: tuple) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()
