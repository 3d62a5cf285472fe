"""The index's side of the policy: record_visibility and visible_levels never show in a
search what decide refuses."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from catalogue.rights import (
    LEVELS,
    Conditions,
    LicenceRule,
    Outcomes,
    Policy,
    decide,
    preset_rules,
    record_visibility,
    visible_levels,
)
from catalogue.rights.policy import probe_addresses
from tests.indexer.sample_records import sample_records
from tests.support.rights import (
    LIBRARY_NETWORKS,
    NOW,
    OFFSITE_IP,
    OFFSITE_IP6,
    ONSITE_IP,
    ONSITE_IP6,
    actor,
    allowed,
    book,
    rule,
)

ROOM = "10.20.5.0/24"  # a reading room inside the library network
SAMPLE_RULES = [
    rule("Archive", sources=["archive"], see_record="hidden"),
    rule("Audiobooks", collections=["Sách nói"], see_record="registered"),
    rule("Old VNU", sources=["vnu-library"], year_before=1990, see_record="onsite"),
    rule("NL reading room", sources=["national-library"], year_before=1980, ip_ranges=[ROOM]),
    rule("Old NL", sources=["national-library"], year_before=1980, see_record="onsite"),
    rule("Staff maps", formats=["map"], see_record="staff"),
    rule("PD", author_died_before_years=50, view_content="public", download="public"),
    rule("Rest", view_content="registered"),
]
ACTORS = [
    actor(role, ip)
    for role in ("anonymous", "reader", "librarian", "admin")
    for ip in ("", OFFSITE_IP, ONSITE_IP, ONSITE_IP6, OFFSITE_IP6, "10.20.5.77", "192.0.2.7", "x")
]


@pytest.mark.parametrize(
    ("policy", "expected_levels", "exact"),
    [
        (Policy(SAMPLE_RULES, LIBRARY_NETWORKS), set(LEVELS), True),
        (Policy(preset_rules(), LIBRARY_NETWORKS), {"public"}, True),
        (Policy(), {"public"}, True),
        # No library network: the reading-room grant cannot be indexed as "onsite".
        (Policy(SAMPLE_RULES), set(LEVELS), False),
    ],
    ids=["sample-rules", "presets", "no-rules", "sample-rules-no-networks"],
)
def test_index_visibility_agrees_with_decide(policy, expected_levels, exact):
    """A search shows a record to exactly those `decide` lets see it (or, where one
    index value cannot say who, to fewer: never to more)."""
    levels = {a: visible_levels(a, policy) for a in ACTORS}
    seen_levels, inexact = set(), set()
    for record in sample_records():
        visibility = record_visibility(record, policy, NOW)
        seen_levels.add(visibility)
        for who in ACTORS:
            in_search = visibility in levels[who]
            may_see = decide(who, record, "see_record", policy).allowed
            if in_search:
                assert may_see, (record.id, who)
            elif may_see:
                inexact.add(record.id)
    assert seen_levels == expected_levels
    assert inexact == (set() if exact else {"national-library:nl-tcvh"})
    assert seen_levels == expected_levels


def test_sample_records_get_the_expected_index_levels():
    policy = Policy(SAMPLE_RULES, LIBRARY_NETWORKS)
    got = {r.id: record_visibility(r, policy, NOW) for r in sample_records()}
    assert got["archive:secret-1"] == got["archive:kieu-secret"] == "hidden"
    assert got["hanoi-library:hn-so-do"] == "registered"
    assert got["vnu-library:vnu-tt-01"] == "onsite"  # 1980, VNU
    assert got["national-library:nl-tale"] == "public"  # 1983: not "Old NL"
    assert got["national-library:nl-tcvh"] == "onsite"  # 1960: the room or the network
    assert got["vnu-library:vnu-les-mis"] == "public"
    assert got["hanoi-library:hn-map-1873"] == "staff"
    assert got["hanoi-library:hn-001"] == "public"


def test_visible_levels():
    policy = Policy(SAMPLE_RULES, LIBRARY_NETWORKS)
    assert visible_levels(actor(), policy) == ["public"]
    assert visible_levels(actor("anonymous", ONSITE_IP), policy) == ["public", "onsite"]
    assert visible_levels(actor("anonymous", "10.20.5.1"), policy) == ["public", "onsite"]
    assert visible_levels(actor("anonymous", "192.0.2.1"), policy) == ["public"]
    assert visible_levels(actor("reader", OFFSITE_IP), policy) == ["public", "registered"]
    assert visible_levels(actor("reader", ONSITE_IP6), policy) == [
        "public",
        "registered",
        "onsite",
    ]
    assert visible_levels(actor("librarian"), policy) == list(LEVELS)
    assert visible_levels(actor("admin", OFFSITE_IP), policy) == list(LEVELS)


@pytest.mark.parametrize("room", ["192.0.2.0/24", "10.20.5.0/24"])
def test_a_room_only_grant_is_indexed_on_the_safe_side(room):
    # Open in one reading room, staff-only elsewhere (the rest of the library network
    # too): no single index value says that, so the index shows it to staff only.
    policy = Policy([rule("room", ip_ranges=[room]), rule("closed", see_record="staff")])
    policy = Policy(policy.rules, LIBRARY_NETWORKS)
    assert record_visibility(book(), policy, NOW) == "staff"
    in_room = room.replace("0/24", "9")
    assert allowed(policy, book(), "see_record", "anonymous", in_room)  # by its link
    assert not allowed(policy, book(), "see_record", "reader", ONSITE_IP)
    for who in [*ACTORS, actor("reader", in_room)]:
        if "staff" in visible_levels(who, policy):
            assert decide(who, book(), "see_record", policy).allowed


def test_a_room_outside_the_network_that_hides_a_record_keeps_it_out_of_search():
    policy = Policy(
        [rule("room", ip_ranges=["192.0.2.0/24"], see_record="hidden"), rule("rest")],
        LIBRARY_NETWORKS,
    )
    assert record_visibility(book(), policy, NOW) == "onsite"  # not "public"
    for who in [*ACTORS, actor("reader", "192.0.2.1"), actor("anonymous", "192.0.2.1")]:
        if "onsite" in visible_levels(who, policy):
            assert decide(who, book(), "see_record", policy).allowed
    assert not allowed(policy, book(), "see_record", "reader", "192.0.2.1")


def test_embargo_and_time_change_visibility_only_through_rules():
    policy = Policy([rule("embargo", embargo_active=True, see_record="staff")])
    record = book(embargo_until=date(2025, 7, 1))
    assert record_visibility(record, policy, NOW) == "staff"
    assert record_visibility(record, policy, datetime(2025, 7, 1)) == "public"


def test_probe_addresses_cut_nested_ranges_into_cells():
    from ipaddress import ip_address, ip_network

    nets = [ip_network("10.0.0.0/16"), ip_network("10.0.5.0/24"), ip_network("2001:db8::/32")]
    assert probe_addresses(nets, within=nets[1:2]) == (ip_address("10.0.5.0"),)
    assert probe_addresses(nets) == (
        ip_address("10.0.0.0"),
        ip_address("10.0.5.0"),
        ip_address("10.0.6.0"),
        ip_address("2001:db8::"),
    )
    assert probe_addresses([ip_network("255.255.255.0/24")]) == (ip_address("255.255.255.0"),)


def random_policy(rng):
    """A random policy mixing record conditions, address conditions and every level."""
    ranges = ["10.20.5.0/24", "192.0.2.0/24", "10.20.0.0/17", "2001:db8:20:5::/64"]
    rules = []
    for n in range(rng.randint(0, 6)):
        conditions = {}
        if rng.random() < 0.4:
            conditions["sources"] = rng.sample(
                ["hanoi-library", "vnu-library", "national-library", "archive"], 2
            )
        if rng.random() < 0.3:
            conditions["year_before"] = rng.choice([1950, 1990, 2010])
        if rng.random() < 0.4:
            conditions["ip_ranges"] = rng.sample(ranges, rng.randint(1, 2))
        if rng.random() < 0.2:
            conditions["onsite"] = rng.random() < 0.5
        outcomes = {a: rng.choice(LEVELS) for a in ("see_record", "view_content", "download")}
        rules.append(
            LicenceRule(
                name=f"r{n}",
                conditions=Conditions(**conditions),
                outcomes=Outcomes(**outcomes),
                enabled=rng.random() < 0.9,
            )
        )
    networks = rng.choice([[], LIBRARY_NETWORKS, ["10.20.0.0/16"]])
    return Policy(rules, networks)


def test_index_never_shows_what_decide_refuses_random_policies():
    import random

    rng = random.Random(20251121)
    ips = [
        "",
        OFFSITE_IP,
        ONSITE_IP,
        ONSITE_IP6,
        OFFSITE_IP6,
        "10.20.5.1",
        "10.20.200.1",
        "192.0.2.1",
        "2001:db8:20:5::9",
    ]
    actors = [actor(role, ip) for role in ("anonymous", "reader", "librarian") for ip in ips]
    records = sample_records()
    for _ in range(150):
        policy = random_policy(rng)
        levels = {a: visible_levels(a, policy) for a in actors}
        for record in records:
            visibility = record_visibility(record, policy, NOW)
            for who in actors:
                decision = decide(who, record, "see_record", policy)
                if visibility in levels[who]:
                    assert decision.allowed, (policy.rules, record.id, who)
                if who.is_staff:
                    assert decision.allowed
