"""Where a MARC source's files come from: a file or folder inside the folders MARC
sources may be read from, or an http(s) URL downloaded to a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlparse

from harvesters.errors import HarvestFailed
from harvesters.http import RetryPolicy, new_session, request_with_retries
from harvesters.marc_reading import BLOCK

MARC_SUFFIXES = (".mrc", ".marc", ".dat", ".iso", ".iso2709", ".xml", ".marcxml")


@dataclass
class MarcFile:
    label: str  # what positions are reported against
    path: Path
    modified: datetime


def local_files(
    location: str, since: datetime | None, allowed: Sequence[Path] | None = None
) -> list[MarcFile]:
    """The files of a file or folder source changed after `since` (all when None).

    With `allowed` (resolved folders, see HarvestSettings.marc_roots), the source and
    every file found in it must resolve inside one of them: a path, a "..", or a
    symlink leading anywhere else is refused before anything is read or even looked up.
    Files are then opened by their resolved path, so a link swapped afterwards cannot
    redirect the read.
    """
    path = Path(location).expanduser()
    if allowed is not None:
        check_allowed(path, allowed, location)
    if not path.exists():
        raise HarvestFailed(f"MARC source not found: {path}")
    if path.is_dir():
        paths = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MARC_SUFFIXES
        )
    else:
        paths = [path]
    files = []
    for p in paths:
        real = check_allowed(p, allowed, str(p)) if allowed is not None else p
        files.append(MarcFile(str(p), real, datetime.fromtimestamp(real.stat().st_mtime, UTC)))
    return [f for f in files if since is None or f.modified > since]


def check_allowed(path: Path, allowed: Sequence[Path], shown: str) -> Path:
    """`path` resolved (symlinks and ".." followed) if inside an allowed folder; else
    HarvestFailed naming the setting that would allow it."""
    real = path.resolve()
    if any(real.is_relative_to(root) for root in allowed):
        return real
    folders = ", ".join(str(root) for root in allowed) or "none"
    raise HarvestFailed(
        f"MARC source path {shown} is not in a folder MARC sources may be read from "
        f"(allowed: {folders}); add its folder to [harvest] marc_paths in the settings"
    )


@dataclass
class Download:
    file: MarcFile | None  # None: not modified since the last harvest
    cleanup: Path | None


def download(url: str, policy: RetryPolicy, since: datetime | None) -> Download:
    """Fetch a MARC file over HTTP(S) to a temporary file, asking only if it changed."""
    headers = {"If-Modified-Since": format_datetime(since, usegmt=True)} if since else {}
    session = new_session()
    response = request_with_retries(session, "GET", url, policy, headers=headers, stream=True)
    if response.status_code == 304:
        return Download(None, None)
    fd, name = tempfile.mkstemp(prefix="thuvien-marc-", suffix=Path(urlparse(url).path).suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            for block in response.iter_content(BLOCK):
                out.write(block)
    except Exception as exc:
        Path(name).unlink(missing_ok=True)
        raise HarvestFailed(f"download of {url} broke off: {exc}") from exc
    modified = datetime.now(UTC)
    with contextlib.suppress(TypeError, ValueError):
        modified = parsedate_to_datetime(response.headers.get("Last-Modified", ""))
    return Download(MarcFile(url, Path(name), modified), Path(name))


def is_url(location: str) -> bool:
    return urlparse(location).scheme in ("http", "https")
