"""Crosswalks: from what a library sends (MARC21, Dublin Core) to the unified Record.

Each crosswalk is a mapping table a librarian can read (`marc.MARC_RULES`,
`dc.DC_RULES`) plus a few vocabulary tables (`vocab`). Only a record with no usable
title is refused, with `CrosswalkError`; everything else maps as well as it can.
"""

from harvesters.crosswalk.dc import dc_to_record
from harvesters.crosswalk.dc import rights_note as dc_rights_note
from harvesters.crosswalk.marc import filing_title, marc_to_record
from harvesters.crosswalk.marc import rights_note as marc_rights_note
from harvesters.crosswalk.rules import CrosswalkError

__all__ = [
    "CrosswalkError",
    "dc_rights_note",
    "dc_to_record",
    "filing_title",
    "marc_rights_note",
    "marc_to_record",
]
