"""The components of the API's OpenAPI document: the schemas of what /api answers and
the shared error responses.

Apart from the paths and parameters (portal.openapi) because they are the bulk of the
document and change with the response shapes (portal.api), not with the query
parameters; the tests check every /api response against these schemas.
"""

from __future__ import annotations

from typing import Any

from indexer.protocol import MAX_DEPTH, SORTS


def ref(name: str) -> dict[str, str]:
    """A reference to one of these schemas."""
    return {"$ref": f"#/components/schemas/{name}"}


def _strings() -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}}


def schemas() -> dict[str, Any]:
    nullable_str = {"type": ["string", "null"]}
    holding = {
        "type": "object",
        "required": ["library", "location", "call_number", "status"],
        "properties": {
            "library": {"type": "string"},
            "location": {"type": "string"},
            "call_number": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["available", "on_loan", "in_repair", "reference_only", "unknown"],
            },
            "status_read_at": {**nullable_str, "format": "date-time"},
            "due": {
                **nullable_str,
                "format": "date",
                "description": "when a copy on loan is due back",
            },
            "record_id": {"type": "string", "description": "the record this copy belongs to"},
            "barcode": {"type": "string"},
            "copy_number": {
                "type": "string",
                "description": "the library's number for this copy of the title "
                '("2" for "Copy 2"; MARC 852/Koha 952 $t), "" when it gave none',
            },
            "links": {
                "type": "object",
                "description": "on /api/records only, when the library's catalogue is known",
                "properties": {
                    "opac": {
                        "type": "string",
                        "description": "the copy's record in its library's own catalogue "
                        "(OPAC), where a reader can place a hold",
                    }
                },
            },
        },
    }
    hit = {
        "type": "object",
        "description": "One work: all visible records of it, with every holding.",
        "required": [
            "work_key",
            "id",
            "record_ids",
            "title",
            "authors",
            "year",
            "format",
            "languages",
            "libraries",
            "holdings",
            "snippet",
            "url",
        ],
        "properties": {
            "work_key": {"type": "string", "description": "shared by records of one work"},
            "id": {"type": "string", "description": "the best-matching record of the work"},
            "record_ids": _strings(),
            "title": {"type": "string"},
            "subtitle": {"type": "string"},
            "authors": _strings(),
            "year": {"type": ["integer", "null"]},
            "format": {"type": "string"},
            "languages": _strings(),
            "libraries": _strings(),
            "holdings": {"type": "array", "items": ref("Holding")},
            "snippet": {
                **nullable_str,
                "description": "HTML: escaped text, matches in <mark>; null when none",
            },
            "highlights": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "field → HTML like snippet (e.g. `title` with <mark>)",
            },
            "url": {"type": "string", "description": "the record's /api/records URL"},
        },
    }
    facet_count = {
        "type": "object",
        "required": ["value", "count"],
        "properties": {
            "value": {"type": "string"},
            "count": {"type": "integer", "minimum": 0, "description": "works, not records"},
        },
    }
    search_response = {
        "type": "object",
        "required": [
            "query",
            "total",
            "page",
            "per_page",
            "pages",
            "hits",
            "facets",
            "suggestion",
        ],
        "properties": {
            "query": {
                "type": "object",
                "description": "the request as understood, after defaults",
                "required": ["q", "filters", "facets", "facet_limit", "sort", "page", "per_page"],
                "properties": {
                    "q": {"type": "string"},
                    "filters": {"type": "object", "additionalProperties": _strings()},
                    "facets": _strings(),
                    "facet_limit": {"type": "integer"},
                    "sort": {"type": "string", "enum": list(SORTS)},
                    "page": {"type": "integer"},
                    "per_page": {"type": "integer"},
                },
            },
            "total": {"type": "integer", "minimum": 0, "description": "matching works"},
            "total_exact": {
                "type": "boolean",
                "description": "false when a very large total was estimated",
            },
            "counts_rough": {
                "type": "boolean",
                "description": "true when a busy server estimated the total and facet counts "
                "on a smaller sample; asked again later, they are estimated more finely "
                "(such an answer is never cached: Cache-Control no-store)",
            },
            "fuzzy": {
                "type": "boolean",
                "description": "true when nothing matched exactly and these are near matches",
            },
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "pages": {
                "type": "integer",
                "description": f"pages that may be requested (never past {MAX_DEPTH} works)",
            },
            "links": {
                "type": "object",
                "properties": {
                    "self": {"type": "string"},
                    "next": nullable_str,
                    "prev": nullable_str,
                },
            },
            "hits": {"type": "array", "items": ref("Hit")},
            "facets": {
                "type": "object",
                "description": "requested facet → values by descending count",
                "additionalProperties": {"type": "array", "items": ref("FacetCount")},
            },
            "suggestion": {**nullable_str, "description": "a corrected query that finds more"},
        },
    }
    digital_object = {
        "type": "object",
        "required": ["kind", "location"],
        "properties": {
            "kind": {"type": "string", "enum": ["image", "audio", "text", "pdf"]},
            "location": {"type": "string"},
            "label": {"type": "string"},
            "order": {"type": "integer"},
            "mime_type": {"type": "string"},
            "bytes": {"type": ["integer", "null"]},
            "sha256": {"type": "string"},
            "duration": {"type": ["number", "null"], "description": "seconds (audio)"},
            "width": {"type": ["integer", "null"]},
            "height": {"type": ["integer", "null"]},
        },
    }
    record_props: dict[str, Any] = {
        "id": {"type": "string", "description": "`{source_key}:{local_id}`"},
        "source_key": {"type": "string"},
        "local_id": {"type": "string"},
        "deleted": {"type": "boolean"},
        "datestamp": {**nullable_str, "format": "date-time"},
    }
    for name in ("title", "subtitle", "publisher", "place", "edition", "description"):
        record_props[name] = {"type": "string"}
    for name in ("authors", "contributors", "subjects", "genres", "series", "contents"):
        record_props[name] = _strings()
    record_props.update(
        {
            "languages": {**_strings(), "description": "ISO 639-2 codes"},
            "year": {"type": ["integer", "null"]},
            "format": {"type": "string"},
            "isbns": {**_strings(), "description": "normalised ISBN-13"},
            "invalid_isbns": _strings(),
            "issns": _strings(),
            "oclc": {"type": "string"},
            "lccn": {"type": "string"},
            "call_numbers": _strings(),
            "holdings": {"type": "array", "items": ref("Holding")},
            "digital_objects": {"type": "array", "items": ref("DigitalObject")},
            "rights_statement": {"type": "string", "description": "rightsstatements.org/CC URI"},
            "collections": _strings(),
            "embargo_until": {**nullable_str, "format": "date"},
            "raw_format": {"type": "string", "description": "as harvested: marc21, oai_dc, …"},
            "links": {
                "type": "object",
                "required": ["self", "html", "search_by_author"],
                "properties": {
                    "self": {"type": "string"},
                    "html": {"type": "string", "description": "the record's page for people"},
                    "iiif_manifest": {
                        "type": "string",
                        "description": "IIIF Presentation 3 manifest; only when this server "
                        "holds page images the caller may see, at least as a preview",
                    },
                    "iiif_image": {
                        "type": "string",
                        "description": "IIIF Image API 3 service of the first page (same rule)",
                    },
                    "thumbnail": {
                        "type": "string",
                        "description": "a small image of the first page (same rule)",
                    },
                    "search_by_author": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["author", "href"],
                            "properties": {
                                "author": {"type": "string"},
                                "href": {"type": "string", "description": "an /api/search URL"},
                            },
                        },
                    },
                },
            },
        }
    )
    record = {
        "type": "object",
        "description": "The unified record (catalogue.Record), as every library's data maps to.",
        "required": ["id", "source_key", "local_id", "title", "format", "holdings", "links"],
        "properties": record_props,
    }
    error = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {
                        "type": "string",
                        "description": (
                            "invalid_parameter, not_found, gone, method_not_allowed, "
                            "internal_server_error, service_unavailable"
                        ),
                    },
                    "message": {"type": "string", "description": "for people; may change"},
                    "parameter": {
                        "type": "string",
                        "description": "the query parameter at fault (400 only)",
                    },
                },
            }
        },
    }
    return {
        "SearchResponse": search_response,
        "Hit": hit,
        "Holding": holding,
        "FacetCount": facet_count,
        "Record": record,
        "DigitalObject": digital_object,
        "Error": error,
    }


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def responses() -> dict[str, Any]:
    return {
        "BadRequest": _error_response(
            "A parameter is unknown, repeated, malformed or out of range; "
            "`error.parameter` names it."
        ),
        "NotFound": _error_response("No such record (or URL)."),
        "Gone": _error_response("The record existed but its library withdrew (deleted) it."),
        "MethodNotAllowed": _error_response("Only GET (and HEAD, OPTIONS) are served."),
        "InternalError": _error_response("A bug on our side; details are logged, not shown."),
        "Unavailable": {
            **_error_response("The search index or database is not answering; retry later."),
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        },
    }
