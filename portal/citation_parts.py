"""What every citation format is built from: the title, the creators' names as citations
write them, one-line text and BCP 47 language tags.

Names: Vietnamese names are written family name first ("Nguyễn Du") and must never be
split into "first" and "last" on a space. A heading with a comma ("Nguyễn, Du",
"Hugo, Victor, 1802-1885") says which part is the family name; without one the whole
name is kept as one unit (CSL `literal`, a braced BibTeX name, RIS as written).
"""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.record import Record
from indexer.names import FAMILY_FIRST, clean_name, direct_name, family_first
from indexer.text import folded_words, is_vietnamese, strip_isbd


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
    if family_first(*parts):
        return direct_name(name)
    return f"{parts[0]}, {parts[1]}"


def one_line(value: str) -> str:
    """Whitespace, line breaks included, collapsed: RIS lines and tag values are one line."""
    return " ".join(str(value).split())


def iso639_to_bcp47(code: str) -> str:
    # Imported lazily: portal.i18n pulls in Flask and babel, which a pure export should not.
    from portal.i18n import language_tag

    return language_tag([code]) or code


# Records in these languages write their authors' names family first.
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

    An inverted heading is family-first when its name reads that way
    (`indexer.names.family_first`: a known family name, or Vietnamese syllables, so
    "Tô, Hoài" and "Nam, Cao" too) and either it reads as Vietnamese or the record is
    Vietnamese or Chinese: "Lin, Maya" in an English book stays Maya Lin, "Le Guin,
    Ursula K." stays inverted. A heading without a comma does not say which part is
    the family name, so only a known family name as its first word makes it one
    ("Băng Sơn", a pen name, stays one unit).
    """
    whole = heading(name)
    parts = name_parts(name)
    if parts is not None:
        family, given = parts
        if family_first(family, given) and _written_family_first(whole, languages):
            return CitedName(f"{family} {given}", family, given, True)
        return CitedName(f"{given} {family}", family, given, False)
    words = whole.split(" ")
    known = folded_words(words[0]) if len(words) >= 2 else []
    if len(known) == 1 and known[0] in FAMILY_FIRST and _written_family_first(whole, languages):
        return CitedName(whole, words[0], " ".join(words[1:]), True)
    return CitedName(whole)


def _written_family_first(name: str, languages: list[str] | tuple[str, ...]) -> bool:
    """Whether this name, in this record, is written family first: a name that reads
    as Vietnamese (`is_vietnamese`) is, whatever the record's language; else the
    record's language says."""
    if is_vietnamese(name):
        return True
    return any(code.lower() in _FAMILY_FIRST_LANGUAGES for code in languages)


def cited_names(record: Record) -> list[CitedName]:
    return [cited_name(a, record.languages) for a in record.authors if heading(a)]
