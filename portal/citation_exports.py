"""The record as a file a reference manager imports: RIS, BibTeX and CSL-JSON.

Each takes the record and, for the format's URL field, its permalink; names follow
citation_parts (a heading without a comma stays one unit: braced in BibTeX, `literal`
in CSL, as written in RIS).
"""

from __future__ import annotations

import json
import re
from typing import Any

from catalogue.record import Record
from indexer.text import fold, folded_words, strip_article, strip_isbd
from portal.citation_parts import full_title, heading, iso639_to_bcp47, name_parts, one_line

# --- RIS -------------------------------------------------------------------------------

RIS_TYPES = {
    "book": "BOOK",
    "periodical": "JOUR",
    "article": "JOUR",
    "thesis": "THES",
    "map": "MAP",
    "manuscript": "MANSCPT",
    "image": "ART",
    "audiobook": "SOUND",
    "music": "SOUND",
    "video": "VIDEO",
    "archival": "GEN",
}


def to_ris(record: Record, url: str = "") -> str:
    """The record as one RIS reference (TY first, ER last, CRLF line ends)."""
    lines: list[tuple[str, str]] = [("TY", RIS_TYPES.get(record.format, "GEN"))]
    title = full_title(record)
    if title:
        lines.append(("TI", title))
    lines += [("AU", heading(a)) for a in record.authors if heading(a)]
    lines += [("A2", heading(c)) for c in record.contributors if heading(c)]
    if record.year is not None:
        lines.append(("PY", str(record.year)))
    for tag, value in (
        ("PB", strip_isbd(record.publisher)),
        ("CY", strip_isbd(record.place)),
        ("ET", strip_isbd(record.edition)),
    ):
        if value:
            lines.append((tag, value))
    lines += [("T2", s) for s in record.series[:1]]
    lines += [("SN", v) for v in [*record.isbns, *record.issns]]
    lines += [("LA", code) for code in record.languages]
    lines += [("KW", s) for s in record.subjects]
    lines += [("CN", c) for c in record.call_numbers[:1]]
    if record.description:
        lines.append(("AB", record.description))
    if record.contents:
        lines.append(("N1", " -- ".join(record.contents)))
    if url:
        lines.append(("UR", url))
    lines.append(("ID", record.id))
    out = [f"{tag}  - {one_line(value)}" for tag, value in lines if one_line(value)]
    out.append("ER  - ")
    return "\r\n".join(out) + "\r\n"


# --- BibTeX ----------------------------------------------------------------------------

BIBTEX_TYPES = {
    "book": "book",
    "periodical": "misc",
    "article": "article",
    "thesis": "phdthesis",
    "map": "misc",
    "manuscript": "unpublished",
    "image": "misc",
    "audiobook": "misc",
    "music": "misc",
    "video": "misc",
    "archival": "misc",
}

# What a @misc / @unpublished entry says it is (BibTeX's `howpublished` / `note`).
_KIND_NOTE = {
    "periodical": "Periodical",
    "map": "Map",
    "manuscript": "Manuscript",
    "image": "Image",
    "audiobook": "Audiobook",
    "music": "Music",
    "video": "Video",
    "archival": "Archival material",
}

# Characters BibTeX/LaTeX give a meaning. Braces are replaced by commands rather than
# backslash-escaped: BibTeX counts "\{" as an opening brace and the entry breaks.
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_ESCAPE = str.maketrans(_BIBTEX_SPECIALS)
_AND = re.compile(r"\band\b", re.IGNORECASE)


def bibtex_escape(text: str) -> str:
    """Escape LaTeX specials; other characters (Vietnamese included) stay UTF-8."""
    return one_line(text).translate(_BIBTEX_ESCAPE)


def _bibtex_name(name: str) -> str:
    parts = name_parts(name)
    if parts is None:
        # One unit: braced so BibTeX never takes "Du" for the family name of "Nguyễn Du".
        return "{" + bibtex_escape(heading(name)) + "}"
    family, given = ("{" + p + "}" if _AND.search(p) else p for p in map(bibtex_escape, parts))
    return f"{family}, {given}"


def bibtex_key(record: Record) -> str:
    """An ASCII citation key: family name, year, first filing word ("nguyen2015truyen")."""
    who = ""
    if record.authors:
        parts = name_parts(record.authors[0])
        who = parts[0] if parts else heading(record.authors[0]).split(" ")[0]
    pieces = [
        "".join(folded_words(who)),
        str(record.year) if record.year is not None else "",
        next(iter(folded_words(strip_article(strip_isbd(record.title), record.languages))), ""),
    ]
    key = re.sub(r"[^a-z0-9]", "", "".join(pieces))
    if not key:
        key = "record" + re.sub(r"[^a-z0-9]", "", fold(record.local_id))
    return key[:60] or "record"


