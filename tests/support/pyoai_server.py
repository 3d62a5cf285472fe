"""An OAI-PMH endpoint built on the `oaipmh` package's server, which we did not write.

Harvesting only our own provider could hide a shared misreading of the spec; this
serves Dublin Core records through oaipmh.server.BatchingServer (its resumption
tokens, its oai_dc writer, its error handling) so the harvester meets another
implementation's idea of OAI-PMH.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.util import request_uri

from oaipmh import common, error
from oaipmh.metadata import MetadataRegistry
from oaipmh.server import BatchingServer, oai_dc_writer

OAI_DC = (
    "oai_dc",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc/",
)


@dataclass
class DcRecord:
    """A Dublin Core record as the pyoai server sees it (datestamps in UTC)."""

    identifier: str
    datestamp: datetime
    fields: dict[str, list[str]] = field(default_factory=dict)
    sets: list[str] = field(default_factory=list)
    deleted: bool = False


def _naive_utc(value: datetime) -> datetime:
    """pyoai only accepts naive datetimes, meaning UTC, without microseconds."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0)


class _Backend:
    """An oaipmh.interfaces.IBatchingOAI implementation over a list of DcRecord."""

    def __init__(
        self, records: Sequence[DcRecord], sets: Sequence[tuple[str, str]], base_url: str
    ) -> None:
        self.records = sorted(records, key=lambda r: (_naive_utc(r.datestamp), r.identifier))
        self.set_list = list(sets)
        self.base_url = base_url

    def identify(self) -> common.Identify:
        stamps = [_naive_utc(r.datestamp) for r in self.records]
        return common.Identify(
            repositoryName="pyoai test repository",
            baseURL=self.base_url,
            protocolVersion="2.0",
            adminEmails=["pyoai@example.org"],
            earliestDatestamp=min(stamps, default=datetime(2000, 1, 1)),
            deletedRecord="persistent",
            granularity="YYYY-MM-DDThh:mm:ssZ",
            compression=["identity"],
        )

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        if identifier is not None:
            self._find(identifier)
        return [OAI_DC]

    def listSets(self, cursor: int = 0, batch_size: int = 10) -> list[tuple[str, str, None]]:
        if not self.set_list:
            raise error.NoSetHierarchyError("This repository does not support sets.")
        return [(spec, name, None) for spec, name in self.set_list[cursor : cursor + batch_size]]

    def listIdentifiers(self, metadataPrefix: str, **kw: Any) -> list[common.Header]:
        return [self._header(r) for r in self._select(metadataPrefix, **kw)]

    def listRecords(self, metadataPrefix: str, **kw: Any) -> list[tuple[Any, Any, None]]:
        return [self._record(r) for r in self._select(metadataPrefix, **kw)]

    def getRecord(self, metadataPrefix: str, identifier: str) -> tuple[Any, Any, None]:
        self._check_prefix(metadataPrefix)
        return self._record(self._find(identifier))

    def _select(
        self,
        prefix: str,
        set: str | None = None,  # pyoai's argument name
        from_: datetime | None = None,
        until: datetime | None = None,
        cursor: int = 0,
        batch_size: int = 10,
    ) -> list[DcRecord]:
        self._check_prefix(prefix)
        if set is not None and not self.set_list:
            raise error.NoSetHierarchyError("This repository does not support sets.")
        chosen = [
            r
            for r in self.records
            if (set is None or set in r.sets)
            and (from_ is None or _naive_utc(r.datestamp) >= from_)
            and (until is None or _naive_utc(r.datestamp) <= until)
        ]
        return chosen[cursor : cursor + batch_size]

    def _check_prefix(self, prefix: str) -> None:
        if prefix != OAI_DC[0]:
            raise error.CannotDisseminateFormatError(f"Unknown metadataPrefix: {prefix}")

    def _find(self, identifier: str) -> DcRecord:
        for record in self.records:
            if record.identifier == identifier:
                return record
        raise error.IdDoesNotExistError(f"No such identifier: {identifier}")

    def _header(self, record: DcRecord) -> common.Header:
        stamp = _naive_utc(record.datestamp)
        return common.Header(None, record.identifier, stamp, list(record.sets), record.deleted)

    def _record(self, record: DcRecord) -> tuple[Any, Any, None]:
        metadata = None if record.deleted else common.Metadata(None, record.fields)
        return self._header(record), metadata, None


def make_pyoai_app(
    records: Sequence[DcRecord],
    *,
    sets: Sequence[tuple[str, str]] = (),
    batch_size: int = 3,
) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """A WSGI app serving `records` through pyoai, `batch_size` items per page."""
    registry = MetadataRegistry()
    registry.registerWriter("oai_dc", oai_dc_writer)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        backend = _Backend(records, sets, request_uri(environ, include_query=False))
        server = BatchingServer(backend, registry, resumption_batch_size=batch_size)
        body = server.handleRequest(_args(environ))
        start_response(
            "200 OK",
            [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return app


def _args(environ: dict[str, Any]) -> dict[str, str]:
    """pyoai takes one value per argument; the first one wins."""
    if environ.get("REQUEST_METHOD") == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        text = environ["wsgi.input"].read(length).decode("utf-8")
    else:
        text = environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8")
    args: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        args.setdefault(name, value)
    return args
