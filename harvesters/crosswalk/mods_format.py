"""A MODS record's format: typeOfResource first, then genre / form words, then issuance.

typeOfResource is coarse ("text" covers books, theses and articles), so text, or no
type at all, is refined by the Dublin Core type vocabulary the DC crosswalk uses: one
word list for both, so a thesis is a thesis whichever way a library sends it.
"""

from __future__ import annotations

from lxml import etree

from harvesters.crosswalk.dc import (
    DC_TYPE_TABLE,
    DC_WEAK_TYPES,
    FORMAT_HINTS,
    _match_type,
    _mentions_music,
)
from harvesters.crosswalk.mods_paths import find, text
from harvesters.crosswalk.vocab import fold

FORMAT_TABLE: tuple[tuple[str, str], ...] = (
    # typeOfResource (folded)          → format        (first matching row wins)
    ("cartographic", "map"),
    ("notated music", "music"),
    ("sound recording-musical", "music"),
    ("sound recording-nonmusical", "audiobook"),
    ("sound recording", "audiobook"),  # music when genre/subject say so
    ("still image", "image"),
    ("moving image", "video"),
    ("mixed material", "archival"),
    ("three dimensional object", "image"),
)
SERIAL_ISSUANCE = frozenset({"serial", "continuing", "integrating resource"})


def mods_format(mods: etree._Element) -> str:
    """The Record format (see the notes in `harvesters.crosswalk.mods`); else book."""
    types = find(mods, "typeOfResource")
    kind = fold(text(types[0])) if types else ""
    words = [text(e) for e in find(mods, "genre:physicalDescription/form")]
    by_type = next((f for key, f in FORMAT_TABLE if kind.startswith(key)), None)
    if by_type == "audiobook" and _mentions_music({"type": words, "subject": _topics(mods)}):
        return "music"
    if by_type:
        return by_type
    if any((t.get("manuscript") or "").casefold() == "yes" for t in types):
        return "manuscript"
    # Text, or no typeOfResource: genre and form words say more (thesis, article, map…).
    by_words = next((f for w in words if (f := _match_type(w, DC_TYPE_TABLE))), None)
    if by_words:
        return by_words
    if {fold(text(e)) for e in find(mods, "originInfo/issuance")} & SERIAL_ISSUANCE:
        return "periodical"
    if not kind:
        media = [text(e).lower() for e in find(mods, "physicalDescription/internetMediaType")]
        by_media = next((f for m in media for p, f in FORMAT_HINTS if m.startswith(p)), None)
        by_weak = next((f for w in words if (f := _match_type(w, DC_WEAK_TYPES))), None)
        return by_weak or by_media or "book"
    return "book"


def _topics(mods: etree._Element) -> list[str]:
    return [text(e) for e in find(mods, "subject/topic:subject/genre")]