def to_bibtex(record: Record, url: str = "") -> str:
    """The record as one BibTeX entry, UTF-8, specials escaped, title case protected."""
    entry = BIBTEX_TYPES.get(record.format, "misc")
    fields: list[tuple[str, str]] = []
    title = full_title(record)
    if title:
        fields.append(("title", "{" + bibtex_escape(title) + "}"))  # {{…}}: keep capitals
    names = [a for a in record.authors if heading(a)]
    if names:
        fields.append(("author", " and ".join(_bibtex_name(a) for a in names)))
    if record.year is not None:
        fields.append(("year", str(record.year)))
    publisher = strip_isbd(record.publisher)
    if publisher:
        fields.append(("school" if entry == "phdthesis" else "publisher", bibtex_escape(publisher)))
    if entry == "phdthesis":
        fields.append(("type", "Thesis"))
    for name, value in (
        ("address", strip_isbd(record.place)),
        ("edition", strip_isbd(record.edition)),
        ("series", record.series[0] if record.series else ""),
    ):
        if value:
            fields.append((name, bibtex_escape(value)))
    if record.isbns:
        fields.append(("isbn", bibtex_escape(", ".join(record.isbns))))
    if record.issns:
        fields.append(("issn", bibtex_escape(", ".join(record.issns))))
    if record.languages:
        fields.append(("language", bibtex_escape(", ".join(record.languages))))
    if record.subjects:
        fields.append(("keywords", bibtex_escape(", ".join(record.subjects))))
    if record.description:
        fields.append(("abstract", bibtex_escape(record.description)))
    kind = _KIND_NOTE.get(record.format)
    if kind:
        fields.append(("note" if entry == "unpublished" else "howpublished", kind))
    if url:
        fields.append(("url", bibtex_escape(url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry}{{{bibtex_key(record)},\n{body}\n}}\n"


# --- CSL-JSON --------------------------------------------------------------------------

CSL_TYPES = {
    "book": "book",
    "periodical": "periodical",
    "article": "article",
    "thesis": "thesis",
    "map": "map",
    "manuscript": "manuscript",
    "image": "graphic",
    "audiobook": "song",  # CSL's type for an audio recording
    "music": "song",
    "video": "motion_picture",
    "archival": "document",
}


def csl_name(name: str) -> dict[str, str]:
    """{family, given} when the heading has a comma, else {literal: the whole name}."""
    parts = name_parts(name)
    if parts is None:
        return {"literal": heading(name)}
    return {"family": parts[0], "given": parts[1]}


def to_csl_item(record: Record, url: str = "") -> dict[str, Any]:
    """One CSL-JSON item (a dict); `to_csl_json` wraps it in the list CSL processors read."""
    item: dict[str, Any] = {"id": record.id, "type": CSL_TYPES.get(record.format, "document")}
    title = full_title(record)
    if title:
        item["title"] = title
    authors = [csl_name(a) for a in record.authors if heading(a)]
    if authors:
        item["author"] = authors
    contributors = [csl_name(c) for c in record.contributors if heading(c)]
    if contributors:
        item["contributor"] = contributors
    if record.year is not None:
        item["issued"] = {"date-parts": [[record.year]]}
    for key, value in (
        ("publisher", strip_isbd(record.publisher)),
        ("publisher-place", strip_isbd(record.place)),
        ("edition", strip_isbd(record.edition)),
        ("collection-title", record.series[0] if record.series else ""),
        ("ISBN", record.isbns[0] if record.isbns else ""),
        ("ISSN", record.issns[0] if record.issns else ""),
        ("language", iso639_to_bcp47(record.languages[0]) if record.languages else ""),
        ("call-number", record.call_numbers[0] if record.call_numbers else ""),
        ("abstract", record.description),
        ("keyword", ", ".join(record.subjects)),
        ("URL", url),
    ):
        if value:
            item[key] = value
    return item


def to_csl_json(record: Record, url: str = "") -> str:
    """CSL-JSON text: a list holding the record's item, UTF-8 (not \\u-escaped)."""
    return json.dumps([to_csl_item(record, url)], ensure_ascii=False, indent=2) + "\n"
