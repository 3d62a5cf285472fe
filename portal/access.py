"""Who is asking, and what may they do: the portal's one door to catalogue.rights.

Every surface (search pages, record pages, the JSON API, OAI-PMH, sitemap, IIIF)
asks through these functions, so the access policy is applied in one place. The
policy is the store's licence rules; it is reloaded when a rule changes (the rules'
version counter), so a librarian's change applies to the next request.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime, timedelta

from flask import current_app, g, has_request_context, request
from flask_login import current_user

from catalogue import audit
from catalogue.record import Record
from catalogue.rights import AccessDecision, Actor, Policy, load_policy, rules_version
from portal.app import services

_CACHE = "thuvien.policy"


def current_actor() -> Actor:
    """The requester: role from the logged-in account, address from the request.

    Behind a reverse proxy set `proxy_hops`, or every reader has the proxy's address
    (and if that is on a library network, everyone would count as on site).
    """
    ip = request.remote_addr or ""
    if current_user.is_authenticated:
        return Actor(role=current_user.role, username=current_user.username, ip=ip)
    return Actor.anonymous(ip=ip)


def current_policy() -> Policy:
    """The licence rules in force, cached per app until a rule changes.

    Whether a rule changed is asked of the store once per request (a results page asks
    the policy for every hit), so a change made by any process applies from the next
    request on.
    """
    if has_request_context() and _CACHE in g:
        return g.get(_CACHE)
    svc = services()
    cache = current_app.extensions.setdefault(_CACHE, {})
    version = rules_version(svc.store)
    if cache.get("version") != version:
        cache["policy"] = load_policy(svc.store, svc.settings.rights.onsite_networks)
        cache["version"] = version
    if has_request_context():
        setattr(g, _CACHE, cache["policy"])
    return cache["policy"]


def visibility_for_request() -> list[str]:
    """Index visibility levels the requester may see in results, facets and suggestions."""
    return current_policy().visible_levels(current_actor())


def decide_for_request(record: Record, action: str) -> AccessDecision:
    return current_policy().decide(current_actor(), record, action)


def may_see_record(record: Record) -> bool:
    """Whether the requester may see this record; if not, it answers 404 (never 403)."""
    return decide_for_request(record, "see_record").allowed


def may_publish_record(record: Record) -> bool:
    """Whether a record may go into feeds for the world (OAI-PMH, sitemap).

    Asked as an anonymous visitor from nowhere, so a harvester inside a reading room
    never republishes what is only readable on site.
    """
    return current_policy().decide(Actor.anonymous(), record, "see_record").allowed


# Content access is logged once per reader, record and kind of content within this
# window: a deep-zoom viewer asks for hundreds of tiles and a player for many byte
# ranges, and the audit log is for "who read what, when", not for every request.
ACCESS_LOG_WINDOW = timedelta(minutes=30)
ACCESS_LOG_REMEMBERED = 10_000
_ACCESS_LOG = "thuvien.access_log"


def log_content_access(record: Record, decision: AccessDecision, kind: str) -> None:
    """Audit a restricted content delivery (a full image, an audio stream, a download).

    Call after `decision` allowed the delivery. Content every visitor may have (level
    `public`) is not restricted and not logged. `kind` names what was delivered:
    "image", "audio", "download", "manifest"…
    """
    if not decision.allowed or decision.level == "public":
        return
    actor = current_actor()
    key = (actor.username, actor.ip, record.id, kind)
    now = datetime.now(UTC)
    seen: OrderedDict = current_app.extensions.setdefault(_ACCESS_LOG, OrderedDict())
    last = seen.get(key)
    if last is not None and now - last < ACCESS_LOG_WINDOW:
        return
    seen[key] = now
    seen.move_to_end(key)
    while len(seen) > ACCESS_LOG_REMEMBERED:
        seen.popitem(last=False)
    audit.append(
        services().store,
        actor=actor.username,
        ip=actor.ip,
        action=audit.CONTENT_ACCESSED,
        target=record.id,
        detail={
            "kind": kind,
            "action": decision.action,
            "level": decision.level,
            "rule": decision.rule_name,
        },
    )
