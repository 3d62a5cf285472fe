"""The demo libraries as the outside world sees them: OAI-PMH repositories and a MARC file."""

from __future__ import annotations

from harvesters.demo.generator import DemoCatalogue, DemoLibrary, SampleRecord
from harvesters.oai_repository import (
    MARC21,
    OAI_DC,
    MemoryRepository,
    OaiItem,
    dc_element,
    marcxml_element,
)


def oai_identifier(library: DemoLibrary, local_id: str) -> str:
    return f"oai:{library.key}:{local_id}"


def oai_repository(catalogue: DemoCatalogue, library: DemoLibrary) -> MemoryRepository:
    """A repository serving one demo library's records in its own metadata format."""
    samples: dict[str, SampleRecord] = {}
    items = []
    for sample in catalogue.records(library.key):
        identifier = oai_identifier(library, sample.local_id)
        samples[identifier] = sample
        items.append(OaiItem(identifier, sample.datestamp, sample.deleted, list(sample.sets)))

    def render(item: OaiItem, prefix: str):
        sample = samples[item.identifier]
        if prefix == "marc21" and sample.marc is not None:
            return marcxml_element(sample.marc)
        if prefix == "oai_dc" and sample.dc is not None:
            return dc_element(sample.dc)
        return None

    fmt = MARC21 if library.metadata_prefix == "marc21" else OAI_DC
    return MemoryRepository(
        repository_name=library.name,
        items=items,
        render=render,
        formats=[fmt],
        set_names=list(library.sets),
        admin_emails=[f"thuvien@{library.key}.example.vn"],
    )
