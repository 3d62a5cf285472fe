"""Harvest sources: the `Source` dataclass and its TOML form (`[[source]]` tables)."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

SOURCE_TYPES = ("oai", "marc")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")


class SourceError(ValueError):
    """A source definition that cannot be used, with the reason."""


@dataclass
class Source:
    key: str
    name: str
    type: str
    url: str
    metadata_prefix: str = ""
    set: str = ""
    schedule: str = ""
    enabled: bool = True

    def __post_init__(self) -> None:
        if not KEY_PATTERN.match(self.key):
            raise SourceError(
                f"source key {self.key!r} must be lowercase letters, digits, '-' or '_'"
            )
        if self.type not in SOURCE_TYPES:
            raise SourceError(f"source {self.key}: type must be one of {SOURCE_TYPES}")
        if not self.url:
            raise SourceError(f"source {self.key}: url is required")
        if self.type == "oai" and not self.metadata_prefix:
            self.metadata_prefix = "oai_dc"
        if self.schedule:
            _check_cron(self.key, self.schedule)


def _check_cron(key: str, schedule: str) -> None:
    from croniter import croniter

    if not croniter.is_valid(schedule):
        raise SourceError(f"source {key}: schedule {schedule!r} is not valid cron syntax")


def load_sources_toml(path: Path) -> list[Source]:
    """Read a sources file; every error names the source and the problem."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path} is not valid TOML: {exc}") from exc
    known = {f.name for f in fields(Source)}
    sources = []
    for i, table in enumerate(data.get("source", []), start=1):
        unknown = set(table) - known
        if unknown:
            raise SourceError(f"{path}: source #{i} has unknown keys: {', '.join(sorted(unknown))}")
        missing = {"key", "name", "type", "url"} - set(table)
        if missing:
            raise SourceError(f"{path}: source #{i} lacks {', '.join(sorted(missing))}")
        sources.append(Source(**table))
    keys = [s.key for s in sources]
    if len(set(keys)) != len(keys):
        raise SourceError(f"{path}: a source key is used twice")
    return sources


def dump_sources_toml(sources: list[Source]) -> str:
    """The TOML text for sources, readable by `load_sources_toml`."""
    out = []
    for source in sources:
        out.append("[[source]]")
        for f in fields(Source):
            value = getattr(source, f.name)
            if value in ("", None) or (f.name == "enabled" and value):
                continue
            # JSON strings are valid TOML basic strings; ensure_ascii keeps Vietnamese readable.
            text = (
                json.dumps(value, ensure_ascii=False)
                if isinstance(value, str)
                else str(value).lower()
            )
            out.append(f"{f.name} = {text}")
        out.append("")
    return "\n".join(out)
