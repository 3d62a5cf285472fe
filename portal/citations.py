"""Citations and linked data for one record: RIS, BibTeX, CSL-JSON, schema.org JSON-LD.

Pure functions of a `Record` (and, where the format has a URL field, the record's
permalink): no Flask, no request, no translations, so every export is the same
whatever the reader's UI language and is testable on its own.

Names: Vietnamese names are written family name first ("Nguyễn Du") and must never be
split into "first" and "last" on a space. A heading with a comma ("Nguyễn, Du",
"Hugo, Victor, 1802-1885") says which part is the family name; without one the whole
name is kept as one unit (CSL `literal`, a braced BibTeX name, RIS as written).
"""

from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import Markup, escape

from catalogue.record import Record
from indexer.names import FAMILY_FIRST, clean_name, direct_name
from indexer.text import fold, folded_words, strip_article, strip_isbd

# --- shared pieces --------------------------------------------------------------------


def full_title(record: Record) -> str:
    """Title and subtitle without trailing ISBD punctuation: "Truyện Kiều /" → "Truyện Kiều"."""
    title = strip_isbd(record.title)
    subtitle = strip_isbd(record.subtitle)
    if title and subtitle:
        return f"{title}: {subtitle}"
    return title or subtitle


def name_parts(name: str) -> tuple[str, str] | None:
    """(family, given) when the heading says which is which (a comma), else None.

    "Nguyễn, Du" → ("Nguyễn", "Du"); "Hugo, Victor, 1802-1885" → ("Hugo", "Victor");
    "Nguyễn Du" and "Nguyễn Du, 1766-1820" → None (family-first, one unit).
    """
    cleaned = clean_name(name)
    if ", " not in cleaned:
        return None
    family, given = cleaned.split(", ", 1)
    return (family, given) if family and given else None


def heading(name: str) -> str:
    """The name without dates or roles, as catalogued: "Nguyễn Du, 1766-1820" → "Nguyễn Du"."""
    return clean_name(name) or " ".join(name.split())


def reading_name(name: str) -> str:
    """The name as a citation prints it.

    Family-first names read in their own order ("Nguyễn, Du" → "Nguyễn Du"); others stay
    inverted ("Hugo, Victor"), as author-date styles list them.
    """
    parts = name_parts(name)
    if parts is None:
        return heading(name)
    first_word = folded_words(parts[0])[:1]
    if first_word and first_word[0] in FAMILY_FIRST:
        return direct_name(name)
    return f"{parts[0]}, {parts[1]}"


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def _iso639_to_bcp47(code: str) -> str:
    # Imported lazily: portal.i18n pulls in Flask and babel, which a pure export should not.
    from portal.i18n import language_tag

    return language_tag([code]) or code


# --- formatted citation ----------------------------------------------------------------


def format_citation(record: Record) -> Markup:
    """An author-date citation as safe HTML, title in italics.

    "Nguyễn Du (2015). <i>Truyện Kiều</i>. Hà Nội: Nhà xuất bản Văn học."
    """
    parts: list[Markup] = []
    authors = "; ".join(reading_name(a) for a in record.authors if heading(a))
    lead = escape(authors)
    if record.year is not None:
        lead = Markup("{} ({})").format(lead, record.year) if authors else escape(record.year)
    if lead:
        parts.append(Markup("{}.").format(lead))
    title = full_title(record)
    if title:
        edition = strip_isbd(record.edition)
        if edition:
            parts.append(Markup("<i>{}</i> ({}).").format(title, edition))
        else:
            parts.append(Markup("<i>{}</i>.").format(title))
    place, publisher = strip_isbd(record.place), strip_isbd(record.publisher)
    if place and publisher:
        parts.append(Markup("{}: {}.").format(place, publisher))
    elif place or publisher:
        parts.append(Markup("{}.").format(place or publisher))
    return Markup(" ").join(parts)


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
    out = [f"{tag}  - {_one_line(value)}" for tag, value in lines if _one_line(value)]
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
    return _one_line(text).translate(_BIBTEX_ESCAPE)


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
        ("language", _iso639_to_bcp47(record.languages[0]) if record.languages else ""),
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


# --- schema.org JSON-LD ------------------------------------------------------------------

SCHEMA_TYPES = {
    "book": "Book",
    "periodical": "Periodical",
    "article": "ScholarlyArticle",
    "thesis": "Thesis",
    "map": "Map",
    "manuscript": "Manuscript",
    "image": "VisualArtwork",
    "audiobook": "Audiobook",  # schema.org: both a Book and an AudioObject
    "music": "MusicRecording",
    "video": "VideoObject",
    "archival": "CreativeWork",
}


def to_json_ld(record: Record, url: str = "") -> dict[str, Any]:
    """schema.org description of the record, for search engines and linked-data clients."""
    kind = SCHEMA_TYPES.get(record.format, "CreativeWork")
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": kind}
    if url:
        data["@id"] = url
        data["url"] = url
    title = strip_isbd(record.title)
    if title:
        data["name"] = title
    subtitle = strip_isbd(record.subtitle)
    if subtitle:
        data["alternativeHeadline"] = subtitle
    authors = [{"@type": "Person", "name": reading_name(a)} for a in record.authors if heading(a)]
    if authors:
        data["author"] = authors
    contributors = [
        {"@type": "Person", "name": reading_name(c)} for c in record.contributors if heading(c)
    ]
    if contributors:
        data["contributor"] = contributors
    if record.year is not None:
        data["datePublished"] = str(record.year)
    if record.languages:
        tags = [_iso639_to_bcp47(code) for code in record.languages]
        data["inLanguage"] = tags[0] if len(tags) == 1 else tags
    if record.isbns and kind in ("Book", "Audiobook"):
        data["isbn"] = record.isbns[0] if len(record.isbns) == 1 else record.isbns
    if record.issns and kind == "Periodical":
        data["issn"] = record.issns[0] if len(record.issns) == 1 else record.issns
    publisher = strip_isbd(record.publisher)
    if publisher:
        data["publisher"] = {"@type": "Organization", "name": publisher}
        place = strip_isbd(record.place)
        if place:
            data["publisher"]["location"] = place
    edition = strip_isbd(record.edition)
    if edition and kind in ("Book", "Audiobook"):
        data["bookEdition"] = edition
    if record.subjects:
        data["about"] = [{"@type": "Thing", "name": s} for s in record.subjects]
    if record.genres:
        data["genre"] = record.genres
    if record.series:
        data["isPartOf"] = [{"@type": "CreativeWorkSeries", "name": s} for s in record.series]
    if record.description:
        data["description"] = record.description
    identifiers = [
        {"@type": "PropertyValue", "propertyID": name, "value": value}
        for name, value in (("OCLC", record.oclc), ("LCCN", record.lccn))
        if value
    ]
    if identifiers:
        data["identifier"] = identifiers
    if record.rights_statement.startswith(("http://", "https://")):
        data["license" if "creativecommons.org" in record.rights_statement else "usageInfo"] = (
            record.rights_statement
        )
    return data


def json_for_script(data: Any) -> Markup:
    """JSON safe inside <script>: no "<", ">", "&" or line separators left to break out.

    `"</script><script>alert(1)</script>"` in a title becomes `\\u003c/script\\u003e…`,
    which a JSON parser reads back unchanged and an HTML parser never sees as a tag.
    """
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return Markup(text)  # noqa: S704 — every markup-significant character is \u-escaped above
