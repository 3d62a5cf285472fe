"""Who is asking, and what may they see: the portal's one door to catalogue.rights.

Every surface (search pages, record pages, the JSON API, OAI-PMH, sitemap, IIIF)
asks through these functions, so the access policy plugs in at one place.
"""

from __future__ import annotations

from catalogue.record import Record


def visibility_for_request() -> list[str]:
    """Visibility levels the requester may see in search results and facet counts."""
    return ["public"]


def may_see_record(record: Record) -> bool:
    """Whether the requester may see this record (the rights policy's `see_record`)."""
    return True
