"""What a reader is told about each library on /browse/library: its website, address,
opening hours and contact (as librarians entered them on its source), and when its
records were last brought up to date here (its latest successful harvest).

The library facet holds the name the harvest writes on every holding: the source's
name (harvesters.runner.held_by), or its key for a record harvested without one. A
library may be fed by several sources (its OAI-PMH server and a MARC export): their
profiles are read together, the first source (by key) that fills a field giving it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from catalogue import store_sources
from catalogue.sources import Source
from catalogue.store import Store
from indexer.text import fold, nfc
from portal.record_text import data_span

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class LibraryProfile:
    website: str = ""
    address: str = ""
    hours: str = ""
    contact: str = ""
    # When the library's records were last updated here: its sources' latest
    # successful harvest; None when none has succeeded yet.
    updated_at: datetime | None = None

    @property
    def website_text(self) -> str:
        """The website as a reader reads it: without http(s):// or a closing slash."""
        return self.website.split("://", 1)[-1].rstrip("/")

    @property
    def hours_lines(self) -> list[str]:
        return self.hours.splitlines()

    @property
    def contact_html(self) -> Markup:
        """The contact with its e-mail addresses as mailto links, the rest as text
        (Vietnamese marked lang="vi" on an English page)."""
        parts, at = [], 0
        for found in _EMAIL.finditer(self.contact):
            parts.append(data_span(self.contact[at : found.start()]))
            parts.append(Markup('<a href="mailto:{0}">{0}</a>').format(found.group()))
            at = found.end()
        parts.append(data_span(self.contact[at:]))
        return Markup("").join(parts)

    @property
    def address_lines(self) -> list[str]:
        return self.address.splitlines()


def library_profiles(store: Store) -> dict[str, LibraryProfile]:
    """Library facet value -> its profile, for every library a source feeds."""
    finished = store_sources.last_harvests(store)
    by_name: dict[str, list[Source]] = {}
    for source in store.sources():  # in key order
        for value in {_facet_value(source.name), _facet_value(source.key)}:
            by_name.setdefault(value, []).append(source)
    return {value: _profile(found, finished) for value, found in by_name.items()}


def profile_for(profiles: dict[str, LibraryProfile], value: str) -> LibraryProfile | None:
    """The profile of the library a facet value names, None when no source names it."""
    return profiles.get(_facet_value(value))


def library_anchors(sources: Iterable[Source]) -> dict[str, str]:
    """Library facet value -> the id of its entry on /browse/library: the key of the
    first source (by key) that names it, so `/browse/library#thu-vien-ha-noi` stays put
    when a librarian renames the library."""
    anchors: dict[str, str] = {}
    for source in sorted(sources, key=lambda s: s.key):
        for value in (_facet_value(source.name), _facet_value(source.key)):
            anchors.setdefault(value, source.key)
    return anchors


def library_anchor(anchors: dict[str, str], value: str) -> str:
    """The id of a library's entry on /browse/library (see `library_anchors`).

    A library no source feeds (named only on holdings) gets its name's ASCII slug and a
    short digest of the name after a dot: never a source key (keys have no dot), and
    two names that fold alike ("Hà Nội", "Ha Noi") still get ids of their own.
    """
    value = _facet_value(value)
    if value in anchors:
        return anchors[value]
    slug = _NOT_SLUG.sub("-", fold(value)).strip("-")[:60].rstrip("-") or "library"
    digest = hashlib.blake2s(value.encode(), digest_size=3).hexdigest()
    return f"{slug}.{digest}"


def _profile(sources: list[Source], finished: dict[str, datetime]) -> LibraryProfile:
    def first(name: str) -> str:
        return next((getattr(s, name) for s in sources if getattr(s, name)), "")

    times = [finished[s.key] for s in sources if s.key in finished]
    return LibraryProfile(
        website=first("website"),
        address=first("address"),
        hours=first("hours"),
        contact=first("contact"),
        updated_at=max(times, default=None),
    )


def _facet_value(text: str) -> str:
    """A name as the index holds facet values (indexer.documents): NFC and trimmed."""
    return nfc(text).strip()
