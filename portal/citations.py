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
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

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
    title = full_title(record)
    edition = strip_isbd(record.edition)
    year = "" if record.year is None else str(record.year)
    if authors:
        parts.append(
            Markup("{} ({}).").format(authors, year) if year else Markup("{}.").format(authors)
        )
    if title:
        # Without an author the title leads, never the year ("Bản đồ… (1873).").
        after = [f"({edition})"] if edition else []
        if year and not authors:
            after.append(f"({year})")
        parts.append(Markup("<i>{}</i>{}.").format(title, "".join(" " + a for a in after)))
    elif year and not authors:
        parts.append(Markup("{}.").format(year))
    place, publisher = strip_isbd(record.place), strip_isbd(record.publisher)
    if place and publisher:
        parts.append(Markup("{}: {}.").format(place, publisher))
    elif place or publisher:
        parts.append(Markup("{}.").format(place or publisher))
    return Markup(" ").join(parts)


# --- APA 7, Chicago author-date, MLA 9 ---------------------------------------------------

# Letters only Vietnamese writes (ă â đ ê ô ơ ư and the tone marks French never uses): a
# name that has one is a Vietnamese name whatever the record's language.
_VIETNAMESE_LETTERS = re.compile(
    "[ăđơưĩũỹỳạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỵỷ]", re.IGNORECASE
)
_FAMILY_FIRST_LANGUAGES = frozenset({"vie", "chi", "zho"})


@dataclass(frozen=True)
class CitedName:
    """A creator as citation styles need it.

    `family`/`given` are empty for a name kept as one unit (a corporate name, a pen name,
    a heading that does not say which part is the family name). `family_first` names
    (Vietnamese, Chinese) are always printed in their own order, never inverted.
    """

    whole: str  # reading order: "Nguyễn Du", "Victor Hugo", "Hội Nhà văn Việt Nam"
    family: str = ""
    given: str = ""
    family_first: bool = False

    @property
    def inverted(self) -> str:
        """'Hugo, Victor' for a Western name; the whole name otherwise."""
        if self.family and self.given and not self.family_first:
            return f"{self.family}, {self.given}"
        return self.whole

    @property
    def with_initials(self) -> str:
        """APA's 'Hugo, V.'; the whole name for family-first and one-unit names."""
        if self.family and self.given and not self.family_first:
            return f"{self.family}, {initials(self.given)}"
        return self.whole

    @property
    def sortable(self) -> str:
        """'Family, Given' for metadata readers (Zotero splits on the comma)."""
        return f"{self.family}, {self.given}" if self.family and self.given else self.whole


def initials(given: str) -> str:
    """'Victor' → 'V.', 'John Ronald Reuel' → 'J. R. R.', 'Jean-Paul' → 'J.-P.'."""
    out = []
    for word in given.split():
        pieces = [p for p in word.split("-") if p]
        if pieces:
            out.append("-".join(p[0].upper() + "." for p in pieces))
    return " ".join(out)


def cited_name(name: str, languages: list[str] | tuple[str, ...] = ()) -> CitedName:
    """How a heading is cited: "Nguyễn, Du" and "Nguyễn Du" → Nguyễn Du (family first);
    "Hugo, Victor, 1802-1885" → family Hugo, given Victor; "Băng Sơn" → one unit.

    A heading is family-first when its family name is one word of the family-first list
    and either the name has Vietnamese letters or the record is Vietnamese or Chinese:
    "Lin, Maya" in an English book stays Maya Lin, "Le Guin, Ursula K." stays inverted.
    """
    whole = heading(name)
    parts = name_parts(name)
    if parts is not None:
        family, given = parts
        if _family_first(family, whole, languages):
            return CitedName(f"{family} {given}", family, given, True)
        return CitedName(f"{given} {family}", family, given, False)
    words = whole.split(" ")
    if len(words) >= 2 and _family_first(words[0], whole, languages):
        return CitedName(whole, words[0], " ".join(words[1:]), True)
    return CitedName(whole)


def _family_first(family: str, name: str, languages: list[str] | tuple[str, ...]) -> bool:
    words = folded_words(family)
    if len(words) != 1 or words[0] not in FAMILY_FIRST:
        return False
    if _VIETNAMESE_LETTERS.search(name):
        return True
    return any(code.lower() in _FAMILY_FIRST_LANGUAGES for code in languages)


