"""Crosswalks: from what a library sends (MARC21, Dublin Core, MODS) to the unified Record.

Each crosswalk is a mapping table a librarian can read (`marc.MARC_RULES`,
`dc.DC_RULES`, `mods.MODS_RULES`) plus a few vocabulary tables (`vocab`). Only a
record with no usable title is refused, with `CrosswalkError`; everything else maps as
well as it can.
"""

from harvesters.crosswalk.dc import dc_to_record
from harvesters.crosswalk.dc import rights_note as dc_rights_note
from harvesters.crosswalk.marc import filing_title, marc_to_record
from harvesters.crosswalk.marc import rights_note as marc_rights_note
from harvesters.crosswalk.mods import MODS_NS, mods_to_record
from harvesters.crosswalk.mods import filing_title as mods_filing_title
from harvesters.crosswalk.mods import rights_note as mods_rights_note
from harvesters.crosswalk.rules import CrosswalkError

# OAI-PMH metadata prefixes whose <metadata> holds a MODS record (harvesters/oai.py).
MODS_PREFIXES = frozenset({"mods", "MODS", "mods3", "mods-3"})

__all__ = [
    "MODS_NS",
    "MODS_PREFIXES",
    "CrosswalkError",
    "dc_rights_note",
    "dc_to_record",
    "filing_title",
    "marc_rights_note",
    "marc_to_record",
    "mods_filing_title",
    "mods_rights_note",
    "mods_to_record",
]
