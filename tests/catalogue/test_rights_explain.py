"""Explaining a decision: every rule walked, and why not as a code and values the console
translates (F12)."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.rights import Policy, explain
from tests.support.rights import LIBRARY_NETWORKS, OFFSITE_IP, ONSITE_IP, actor, book, rule


def test_explain_walks_every_rule():
    rules = [
        rule("wrong source", rule_id=1, position=0, sources=["vnu-library"]),
        rule("disabled", rule_id=2, position=1, enabled=False),
        rule("winner", rule_id=3, position=2, year_before=1950),
        rule("also matches", rule_id=4, position=3),
        rule("room only", rule_id=5, position=4, ip_ranges=["192.0.2.0/24"]),
    ]
    checks = explain(book(year=1936), Policy(rules))
    assert [(c.rule_id, c.matched, c.winner, c.failed) for c in checks] == [
        (1, False, False, "sources"),
        (2, False, False, "enabled"),
        (3, True, True, ""),
        (4, True, False, ""),
        (5, False, False, "ip_ranges"),
    ]
    assert "vnu-library" in checks[0].detail
    in_room = explain(book(year=1936), Policy(rules), actor("reader", "192.0.2.4"))
    assert in_room[4].matched and not in_room[4].winner
    assert explain(book(year=1990), Policy(rules))[2].detail == "published 1990, not before 1950"


@pytest.mark.parametrize(
    ("conditions", "record", "code", "params"),
    [
        ({"sources": ["vnu-library"]}, {}, "source_not_listed",
         {"source": "hanoi-library", "listed": ("vnu-library",)}),
        ({"collections": ["Sách nói"]}, {"collections": ["Bản đồ"]}, "collections_none",
         {"have": ("Bản đồ",), "listed": ("Sách nói",)}),
        ({"formats": ["map"]}, {}, "format_not_listed", {"format": "book", "listed": ("map",)}),
        ({"rights_statements": ["http://rightsstatements.org/vocab/InC/"]}, {}, "rights_none",
         {"listed": ("http://rightsstatements.org/vocab/InC/",)}),
        ({"year_from": 1950}, {}, "year_missing", {}),
        ({"year_from": 1950}, {"year": 1936}, "year_too_early", {"year": 1936, "start": 1950}),
        ({"year_before": 1950}, {"year": 1990}, "year_too_late", {"year": 1990, "end": 1950}),
        ({"author_died_before_years": 50}, {}, "no_creator", {}),
        ({"author_died_before_years": 50}, {"authors": ["Nguyễn Tuân"]}, "death_unknown",
         {"name": "Nguyễn Tuân"}),
        ({"author_died_before_years": 50}, {"authors": ["Xuân Diệu, 1916-1985"]},
         "died_too_late", {"name": "Xuân Diệu, 1916-1985", "died": 1985, "latest": 1975}),
        ({"embargo_active": True}, {}, "no_embargo", {}),
        ({"embargo_active": True}, {"embargo_until": date(2020, 1, 1)}, "embargo_ended",
         {"until": date(2020, 1, 1)}),
        ({"embargo_active": False}, {"embargo_until": date(2099, 1, 1)}, "embargo_active",
         {"until": date(2099, 1, 1)}),
    ],
)  # fmt: skip
def test_every_reason_carries_a_code_and_its_values(conditions, record, code, params):
    (check,) = explain(book(**record), Policy([rule(**conditions)]))
    assert not check.matched
    assert (check.detail.code, check.detail.params) == (code, params)
    assert isinstance(check.detail, str) and check.detail  # still the English words


def test_address_reasons_carry_codes_too():
    policy = Policy([rule(ip_ranges=["192.0.2.0/24"])])
    (check,) = explain(book(), policy, actor("reader", OFFSITE_IP))
    assert check.detail.code == "address_not_listed"
    assert check.detail.params == {"address": OFFSITE_IP, "listed": ("192.0.2.0/24",)}
    (unknown,) = explain(book(), policy, actor("reader"))
    assert unknown.detail.params["address"] == "" and "no address" in unknown.detail
    onsite = Policy([rule(onsite=True)], onsite_networks=LIBRARY_NETWORKS)
    (off,) = explain(book(), onsite, actor("reader", OFFSITE_IP))
    assert (off.detail.code, off.detail.params) == ("not_onsite", {"address": OFFSITE_IP})
    offsite_only = Policy([rule(onsite=False)], onsite_networks=LIBRARY_NETWORKS)
    (on,) = explain(book(), offsite_only, actor("reader", ONSITE_IP))
    assert (on.detail.code, on.detail.params) == ("onsite", {"address": ONSITE_IP})
