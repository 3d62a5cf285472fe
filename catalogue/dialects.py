"""What differs between SQLite and PostgreSQL, in one place: the engine's set-up and the
few statements each database spells its own way."""

from __future__ import annotations

from sqlalchemy import ColumnElement, create_engine, event, exists, func, literal, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from catalogue.tables import RecordRow


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite's in WAL mode with writers queueing on one lock."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # noqa: ANN001 — DB-API connection
        # Let SQLAlchemy issue BEGIN itself, so BEGIN IMMEDIATE below takes effect.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        # Writers queue on the lock instead of failing with "database is locked" mid-transaction.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def dialect_insert(s: Session):
    """The INSERT of the session's database, which knows ON CONFLICT (both backends do)."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def no_index(column: ColumnElement[str], dialect: str) -> ColumnElement[str]:
    """The same text, but to SQLite no reason to pick an index on `column`."""
    return column.concat("") if dialect == "sqlite" else column


def collection_values(dialect: str):
    """A table-valued function over one record's `collections`, one `value` per name."""
    if dialect == "postgresql":
        source = func.json_array_elements_text(RecordRow.data["collections"])
        return source.table_valued("value").render_derived(name="collection_names")
    # SQLite's JSON1 (json_each's columns have fixed names: no column list allowed)
    return (
        func.json_each(RecordRow.data, "$.collections")
        .table_valued("value")
        .alias("collection_names")
    )


def in_collections(dialect: str, names: list[str] | None) -> ColumnElement[bool]:
    """The record holds one of `names` in its collections (any collection when None)."""
    values = collection_values(dialect)
    query = select(literal(1)).select_from(values)
    if names is not None:
        query = query.where(values.c.value.in_(names))
    return exists(query)
