"""The preset rules: one for every rightsstatements.org statement, Creative Commons,
secret archives, the public domain in Vietnam."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from catalogue.rights import (
    DEFAULT_RULE_NAME,
    Policy,
    decide,
    preset_keys,
    preset_rules,
    record_visibility,
)
from tests.support.rights import LIBRARY_NETWORKS, NOW, OFFSITE_IP, ONSITE_IP, actor, allowed, book

RS = "http://rightsstatements.org/vocab/{}/1.0/"
STATEMENTS = [
    "InC",
    "InC-OW-EU",
    "InC-EDU",
    "InC-NC",
    "InC-RUU",
    "NoC-CR",
    "NoC-NC",
    "NoC-OKLR",
    "NoC-US",
    "CNE",
    "UND",
    "NKC",
]


@pytest.fixture(scope="module")
def presets():
    return Policy(preset_rules(), LIBRARY_NETWORKS)


def test_preset_keys_are_unique_and_rules_valid():
    keys = preset_keys()
    assert len(keys) == len(set(keys)) == len(preset_rules())
    assert {"secret-archives", "public-domain-vn", "orphan-works", "inc-registered-onsite"} <= set(
        keys
    )
    assert [r.preset for r in preset_rules(["orphan-works", "inc"])] == ["inc", "orphan-works"]
    with pytest.raises(KeyError, match="unknown preset"):
        preset_rules(["nope"])


# The preset that decides for each statement (anonymous, off site).
PRESET_FOR = {
    "InC": "inc",
    "InC-OW-EU": "orphan-works",
    "InC-EDU": "inc-edu",
    "InC-NC": "inc-nc",
    "InC-RUU": "inc-ruu",
    "NoC-CR": "noc-cr",
    "NoC-NC": "noc-nc",
    "NoC-OKLR": "noc-oklr",
    "NoC-US": "noc-us",
    "CNE": "cne",
    "UND": "und",
    "NKC": "nkc",
}


@pytest.mark.parametrize("statement", STATEMENTS)
def test_every_rightsstatement_has_a_preset(presets, statement):
    for uri in (RS.format(statement), RS.format(statement).replace("/vocab/", "/page/")):
        decision = decide(actor(), book(rights_statement=uri), "view_content", presets)
        assert decision.preset == PRESET_FOR[statement]
        assert decision.rule_name != DEFAULT_RULE_NAME and decision.reason


# Content (view_content) for each statement: anonymous off site, reader off site,
# reader on site.
PRESET_CONTENT = {
    "InC": "N N Y",
    "InC-OW-EU": "N Y Y",
    "InC-EDU": "N Y Y",
    "InC-NC": "Y Y Y",
    "InC-RUU": "N N Y",
    "NoC-CR": "Y Y Y",
    "NoC-NC": "Y Y Y",
    "NoC-OKLR": "N N Y",
    "NoC-US": "N N Y",
    "CNE": "N N Y",
    "UND": "N N Y",
    "NKC": "Y Y Y",
}


@pytest.mark.parametrize("statement", STATEMENTS)
def test_preset_content_access_per_statement(presets, statement):
    record = book(rights_statement=RS.format(statement))
    got = [
        allowed(presets, record, "view_content", role, ip)
        for role, ip in [("anonymous", OFFSITE_IP), ("reader", OFFSITE_IP), ("reader", ONSITE_IP)]
    ]
    assert " ".join("Y" if g else "N" for g in got) == PRESET_CONTENT[statement]
    assert allowed(presets, record, "see_record")  # all of these are catalogued openly


def test_preset_cc_by_content_is_public(presets):
    for uri in (
        "https://creativecommons.org/licenses/by/4.0/",
        "http://creativecommons.org/licenses/by-nc-nd/3.0/vn/",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ):
        record = book(rights_statement=uri)
        assert allowed(presets, record, "view_content")
        assert allowed(presets, record, "download")


def test_preset_in_copyright_content_is_not_public(presets):
    record = book(rights_statement="http://rightsstatements.org/vocab/InC/1.0/")
    assert not allowed(presets, record, "view_content")
    assert not allowed(presets, record, "view_content", "anonymous", ONSITE_IP)
    assert not allowed(presets, record, "view_content", "reader", OFFSITE_IP)
    assert allowed(presets, record, "view_content", "reader", ONSITE_IP)
    assert not allowed(presets, record, "download", "reader", ONSITE_IP)
    assert allowed(presets, record, "view_preview")


def test_preset_secret_archive_hidden_from_readers_not_librarians(presets):
    record = book(collections=["Tài liệu mật"], rights_statement=RS.format("NKC"))
    decision = decide(actor("reader", ONSITE_IP), record, "see_record", presets)
    assert not decision.allowed and decision.not_found
    decision = decide(actor("librarian"), record, "see_record", presets)
    assert decision.allowed and decision.preset == "secret-archives"
    assert "mật" in decision.reason
    assert record_visibility(record, presets, NOW) == "hidden"
    restricted = book(collections=["Tài liệu hạn chế"])
    assert record_visibility(restricted, presets, NOW) == "hidden"


def test_preset_public_domain_in_vietnam(presets):
    kieu = book(authors=["Nguyễn Du, 1765-1820"], year=1902)
    decision = decide(actor(), kieu, "download", presets)
    assert decision.allowed and decision.preset == "public-domain-vn"
    recent = book(authors=["Xuân Quỳnh, 1942-1988"])
    assert not allowed(presets, recent, "view_content")
    photo = replace(kieu, format="image")  # 75 years from publication: not this rule
    assert not allowed(presets, photo, "view_content")
    embargoed = replace(kieu, embargo_until=date(2026, 1, 1))
    assert decide(actor(), embargoed, "view_content", presets).preset == "embargo"
