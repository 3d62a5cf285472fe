"""Which rule decides: rule order and the default, each condition matching and failing,
addresses, and authors' death years for the public domain."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from catalogue.rights import (
    DEFAULT_REASON,
    DEFAULT_RULE_NAME,
    LicenceRule,
    Policy,
    death_year,
    decide,
    explain,
)
from tests.support.rights import LIBRARY_NETWORKS, NOW, OFFSITE_IP, ONSITE_IP6, actor, book, rule


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
