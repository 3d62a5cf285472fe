"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

Written by hand (it is documentation), but its enums and bounds come from the same
constants the endpoints validate against, and tests check every parameter /api/search
accepts is described here and every response matches its schema.

The paths and their parameters are here; the schemas and error responses they refer to,
in portal.openapi_components.
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
from portal.openapi_components import ref, responses, schemas

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
                        "200": _ok("One page of works, with facet counts.", ref("SearchResponse")),
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
                        "200": _ok("The record, with links.", ref("Record")),
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
        "components": {"schemas": schemas(), "responses": responses()},
    }
