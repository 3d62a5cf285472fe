"""MARC21 records built in tests: fixed and data fields, a record around them, and the
crosswalk called as a harvest of Thư viện Hà Nội would call it.
"""

import pymarc
from pymarc import Field, Indicators, Subfield

from harvesters.crosswalk import marc_to_record

BOOK = "00000nam a2200000 a 4500"


def f008(date1="1998", lang="vie", nature="    ", visual=" ", place="vm "):
    """A 40-character 008: entered 980512, single date, material positions mostly blank."""
    data = list("980512s" + date1 + "    " + place + " " * 17 + lang + " d")
    data[24:28] = nature
    data[33] = visual
    return "".join(data)


def df(tag, ind, *codes_values):
    """A data field: df("245", "10", "a", "Truyện Kiều /", "c", "Nguyễn Du.")."""
    pairs = zip(codes_values[::2], codes_values[1::2], strict=True)
    return Field(
        tag=tag,
        indicators=Indicators(ind[0], ind[1]),
        subfields=[Subfield(code, value) for code, value in pairs],
    )


def cf(tag, data):
    return Field(tag=tag, data=data)


def marc(*fields, leader=BOOK, control="rec-1", f8=None):
    record = pymarc.Record()
    record.leader = leader
    if control is not None:
        record.add_field(cf("001", control))
    if f8 is not False:
        record.add_field(cf("008", f8 or f008()))
    for field in fields:
        record.add_field(field)
    return record


def titled(*fields, **kwargs):
    return marc(df("245", "10", "a", "Truyện Kiều /", "c", "Nguyễn Du."), *fields, **kwargs)


def crosswalk(record, **kwargs):
    kwargs.setdefault("source_key", "hanoi-library")
    return marc_to_record(record, **kwargs)
