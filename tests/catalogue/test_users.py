"""Accounts: argon2 hashes, the password policy, authentication and its rate limits."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from catalogue import users
from catalogue.account_policy import AccountError
from catalogue.store import Store
from catalogue.tables import LoginAttemptRow, UserRow
from catalogue.user_rows import User

# Cheap argon2 parameters, so the many attempts below take milliseconds.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
GOOD = "sách-hay-Hà-Nội-2026"


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    monkeypatch.setattr(users, "HASHER", FAST)


@pytest.fixture
def store(store_url):
    store = Store(store_url)
    yield store
    store.close()


def stored_hash(store: Store, username: str) -> str:
    with store.session() as s:
        return s.scalar(select(UserRow.password_hash).where(UserRow.username == username))


def attempts(store: Store, **where) -> list[LoginAttemptRow]:
    with store.session() as s:
        query = select(LoginAttemptRow).order_by(LoginAttemptRow.id)
        for column, value in where.items():
            query = query.where(getattr(LoginAttemptRow, column) == value)
        return list(s.scalars(query))


# -- accounts and hashes ---------------------------------------------------------


def test_create_user_stores_an_argon2_hash_never_the_password(store):
    user = users.create_user(store, "Lan.Nguyen", GOOD, role="librarian", display_name="Lan")
    assert isinstance(user, User)
    assert (user.username, user.role, user.display_name, user.disabled) == (
        "lan.nguyen",
        "librarian",
        "Lan",
        False,
    )
    assert not any("hash" in name for name in vars(user))
    assert GOOD not in repr(user) and user.password_stamp not in repr(user)
    hashed = stored_hash(store, "lan.nguyen")
    assert hashed.startswith("$argon2id$") and GOOD not in hashed
    assert FAST.verify(hashed, GOOD)
    assert user.created_at.tzinfo is not None and user.last_login_at is None


def test_usernames_are_casefolded_and_looked_up_alike(store):
    users.create_user(store, "  Đức_Anh-99 ", GOOD)
    assert users.find_user(store, "ĐỨC_ANH-99").username == "đức_anh-99"
    user = users.find_user(store, "đức_anh-99")
    assert users.get_user(store, user.id) == user
    assert users.find_user(store, "nobody") is None
    assert users.find_user(store, "no way!") is None  # invalid is simply not found
    assert users.get_user(store, 9999) is None


def test_duplicate_username_is_a_clear_error(store):
    users.create_user(store, "minh", GOOD)
    with pytest.raises(AccountError) as exc:
        users.create_user(store, "MINH", "another-good-passphrase")
    assert exc.value.code == "username_taken" and "'minh' is taken" in str(exc.value)


@pytest.mark.parametrize(
    "name", ["ab", "x" * 101, "has space", "semi;colon", "a/b", "<script>", "", "e@mail"]
)
def test_invalid_usernames_are_refused(store, name):
    with pytest.raises(AccountError) as exc:
        users.create_user(store, name, GOOD)
    assert exc.value.code == "username_invalid"
    assert exc.value.params == {"minimum": 3, "maximum": 100}


def test_valid_usernames_of_every_shape(store):
    for name in ("abc", "x" * 100, "nguyễn.văn.a", "a_b-c.d", "读者01"):
        users.create_user(store, name, GOOD)
    assert len(users.list_users(store)) == 5


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1234", "password_too_short"),
        ("", "password_too_short"),
        ("x" * 1001, "password_too_long"),
        ("Hoang.Long.1990", "password_is_username"),
        ("1234567890", "password_too_common"),
        ("Password123", "password_too_common"),
        ("QWERTYUIOP", "password_too_common"),
        ("zzzzzzzzzzzz", "password_too_common"),
    ],
)
def test_password_policy(store, password, code):
    with pytest.raises(AccountError) as exc:
        users.create_user(store, "hoang.long.1990", password)
    assert exc.value.code == code


def test_password_policy_accepts_long_and_unicode_passwords(store):
    users.create_user(store, "mai", "x" * 999 + "y")
    users.create_user(store, "hoa", "mật khẩu dài của tôi")
    users.check_password("ten chars!", "someone")


def test_unknown_role_is_refused(store):
    with pytest.raises(AccountError) as exc:
        users.create_user(store, "quan", GOOD, role="superuser")
    assert exc.value.code == "role_invalid"


def test_bad_email_and_long_display_name_are_refused(store):
    with pytest.raises(AccountError, match="not an e-mail") as exc:
        users.create_user(store, "quan", GOOD, email="quan at example")
    assert exc.value.code == "email_invalid"
    with pytest.raises(AccountError) as exc:
        users.create_user(store, "quan", GOOD, display_name="Q" * 201)
    assert exc.value.code == "display_name_too_long"


def test_list_set_role_disable_and_set_password(store):
    a = users.create_user(store, "bao", GOOD)
    users.create_user(store, "anh", GOOD)
    assert [u.username for u in users.list_users(store)] == ["anh", "bao"]
    assert users.set_role(store, "BAO", "admin").role == "admin"
    assert users.set_role(store, a.id, "librarian").role == "librarian"
    assert users.set_disabled(store, "bao").disabled is True
    assert users.set_disabled(store, a.id, False).disabled is False
    changed = users.set_password(store, "bao", "a whole new passphrase")
    assert changed.password_stamp != a.password_stamp
    assert users.authenticate(store, "bao", "a whole new passphrase", "10.0.0.1").ok
    with pytest.raises(AccountError) as exc:
        users.set_role(store, "nobody", "reader")
    assert exc.value.code == "unknown_user"
    with pytest.raises(AccountError):
        users.set_role(store, "bao", "king")
    with pytest.raises(AccountError) as exc:
        users.set_password(store, "bao", "short")
    assert exc.value.code == "password_too_short"


# -- authentication --------------------------------------------------------------


def test_authenticate_right_wrong_unknown_and_disabled(store):
    users.create_user(store, "thu", GOOD)
    ok = users.authenticate(store, "THU", GOOD, "10.0.0.1", now=T0)
    assert ok.ok and ok.status == "ok" and ok.user.username == "thu"
    assert ok.user.last_login_at == T0

    wrong = users.authenticate(store, "thu", GOOD + "x", "10.0.0.1", now=T0)
    unknown = users.authenticate(store, "ghost", GOOD, "10.0.0.1", now=T0)
    invalid = users.authenticate(store, "not valid!", GOOD, "10.0.0.1", now=T0)
    too_long = users.authenticate(store, "thu", "y" * 5000, "10.0.0.1", now=T0)
    for result in (wrong, unknown, invalid, too_long):
        assert (result.ok, result.status, result.user, result.retry_after) == (
            False,
            "invalid",
            None,
            0,
        )

    users.set_disabled(store, "thu")
    assert users.authenticate(store, "thu", GOOD, "10.0.0.1", now=T0).status == "disabled"
    assert users.authenticate(store, "thu", "wrong-password", "10.0.0.1", now=T0).status == (
        "invalid"
    )  # a disabled account is only told apart with its right password


def test_every_attempt_is_recorded(store):
    users.create_user(store, "thu", GOOD)
    users.authenticate(store, "thu", GOOD, "10.0.0.1", now=T0)
    users.authenticate(store, "thu", "wrong-password", "10.0.0.2", now=T0)
    users.authenticate(store, "Ghost", "whatever-it-is", "10.0.0.3", now=T0)
    rows = [(r.username, r.ip, r.succeeded) for r in attempts(store)]
    assert rows == [
        ("thu", "10.0.0.1", True),
        ("thu", "10.0.0.2", False),
        ("ghost", "10.0.0.3", False),
    ]


def test_unknown_usernames_cost_the_same_argon2_work(store, monkeypatch):
    users.create_user(store, "thu", GOOD)
    calls = []
    real_verify = FAST.verify

    class CountingHasher(PasswordHasher):
        def verify(self, hash, password):  # noqa: A002 — argon2's own parameter name
            calls.append(hash)
            return real_verify(hash, password)

    counting = CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "HASHER", counting)
    users.authenticate(store, "thu", "wrong-password", "10.0.0.1", now=T0)
    users.authenticate(store, "ghost", "wrong-password", "10.0.0.1", now=T0)
    assert len(calls) == 2  # one full argon2 verification each
    assert calls[1].startswith("$argon2id$v=19$m=1024,t=1,p=1$")  # a dummy with the same parameters


def test_hash_is_redone_when_the_parameters_change(store, monkeypatch):
    users.create_user(store, "thu", GOOD)
    assert "$m=1024,t=1,p=1$" in stored_hash(store, "thu")
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(users, "HASHER", stronger)
    assert users.authenticate(store, "thu", GOOD, "10.0.0.1", now=T0).ok
    assert "$m=2048,t=2,p=1$" in stored_hash(store, "thu")
    assert users.authenticate(store, "thu", GOOD, "10.0.0.1", now=T0).ok


# -- rate limits -----------------------------------------------------------------


def test_five_failures_lock_the_username_from_that_address(store):
    users.create_user(store, "lock.me", GOOD)
    for _ in range(5):
        result = users.authenticate(store, "lock.me", "wrong-password", "10.1.0.1", now=T0)
        assert result.status == "invalid"
    # Locked for that address until the failures (at T0) leave the 15-minute window,
    # even with the right password (it is not even checked).
    at = T0 + timedelta(minutes=5)
    locked = users.authenticate(store, "lock.me", GOOD, "10.1.0.1", now=at)
    assert (locked.ok, locked.status, locked.retry_after) == (False, "locked", 10 * 60)
    # Waiting what it said unlocks it.
    later = at + timedelta(seconds=locked.retry_after)
    assert users.authenticate(store, "LOCK.ME", GOOD, "10.1.0.1", now=later).ok


def test_an_attacker_at_one_address_cannot_lock_out_the_owner_at_another(store):
    users.create_user(store, "thuthu", GOOD)
    attacker, owner = "203.0.113.66", "10.20.1.5"
    for n in range(50):  # hammering: five are checked, the rest refused
        users.authenticate(store, "thuthu", f"guess-{n}-xxxxx", attacker, now=T0)
    assert users.authenticate(store, "thuthu", GOOD, attacker, now=T0).status == "locked"
    # The owner, at an address never used before, a few seconds later: the username's
    # delay after five failures is a second, and then the right password just works.
    result = users.authenticate(store, "thuthu", GOOD, owner, now=T0 + timedelta(seconds=2))
    assert result.ok
    # Still true while the attack goes on, minute after minute.
    for minute in range(1, 40):
        at = T0 + timedelta(minutes=minute)
        users.authenticate(store, "thuthu", "another-guess-x", attacker, now=at)
    assert users.authenticate(store, "thuthu", GOOD, owner, now=at).ok


def test_failures_spread_over_many_addresses_only_delay_the_username_a_few_seconds(store):
    users.create_user(store, "lan", GOOD)
    at = T0
    delays = []
    for n in range(12):  # a botnet: every guess from a new address
        result = users.authenticate(store, "lan", "wrong-password", f"198.51.100.{n}", now=at)
        if result.status == "locked":
            delays.append(result.retry_after)
            at += timedelta(seconds=result.retry_after)
            result = users.authenticate(store, "lan", "wrong-password", f"198.51.100.{n}", now=at)
        assert result.status == "invalid"
    assert delays == [1, 2, 4, 5, 5, 5, 5]  # growing, then capped: never more than 5 s
    # Unknown usernames are delayed alike (nothing tells whether an account exists).
    for n in range(5):
        users.authenticate(store, "ghost", "wrong-password", f"198.51.100.{n}", now=at)
    ghost = users.authenticate(store, "ghost", GOOD, "198.51.100.99", now=at)
    owner_new_address = users.authenticate(store, "lan", GOOD, "192.0.2.7", now=at)
    assert (ghost.status, ghost.retry_after) == ("locked", 1)  # as "lan" after five
    assert (owner_new_address.status, owner_new_address.retry_after) == ("locked", 5)
    # The delay passes, and the right password gets in.
    later = at + timedelta(seconds=5)
    assert users.authenticate(store, "lan", GOOD, "192.0.2.7", now=later).ok


def test_the_owners_usual_address_skips_the_username_delay(store):
    users.create_user(store, "lan", GOOD)
    home = "10.30.0.9"
    assert users.authenticate(store, "lan", GOOD, home, now=T0).ok
    at = T0 + timedelta(hours=1)
    for n in range(10):
        users.authenticate(store, "lan", "wrong-password", f"198.51.100.{n}", now=at)
    assert users.authenticate(store, "lan", GOOD, "192.0.2.7", now=at).status == "locked"
    assert users.authenticate(store, "lan", GOOD, home, now=at).ok


def test_brute_force_from_one_address_is_stopped(store):
    users.create_user(store, "victim", GOOD)
    tried = checked = 0
    for minute in range(60):  # an hour of guessing, a guess a second
        for second in range(60):
            at = T0 + timedelta(minutes=minute, seconds=second)
            result = users.authenticate(store, "victim", f"guess-{tried:06d}", "10.5.0.1", now=at)
            tried += 1
            checked += result.status == "invalid"
    assert tried == 3600 and checked == 4 * 5  # five guesses per 15 minutes, no more
    assert len(attempts(store, ip="10.5.0.1")) == checked  # refused ones are not recorded


def test_twenty_failures_from_one_address_lock_it_for_every_username(store):
    users.create_user(store, "victim", GOOD)
    for n in range(20):  # spraying many usernames, few attempts each
        users.authenticate(store, f"user{n}", "wrong-password", "10.5.0.1", now=T0)
    at = T0 + timedelta(minutes=1)
    locked = users.authenticate(store, "victim", GOOD, "10.5.0.1", now=at)
    assert locked.status == "locked" and locked.retry_after == 14 * 60
    # The same account from another address is fine; the locked address waits.
    assert users.authenticate(store, "victim", GOOD, "10.5.0.2", now=at).ok
    # A success there does not reset the address's count (an attacker's own account would).
    assert users.authenticate(store, "victim", GOOD, "10.5.0.1", now=at).status == "locked"
    later = at + timedelta(seconds=locked.retry_after)
    assert users.authenticate(store, "victim", GOOD, "10.5.0.1", now=later).ok


def test_unknown_usernames_lock_like_known_ones(store):
    users.create_user(store, "known", GOOD)
    results = {}
    for name in ("ghost", "known"):
        for _ in range(5):
            users.authenticate(store, name, "wrong-password", "10.3.0.1", now=T0)
        results[name] = users.authenticate(store, name, "wrong-password", "10.3.0.1", now=T0)
    assert results["ghost"] == results["known"] == users.AuthResult("locked", retry_after=15 * 60)


def test_a_success_resets_the_counts_of_the_username(store):
    users.create_user(store, "forgetful", GOOD)
    minute = [T0 + timedelta(minutes=n) for n in range(5)]
    for _ in range(4):
        users.authenticate(store, "forgetful", "wrong-password", "10.4.0.1", now=minute[0])
    assert users.authenticate(store, "forgetful", GOOD, "10.4.0.1", now=minute[0]).ok
    for _ in range(4):  # four more: only four since the success
        users.authenticate(store, "forgetful", "wrong-password", "10.4.0.1", now=minute[1])
    assert users.authenticate(store, "forgetful", GOOD, "10.4.0.1", now=minute[1]).ok
    # The username's delay starts again too: failures from elsewhere, then a success…
    for n in range(8):
        users.authenticate(store, "forgetful", "wrong-password", f"10.4.1.{n}", now=minute[2])
    new_address = "10.4.2.1"
    assert users.authenticate(store, "forgetful", GOOD, new_address, now=minute[2]).status == (
        "locked"
    )
    assert users.authenticate(store, "forgetful", GOOD, "10.4.0.1", now=minute[2]).ok  # usual
    # …after which a new address is not delayed.
    at = minute[2] + timedelta(milliseconds=1)
    assert users.authenticate(store, "forgetful", GOOD, new_address, now=at).ok


def test_limits_can_be_tuned(store):
    users.create_user(store, "strict", GOOD)
    limits = users.RateLimits(window=timedelta(minutes=1), per_user_address=2, per_ip=100)
    for _ in range(2):
        users.authenticate(store, "strict", "wrong-password", "10.7.0.1", now=T0, limits=limits)
    result = users.authenticate(store, "strict", GOOD, "10.7.0.1", now=T0, limits=limits)
    assert result.status == "locked" and result.retry_after == 60
    none = users.RateLimits(per_user_address=0, per_ip=0, per_username=0)
    for _ in range(30):
        users.authenticate(store, "strict", "wrong-password", "10.7.0.1", now=T0, limits=none)
    assert users.authenticate(store, "strict", GOOD, "10.7.0.1", now=T0, limits=none).ok


def test_change_password_checks_the_current_one_and_the_policy(store):
    user = users.create_user(store, "doi.mk", GOOD)
    with pytest.raises(AccountError) as exc:
        users.change_password(store, "doi.mk", GOOD, "short", "10.8.0.1", now=T0)
    assert exc.value.code == "password_too_short"
    wrong = users.change_password(store, "doi.mk", "not-the-one!", "new passphrase ok", "10.8.0.1")
    assert wrong.status == "invalid"
    done = users.change_password(store, "doi.mk", GOOD, "new passphrase ok", "10.8.0.1", now=T0)
    assert done.ok and done.user.password_stamp != user.password_stamp
    assert not users.authenticate(store, "doi.mk", GOOD, "10.8.0.1").ok
    assert users.authenticate(store, "doi.mk", "new passphrase ok", "10.8.0.1").ok


def test_attempt_rows_are_kept_per_username_and_address(store):
    for n in range(3):
        users.authenticate(store, "ghost", "wrong-password", f"10.9.0.{n}", now=T0)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(LoginAttemptRow)) == 3


# -- a reader's own data: export and deletion ----------------------------------------


def _a_record(store: Store) -> str:
    from catalogue.record import Record
    from catalogue.runs import HarvestedItem
    from catalogue.sources import Source

    store.put_source(Source(key="sach-noi", name="Sách nói", type="oai", url="http://x/oai"))
    run = store.start_run("sach-noi", "full")
    record = Record(source_key="sach-noi", local_id="1", title="Dế Mèn phiêu lưu ký")
    store.save_items(run, "sach-noi", [HarvestedItem("1", b"<record/>", "oai_dc", record)])
    store.finish_run(run, "succeeded")
    return record.id


def test_export_holds_everything_kept_about_the_account_and_no_hash(store):
    from accessibility import progress
    from catalogue import audit

    lan = users.create_user(store, "lan", GOOD, display_name="Lan", email="lan@example.org")
    other = users.create_user(store, "other", GOOD)
    record_id = _a_record(store)
    progress.save_position(store, lan.id, record_id, 95.5)
    progress.add_bookmark(store, lan.id, record_id, 30.0, "Chương 2")
    progress.save_position(store, other.id, record_id, 12.0)
    users.authenticate(store, "lan", "wrong-password", "10.0.0.9", now=T0)
    users.authenticate(store, "lan", GOOD, "10.0.0.9", now=T0 + timedelta(seconds=1))
    audit.append(store, actor="lan", ip="10.0.0.9", action=audit.CONTENT_ACCESSED, target=record_id)
    audit.append(store, actor="boss", action=audit.USER_ROLE_CHANGED, target="lan")
    audit.append(store, actor="boss", action=audit.USER_ROLE_CHANGED, target="other")

    data = users.export_user_data(store, "lan", now=T0)
    assert data["account"] | {"created_at": None} == {
        "id": lan.id,
        "username": "lan",
        "display_name": "Lan",
        "email": "lan@example.org",
        "role": "reader",
        "disabled": False,
        "created_at": None,
        "last_login_at": (T0 + timedelta(seconds=1)).isoformat(),
    }
    assert data["exported_at"] == T0.isoformat()
    positions = [(p["record_id"], p["title"], p["seconds"]) for p in data["listening_positions"]]
    assert positions == [(record_id, "Dế Mèn phiêu lưu ký", 95.5)]
    assert [(b["seconds"], b["label"]) for b in data["bookmarks"]] == [(30.0, "Chương 2")]
    assert [(a["ip"], a["succeeded"]) for a in data["login_attempts"]] == [
        ("10.0.0.9", False),
        ("10.0.0.9", True),
    ]
    assert [(e["actor"], e["target"]) for e in data["audit_log"]] == [
        ("lan", record_id),
        ("boss", "lan"),
    ]
    text = json.dumps(data, ensure_ascii=False)  # plain JSON, and no trace of the hash
    assert stored_hash(store, "lan") not in text and "argon2" not in text


def test_deleting_an_account_removes_its_rows_and_audits_it_under_a_pseudonym(store):
    from accessibility import progress
    from catalogue import audit

    lan = users.create_user(store, "lan", GOOD)
    other = users.create_user(store, "other", GOOD)
    record_id = _a_record(store)
    for user in (lan, other):
        progress.save_position(store, user.id, record_id, 10.0)
        progress.add_bookmark(store, user.id, record_id, 5.0, "")
        users.authenticate(store, user.username, GOOD, "10.0.0.1", now=T0)

    alias = users.delete_user(store, "lan", ip="10.0.0.1", now=T0)
    assert alias == f"user#{lan.id}"
    assert users.find_user(store, "lan") is None and users.get_user(store, lan.id) is None
    assert progress.get_position(store, lan.id, record_id) is None
    assert progress.bookmarks(store, lan.id, record_id) == []
    assert attempts(store, username="lan") == []
    # Nobody else's data is touched.
    assert progress.get_position(store, other.id, record_id) is not None
    assert len(progress.bookmarks(store, other.id, record_id)) == 1
    assert len(attempts(store, username="other")) == 1

    (entry,) = audit.entries(store, action=users.USER_DELETED)
    assert (entry.actor, entry.target, entry.detail) == (
        alias,
        alias,
        {"role": "reader", "by_holder": True},
    )
    assert "lan" not in json.dumps([entry.actor, entry.target, entry.detail])
    assert audit.verify(store).ok
    with pytest.raises(AccountError) as exc:
        users.delete_user(store, "lan")
    assert exc.value.code == "unknown_user"
    # The name is free again.
    assert users.create_user(store, "lan", GOOD).username == "lan"
