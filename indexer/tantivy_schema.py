"""The tantivy schema, its analyzers, and search document → tantivy Document.

Each searchable text is indexed twice: folded (lowercase + ascii_fold, which maps đ → d,
after `same_i` makes "ký" and "kí" one spelling) so "ha noi" finds "Hà Nội", and exact
(lowercase only) so a query typed with diacritics can boost records spelled the same way.
Facets are raw fast fields (terms aggregations), `work_num` a 64-bit hash of the work
key (fast, numeric: read per hit without loading stored documents, which is what makes
collapsing cheap), and `sample` its top byte, indexed: the works of one `sample` value
are a uniform 1/256 of all works, and a few values' posting lists select a sample of a
large result more cheaply than any range over `work_num` (see indexer.tantivy_counts).

`any` holds every folded text once more, as document ids only (no frequencies, no
positions): it answers "which records contain this word" with one posting list where
the scored fields need eleven, which is what counting and facets ask
(tantivy_query.QueryBuilder.build with scored=False).
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from typing import Any

import tantivy

from indexer.documents import (
    FACET_FIELDS,  # noqa: F401 — re-exported
    display_fields,
    searched_texts,
    values,
)
from indexer.suggestions import document_entries
from indexer.text import exact, fold, same_i, words

SCHEMA_VERSION = 5  # 2: `sample`; no place or source key in `misc`; kí = ký. 3: `any`.
# 4: `subject` holds heading parts (main heading, each subdivision), not whole headings.
# 5: `title_sort` holds a Vietnamese collation key (text.vietnamese_sort_key), not a folded title.

FOLD = "vi_fold"
EXACT = "vi_exact"
IDENT = "ident"

_RAW_FAST = ("id", "work_key", "library", "format", "language", "subject", "collection")
_RAW_FAST += ("online", "visibility", "title_sort")

_MAX_TERM = 100


def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    def build(tokenizer: tantivy.Tokenizer, *filters: tantivy.Filter) -> tantivy.TextAnalyzer:
        builder = tantivy.TextAnalyzerBuilder(tokenizer)
        for item in filters:
            builder = builder.filter(item)
        return builder.build()

    simple, raw = tantivy.Tokenizer.simple(), tantivy.Tokenizer.raw()
    long_, lower = tantivy.Filter.remove_long(_MAX_TERM), tantivy.Filter.lowercase()
    return {
        FOLD: build(simple, long_, lower, tantivy.Filter.ascii_fold()),
        EXACT: build(simple, long_, lower),
        IDENT: build(raw, lower),
    }


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in _RAW_FAST:
        sb.add_text_field(name, stored=name in ("id", "work_key"), fast=True, tokenizer_name="raw")
    sb.add_unsigned_field("work_num", indexed=True, fast=True)
    sb.add_unsigned_field("sample", indexed=True)
    sb.add_integer_field("year", stored=True, indexed=True, fast=True)
    for name in ("title", "authors", "subjects", "body"):
        sb.add_text_field(name, stored=name == "body", tokenizer_name=FOLD)
        sb.add_text_field(f"{name}_exact", tokenizer_name=EXACT)
    sb.add_text_field("any", tokenizer_name=FOLD, index_option="basic")
    sb.add_text_field("misc", tokenizer_name=FOLD)
    sb.add_text_field("call_numbers", tokenizer_name=FOLD)
    sb.add_text_field("identifiers", tokenizer_name=IDENT, index_option="basic")
    sb.add_text_field("spell", tokenizer_name="whitespace", index_option="basic")
    sb.add_text_field("suggest", tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("payload", stored=True)
    return sb.build()


SAMPLES = 256  # `sample` values: the top byte of work_num


def work_num(work_key: str) -> int:
    """A 64-bit number per work key; collisions are negligible at catalogue sizes."""
    digest = hashlib.blake2b(work_key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def sample_of(num: int) -> int:
    """The sample a work belongs to (0…SAMPLES-1): its number's top byte."""
    return num >> 56


def spell_tokens(texts: list[str]) -> str:
    """ "Hà Nội" → "ha|hà noi|nội": folded form for matching, exact form for display."""
    seen = dict.fromkeys(_spell_token(w) for t in texts for w in words(t))
    return " ".join(t for t in seen if len(t) <= 2 * _MAX_TERM and not t[0].isdigit())


@lru_cache(maxsize=1 << 16)
def _spell_token(word: str) -> str:
    return f"{fold(word)}|{exact(word)}"


def to_tantivy(doc: dict[str, Any]) -> str:
    """A search document (documents.to_document) as the JSON tantivy's writer reads
    (`IndexWriter.add_json`): plain text, so another process can make it (a rebuild
    makes documents in one process while tantivy indexes in the other; see sync)."""
    searched = searched_texts(doc)
    key = doc.get("work_key") or f"rec:{doc['id']}"
    num = work_num(key)
    out: dict[str, Any] = {"id": doc["id"], "work_key": key, "work_num": num}
    out["sample"] = sample_of(num)
    anything: list[str] = []
    for name in ("title", "authors", "subjects", "body"):
        texts = [value for value in searched[name] if value]
        out[name] = [same_i(value) for value in texts]
        out[f"{name}_exact"] = texts
        anything += out[name]
    out["misc"] = [same_i(value) for value in searched["misc"]]
    out["call_numbers"] = [same_i(value) for value in values(doc.get("call_numbers"))]
    out["any"] = anything + out["misc"] + out["call_numbers"]
    out["identifiers"] = values(doc.get("identifiers"))
    for facet in ("library", "format", "language", "subject", "collection"):
        out[facet] = values(doc.get(facet))
    out["online"] = "true" if doc.get("online") else "false"
    out["visibility"] = doc.get("visibility") or "public"
    if isinstance(doc.get("year"), int):
        out["year"] = doc["year"]
    if doc.get("title_sort"):
        out["title_sort"] = doc["title_sort"]
    spell = spell_tokens(searched["title"] + values(doc.get("authors")) + searched["subjects"])
    if spell:
        out["spell"] = spell
    out["suggest"] = document_entries(doc)
    payload = {"fields": display_fields(doc), "holdings": doc.get("holdings") or []}
    packed = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    out["payload"] = base64.b64encode(packed).decode("ascii")  # a bytes field, in JSON
    return json.dumps(out, ensure_ascii=False)
