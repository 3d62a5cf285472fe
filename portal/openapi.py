"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

Written by hand (it is documentation), but its enums and bounds come from the same
constants the endpoints validate against, and tests check every parameter /api/search
accepts is described here and every response matches its schema.
"""

from __future__ import annotations

from typing import Any

from indexer.protocol import (
    DEFAULT_PER_PAGE,
    FACETS,
    MAX_DEPTH,
    MAX_FACET_LIMIT,
    MAX_PER_PAGE,
    SORTS,
)
from indexer.query import MAX_QUERY_CHARS

API_VERSION = "1.0.0"

_FACET_HELP = {
    "library": "holding library name, e.g. `Thư viện Hà Nội`",
    "format": "record format: book, periodical, article, thesis, map, audiobook, …",
    "language": "ISO 639-2 code: vie, eng, fre, chi, …",
    "year": "publication year, a whole number such as 1998 (ranges: `q=year:1990-2000`)",
    "subject": "a subject heading's main part or one of its subdivisions, e.g. `Lịch sử`",
    "collection": "collection name, e.g. `Sách nói`",
    "online": "`true` for works with digitised content, `false` for the others",
}
_FACET_EXAMPLES = {
    "library": "Thư viện Hà Nội",
    "format": "book",
    "language": "vie",
    "year": "2015",
    "subject": "Lịch sử",
    "collection": "Sách nói",
    "online": "true",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _strings() -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}}


def _search_parameters() -> list[dict[str, Any]]:
    deepest = MAX_DEPTH // DEFAULT_PER_PAGE
    params: list[dict[str, Any]] = [
        {
            "name": "q",
            "in": "query",
            "description": (
                "What to look for. Diacritics are optional (`ha noi` finds `Hà Nội`; exact "
                "diacritics rank first). Words must all match; also `title:`, `author:`, "
                '`subject:`, `isbn:`, `issn:`, `year:1990-2000`, `"phrases"`, `AND`/`OR`/'
                "`NOT`, `-word`, `prefix*`. Malformed syntax is searched as plain words. "
                f"Empty: everything. At most {MAX_QUERY_CHARS} characters."
            ),
            "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS, "default": ""},
            "example": "truyện kiều",
        },
    ]
    for facet in FACETS:
        item: dict[str, Any] = {"type": "string"}
        if facet == "online":
            item = {"type": "string", "enum": ["true", "false"]}
        elif facet == "year":
            item = {"type": "string", "pattern": "^-?[0-9]{1,4}$"}
        params.append(
            {
                "name": f"f.{facet}",
                "in": "query",
                "description": (
                    f"Filter on {_FACET_HELP[facet]}. Repeat for several values: a work "
                    "matching any of them passes (OR); different `f.*` filters combine with "
                    "AND. Use a value exactly as the `facets` block returned it."
                ),
                "style": "form",
                "explode": True,
                "schema": {"type": "array", "items": item},
                "example": [_FACET_EXAMPLES[facet]],
            }
        )
    params += [
        {
            "name": "facet",
            "in": "query",
            "description": (
                "Facets to count, repeated (`facet=library&facet=format`) or comma-separated "
                "(`facet=library,format`). Absent: all of them. `facet=` (empty): none."
            ),
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string", "enum": list(FACETS)}},
            "example": ["library", "format"],
        },
        {
            "name": "facet_limit",
            "in": "query",
            "description": "Most values returned per facet, by descending work count.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_FACET_LIMIT, "default": 20},
            "example": 10,
        },
        {
            "name": "sort",
            "in": "query",
            "description": "Result order; `title` sorts by filing title (articles ignored).",
            "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"},
            "example": "year_desc",
        },
        {
            "name": "page",
            "in": "query",
            "description": (
                f"Page number, from 1. Only the first {MAX_DEPTH} works are served: with "
                f"per_page={DEFAULT_PER_PAGE} the deepest page is {deepest}; a deeper page is "
                "a 400. A page past the last result is an empty `hits` list."
            ),
            "schema": {"type": "integer", "minimum": 1, "default": 1},
            "example": 2,
        },
        {
            "name": "per_page",
            "in": "query",
            "description": "Works per page.",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PER_PAGE,
                "default": DEFAULT_PER_PAGE,
            },
            "example": 10,
        },
    ]
    return params


def _schemas() -> dict[str, Any]:
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
            "holdings": {"type": "array", "items": _ref("Holding")},
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
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": {
                "type": "object",
                "description": "requested facet → values by descending count",
                "additionalProperties": {"type": "array", "items": _ref("FacetCount")},
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
            "holdings": {"type": "array", "items": _ref("Holding")},
            "digital_objects": {"type": "array", "items": _ref("DigitalObject")},
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
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _responses() -> dict[str, Any]:
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


def _errors(*names: str) -> dict[str, Any]:
    codes = {
        "BadRequest": "400",
        "NotFound": "404",
        "Gone": "410",
        "MethodNotAllowed": "405",
        "InternalError": "500",
        "Unavailable": "503",
    }
    return {codes[n]: {"$ref": f"#/components/responses/{n}"} for n in names}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document, as a dict ready for JSON."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "thuvien catalogue API",
            "version": API_VERSION,
            "summary": "Search the federated catalogue of Hanoi's libraries and read records.",
            "description": (
                "Read-only and public: no key, CORS open to every origin, responses cached "
                "for a minute. One hit is one *work*: records of the same book from several "
                "libraries are merged, with every library's holdings. Text is UTF-8 JSON with "
                "Vietnamese unescaped. Unknown parameters are rejected (400), never ignored."
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search every library at once",
                    "parameters": _search_parameters(),
                    "responses": {
                        "200": _ok("One page of works, with facet counts.", _ref("SearchResponse")),
                        **_errors("BadRequest", "MethodNotAllowed", "InternalError", "Unavailable"),
                    },
                }
            },
            "/api/records/{id}": {
                "get": {
                    "operationId": "getRecord",
                    "summary": "One unified record",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "description": (
                                "`{source_key}:{local_id}` as in a hit's `id`/`record_ids`; "
                                "the colon is sent as is."
                            ),
                            "schema": {"type": "string"},
                            "example": "hanoi-library:hn-001",
                        }
                    ],
                    "responses": {
                        "200": _ok("The record, with links.", _ref("Record")),
                        **_errors(
                            "NotFound", "Gone", "MethodNotAllowed", "InternalError", "Unavailable"
                        ),
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": _ok("OpenAPI 3.1", {"type": "object"})},
                }
            },
        },
        "components": {"schemas": _schemas(), "responses": _responses()},
    }
