"""OAI-PMH harvesting with sickle.

`OaiClient` is Sickle with thuvien's HTTP rules (retries with bounded backoff) and
a strict XML parser (sickle's own recovers silently from broken pages). The
harvester walks ListRecords a page at a time and commits each page with its
resumption token, so a run that fails part-way resumes where it stopped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import requests
from lxml import etree
from sickle import Sickle
from sickle.models import Identify, MetadataFormat, Set
from sickle.models import Record as OaiRecord

from catalogue.record import Record
from catalogue.runs import HarvestedItem
from harvesters.crosswalk import (
    MODS_PREFIXES,
    CrosswalkError,
    dc_to_record,
    marc_to_record,
    mods_to_record,
)
from harvesters.errors import HarvestFailed, RecordError
from harvesters.http import RetryPolicy, new_session, request_with_retries
from harvesters.marcxml import element_to_marc, find_marc_record
from harvesters.xml import XmlError, localname, parse_xml

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
DAY_GRANULARITY = "YYYY-MM-DD"
SECOND_GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
MARC_PREFIXES = frozenset({"marc21", "marcxml", "marc", "MARC21", "usmarc"})


class OaiError(HarvestFailed):
    """The server answered with an OAI-PMH <error>."""

    def __init__(self, code: str, message: str, **kwargs) -> None:
        super().__init__(f"OAI error {code}: {message}".strip(), **kwargs)
        self.code = code


class StrictResponse:
    """A sickle-compatible response whose XML is parsed strictly and safely."""

    def __init__(self, http_response: requests.Response, params: dict[str, str]) -> None:
        self.http_response = http_response
        self.params = params
        self.content = http_response.content
        try:
            self.xml = parse_xml(self.content)
        except XmlError as exc:
            raise HarvestFailed(str(exc), raw=self.content) from exc

    @property
    def raw(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def oai_error(self) -> tuple[str, str] | None:
        error = self.xml.find(f"{{{OAI_NS}}}error")
        if error is None:
            return None
        return error.get("code", "unknown"), (error.text or "").strip()


class OaiClient(Sickle):
    """Sickle, with thuvien's retry rules and strict parsing."""

    def __init__(
        self,
        endpoint: str,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(endpoint, max_retries=0)
        self.policy = policy
        self.session = new_session()
        self._sleep = sleep

    def harvest(self, **kwargs: str) -> StrictResponse:
        extra = {"sleep": self._sleep} if self._sleep else {}
        response = request_with_retries(
            self.session, "GET", self.endpoint, self.policy, params=kwargs, **extra
        )
        return StrictResponse(response, kwargs)

    def checked(self, **kwargs: str) -> StrictResponse:
        """Harvest one response and raise OaiError if it carries an OAI error."""
        response = self.harvest(**kwargs)
        error = response.oai_error()
        if error:
            raise OaiError(*error, raw=response.content)
        return response

    # What a librarian's "test this source" shows.
    def identify(self) -> Identify:
        return Identify(self.checked(verb="Identify"))

    def metadata_formats(self) -> list[MetadataFormat]:
        response = self.checked(verb="ListMetadataFormats")
        return [MetadataFormat(el) for el in response.xml.iter(f"{{{OAI_NS}}}metadataFormat")]

    def sets(self) -> list[Set]:
        """All sets, following resumption tokens; a repository without sets has none."""
        params: dict[str, str] = {"verb": "ListSets"}
        found: list[Set] = []
        while True:
            try:
                response = self.checked(**params)
            except OaiError as exc:
                if exc.code == "noSetHierarchy":
                    return found
                raise
            found.extend(Set(el) for el in response.xml.iter(f"{{{OAI_NS}}}set"))
            token = _token(response.xml)
            if not token:
                return found
            params = {"verb": "ListSets", "resumptionToken": token}


@dataclass
class OaiPage:
    number: int
    items: list[HarvestedItem]
    errors: list[tuple[str, str, bytes, str]]  # position, reason, raw, record id
    token: str
    complete_list_size: int | None


@dataclass
class ServerInfo:
    time: datetime
    granularity: str


def server_info(client: OaiClient) -> ServerInfo:
    """The server's clock (responseDate) and datestamp granularity, from Identify."""
    response = client.checked(verb="Identify")
    date_el = response.xml.find(f"{{{OAI_NS}}}responseDate")
    gran_el = response.xml.find(f".//{{{OAI_NS}}}granularity")
    granularity = (gran_el.text or "").strip() if gran_el is not None else DAY_GRANULARITY
    try:
        when = parse_datestamp(date_el.text if date_el is not None else "")
    except ValueError:
        when = datetime.now(UTC)
    return ServerInfo(when, granularity if granularity == SECOND_GRANULARITY else DAY_GRANULARITY)


def format_datestamp(value: datetime, granularity: str) -> str:
    value = value.astimezone(UTC)
    if granularity == SECOND_GRANULARITY:
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%d")


def parse_datestamp(text: str | None) -> datetime:
    text = (text or "").strip()
    if len(text) == 10:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def incremental_from(watermark: datetime, granularity: str) -> str:
    """The `from` for the next incremental run.

    With day granularity the whole day of the watermark is asked for again: records
    stamped later that same day would otherwise be missed. Re-harvested records that
    did not change are counted as unchanged, not re-added.
    """
    if granularity == SECOND_GRANULARITY:
        return format_datestamp(watermark - timedelta(seconds=1), granularity)
    return format_datestamp(watermark, granularity)


def list_records(
    client: OaiClient,
    source_key: str,
    metadata_prefix: str,
    *,
    from_: str = "",
    until: str = "",
    set_spec: str = "",
    resume_token: str = "",
) -> Iterator[OaiPage]:
    """ListRecords one page at a time; noRecordsMatch is an empty harvest, not an error."""
    if resume_token:
        params = {"verb": "ListRecords", "resumptionToken": resume_token}
    else:
        params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
        params.update(
            {k: v for k, v in (("from", from_), ("until", until), ("set", set_spec)) if v}
        )
    number = 0
    pending: _Prefetch | None = None
    while True:
        number += 1
        position = f"page {number}" + (
            f" (resumptionToken={params['resumptionToken']})" if "resumptionToken" in params else ""
        )
        try:
            response = pending.result() if pending is not None else client.checked(**params)
        except OaiError as exc:
            if exc.code == "noRecordsMatch":
                return
            exc.position = position
            raise
        except HarvestFailed as exc:
            exc.position = position
            raise
        # The token is read first and the next page asked for at once, on a thread, so
        # the server prepares it while this page is crosswalked and stored. Its failure,
        # if any, is raised when that page is due: after this one is committed.
        token = _token(response.xml) if _list_element(response) is not None else ""
        next_params = {"verb": "ListRecords", "resumptionToken": token}
        pending = _Prefetch(client.checked, next_params) if token else None
        page = _read_page(response, number, source_key, metadata_prefix)
        yield page
        if not page.token:
            return
        params = next_params


class _Prefetch:
    """One request made on a background thread; `result()` gives it or raises its error.

    A daemon thread: a harvest that stops early (its store failed) never waits for it.
    """

    def __init__(self, fn: Callable[..., StrictResponse], kwargs: dict[str, str]) -> None:
        self._done = threading.Event()
        self._value: StrictResponse | None = None
        self._error: BaseException | None = None
        thread = threading.Thread(
            target=self._run, args=(fn, kwargs), name="thuvien-oai-prefetch", daemon=True
        )
        thread.start()

    def _run(self, fn: Callable[..., StrictResponse], kwargs: dict[str, str]) -> None:
        try:
            self._value = fn(**kwargs)
        except BaseException as exc:  # noqa: BLE001 — handed to the harvest, raised there
            self._error = exc
        finally:
            self._done.set()

    def result(self) -> StrictResponse:
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def _list_element(response: StrictResponse) -> etree._Element | None:
    return response.xml.find(f"{{{OAI_NS}}}ListRecords")


def _read_page(response: StrictResponse, number: int, source_key: str, prefix: str) -> OaiPage:
    items, errors = [], []
    list_el = _list_element(response)
    if list_el is None:
        raise HarvestFailed(
            "response has neither ListRecords nor an OAI error",
            position=f"page {number}",
            raw=response.content,
        )
    for index, element in enumerate(list_el.iterfind(f"{{{OAI_NS}}}record"), start=1):
        raw = etree.tostring(element, encoding="utf-8")
        position = f"page {number}, record {index}"
        try:
            items.append(read_record(element, raw, source_key, prefix))
        except RecordError as exc:
            identifier = element.findtext(f"{{{OAI_NS}}}header/{{{OAI_NS}}}identifier") or ""
            errors.append((position, str(exc), raw, identifier))
    token_el = list_el.find(f"{{{OAI_NS}}}resumptionToken")
    size = token_el.get("completeListSize") if token_el is not None else None
    return OaiPage(
        number=number,
        items=items,
        errors=errors,
        token=_token(response.xml),
        complete_list_size=int(size) if size and size.isdigit() else None,
    )


def _token(xml: etree._Element) -> str:
    token_el = xml.find(f".//{{{OAI_NS}}}resumptionToken")
    return (token_el.text or "").strip() if token_el is not None else ""


def local_id_from(identifier: str) -> str:
    """The library's own id inside an OAI identifier (oai:<repository>:<local id>)."""
    parts = identifier.split(":", 2)
    if len(parts) == 3 and parts[0] == "oai" and parts[2]:
        return parts[2]
    return identifier


def read_record(element: etree._Element, raw: bytes, source_key: str, prefix: str) -> HarvestedItem:
    try:
        oai_record = OaiRecord(element, strip_ns=True) if not _is_deleted(element) else None
    except (AttributeError, IndexError, TypeError) as exc:
        raise RecordError(f"record has no usable header or metadata ({exc})") from exc
    header = element.find(f"{{{OAI_NS}}}header")
    identifier = (
        (header.findtext(f"{{{OAI_NS}}}identifier") or "").strip() if header is not None else ""
    )
    if not identifier:
        raise RecordError("record header has no identifier")
    try:
        datestamp = parse_datestamp(header.findtext(f"{{{OAI_NS}}}datestamp"))
    except ValueError as exc:
        raise RecordError(f"bad datestamp: {exc}") from exc
    local_id = local_id_from(identifier)
    raw_format = "marcxml" if prefix in MARC_PREFIXES else prefix
    if oai_record is None:
        return HarvestedItem(local_id, raw, raw_format, None, deleted=True, datestamp=datestamp)
    record = _crosswalk(element, oai_record, source_key, local_id, prefix, datestamp)
    record.raw_format = raw_format
    return HarvestedItem(local_id, raw, raw_format, record, datestamp=datestamp)


def _is_deleted(element: etree._Element) -> bool:
    header = element.find(f"{{{OAI_NS}}}header")
    return header is not None and header.get("status") == "deleted"


def _crosswalk(
    element: etree._Element,
    oai_record: OaiRecord,
    source_key: str,
    local_id: str,
    prefix: str,
    datestamp: datetime,
) -> Record:
    metadata = element.find(f"{{{OAI_NS}}}metadata")
    if metadata is None or not len(metadata):
        raise RecordError("record has no metadata")
    try:
        if prefix in MARC_PREFIXES:
            marc_el = find_marc_record(metadata[0])
            if marc_el is None:
                raise RecordError("no MARCXML <record> inside <metadata>")
            return marc_to_record(
                element_to_marc(marc_el),
                source_key=source_key,
                local_id=local_id,
                datestamp=datestamp,
                raw_format="marcxml",
            )
        if prefix in MODS_PREFIXES or localname(metadata[0]) == "mods":
            return mods_to_record(
                metadata[0], source_key=source_key, local_id=local_id, datestamp=datestamp
            )
        if prefix == "oai_dc" or localname(metadata[0]) == "dc":
            return dc_to_record(
                oai_record.metadata, source_key=source_key, local_id=local_id, datestamp=datestamp
            )
    except CrosswalkError as exc:
        raise RecordError(str(exc)) from exc
    raise RecordError(f"metadata format {prefix!r} has no crosswalk")
