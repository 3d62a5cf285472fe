"""What a valid account is: username, password, role and profile rules, and the error
that says which one a request broke (its `code` translated by the portal)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

ROLES = ("reader", "librarian", "admin")  # in rising order of what they may do

USERNAME_MIN, USERNAME_MAX = 3, 100
PASSWORD_MIN, PASSWORD_MAX = 10, 1000
DISPLAY_NAME_MAX, EMAIL_MAX = 200, 300
_USERNAME = re.compile(r"[\w.\-]+")  # \w: any script's letters and digits, and "_"

# The most common passwords at least PASSWORD_MIN long (shorter ones are refused anyway),
# from the public breach lists, plus the obvious local ones. Compared casefolded.
COMMON_PASSWORDS = frozenset(
    {
        "0000000000",
        "0123456789",
        "0987654321",
        "1111111111",
        "1122334455",
        "1234512345",
        "1234567890",
        "12345678910",
        "1234567891",
        "123456789a",
        "123456789@",
        "1234567890a",
        "1234qwerty",
        "1q2w3e4r5t",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "5555555555",
        "9876543210",
        "aaaaaaaaaa",
        "a123456789",
        "abc1234567",
        "abcd123456",
        "abcdefghij",
        "administrator",
        "anhyeuem123",
        "baseball123",
        "changeme123",
        "football123",
        "hanoi12345",
        "hanoi123456",
        "iloveyou12",
        "iloveyou123",
        "letmein123",
        "matkhau123",
        "matkhau1234",
        "matkhaumoi",
        "passw0rd123",
        "password01",
        "password12",
        "password123",
        "password1234",
        "password1!",
        "password!1",
        "princess123",
        "qazwsxedc123",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "qwertyuiop",
        "qwertyuiop123",
        "saigon123456",
        "sunshine123",
        "superman123",
        "thuvien123",
        "thuvien1234",
        "thuvienhanoi",
        "trustno1234",
        "vietnam123",
        "vietnam1234",
        "welcome123",
        "zaq12wsxcde",
    }
)


class AccountError(ValueError):
    """A request about accounts that cannot be done; `code` says why, for translation.

    Codes: username_invalid, username_taken, unknown_user, role_invalid,
    password_too_short, password_too_long, password_is_username, password_too_common,
    display_name_too_long, email_invalid.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def normalise_username(username: str) -> str:
    """The stored form of a username (NFC, casefolded), or AccountError if it is not valid."""
    name = unicodedata.normalize("NFC", (username or "").strip()).casefold()
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX or not _USERNAME.fullmatch(name):
        raise AccountError(
            "username_invalid",
            f"a username has {USERNAME_MIN} to {USERNAME_MAX} characters: letters, digits, "
            "dots, hyphens and underscores",
            minimum=USERNAME_MIN,
            maximum=USERNAME_MAX,
        )
    return name


def check_password(password: str, username: str = "") -> None:
    """Raise AccountError if the password breaks the policy (length, username, common)."""
    if len(password) < PASSWORD_MIN:
        raise AccountError(
            "password_too_short",
            f"a password needs at least {PASSWORD_MIN} characters",
            minimum=PASSWORD_MIN,
        )
    if len(password) > PASSWORD_MAX:
        raise AccountError(
            "password_too_long",
            f"a password can have at most {PASSWORD_MAX} characters",
            maximum=PASSWORD_MAX,
        )
    folded = unicodedata.normalize("NFC", password).casefold()
    if username and folded.strip() == unicodedata.normalize("NFC", username).casefold().strip():
        raise AccountError("password_is_username", "the password must not be the username")
    if folded in COMMON_PASSWORDS or len(set(folded)) == 1:
        raise AccountError(
            "password_too_common", "this password is among the most common ones; choose another"
        )


def check_role(role: str) -> str:
    """The role, or AccountError if thuvien has no such role."""
    if role not in ROLES:
        raise AccountError(
            "role_invalid", f"role must be one of {', '.join(ROLES)}, not {role!r}", roles=ROLES
        )
    return role


def check_profile(display_name: str, email: str) -> tuple[str, str]:
    """The display name and e-mail address trimmed, or AccountError if one cannot be kept."""
    display_name, email = display_name.strip(), email.strip()
    if len(display_name) > DISPLAY_NAME_MAX:
        raise AccountError(
            "display_name_too_long",
            f"a display name can have at most {DISPLAY_NAME_MAX} characters",
            maximum=DISPLAY_NAME_MAX,
        )
    if email and (len(email) > EMAIL_MAX or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
        raise AccountError("email_invalid", f"{email!r} is not an e-mail address")
    return display_name, email
