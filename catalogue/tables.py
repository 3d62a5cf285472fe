"""The store's tables (SQLAlchemy 2 ORM). Alembic migrations in catalogue/migrations mirror them.

Unified records keep their scalar and list fields as JSON (`data`): the Record
dataclass is the contract, and the columns beside it exist only to be queried.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class SourceRow(Base):
    __tablename__ = "sources"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(20))  # "oai" | "marc"
    url: Mapped[str] = mapped_column(Text)
    metadata_prefix: Mapped[str] = mapped_column(String(50), default="")
    set_spec: Mapped[str] = mapped_column(String(200), default="")
    schedule: Mapped[str] = mapped_column(String(100), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # The incremental watermark: the server time at the start of the last successful run.
    harvested_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # OAI granularity as the source declared it in Identify.
    granularity: Mapped[str] = mapped_column(String(30), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When someone asked for a harvest now (console); the worker clears it as the run starts.
    harvest_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The record URL template of the library's own catalogue (OPAC); "" for none.
    opac_url: Mapped[str] = mapped_column(Text, default="")
    # The library as readers visit it (the browse page): "" for none. Lengths are
    # checked by catalogue.sources.Source, alike on both databases.
    website: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")


class HarvestRunRow(Base):
    __tablename__ = "harvest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_key: Mapped[str] = mapped_column(
        ForeignKey("sources.key", ondelete="CASCADE"), index=True
    )
    mode: Mapped[str] = mapped_column(String(20))  # "full" | "incremental" | "resume"
    status: Mapped[str] = mapped_column(String(20))  # running | succeeded | failed
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    from_: Mapped[datetime | None] = mapped_column("from_date", DateTime(timezone=True))
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Server time when the run began: becomes the watermark if the run succeeds.
    server_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    # The last resumption token whose page was committed: where a failed run resumes.
    resumption_token: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")

    errors: Mapped[list[HarvestErrorRow]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="HarvestErrorRow.id"
    )


class HarvestErrorRow(Base):
    __tablename__ = "harvest_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("harvest_runs.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[str] = mapped_column(String(300))
    record_id: Mapped[str] = mapped_column(String(400), default="")
    reason: Mapped[str] = mapped_column(Text)
    # What was received, so nothing is lost even when it could not be used.
    raw: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    run: Mapped[HarvestRunRow] = relationship(back_populates="errors")


class RawRecordRow(Base):
    __tablename__ = "raw_records"

    id: Mapped[str] = mapped_column(String(400), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(100), index=True)
    raw_format: Mapped[str] = mapped_column(String(30))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    harvested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[int | None] = mapped_column(Integer)


class RecordRow(Base):
    __tablename__ = "records"

    id: Mapped[str] = mapped_column(String(400), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(100))
    local_id: Mapped[str] = mapped_column(String(300))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    datestamp: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    title: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(30), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    # sha256 of the unified content: tells an update from a re-harvest of the same thing.
    content_hash: Mapped[str] = mapped_column(String(64))
    # Monotonic across the store; incremental indexing reads changes above its mark.
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    # The work this record was last indexed under; a change means it must be re-indexed.
    work_key: Mapped[str | None] = mapped_column(String(300), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    holdings: Mapped[list[HoldingRow]] = relationship(
        cascade="all, delete-orphan", order_by="HoldingRow.position"
    )
    digital_objects: Mapped[list[DigitalObjectRow]] = relationship(
        cascade="all, delete-orphan", order_by="DigitalObjectRow.position"
    )

    __table_args__ = (Index("ix_records_source", "source_key", "local_id"),)


class HoldingRow(Base):
    __tablename__ = "holdings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    library: Mapped[str] = mapped_column(String(300))
    location: Mapped[str] = mapped_column(String(300), default="")
    call_number: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(30), default="unknown")
    status_read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    barcode: Mapped[str] = mapped_column(String(100), default="")
    due: Mapped[date | None] = mapped_column(Date)
    copy_number: Mapped[str] = mapped_column(String(50), default="")


class DigitalObjectRow(Base):
    __tablename__ = "digital_objects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(300), default="")
    order: Mapped[int] = mapped_column(Integer, default=0)
    mime_type: Mapped[str] = mapped_column(String(100), default="")
    bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    duration: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    # Where ingest put thuvien's own copy (relative to the data directory; "" until
    # ingested) and when: the harvested `location` stays as the source gave it.
    stored_path: Mapped[str] = mapped_column(Text, default="")
    ingested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CounterRow(Base):
    """Named counters (the change sequence) and marks (what the index has seen)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class UserRow(Base):
    """A portal account. Passwords are stored only as argon2 hashes."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Stored casefolded, so "Lan" and "lan" are one account.
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(300), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))  # reader | librarian | admin
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAttemptRow(Base):
    """Every log-in attempt, kept for rate limiting by account and by client address."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )


class LicenceRuleRow(Base):
    """One licence rule: ordered by `position`, first enabled match wins.

    `conditions` and `outcomes` are JSON, read and written only by catalogue.rights,
    which owns their meaning; the table just keeps them in order.
    """

    __tablename__ = "licence_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    position: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(300))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    conditions: Mapped[dict] = mapped_column(JSON)
    outcomes: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    preset: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100), default="")


class AuditEntryRow(Base):
    """Append-only audit log; each entry carries the hash of the one before (a chain)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)  # username, "" for anonymous
    ip: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(100), index=True)
    target: Mapped[str] = mapped_column(String(400), default="", index=True)
    detail: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ListeningPositionRow(Base):
    """Where a logged-in reader stopped in an audiobook, so it follows them to any device."""

    __tablename__ = "listening_positions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[str] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[float] = mapped_column(Float, default=0.0)  # seconds into the book
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BookmarkRow(Base):
    """A reader's named place in an audiobook."""

    __tablename__ = "bookmarks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    position: Mapped[float] = mapped_column(Float)  # seconds into the book
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_bookmarks_user_record", "user_id", "record_id"),)
