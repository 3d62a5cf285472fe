"""The access policy's level × role × place matrix, and what each decision carries."""

from __future__ import annotations

import pytest

from catalogue.rights import ACTIONS, LEVELS, Actor, Policy, decide, preset_rules
from indexer.protocol import VISIBILITY_LEVELS
from tests.support.rights import (
    LIBRARY_NETWORKS,
    OFFSITE_IP,
    OFFSITE_IP6,
    ONSITE_IP,
    ONSITE_IP6,
    actor,
    allowed,
    book,
    rule,
)


def test_levels_are_the_index_levels():
    assert LEVELS == VISIBILITY_LEVELS


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
