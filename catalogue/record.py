"""The unified record: the one contract between harvesting and everything after it.

Crosswalks build these; the store keeps them; the indexer reads them. Lists are
lists, never joined strings. Text is NFC Unicode (`normalise_text`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

FORMATS = (
    "book",
    "periodical",
    "article",
    "thesis",
    "map",
    "manuscript",
    "image",
    "audiobook",
    "music",
    "video",
    "archival",
)

HOLDING_STATUSES = ("available", "on_loan", "in_repair", "reference_only", "unknown")

OBJECT_KINDS = ("image", "audio", "text", "pdf")


def normalise_text(value: str) -> str:
    """NFC-normalise and trim, so the same Vietnamese word is always the same bytes."""
    return unicodedata.normalize("NFC", value).strip()


@dataclass
class Holding:
    """One copy of a work in one library."""

    library: str
    location: str = ""
    call_number: str = ""
    status: str = "unknown"
    status_read_at: datetime | None = None
    barcode: str = ""
    due: date | None = None  # when a copy on loan is due back (Koha 952 $q)
    copy_number: str = ""  # the library's number for this copy of the title ("2"; 952/852 $t)


@dataclass
class DigitalObject:
    """One file of a digitised item (a page scan, an audio chapter, a PDF)."""

    kind: str
    location: str
    label: str = ""
    order: int = 0
    mime_type: str = ""
    bytes: int | None = None
    sha256: str = ""
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    # thuvien's own copy after ingest, relative to the data directory ("" until then).
    stored_path: str = ""


@dataclass
class Record:
    """A bibliographic record in thuvien's own terms, whatever it was harvested as."""

    source_key: str
    local_id: str
    deleted: bool = False
    datestamp: datetime | None = None

    title: str = ""
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    year: int | None = None
    publisher: str = ""
    place: str = ""
    edition: str = ""
    series: list[str] = field(default_factory=list)
    description: str = ""
    contents: list[str] = field(default_factory=list)

    format: str = "book"

    isbns: list[str] = field(default_factory=list)
    invalid_isbns: list[str] = field(default_factory=list)
    issns: list[str] = field(default_factory=list)
    oclc: str = ""
    lccn: str = ""
    call_numbers: list[str] = field(default_factory=list)

    holdings: list[Holding] = field(default_factory=list)
    digital_objects: list[DigitalObject] = field(default_factory=list)

    rights_statement: str = ""
    collections: list[str] = field(default_factory=list)
    embargo_until: date | None = None

    raw_format: str = ""
    raw: str | bytes = ""

    @property
    def id(self) -> str:
        return f"{self.source_key}:{self.local_id}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings; the raw record left out).

        Built field by field rather than with dataclasses.asdict, whose deep copy is
        the slowest step of storing a harvested page.
        """
        data = {name: getattr(self, name) for name in _RECORD_FIELDS}
        data["holdings"] = [dict(vars(h)) for h in self.holdings]
        data["digital_objects"] = [dict(vars(d)) for d in self.digital_objects]
        data["id"] = self.id
        return _jsonable(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """The inverse of `to_dict` (raw stays empty)."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        if values.get("datestamp"):
            values["datestamp"] = datetime.fromisoformat(values["datestamp"])
        if values.get("embargo_until"):
            values["embargo_until"] = date.fromisoformat(values["embargo_until"])
        values["holdings"] = [_holding(h) for h in data.get("holdings", [])]
        values["digital_objects"] = [DigitalObject(**d) for d in data.get("digital_objects", [])]
        return cls(**values)


_RECORD_FIELDS = tuple(f.name for f in fields(Record) if f.name != "raw")


def _holding(data: dict[str, Any]) -> Holding:
    data = dict(data)
    if data.get("status_read_at"):
        data["status_read_at"] = datetime.fromisoformat(data["status_read_at"])
    if data.get("due"):
        data["due"] = date.fromisoformat(data["due"])
    return Holding(**data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
