"""What a MODS record's `location` elements say: copies on shelves and files online.

Holdings come from physicalLocation, shelfLocator and holdingSimple/copyInformation;
digital objects from location/url and uri identifiers that name a file. Both are read
here because one `location` may carry either, and a URL that is a landing page must not
become a file.
"""

from __future__ import annotations

from lxml import etree

from catalogue import DigitalObject, Holding
from harvesters.crosswalk.mods_paths import children, find, text
from harvesters.crosswalk.rules import strip_isbd
from harvesters.crosswalk.vocab import has_file_extension, looks_like_url, object_kind

NOT_FILES = frozenset({"object in context", "preview"})  # landing pages and thumbnails


def holdings(mods: etree._Element, source_key: str) -> list[Holding]:
    """One Holding per copy a `location` describes (see the notes in `crosswalk.mods`)."""
    found = []
    for location in children(mods, "location"):
        places = [strip_isbd(t) for e in children(location, "physicalLocation") if (t := text(e))]
        shelf = " ".join(strip_isbd(text(e)) for e in children(location, "shelfLocator"))
        copies = find(location, "holdingSimple/copyInformation")
        if not copies and (places or shelf):
            found.append(Holding(library=source_key, location=", ".join(places), call_number=shelf))
        for copy in copies:
            sub = [strip_isbd(t) for e in children(copy, "subLocation") if (t := text(e))]
            own_shelf = " ".join(strip_isbd(text(e)) for e in children(copy, "shelfLocator"))
            found.append(
                Holding(
                    library=source_key,
                    location=", ".join(places + sub),
                    call_number=own_shelf or shelf,
                    barcode=" ".join(text(e) for e in children(copy, "itemIdentifier")),
                )
            )
    return found


def digital_objects(mods: etree._Element) -> list[DigitalObject]:
    """Files named by location/url, then identifier type uri, in order (order = 0, 1, 2…)."""
    media = [text(e) for e in find(mods, "physicalDescription/internetMediaType")]
    hint = media[0] if len(media) == 1 else ""
    objects: list[DigitalObject] = []
    seen: set[str] = set()
    candidates = [(e, e.get("access") or "") for e in find(mods, "location/url")]
    candidates += [(e, "") for e in find(mods, "identifier[@type=uri]:identifier[@type=url]")]
    for element, access in candidates:
        url = text(element)
        access = access.strip().casefold()
        if not looks_like_url(url) or url in seen or access in NOT_FILES:
            continue
        if not (has_file_extension(url) or access == "raw object"):
            continue
        seen.add(url)
        kind, mime = object_kind(url, "" if has_file_extension(url) else hint)
        objects.append(
            DigitalObject(
                kind=kind,
                location=url,
                label=strip_isbd(element.get("displayLabel") or element.get("note") or ""),
                order=len(objects),
                mime_type=mime,
            )
        )
    return objects
