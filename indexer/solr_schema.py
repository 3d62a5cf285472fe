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
)
from indexer.tantivy_schema import SUGGEST_SEP, spell_tokens, suggest_entries

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

__all__ = ["FACET_FIELDS", "SUGGEST_SEP", "to_solr"]


def _list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v not in (None, "")]


def _strings(values: list[str], limit: int = _MAX_STRING) -> list[str]:
    return list(dict.fromkeys(v[:limit] for v in values if v.strip()))


def _no_marks(text: str) -> str:
    return text.replace(MARK_PRE, "").replace(MARK_POST, "")


def to_solr(doc: dict[str, Any]) -> dict[str, Any]:
    """The Solr document for a search document (`indexer.documents.to_document`)."""
    record_id = doc["id"]
    titles = _list(doc.get("title")) + _list(doc.get("subtitle"))
    authors = _list(doc.get("author_search")) or _list(doc.get("authors"))
    subjects = _list(doc.get("subjects")) + _list(doc.get("genres"))
    body = "\n".join(_list(doc.get("description")) + _list(doc.get("contents")))
    misc: list[str] = []
    for key in ("contributors", "series", "publisher", "place", "edition", "source_key"):
        misc.extend(_list(doc.get(key)))
    year = doc.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        misc.append(str(year))
    else:
        year = None
    spell = spell_tokens(titles + _list(doc.get("authors")) + subjects).split()
    formats = _strings(_list(doc.get("format")))
    payload = {"fields": display_fields(doc), "holdings": doc.get("holdings") or []}

    out: dict[str, Any] = {
        "id": record_id,
        "work_key": doc.get("work_key") or f"rec:{record_id}",
        "visibility": doc.get("visibility") or "public",
        "title": titles,
        "authors": authors,
        "subjects": subjects,
        "body": _no_marks(body),
        "misc": misc,
        "call_numbers": _list(doc.get("call_numbers")),
        "identifiers": _strings(_list(doc.get("identifiers")), _MAX_IDENT),
        "library": _strings(_list(doc.get("library"))),
        "format": formats[0] if formats else None,
        "language": _strings(_list(doc.get("language"))),
        "subject": _strings(_list(doc.get("subject"))),
        "collection": _strings(_list(doc.get("collection"))),
        "online": "true" if doc.get("online") else "false",
        "year": year,
        "title_sort": (doc.get("title_sort") or "")[:_MAX_STRING],
        "spell": spell,
        "spell_fold": [token.partition("|")[0] for token in spell],
        "suggest": suggest_entries(_list(doc.get("suggest"))),
        "payload": json.dumps(payload, ensure_ascii=False),
    }
    # Solr rejects nothing here, but empty values would index empty terms: drop them.
    return {key: value for key, value in out.items() if value not in (None, "", [])}