def cited_names(record: Record) -> list[CitedName]:
    return [cited_name(a, record.languages) for a in record.authors if heading(a)]


def _sentence(text: str) -> str:
    """Text ended by one full stop ("Hugo, V." stays, "Nguyễn Du" → "Nguyễn Du.")."""
    text = text.strip()
    return text if not text or text.endswith((".", "?", "!")) else text + "."


def _series(names: list[str], conjunction: str, *, serial_comma: bool = True) -> str:
    """'A', 'A and B' ('A, and B' with `serial_comma` before a conjunction of two is APA's
    and MLA's habit; pass the separator in `conjunction`), 'A, B, and C'."""
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        sep = ", " if serial_comma else " "
        return f"{names[0]}{sep}{conjunction} {names[1]}"
    return ", ".join(names[:-1]) + f", {conjunction} {names[-1]}"


def _italic_title(record: Record) -> Markup:
    title = full_title(record)
    if not title:
        return Markup("")
    end = "" if title.endswith((".", "?", "!")) else "."
    return Markup("<i>{}</i>{}").format(title, end)


def apa_citation(record: Record) -> Markup:
    """APA 7th edition reference, title in italics.

    "Nguyễn Du. (2015). <i>Truyện Kiều</i> (Tái bản lần thứ 3). Nhà xuất bản Văn học."
    "Hugo, V. (1995). <i>Les Misérables</i>. Gallimard."; without an author the title
    takes the author's place: "<i>Bản đồ Hà Nội</i>. (1873). Nhà xuất bản X."
    """
    names = [n.with_initials for n in cited_names(record)]
    if len(names) > 20:  # APA: the first 19, an ellipsis, the last
        names = [*names[:19], "…", names[-1]]
        authors = ", ".join(names[:-1]) + " " + names[-1]
    else:
        authors = _series(names, "&")
    year = f"({record.year})." if record.year is not None else "(n.d.)."
    title = full_title(record)
    edition = strip_isbd(record.edition)
    if title and edition:
        title_part = Markup("<i>{}</i> ({}).").format(title, edition)
    else:
        title_part = _italic_title(record)
    parts: list[Markup | str] = []
    if authors:
        parts += [_sentence(authors), year, title_part]
    else:
        parts += [title_part, year]
    publisher = strip_isbd(record.publisher)
    if publisher:
        parts.append(_sentence(publisher))
    return Markup(" ").join(escape(p) for p in parts if p)


def chicago_citation(record: Record) -> Markup:
    """Chicago 17th edition, author-date reference list entry.

    "Hugo, Victor. 1995. <i>Les Misérables</i>. Paris: Gallimard." — only the first
    Western name is inverted; family-first names never are: "Nguyễn Du. 2015. …".
    Without an author: "<i>Bản đồ Hà Nội</i>. 1873. Hà Nội."
    """
    names = cited_names(record)
    if len(names) > 10:  # Chicago: list seven, then et al.
        written = [names[0].inverted, *(n.whole for n in names[1:7])]
        authors = ", ".join(written) + ", et al."
    else:
        written = [n.inverted if i == 0 else n.whole for i, n in enumerate(names)]
        authors = _series(written, "and")  # "Hugo, Victor, and Jane Doe"
    year = _sentence(str(record.year)) if record.year is not None else "n.d."
    parts: list[Markup | str] = []
    if authors:
        parts += [_sentence(authors), year, _italic_title(record)]
    else:
        parts += [_italic_title(record), year]
    edition = strip_isbd(record.edition)
    if edition:
        parts.append(_sentence(edition))
    place, publisher = strip_isbd(record.place), strip_isbd(record.publisher)
    if place and publisher:
        parts.append(f"{place}: {_sentence(publisher)}")
    elif place or publisher:
        parts.append(_sentence(place or publisher))
    return Markup(" ").join(escape(p) for p in parts if p)


