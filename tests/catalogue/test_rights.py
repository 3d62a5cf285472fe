"""The access policy: the level × role × place matrix, every condition, presets, the index."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from catalogue import Record
from catalogue.rights import (
    ACTIONS,
    DEFAULT_REASON,
    DEFAULT_RULE_NAME,
    LEVELS,
    Actor,
    Conditions,
    LicenceRule,
    Outcomes,
    Policy,
    RuleError,
    death_year,
    decide,
    explain,
    normalise_uri,
    preset_keys,
    preset_rules,
    record_visibility,
    visible_levels,
)
from catalogue.rights.policy import probe_addresses
from indexer.protocol import VISIBILITY_LEVELS
from tests.indexer.sample_records import sample_records

NOW = datetime(2025, 6, 1, 12, 0)
LIBRARY_NETWORKS = ["10.20.0.0/16", "2001:db8:20::/48"]
ONSITE_IP = "10.20.3.4"
ONSITE_IP6 = "2001:db8:20:1::5"
OFFSITE_IP = "203.0.113.7"
OFFSITE_IP6 = "2001:db8:99::1"


def actor(role="anonymous", ip="", now=NOW):
    return Actor(role, "" if role == "anonymous" else f"{role}-1", ip, now)


def book(**kw):
    values = {"source_key": "hanoi-library", "local_id": "1", "title": "Truyện Kiều"}
    values.update(kw)
    return Record(**values)


def rule(name="rule", rule_id=None, position=None, enabled=True, reason="", **kw):
    """A rule from keyword arguments: condition names and outcome names mixed."""
    outcome_names = {"see_record", "view_content", "download", "view_preview", "preview_max_px"}
    outcomes = {k: v for k, v in kw.items() if k in outcome_names}
    conditions = {k: v for k, v in kw.items() if k not in outcome_names}
    return LicenceRule(
        name=name,
        conditions=Conditions(**conditions),
        outcomes=Outcomes(**outcomes),
        reason=reason or f"because {name}",
        enabled=enabled,
        id=rule_id,
        position=position,
    )


def allowed(policy, record, action, role="anonymous", ip=""):
    return decide(actor(role, ip), record, action, policy).allowed


def test_levels_are_the_index_levels():
    assert LEVELS == VISIBILITY_LEVELS


# -- the matrix --------------------------------------------------------------------

COLUMNS = [
    ("anonymous", OFFSITE_IP),
    ("anonymous", ONSITE_IP),
    ("reader", OFFSITE_IP),
    ("reader", ONSITE_IP),
    ("librarian", OFFSITE_IP),
    ("librarian", ONSITE_IP),
    ("admin", OFFSITE_IP),
    ("admin", ONSITE_IP),
]

# What each level set on each action allows, written out rather than computed.
# Columns:          anon   anon    reader reader  libr.  libr.   admin  admin
#                   off    on      off    on      off    on      off    on
MATRIX = {
    ("see_record", "public"): "Y Y Y Y Y Y Y Y",
    ("see_record", "registered"): "N N Y Y Y Y Y Y",
    ("see_record", "onsite"): "N Y N Y Y Y Y Y",
    ("see_record", "staff"): "N N N N Y Y Y Y",
    ("see_record", "hidden"): "N N N N Y Y Y Y",
    ("view_content", "public"): "Y Y Y Y Y Y Y Y",
    ("view_content", "registered"): "N N Y Y Y Y Y Y",
    ("view_content", "onsite"): "N Y N Y Y Y Y Y",
    ("view_content", "staff"): "N N N N Y Y Y Y",
    ("view_content", "hidden"): "N N N N Y Y Y Y",
    ("download", "public"): "Y Y Y Y Y Y Y Y",
    ("download", "registered"): "N N Y Y Y Y Y Y",
    ("download", "onsite"): "N Y N Y Y Y Y Y",
    ("download", "staff"): "N N N N Y Y Y Y",
    ("download", "hidden"): "N N N N Y Y Y Y",
    ("view_preview", "public"): "Y Y Y Y Y Y Y Y",
    ("view_preview", "registered"): "N N Y Y Y Y Y Y",
    ("view_preview", "onsite"): "N Y N Y Y Y Y Y",
    ("view_preview", "staff"): "N N N N Y Y Y Y",
    ("view_preview", "hidden"): "N N N N Y Y Y Y",
}


def test_matrix_covers_every_action_and_level():
    assert set(MATRIX) == {(a, lv) for a in ACTIONS for lv in LEVELS}


@pytest.mark.parametrize(("action", "level"), sorted(MATRIX))
def test_matrix(action, level):
    # The record itself is public unless see_record is the action under test.
    outcomes = {"see_record": "public", "view_content": "public", "download": "public"}
    outcomes[action] = level
    policy = Policy([rule("matrix", rule_id=7, preview_max_px=600, **outcomes)], LIBRARY_NETWORKS)
    got = []
    for role, ip in COLUMNS:
        decision = decide(actor(role, ip), book(), action, policy)
        assert (decision.level, decision.action, decision.rule_id) == (level, action, 7)
        assert decision.reason == "because matrix"
        got.append("Y" if decision.allowed else "N")
    assert " ".join(got) == MATRIX[(action, level)]


@pytest.mark.parametrize("level", LEVELS)
def test_matrix_over_ipv6(level):
    policy = Policy([rule(view_content=level)], LIBRARY_NETWORKS)
    expected = MATRIX[("view_content", level)].split()
    for (role, ip), want in zip(COLUMNS, expected, strict=True):
        ip6 = ONSITE_IP6 if ip == ONSITE_IP else OFFSITE_IP6
        assert allowed(policy, book(), "view_content", role, ip6) is (want == "Y"), (role, ip6)


def test_hidden_records_are_not_found_restricted_ones_are_refused():
    for level, not_found in [("hidden", True), ("staff", True), ("registered", False)]:
        policy = Policy([rule(see_record=level)])
        decision = decide(actor(), book(), "see_record", policy)
        assert not decision.allowed
        assert decision.not_found is not_found
        assert not decide(actor("librarian"), book(), "see_record", policy).not_found


def test_staff_see_hidden_records_with_the_rule_and_reason():
    policy = Policy([rule("Secret", rule_id=3, see_record="hidden", reason="classified")])
    decision = decide(actor("librarian"), book(), "see_record", policy)
    assert decision.allowed and decision.level == "hidden"
    assert (decision.rule_id, decision.rule_name, decision.reason) == (3, "Secret", "classified")


def test_no_action_beyond_a_record_one_may_not_see():
    policy = Policy(
        [
            rule(
                see_record="registered",
                view_content="public",
                download="public",
                view_preview="public",
            )
        ]
    )
    for action in ("view_content", "download", "view_preview"):
        decision = decide(actor(), book(), action, policy)
        assert not decision.allowed and "registered" in decision.reason
        assert allowed(policy, book(), action, "reader")


def test_onsite_without_networks_is_staff_only():
    policy = Policy([rule(view_content="onsite")])
    assert not allowed(policy, book(), "view_content", "reader", ONSITE_IP)
    assert allowed(policy, book(), "view_content", "librarian")


def test_onsite_in_the_rules_own_reading_room():
    room = "192.0.2.0/24"
    policy = Policy(
        [rule("room", ip_ranges=[room], view_content="onsite"), rule("rest", view_content="staff")]
    )
    decision = decide(actor("anonymous", "192.0.2.9"), book(), "view_content", policy)
    assert decision.allowed and decision.rule_name == "room"
    decision = decide(actor("anonymous", ONSITE_IP), book(), "view_content", policy)
    assert not decision.allowed and decision.rule_name == "rest"


def test_preview_size_and_no_preview():
    policy = Policy([rule(preview_max_px=800)])
    decision = decide(actor(), book(), "view_preview", policy)
    assert decision.allowed and decision.preview_max_px == 800
    assert decide(actor("admin"), book(), "view_preview", policy).preview_max_px is None
    assert decide(actor(), book(), "see_record", policy).preview_max_px is None
    none = Policy([rule(preview_max_px=0)])
    decision = decide(actor("reader"), book(), "view_preview", none)
    assert not decision.allowed and "No preview" in decision.reason
    assert allowed(none, book(), "view_preview", "librarian")
    separate = Policy([rule(view_preview="registered")])
    assert not allowed(separate, book(), "view_preview")
    assert allowed(separate, book(), "view_preview", "reader")


def test_decisions_gives_all_actions_alike():
    policy = Policy(preset_rules(), LIBRARY_NETWORKS)
    record = book(rights_statement="http://rightsstatements.org/vocab/InC/1.0/")
    for who in (actor(), actor("reader", ONSITE_IP), actor("librarian")):
        assert policy.decisions(who, record) == {a: decide(who, record, a, policy) for a in ACTIONS}


def test_unknown_action_and_role():
    with pytest.raises(ValueError, match="unknown action"):
        decide(actor(), book(), "delete", Policy())
    with pytest.raises(ValueError, match="unknown role"):
        Actor("guest")
    assert Actor.anonymous("1.2.3.4") == Actor("anonymous", "", "1.2.3.4", None)


# -- ordering and the default ----------------------------------------------------------


def test_first_enabled_match_wins():
    rules = [
        rule("off", rule_id=1, enabled=False, see_record="hidden"),
        rule("other source", rule_id=2, sources=["vnu-library"], see_record="staff"),
        rule("first", rule_id=3, collections=["Sách quý"], view_content="registered"),
        rule("second", rule_id=4, collections=["Sách quý"], view_content="public"),
        rule("catch-all", rule_id=5, view_content="onsite"),
    ]
    record = book(collections=["Sách quý"])
    decision = decide(actor(), record, "view_content", Policy(rules))
    assert (decision.rule_id, decision.rule_name, decision.allowed) == (3, "first", False)
    swapped = Policy([rules[0], rules[1], rules[3], rules[2], rules[4]])
    decision = decide(actor(), record, "view_content", swapped)
    assert (decision.rule_id, decision.allowed) == (4, True)
    assert decide(actor(), book(), "view_content", Policy(rules)).rule_id == 5
    assert decide(actor(), book(), "see_record", Policy(rules)).allowed  # disabled: skipped


def test_default_when_nothing_matches():
    policy = Policy([rule(sources=["elsewhere"], see_record="hidden")])
    expected = {
        "see_record": (True, "public"),
        "view_content": (False, "staff"),
        "download": (False, "staff"),
        "view_preview": (True, "public"),
    }
    for action, (ok, level) in expected.items():
        decision = decide(actor("reader"), book(), action, policy)
        assert (decision.allowed, decision.level) == (ok, level), action
        assert decision.rule_id is None
        assert decision.rule_name == DEFAULT_RULE_NAME
        assert decision.reason == DEFAULT_REASON
    assert decide(actor(), book(), "view_preview", policy).preview_max_px == 400
    assert decide(actor("librarian"), book(), "view_content", policy).allowed


def test_a_rule_without_reason_still_gives_one():
    policy = Policy([LicenceRule(name="Bare")])
    assert "Bare" in decide(actor(), book(), "see_record", policy).reason


# -- each condition ----------------------------------------------------------------------

CONDITION_CASES = [
    ({"sources": ["hanoi-library", "x"]}, {}, {"source_key": "vnu-library"}),
    ({"collections": ["Sách nói"]}, {"collections": ["sách nói"]}, {"collections": ["Báo"]}),
    ({"collections": ["Sách nói"]}, {"collections": ["Báo", "Sách nói"]}, {}),
    ({"formats": ["audiobook", "music"]}, {"format": "audiobook"}, {"format": "book"}),
    (
        {"rights_statements": ["http://rightsstatements.org/vocab/InC/"]},
        {"rights_statement": "https://rightsstatements.org/page/InC/1.0/?language=vi"},
        {"rights_statement": "http://rightsstatements.org/vocab/InC-EDU/1.0/"},
    ),
    (
        {"rights_statements": ["https://creativecommons.org/licenses/by/"]},
        {"rights_statement": "http://www.creativecommons.org/licenses/by/4.0"},
        {"rights_statement": "https://creativecommons.org/licenses/by-nc/4.0/"},
    ),
    ({"rights_statements": ["http://rightsstatements.org/vocab/InC/"]}, None, {}),
    ({"year_before": 1950}, {"year": 1949}, {"year": 1950}),
    ({"year_from": 1950}, {"year": 1950}, {"year": 1949}),
    ({"year_from": 1900, "year_before": 1950}, {"year": 1925}, {"year": None}),
    ({"embargo_active": True}, {"embargo_until": date(2025, 6, 2)}, {"embargo_until": None}),
    ({"embargo_active": True}, None, {"embargo_until": date(2025, 6, 1)}),  # ends today
    ({"embargo_active": False}, {"embargo_until": NOW.date()}, {"embargo_until": date(2025, 6, 2)}),
    ({"embargo_active": False}, {}, {"embargo_until": date(2030, 1, 1)}),
    (
        {"author_died_before_years": 50},
        {"authors": ["Nguyễn Du, 1765-1820"]},
        {"authors": ["Tô Hoài, 1920-2014"]},
    ),
]


@pytest.mark.parametrize(("conditions", "matching", "failing"), CONDITION_CASES)
def test_each_condition_matches_and_fails(conditions, matching, failing):
    policy = Policy([rule("r", rule_id=1, view_content="public", **conditions)])
    if matching is not None:
        decision = decide(actor(), book(**matching), "view_content", policy)
        assert decision.rule_id == 1 and decision.allowed
    decision = decide(actor(), book(**failing), "view_content", policy)
    assert decision.rule_id is None and not decision.allowed
    (check,) = explain(book(**failing), policy, actor())
    assert not check.matched and check.failed and check.detail


@pytest.mark.parametrize(
    ("ip", "matches"),
    [
        ("192.0.2.1", True),
        ("198.51.100.200", True),
        ("::ffff:192.0.2.1", True),  # IPv4-mapped, as a dual-stack server reports it
        ("2001:db8:abcd:12::1", True),
        ("192.0.3.1", False),
        ("2001:db8:abce::1", False),
        ("", False),
        ("not an address", False),
    ],
)
def test_ip_ranges_v4_and_v6(ip, matches):
    ranges = ["192.0.2.0/24", "198.51.100.128/25", "2001:db8:abcd::/48"]
    policy = Policy([rule("room", rule_id=9, ip_ranges=ranges, view_content="public")])
    decision = decide(actor("anonymous", ip), book(), "view_content", policy)
    assert (decision.rule_id == 9) is matches
    assert decision.allowed is matches


def test_onsite_condition_uses_the_library_networks():
    rules = [rule("in", onsite=True, view_content="public"), rule("out", onsite=False)]
    policy = Policy(rules, LIBRARY_NETWORKS)
    assert decide(actor("anonymous", ONSITE_IP6), book(), "view_content", policy).allowed
    decision = decide(actor("anonymous", OFFSITE_IP), book(), "view_content", policy)
    assert decision.rule_name == "out" and not decision.allowed
    assert decide(actor(), book(), "view_content", Policy(rules)).rule_name == "out"


# -- author death years ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("Nguyễn Du, 1765-1820", 1820),
        ("Nguyễn, Du, 1765–1820", 1820),
        ("Hồ Xuân Hương (1772-1822)", 1822),
        ("d. 1820", 1820),
        ("Lê Quý Đôn, mất năm 1784", 1784),
        ("1890-1969.", 1969),
        ("Hugo, Victor, 1802-1885, author", 1885),
        ("Nguyễn Trãi, 1380-1442", 1442),
        ("Khuông Việt, 933-1011", 1011),
        ("Nguyễn Bỉnh Khiêm, 1491?-1585", 1585),
        ("Ngô Sĩ Liên, ?-1499", 1499),
        ("ca. 1765-ca. 1820", 1820),
        ("Khổng Tử, 551-479 TCN", -479),
        ("Confucius, 551-479 B.C.", -479),
        ("Nguyễn Du", None),
        ("Nguyễn Nhật Ánh, 1955-", None),
        ("b. 1900", None),
        ("Phạm, Văn Đồng, fl. 1800-1850", None),
        ("Tuyển tập, tập 1-12", None),
        ("Hội Nhà văn Việt Nam", None),
        ("", None),
    ],
)
def test_death_year(name, year):
    assert death_year(name) == year


def test_public_domain_after_fifty_full_years():
    policy = Policy([rule("pd", author_died_before_years=50, view_content="public")])

    def public(*authors, contributors=(), now=NOW):
        record = book(authors=list(authors), contributors=list(contributors))
        return decide(actor(now=now), record, "view_content", policy).allowed

    assert public("Nguyễn Du, 1765-1820")  # born 1765, died 1820
    assert not public("Xuân Quỳnh, 1942-2000")
    assert public("Nam Cao, 1915-1974")  # protected to the end of 2024
    assert not public("Nam Cao, 1915-1974", now=datetime(2024, 12, 31))
    assert not public("A, 1900-1975")
    assert not public("Nguyễn Du")  # no death year known: never assumed
    assert not public()  # nobody named
    assert not public("Nguyễn Du, 1765-1820", "Someone Unknown")
    assert not public("Nguyễn Du, 1765-1820", contributors=["Huỳnh, Sanh Thông, 1926-2008"])
    assert not public("Nguyễn Du, 1765-1820", contributors=["Đào, Duy Anh, 1904-1988"])
    assert public("Nguyễn Du, 1765-1820", contributors=["Kim, Trọng Đệ, 1880-1930"])


# -- validation -----------------------------------------------------------------------


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


# -- explain ---------------------------------------------------------------------------


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


# -- the index: record_visibility and visible_levels agree with decide -------------------

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


# -- presets -------------------------------------------------------------------------------

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


# -- why not, as a code and values the console translates (F12) ---------------------------


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
