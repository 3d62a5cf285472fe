"""Licence rules that cannot be valid name the field; valid ones round-trip; rights
statement URIs are compared in one normal form."""

from __future__ import annotations

import pytest

from catalogue.rights import Conditions, LicenceRule, Outcomes, Policy, RuleError, normalise_uri
from tests.support.rights import rule


@pytest.mark.parametrize(
    ("build", "field", "message"),
    [
        (lambda: Outcomes(view_content="private"), "outcomes.view_content", "unknown level"),
        (lambda: Outcomes(preview_max_px=-1), "outcomes.preview_max_px", "out of range"),
        (lambda: Outcomes(preview_max_px="big"), "outcomes.preview_max_px", "whole"),
        (lambda: Conditions(ip_ranges=["10.0.0.0/33"]), "conditions.ip_ranges", "not an IP"),
        (lambda: Conditions(ip_ranges=["reading room"]), "conditions.ip_ranges", "not an IP"),
        (lambda: Conditions(year_before="1950"), "conditions.year_before", "whole year"),
        (lambda: Conditions(year_from=True), "conditions.year_from", "whole year"),
        (lambda: Conditions(year_from=99999), "conditions.year_from", "out of range"),
        (
            lambda: Conditions(year_from=1950, year_before=1950),
            "conditions.year_before",
            "no year",
        ),
        (lambda: Conditions(formats=["ebook"]), "conditions.formats", "unknown format"),
        (lambda: Conditions(sources=[""]), "conditions.sources", "non-empty"),
        (lambda: Conditions(embargo_active="yes"), "conditions.embargo_active", "true or false"),
        (
            lambda: Conditions(author_died_before_years=-5),
            "conditions.author_died_before_years",
            "out of range",
        ),
        (lambda: Conditions.from_dict({"colour": "red"}), "conditions.colour", "unknown"),
        (lambda: Outcomes.from_dict({"print": "public"}), "outcomes.print", "unknown"),
        (lambda: LicenceRule(name="  "), "name", "needs a name"),
        (
            lambda: LicenceRule.from_dict({"name": "x", "outcomes": {"download": "everyone"}}),
            "outcomes.download",
            "unknown level",
        ),
        (lambda: Policy([], onsite_networks=["10.0.0"]), "onsite_networks", "not an IP"),
    ],
)
def test_validation_names_the_field(build, field, message):
    with pytest.raises(RuleError, match=message) as caught:
        build()
    assert caught.value.field == field
    assert str(caught.value).startswith(field)


def test_rule_round_trips_through_dicts():
    original = rule(
        "All of it",
        rule_id=4,
        position=2,
        sources=["a"],
        collections=["Sách quý"],
        formats=["map"],
        rights_statements=["http://rightsstatements.org/vocab/InC/"],
        year_from=1800,
        year_before=1900,
        author_died_before_years=50,
        embargo_active=False,
        ip_ranges=["10.1.2.3/16", "2001:db8::/32"],
        onsite=True,
        see_record="registered",
        view_content="onsite",
        download="staff",
        view_preview="public",
        preview_max_px=1000,
    )
    assert original.conditions.ip_ranges == ("10.1.0.0/16", "2001:db8::/32")
    data = original.to_dict()
    assert data["conditions"]["ip_ranges"] == ["10.1.0.0/16", "2001:db8::/32"]
    assert LicenceRule.from_dict(data) == original
    assert Conditions.from_dict({}).to_dict() == {}
    assert "view_preview" not in Outcomes().to_dict()


def test_rights_uri_normalisation():
    inc = "rightsstatements.org/vocab/inc/1.0/"
    assert normalise_uri("http://rightsstatements.org/vocab/InC/1.0/") == inc
    assert normalise_uri("https://rightsstatements.org/page/InC/1.0/?language=en") == inc
    assert normalise_uri("  HTTPS://www.RightsStatements.org/vocab/InC/1.0 ") == inc
    assert normalise_uri("http://creativecommons.org/licenses/by", prefix=True) == (
        "creativecommons.org/licenses/by"
    )
