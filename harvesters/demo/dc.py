"""Render a `Work` as the National Library's simple Dublin Core (the 15 oai_dc elements).

Where things go: collection name → dc:relation; rights URI (and sometimes its text, and
any access restriction) → dc:rights; page scans, audio files, ISBN/ISSN and external
links → dc:identifier; audiobook chapter list, thesis note and map scale → dc:description;
DCMI type plus, sometimes, a Vietnamese type word → dc:type.
"""

from __future__ import annotations

from harvesters.demo import terms
from harvesters.demo.marc import PARALLEL_TITLES, contents_note, map_scale, scan_paths
from harvesters.demo.model import DemoRandom, Work, isbn_text
from harvesters.demo.style import choose, name_text

DC_ELEMENTS = (
    "title", "creator", "subject", "description", "publisher", "contributor", "date",
    "type", "format", "identifier", "source", "language", "relation", "coverage", "rights",
)  # fmt: skip
ALWAYS_LOCAL_TYPE = frozenset(
    {"thesis", "periodical", "manuscript", "archival", "audiobook", "music"}
)  # their DCMI type alone would not tell them apart


def build_dc(work: Work, library: str, local_id: str, rng: DemoRandom) -> dict[str, list[str]]:
    """The dc dict for one record: every one of the 15 elements, lists possibly empty."""
    dc: dict[str, list[str]] = {name: [] for name in DC_ELEMENTS}
    keep_subtitle = choose(rng, work, library, "subtitle") == "yes"
    dc["title"].append(work.full_title() if keep_subtitle else work.title)
    if work.title in PARALLEL_TITLES:
        dc["title"].append(PARALLEL_TITLES[work.title])
    form = choose(rng, work, library, "author")
    dc["creator"] = [name_text(p, form) for p in work.authors]
    if work.corporate:
        dc["creator"].append(work.corporate)
    dc["contributor"] = [name_text(p, form) for p in work.contributors]
    dc["subject"] = [s.heading() for s in work.subjects]
    if work.genre:
        dc["subject"].append(work.genre)
    if rng.random() < 0.3:
        dc["subject"].append(work.ddc)
    dc["description"] = _descriptions(work)
    publisher = work.publisher or _university(work)
    dc["publisher"] = [publisher] if publisher else []
    dc["date"] = [_date(work, choose(rng, work, library, "year"))]
    dc["type"] = _types(work, rng)
    dc["format"] = [work.extent]
    dc["identifier"] = _identifiers(work, library, local_id, rng)
    dc["language"] = [rng.choice(terms.DC_LANGUAGES[work.language])]
    if work.collection:
        dc["relation"].append(work.collection)
    if work.subjects and any("Hà Nội" in s.heading() for s in work.subjects):
        dc["coverage"].append("Hà Nội")
    dc["rights"] = _rights(work, rng)
    return dc


def _descriptions(work: Work) -> list[str]:
    out = [work.summary] if work.summary else []
    if work.format == "map":
        out.append(map_scale(work))  # the scale statement MARC keeps in 255
    if work.chapters:
        out.append(contents_note(work.chapters))
    if work.thesis:
        out.append(work.thesis)
    return out


def _university(work: Work) -> str:
    """Theses have no publisher; DC records name the awarding school instead."""
    if not work.thesis:
        return ""
    return work.thesis.partition(" -- ")[2].rpartition(", ")[0]


def _date(work: Work, form: str) -> str:
    if form == "iso":
        return f"{work.year}-01-01"
    if form == "bracket":
        return f"[{work.year}]"
    return str(work.year)


def _types(work: Work, rng: DemoRandom) -> list[str]:
    *dcmi, local = terms.FORMAT_SETS[work.format][2]
    if work.format == "book" and rng.random() < 0.1:
        return [local]  # a cataloguer who only typed "Sách"
    types = [rng.choice(dcmi)]
    if work.format in ALWAYS_LOCAL_TYPE or rng.random() < 0.4:
        types.append(local)
    return types


def _identifiers(work: Work, library: str, local_id: str, rng: DemoRandom) -> list[str]:
    out = []
    bad = work.bad_isbn.get(library)
    form = choose(rng, work, library, "isbn")
    if (work.isbn or bad) and form != "none":
        text = isbn_text(bad, form, valid=False) if bad else isbn_text(work.isbn, form)
        out.append(rng.choice(("ISBN ", "ISBN ", "urn:isbn:", "")) + text)
    if work.issn:
        out.append(f"ISSN {work.issn}")
    out += [path for path, _, _ in scan_paths(work, local_id)]
    if work.external_url:
        out.append(work.external_url)
    return out


def _rights(work: Work, rng: DemoRandom) -> list[str]:
    out = [work.rights]
    if rng.random() < 0.5 and work.rights in terms.RIGHTS_TEXT:
        out.append(terms.RIGHTS_TEXT[work.rights])
    if work.access:
        out.append(terms.ACCESS_NOTES[work.access][0])
    if work.embargo:
        out.append(f"Hạn chế truy cập toàn văn đến năm {work.embargo[:4]}.")
    return out
