"""A large synthetic union catalogue for the search and portal benchmarks.

Records are built directly (no harvest, no crosswalk) from the demo word lists, so a
million of them take seconds to make; their shape — several libraries, formats,
languages, years, subjects, collections, holdings, shared ISBNs across libraries —
is what the index and the results page have to cope with.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from catalogue.record import Holding, Record
from harvesters.demo.vocab import (
    FICTION_NOUNS,
    GIVEN_NAMES,
    HANOI_PLACES,
    HANOI_TOPICS,
    MIDDLE_NAMES,
    STREETS,
    SURNAMES,
)

LIBRARIES = ("thu-vien-ha-noi", "thu-vien-quoc-gia", "thu-vien-dhqghn", "thu-vien-ba-dinh")
FORMATS = ("book",) * 7 + ("periodical", "thesis", "map", "audiobook", "image", "manuscript")
LANGUAGES = ("vie",) * 6 + ("eng", "fre", "chi")
COLLECTIONS = ("", "", "", "Hán Nôm", "Thăng Long - Hà Nội", "Sách nói", "Luận án")
STATUSES = ("available", "available", "on_loan", "reference_only", "in_repair")


def synthetic_records(count: int, seed: int = 7) -> Iterator[Record]:
    """`count` records; about one work in four is held by a second library (same ISBN)."""
    rng = random.Random(seed)
    made = 0
    work = 0
    while made < count:
        work += 1
        title = (
            f"{rng.choice(FICTION_NOUNS)} {rng.choice(('ở', 'bên', 'của'))} {rng.choice(STREETS)}"
        )
        topic, _ddc = rng.choice(HANOI_TOPICS)
        author = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
        year = rng.randint(1900, 2026)
        isbn = f"978604{work % 1_000_000:06d}"  # 12 digits, then the check digit
        isbn += str((10 - sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(isbn)) % 10) % 10)
        fmt = rng.choice(FORMATS)
        languages = [rng.choice(LANGUAGES)]
        collection = rng.choice(COLLECTIONS)
        copies = 2 if rng.random() < 0.25 else 1
        for library in rng.sample(LIBRARIES, copies):
            if made >= count:
                return
            made += 1
            local = f"{work}-{library[-4:]}"
            yield Record(
                source_key=library,
                local_id=local,
                title=f"{title} {work % 997}",
                authors=[author],
                subjects=[f"{rng.choice(HANOI_PLACES)} -- {topic}", topic],
                languages=languages,
                year=year,
                publisher=rng.choice(("Nxb. Hà Nội", "Nxb. Văn học", "Nxb. Trẻ", "Nxb. Kim Đồng")),
                place="Hà Nội",
                format=fmt,
                isbns=[isbn] if fmt == "book" else [],
                call_numbers=[f"895.922 {work % 1000:03d}"],
                description=f"{topic} của {rng.choice(HANOI_PLACES)} qua {rng.choice(STREETS)}.",
                collections=[collection] if collection else [],
                holdings=[
                    Holding(
                        library=library,
                        location="Kho mượn",
                        call_number=f"895.922 {work % 1000:03d}",
                        status=rng.choice(STATUSES),
                    )
                ],
            )
