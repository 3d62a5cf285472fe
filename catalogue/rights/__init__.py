"""catalogue.rights: the one access policy every surface asks.

    policy = load_policy(store, onsite_networks=["10.20.0.0/16"])
    decision = decide(Actor("reader", "lan", ip), record, "view_content", policy)
    decision.allowed, decision.rule_name, decision.reason

Licence rules are data (`LicenceRule`, kept in the store by `rules`), ordered, first
enabled match wins; `policy` explains the levels and how the search index's
`visibility` field is derived; `presets` holds ready-made rules.
"""

from catalogue.rights.conditions import death_year, normalise_uri
from catalogue.rights.model import (
    ACTIONS,
    DEFAULT_OUTCOMES,
    DEFAULT_REASON,
    DEFAULT_RULE_NAME,
    LEVELS,
    ROLES,
    STAFF_ROLES,
    AccessDecision,
    Actor,
    Conditions,
    LicenceRule,
    Outcomes,
    RuleCheck,
    RuleError,
)
from catalogue.rights.policy import (
    Policy,
    decide,
    explain,
    record_visibility,
    visible_levels,
)
from catalogue.rights.presets import install_presets, preset_keys, preset_rules
from catalogue.rights.rules import (
    Impact,
    RuleNotFound,
    affected_records,
    delete_rule,
    get_rule,
    iter_affected_records,
    load_policy,
    load_rules,
    move_rule,
    replace_rules,
    rules_version,
    save_rule,
)

__all__ = [
    "ACTIONS",
    "DEFAULT_OUTCOMES",
    "DEFAULT_REASON",
    "DEFAULT_RULE_NAME",
    "LEVELS",
    "ROLES",
    "STAFF_ROLES",
    "AccessDecision",
    "Actor",
    "Conditions",
    "Impact",
    "LicenceRule",
    "Outcomes",
    "Policy",
    "RuleCheck",
    "RuleError",
    "RuleNotFound",
    "affected_records",
    "death_year",
    "decide",
    "delete_rule",
    "explain",
    "get_rule",
    "install_presets",
    "iter_affected_records",
    "load_policy",
    "load_rules",
    "move_rule",
    "normalise_uri",
    "preset_keys",
    "preset_rules",
    "record_visibility",
    "replace_rules",
    "rules_version",
    "save_rule",
    "visible_levels",
]
