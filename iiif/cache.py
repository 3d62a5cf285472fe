"""An on-disk cache of made images (derivatives), bounded in size, least recently used out.

Files live at `root/ab/abcdef….bin`, named by a key the caller derives from everything that
decides the bytes (source file version, plan, renderer version). A hit touches the file's
modification time, so the oldest mtime is the least recently used; when the total passes
`max_bytes`, the oldest files are removed until it is under `low_water` × `max_bytes`.
Writes go to a temporary file and are renamed into place, so a reader in another thread
or process never sees half a file; several processes may share one folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from pathlib import Path

SUFFIX = ".bin"


def cache_key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class DerivativeCache:
    def __init__(self, root: Path | str, max_bytes: int, *, low_water: float = 0.9) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.low_water = low_water
        self._lock = threading.Lock()
        self._total: int | None = None  # counted from disk on first use

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}{SUFFIX}"

    def get(self, key: str) -> bytes | None:
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        now = time.time()
        # Evicted meanwhile: the bytes read are still good.
        with contextlib.suppress(FileNotFoundError):
            os.utime(path, (now, now))
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store `data`; too large an item (over a quarter of the bound) is not kept."""
        if self.max_bytes <= 0 or len(data) > self.max_bytes // 4:
            return
        with self._lock:
            self._count()  # know the total before this file lands in the folder
        path = self.path(key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            tmp.write_bytes(data)
        except FileNotFoundError:  # the first file of its sub-folder
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
        try:
            old = path.stat().st_size
        except FileNotFoundError:
            old = 0
        os.replace(tmp, path)
        with self._lock:
            total = (self._total or 0) + len(data) - old
            self._total = total
        if total > self.max_bytes:
            self.evict()

    def total_bytes(self) -> int:
        with self._lock:
            return self._count()

    def _count(self) -> int:
        if self._total is None:
            self._total = sum(size for _, size, _ in self._entries())
        return self._total

    def _entries(self) -> list[tuple[float, int, Path]]:
        entries = []
        if not self.root.is_dir():
            return entries
        for sub in self.root.iterdir():
            if not sub.is_dir():
                continue
            for path in sub.iterdir():
                if path.suffix != SUFFIX:
                    continue
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                entries.append((stat.st_mtime, stat.st_size, path))
        return entries

    def evict(self) -> int:
        """Remove least recently used files until under the low-water mark; bytes freed."""
        with self._lock:
            entries = sorted(self._entries(), key=lambda e: e[0])
            total = sum(size for _, size, _ in entries)
            target = int(self.max_bytes * self.low_water)
            freed = 0
            for _, size, path in entries:
                if total <= target:
                    break
                path.unlink(missing_ok=True)
                total -= size
                freed += size
            self._total = total
            return freed

    def clear(self) -> None:
        with self._lock:
            for _, _, path in self._entries():
                path.unlink(missing_ok=True)
            self._total = 0
