"""Licence rules in the store (order, edits, presets) and what a rule change affects."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from catalogue import Record
from catalogue.rights import (
    Actor,
    Conditions,
    LicenceRule,
    Outcomes,
    Policy,
    RuleError,
    RuleNotFound,
    affected_records,
    decide,
    delete_rule,
    get_rule,
    install_presets,
    iter_affected_records,
    load_policy,
    load_rules,
    move_rule,
    preset_rules,
    replace_rules,
    rules_version,
    save_rule,
)
from catalogue.runs import HarvestedItem
from catalogue.sources import Source
from catalogue.store import Store
from catalogue.tables import LicenceRuleRow

NOW = datetime(2025, 6, 1, 12, 0)
INC = "http://rightsstatements.org/vocab/InC/1.0/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture
def store(store_url):
    store = Store(store_url)
    for key in ("hn", "qg", "vnu"):
        store.put_source(Source(key=key, name=key, type="oai", url="http://127.0.0.1:1/oai"))
    yield store
    store.close()


def names(rules):
    return [r.name for r in rules]


def simple(name, **outcomes):
    return LicenceRule(name=name, outcomes=Outcomes(**outcomes), reason=f"because {name}")


# -- the rule list in the store ----------------------------------------------------------


def test_round_trip_keeps_every_field(store):
    rule = LicenceRule(
        name="Sách quý trong phòng đọc",
        conditions=Conditions(
            sources=["hn"],
            collections=["Sách quý"],
            formats=["book", "manuscript"],
            rights_statements=["http://rightsstatements.org/vocab/InC/"],
            year_from=1800,
            year_before=1945,
            author_died_before_years=50,
            embargo_active=False,
            ip_ranges=["10.20.5.0/24", "2001:db8:20::/48"],
            onsite=True,
        ),
        outcomes=Outcomes(
            see_record="registered",
            view_content="onsite",
            download="staff",
            view_preview="public",
            preview_max_px=900,
        ),
        reason="Rare books: read in the reading room.",
        enabled=False,
        preset="",
    )
    saved = save_rule(store, rule, updated_by="lan")
    assert saved.id is not None and saved.position == 0
    assert saved.updated_by == "lan" and saved.updated_at.tzinfo is not None
    (loaded,) = load_rules(store)
    assert loaded == replace(rule, id=saved.id, position=0) == saved
    assert get_rule(store, saved.id) == saved
    assert get_rule(store, saved.id + 100) is None


def test_new_rules_append_or_go_where_asked(store):
    a = save_rule(store, simple("A"))
    b = save_rule(store, simple("B"))
    first = save_rule(store, replace(simple("First"), position=0))
    middle = save_rule(store, replace(simple("Middle"), position=2))
    far = save_rule(store, replace(simple("Far"), position=99))
    rules = load_rules(store)
    assert names(rules) == ["First", "A", "Middle", "B", "Far"]
    assert [r.position for r in rules] == [0, 1, 2, 3, 4]
    assert [r.id for r in rules] == [first.id, a.id, middle.id, b.id, far.id]


def test_update_in_place_and_move_by_saving(store):
    a, b, c = (save_rule(store, simple(n)) for n in "ABC")
    changed = save_rule(store, replace(b, name="B2", outcomes=Outcomes(see_record="hidden")))
    assert changed.id == b.id and changed.position == 1
    assert names(load_rules(store)) == ["A", "B2", "C"]
    save_rule(store, replace(c, position=0), updated_by="minh")
    rules = load_rules(store)
    assert names(rules) == ["C", "A", "B2"]
    assert rules[0].updated_by == "minh"
    assert load_rules(store)[2].outcomes.see_record == "hidden"
    with pytest.raises(RuleNotFound):
        save_rule(store, replace(a, id=a.id + 100))


def test_move_rule(store):
    ids = [save_rule(store, simple(n)).id for n in "ABCD"]
    assert names(move_rule(store, ids[3], 0)) == ["D", "A", "B", "C"]
    assert names(move_rule(store, ids[3], 2)) == ["A", "B", "D", "C"]
    assert names(move_rule(store, ids[0], 99)) == ["B", "D", "C", "A"]
    assert names(move_rule(store, ids[0], -5)) == ["A", "B", "D", "C"]
    assert [r.position for r in load_rules(store)] == [0, 1, 2, 3]
    with pytest.raises(RuleNotFound):
        move_rule(store, 12345, 0)


def test_delete_rule_renumbers(store):
    ids = [save_rule(store, simple(n)).id for n in "ABC"]
    assert delete_rule(store, ids[1]) is True
    rules = load_rules(store)
    assert names(rules) == ["A", "C"] and [r.position for r in rules] == [0, 1]
    assert delete_rule(store, ids[1]) is False


def test_replace_rules_keeps_known_ids(store):
    a, b, _c = (save_rule(store, simple(n)) for n in "ABC")
    result = replace_rules(
        store, [replace(b, name="B'"), simple("New"), a, replace(a, name="A copy")], updated_by="x"
    )
    assert names(result) == ["B'", "New", "A", "A copy"]
    assert result[0].id == b.id and result[2].id == a.id
    assert result[1].id not in (a.id, b.id) and result[3].id not in (a.id, b.id)
    assert load_rules(store) == result
    assert replace_rules(store, []) == [] and load_rules(store) == []


def test_every_write_bumps_the_rules_version(store):
    versions = [rules_version(store)]
    rule = save_rule(store, simple("A"))
    versions.append(rules_version(store))
    save_rule(store, simple("B"))
    versions.append(rules_version(store))
    move_rule(store, rule.id, 1)
    versions.append(rules_version(store))
    delete_rule(store, rule.id)
    versions.append(rules_version(store))
    replace_rules(store, [simple("C")])
    versions.append(rules_version(store))
    load_rules(store)
    versions.append(rules_version(store))
    assert versions == [0, 1, 2, 3, 4, 5, 5]


def test_a_damaged_stored_rule_is_named(store):
    rule = save_rule(store, simple("Broken"))
    with store.session() as s:
        s.execute(
            update(LicenceRuleRow)
            .where(LicenceRuleRow.id == rule.id)
            .values(outcomes={"see_record": "secret"})
        )
    with pytest.raises(RuleError, match=f"stored rule {rule.id}") as caught:
        load_rules(store)
    assert caught.value.field == "outcomes.see_record"


def test_stored_order_decides(store):
    record = Record("hn", "1", collections=["Sách quý"])
    rare = save_rule(
        store,
        LicenceRule(
            name="Rare", conditions=Conditions(collections=["Sách quý"]), outcomes=Outcomes()
        ),
    )
    save_rule(store, simple("Open", view_content="public"))
    reader = Actor("reader", "lan", now=NOW)
    assert not decide(reader, record, "view_content", load_policy(store)).allowed
    move_rule(store, rare.id, 1)
    decision = decide(reader, record, "view_content", load_policy(store))
    assert decision.allowed and decision.rule_name == "Open"


def test_install_presets_once(store):
    save_rule(store, simple("Local rule"))
    added = install_presets(store, updated_by="admin")
    assert len(added) == len(preset_rules())
    rules = load_rules(store)
    assert rules[0].name == "Local rule"
    assert [r.preset for r in rules[1:]] == [r.preset for r in preset_rules()]
    assert install_presets(store) == []
    assert len(load_rules(store)) == len(rules)
    replaced = install_presets(store, ["secret-archives", "cc-licences"], replace=True)
    assert [r.preset for r in load_rules(store)] == ["secret-archives", "cc-licences"]
    assert [r.position for r in replaced] == [0, 1]
    policy = load_policy(store)
    cc = Record("qg", "cc", rights_statement=CC_BY)
    assert decide(Actor.anonymous(now=NOW), cc, "download", policy).allowed


# -- affected records ------------------------------------------------------------------------


def catalogue_records():
    """36 live records and one deleted, in groups the tests count by hand."""
    records = []
    for i in range(12):
        records.append(Record("hn", f"{i:02d}", collections=["Sách quý"] if i < 6 else []))
    for i in range(12):
        records.append(Record("qg", f"{i:02d}", rights_statement=INC if i < 8 else CC_BY))
    for i in range(12):
        record = Record("vnu", f"{i:02d}")
        if i < 3:
            record.embargo_until = date(2025, 7, 1)  # ends in a month
        elif i < 5:
            record.embargo_until = date(2025, 5, 1)  # ended
        elif i < 10:
            record.authors = ["Nguyễn Du, 1765-1820"]
        elif i == 10:
            record.authors = ["Nam Cao, 1915-1974"]  # public domain from 2025
        records.append(record)
    return records


@pytest.fixture
def filled(store):
    by_source: dict[str, list[Record]] = {}
    for record in catalogue_records():
        by_source.setdefault(record.source_key, []).append(record)
    for source, records in by_source.items():
        run = store.start_run(source, "full")
        items = [HarvestedItem(r.local_id, b"<r/>", "oai_dc", r) for r in records]
        if source == "hn":
            items.append(HarvestedItem("99", b"<d/>", "oai_dc", None, deleted=True))
        store.save_items(run, source, items)
    assert store.count_records() == 36
    return store


def base_rules():
    return [
        LicenceRule(
            name="Rare",
            conditions=Conditions(collections=["Sách quý"]),
            outcomes=Outcomes(view_content="registered"),
        ),
        LicenceRule(
            name="InC",
            conditions=Conditions(rights_statements=["http://rightsstatements.org/vocab/InC/"]),
            outcomes=Outcomes(view_content="onsite"),
        ),
        LicenceRule(
            name="CC",
            conditions=Conditions(rights_statements=["https://creativecommons.org/licenses/"]),
            outcomes=Outcomes(view_content="public", download="public"),
        ),
        LicenceRule(
            name="Embargo",
            conditions=Conditions(embargo_active=True),
            outcomes=Outcomes(preview_max_px=0),
        ),
        LicenceRule(
            name="PD",
            conditions=Conditions(author_died_before_years=50),
            outcomes=Outcomes(view_content="public", download="public"),
        ),
    ]


def changed(index, **kw):
    rules = base_rules()
    rule = rules[index]
    if "outcomes" in kw or "conditions" in kw or "enabled" in kw:
        rules[index] = replace(rule, **kw)
    return rules


def ids(source, numbers):
    return [f"{source}:{n:02d}" for n in numbers]


def test_no_change_affects_nothing(filled):
    impact = affected_records(filled, Policy(base_rules()), Policy(base_rules()), now=NOW)
    assert (impact.checked, impact.count, impact.ids, impact.visibility) == (36, 0, [], {})


def test_hiding_a_collection_affects_it_and_reindexes_it(filled):
    new = changed(0, outcomes=Outcomes(see_record="hidden", view_content="hidden"))
    impact = affected_records(filled, Policy(base_rules()), Policy(new), now=NOW)
    assert impact.ids == ids("hn", range(6))
    assert impact.visibility == dict.fromkeys(ids("hn", range(6)), "hidden")


def test_a_content_only_change_needs_no_reindex(filled):
    new = changed(0, outcomes=Outcomes(view_content="public"))
    impact = affected_records(filled, Policy(base_rules()), Policy(new), now=NOW)
    assert impact.count == 6 and impact.visibility == {}


def test_reordering_rules_that_never_overlap_affects_nothing(filled):
    rules = base_rules()
    reordered = [rules[2], rules[1], rules[0], rules[4], rules[3]]
    assert affected_records(filled, Policy(rules), Policy(reordered), now=NOW).count == 0


def test_reordering_rules_that_overlap_affects_the_overlap(filled):
    rules = base_rules()
    rules[4] = replace(rules[4], conditions=Conditions())  # "PD" now matches everything
    reordered = [rules[4], *rules[:4]]
    impact = affected_records(filled, Policy(rules), Policy(reordered), now=NOW)
    # Everything the first four rules decided: 6 rare, 8 InC, 3 under embargo (the
    # 4 CC records were already fully public, as "PD" makes them).
    assert impact.count == 6 + 8 + 3
    assert impact.visibility == {}


def test_disabling_a_rule_affects_what_it_decided(filled):
    new = changed(1, enabled=False)
    impact = affected_records(filled, Policy(base_rules()), Policy(new), now=NOW)
    assert impact.ids == ids("qg", range(8))


def test_library_networks_affect_onsite_rules(filled):
    old = Policy(base_rules())
    new = Policy(base_rules(), onsite_networks=["10.20.0.0/16"])
    impact = affected_records(filled, old, new, now=NOW)
    assert impact.ids == ids("qg", range(8))
    assert impact.visibility == {}


def test_a_new_hidden_rule_on_a_source(filled):
    hidden = LicenceRule(
        name="VNU closed",
        conditions=Conditions(sources=["vnu"], year_before=2000),
        outcomes=Outcomes(see_record="hidden"),
    )
    # No vnu record has a year: the rule matches none of them.
    assert (
        affected_records(filled, Policy(base_rules()), Policy([hidden, *base_rules()])).count == 0
    )
    hidden = replace(hidden, conditions=Conditions(sources=["vnu"]))
    impact = affected_records(filled, Policy(base_rules()), Policy([hidden, *base_rules()]))
    assert impact.count == 12 and set(impact.visibility.values()) == {"hidden"}


def test_time_passing_affects_embargoes_and_the_public_domain(filled):
    policy = Policy(base_rules())
    month_later = datetime(2025, 7, 1, 9, 0)
    impact = affected_records(filled, policy, policy, then=NOW, now=month_later)
    assert impact.ids == ids("vnu", range(3))  # embargo ended: previews come back
    new_year = affected_records(
        filled, policy, policy, then=datetime(2024, 12, 31, 23, 0), now=datetime(2025, 1, 1, 1, 0)
    )
    assert new_year.ids == ["vnu:10"]  # Nam Cao (d. 1974) enters the public domain


def test_the_console_flow_preview_then_save(filled):
    for rule in base_rules():
        save_rule(filled, rule)
    current = load_policy(filled)
    rare = load_rules(filled)[0]
    edited = replace(rare, outcomes=Outcomes(see_record="registered"))
    proposed = Policy([edited if r.id == rare.id else r for r in current.rules])
    impact = affected_records(filled, current, proposed, now=NOW)
    assert impact.count == 6
    save_rule(filled, edited, updated_by="lan")
    after = load_policy(filled)
    assert affected_records(filled, proposed, after, now=NOW).count == 0
    assert dict(iter_affected_records(filled, current, after, now=NOW)) == dict.fromkeys(
        ids("hn", range(6)), "registered"
    )


def test_affected_records_default_moment_is_now(filled):
    policy = Policy(base_rules())
    impact = affected_records(filled, policy, Policy([]))
    assert impact.checked == 36
    assert datetime.now(UTC).year >= 2025 and impact.count > 0


def test_affected_records_agrees_with_deciding_one_by_one(filled):
    """Against brute force: every record some actor is treated differently is reported,
    and only those; the new visibility is reported exactly when it changed."""
    import random

    from catalogue.rights import ACTIONS, LEVELS, record_visibility

    rng = random.Random(5)
    conditions = [
        Conditions(collections=["Sách quý"]),
        Conditions(sources=["qg"]),
        Conditions(rights_statements=["http://rightsstatements.org/vocab/InC/"]),
        Conditions(embargo_active=True),
        Conditions(ip_ranges=["192.0.2.0/24"]),
        Conditions(sources=["vnu"], ip_ranges=["10.20.5.0/24"]),
        Conditions(onsite=True),
        Conditions(),
    ]

    def random_policy():
        rules = [
            LicenceRule(
                name=f"r{n}",
                conditions=rng.choice(conditions),
                outcomes=Outcomes(
                    see_record=rng.choice(LEVELS),
                    view_content=rng.choice(LEVELS),
                    preview_max_px=rng.choice([0, 400]),
                ),
            )
            for n in range(rng.randint(0, 4))
        ]
        return Policy(rules, rng.choice([[], ["10.20.0.0/16"]]))

    def answer(decision):
        return decision.allowed, decision.level, decision.preview_max_px

    # One address in each cell the ranges above make, and one outside them all.
    ips = ["", "203.0.113.1", "10.20.1.1", "10.20.5.1", "192.0.2.1"]
    actors = [
        Actor(role, ip=ip, now=NOW) for role in ("anonymous", "reader", "admin") for ip in ips
    ]
    records = list(filled.iter_records())
    for _ in range(25):
        old, new = random_policy(), random_policy()
        expected, expected_visibility = [], {}
        for record in records:
            if any(
                answer(decide(a, record, action, old)) != answer(decide(a, record, action, new))
                for a in actors
                for action in ACTIONS
            ):
                expected.append(record.id)
            before, after = record_visibility(record, old, NOW), record_visibility(record, new, NOW)
            if before != after:
                expected_visibility[record.id] = after
        impact = affected_records(filled, old, new, now=NOW)
        assert impact.ids == expected
        assert impact.visibility == expected_visibility
