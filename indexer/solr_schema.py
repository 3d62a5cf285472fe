"""Search document → Solr document, mirroring the tantivy fields one for one.

`config/solr/conf/managed-schema.xml` declares exactly the fields `to_solr` emits, with
the same names as `indexer.tantivy_schema`, so both backends search the same fields with
the same weights (`indexer.tantivy_query.FIELD_GROUPS`). The `*_exact` twins are filled
by `copyField` in the schema, not sent. Everything a hit shows travels in one stored JSON
`payload`, so a hit round-trips exactly (lists stay lists, `online` stays a bool) and
holdings are never mistaken for Solr child documents.
"""

from __future__ import annotations

import json
from typing import Any

from indexer.documents import (
    FACET_FIELDS,  # noqa: F401 — re-exported
    display_fields,
    searched_texts,
    values,
)
from indexer.suggestions import document_entries
from indexer.tantivy_schema import spell_tokens

# Fields the schema fills itself (copyField targets) or Solr maintains.
COPY_FIELDS = {
    "title": "title_exact",
    "authors": "authors_exact",
    "subjects": "subjects_exact",
    "body": "body_exact",
}
INTERNAL_FIELDS = ("_version_",)

# Private-use characters the highlighter wraps matches in (see solr_results); a stored
# value must never contain them, or a record could forge its own <mark>.
MARK_PRE, MARK_POST = "\ue000", "\ue001"

_MAX_STRING = 2000  # characters; keeps every StrField term far below Lucene's 32 766 bytes
_MAX_IDENT = 200

__all__ = ["FACET_FIELDS", "to_solr"]


def _strings(values: list[str], limit: int = _MAX_STRING) -> list[str]:
    return list(dict.fromkeys(v[:limit] for v in values if v.strip()))


def _no_marks(text: str) -> str:
    return text.replace(MARK_PRE, "").replace(MARK_POST, "")


def to_solr(doc: dict[str, Any]) -> dict[str, Any]:
    """The Solr document for a search document (`indexer.documents.to_document`)."""
    record_id = doc["id"]
    searched = searched_texts(doc)
    titles, subjects, (body,) = searched["title"], searched["subjects"], searched["body"]
    year = doc.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        year = None
    spell = spell_tokens(titles + values(doc.get("authors")) + subjects).split()
    formats = _strings(values(doc.get("format")))
    payload = {"fields": display_fields(doc), "holdings": doc.get("holdings") or []}

    out: dict[str, Any] = {
        "id": record_id,
        "work_key": doc.get("work_key") or f"rec:{record_id}",
        "visibility": doc.get("visibility") or "public",
        "title": titles,
        "authors": searched["authors"],
        "subjects": subjects,
        "body": _no_marks(body),
        "misc": searched["misc"],
        "call_numbers": values(doc.get("call_numbers")),
        "identifiers": _strings(values(doc.get("identifiers")), _MAX_IDENT),
        "library": _strings(values(doc.get("library"))),
        "format": formats[0] if formats else None,
        "language": _strings(values(doc.get("language"))),
        "subject": _strings(values(doc.get("subject"))),
        "collection": _strings(values(doc.get("collection"))),
        "online": "true" if doc.get("online") else "false",
        "year": year,
        "title_sort": (doc.get("title_sort") or "")[:_MAX_STRING],
        "spell": spell,
        "spell_fold": [token.partition("|")[0] for token in spell],
        "suggest": document_entries(doc),
        "payload": json.dumps(payload, ensure_ascii=False),
    }
    # Solr rejects nothing here, but empty values would index empty terms: drop them.
    return {key: value for key, value in out.items() if value not in (None, "", [])}
