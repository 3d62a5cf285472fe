"""What a harvest hands the store and what the store tells of a run (plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from catalogue.record import Record


@dataclass
class HarvestedItem:
    """One record as a harvester received it, with its crosswalked form (None if deleted)."""

    local_id: str
    raw: bytes
    raw_format: str
    record: Record | None
    deleted: bool = False
    datestamp: datetime | None = None


@dataclass
class PageCounts:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def __iadd__(self, other: PageCounts) -> PageCounts:
        self.added += other.added
        self.updated += other.updated
        self.deleted += other.deleted
        self.unchanged += other.unchanged
        return self


@dataclass
class HarvestError:
    position: str
    reason: str
    record_id: str = ""
    raw: bytes = b""


@dataclass
class HarvestRun:
    id: int
    source_key: str
    mode: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    added: int
    updated: int
    deleted: int
    unchanged: int
    failed: int
    pages: int
    resumption_token: str
    message: str
    from_: datetime | None = None
    server_time: datetime | None = None
    errors: list[HarvestError] = field(default_factory=list)