def mla_citation(record: Record) -> Markup:
    """MLA 9th edition works-cited entry.

    "Hugo, Victor. <i>Les Misérables</i>. Gallimard, 1995." Two authors: "Hugo, Victor,
    and Jane Doe."; three or more: "Hugo, Victor, et al."; family-first names in their
    order: "Nguyễn Du. <i>Truyện Kiều</i>. Tái bản lần thứ 3, Nhà xuất bản Văn học, 2015."
    """
    names = cited_names(record)
    if len(names) >= 3:
        authors = f"{names[0].inverted}, et al."
    elif len(names) == 2:
        authors = f"{names[0].inverted}, and {names[1].whole}"
    else:
        authors = names[0].inverted if names else ""
    tail = [
        v
        for v in (
            strip_isbd(record.edition),
            strip_isbd(record.publisher),
            str(record.year) if record.year is not None else "",
        )
        if v
    ]
    parts: list[Markup | str] = []
    if authors:
        parts.append(_sentence(authors))
    parts.append(_italic_title(record))
    if tail:
        parts.append(_sentence(", ".join(tail)))
    return Markup(" ").join(escape(p) for p in parts if p)


CITATION_STYLES = {
    # key: (name shown, formatter); names are the styles' own, not translated
    "apa": ("APA 7", apa_citation),
    "chicago": ("Chicago (author-date)", chicago_citation),
    "mla": ("MLA 9", mla_citation),
}


# --- what reference managers read from the page: Highwire Press tags, COinS --------------


def highwire_meta(record: Record) -> list[tuple[str, str]]:
    """`<meta name=… content=…>` pairs Zotero, Mendeley and Google Scholar read.

    Authors as "Family, Given" where the family name is known (Zotero splits on the
    comma, so "Nguyễn Du" arrives as family Nguyễn, given Du, not the other way round).
    """
    meta: list[tuple[str, str]] = []
    title = full_title(record)
    if title:
        meta.append(("citation_title", _one_line(title)))
    meta += [("citation_author", n.sortable) for n in cited_names(record)]
    if record.year is not None:
        meta.append(("citation_publication_date", str(record.year)))
    meta += [("citation_isbn", v) for v in record.isbns]
    meta += [("citation_issn", v) for v in record.issns]
    publisher = strip_isbd(record.publisher)
    if publisher:
        meta.append(("citation_publisher", _one_line(publisher)))
    meta += [("citation_language", _iso639_to_bcp47(code)) for code in record.languages]
    return meta


_COINS_BOOKS = frozenset({"book", "thesis", "audiobook"})
_COINS_JOURNALS = frozenset({"periodical", "article"})


def coins(record: Record, url: str = "") -> str:
    """The OpenURL ContextObject (Z39.88-2004 KEV) for a COinS span's title attribute.

    Percent-encoded UTF-8 throughout; the template's attribute escaping turns the "&"
    separators into "&amp;", which is what HTML wants.
    """
    pairs: list[tuple[str, str]] = [("ctx_ver", "Z39.88-2004")]
    title = full_title(record)
    names = cited_names(record)
    if record.format in _COINS_BOOKS:
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"), ("rft.genre", "book")]
        if title:
            pairs += [("rft.btitle", title), ("rft.title", title)]
    elif record.format in _COINS_JOURNALS:
        genre = "article" if record.format == "article" else "journal"
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"), ("rft.genre", genre)]
        if title:
            pairs.append(("rft.atitle" if genre == "article" else "rft.jtitle", title))
    else:
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"), ("rft.type", record.format)]
        if title:
            pairs.append(("rft.title", title))
    if names and names[0].family:
        pairs += [("rft.aulast", names[0].family), ("rft.aufirst", names[0].given)]
    key = "rft.creator" if record.format not in _COINS_BOOKS | _COINS_JOURNALS else "rft.au"
    pairs += [(key, n.sortable) for n in names]
    if record.year is not None:
        pairs.append(("rft.date", str(record.year)))
    for key, value in (
        ("rft.pub", strip_isbd(record.publisher)),
        ("rft.place", strip_isbd(record.place)),
        ("rft.edition", strip_isbd(record.edition)),
    ):
        if value and record.format in _COINS_BOOKS:
            pairs.append((key, value))
        elif value and key == "rft.pub":
            pairs.append(("rft.publisher", value))
    pairs += [("rft.isbn", v) for v in record.isbns]
    pairs += [("rft.issn", v) for v in record.issns]
    pairs += [("rft.language", code) for code in record.languages]
    if url:
        pairs.append(("rft_id", url))
    pairs.append(("rfr_id", "info:sid/thuvien"))
    return urlencode([(k, _one_line(v)) for k, v in pairs if v], quote_via=quote)


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
