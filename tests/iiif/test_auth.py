"""IIIF Authorization Flow API 2.0 over the portal: the services declared on restricted
images, the access (login) service, the token service's message, and the probe's answers."""

from __future__ import annotations

import json
import re

import pytest

from iiif.objects import image_identifier
from tests.iiif.conftest import Scans, client_as

CONTEXT = "http://iiif.io/api/auth/2/context.json"
ORIGIN = "https://viewer.example.org"


def info(client, level: str) -> dict:  # noqa: ANN001
    identifier = image_identifier(f"lib:{level}", 1)
    response = client.get(f"/iiif/3/{identifier}/info.json")
    assert response.status_code == 200
    return json.loads(response.data)


def posted_message(client, **params) -> dict:  # noqa: ANN001
    response = client.get("/iiif/3/auth/token", query_string=params)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    match = re.search(r"window\.parent\.postMessage\((\{.*\}), (\".*\")\);", page)
    assert match, page
    assert json.loads(match.group(2)) == params["origin"]
    return json.loads(match.group(1))


def probe(client, level: str, token: str = "") -> dict:  # noqa: ANN001
    identifier = image_identifier(f"lib:{level}", 1)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(f"/iiif/3/auth/probe/{identifier}", headers=headers)
    assert response.status_code == 200  # the probe's own answer; the status is inside
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    result = json.loads(response.data)
    assert result["@context"] == CONTEXT and result["type"] == "AuthProbeResult2"
    return result


def token_of(scans: Scans, who: str) -> str:
    client = client_as(scans, who)
    message = posted_message(client, messageId="m1", origin=ORIGIN)
    assert message["type"] == "AuthAccessToken2" and message["messageId"] == "m1"
    assert message["expiresIn"] == 3600
    return message["accessToken"]


def test_restricted_images_declare_the_services(scans: Scans) -> None:
    anonymous = client_as(scans, "anonymous")
    assert "service" not in info(anonymous, "public")  # everyone's: nothing to log in for
    [service] = info(anonymous, "registered")["service"]
    assert service["type"] == "AuthProbeService2"
    assert service["id"].endswith(f"/iiif/3/auth/probe/{image_identifier('lib:registered', 1)}")
    [access] = service["service"]
    assert access["type"] == "AuthAccessService2" and access["profile"] == "active"
    assert access["id"] == "http://localhost/iiif/3/auth/access"
    for key in ("label", "heading", "note", "confirmLabel"):
        assert set(access[key]) == {"vi", "en"}
    token, logout = access["service"]
    assert token == {"id": "http://localhost/iiif/3/auth/token", "type": "AuthAccessTokenService2"}
    assert logout["type"] == "AuthLogoutService2"
    # The manifest declares the probe on each restricted Image body, next to its service.
    manifest = json.loads(anonymous.get("/iiif/3/manifest/lib:registered").data)
    body = manifest["items"][0]["items"][0]["items"][0]["body"]
    assert [s["type"] for s in body["service"]] == ["ImageService3", "AuthProbeService2"]
    public = json.loads(anonymous.get("/iiif/3/manifest/lib:public").data)
    assert [s["type"] for s in public["items"][0]["items"][0]["items"][0]["body"]["service"]] == [
        "ImageService3"
    ]


def test_access_service_is_the_login_page_then_closes(scans: Scans) -> None:
    anonymous = client_as(scans, "anonymous")
    response = anonymous.get(f"/iiif/3/auth/access?origin={ORIGIN}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    reader = client_as(scans, "reader")
    response = reader.get(f"/iiif/3/auth/access?origin={ORIGIN}")
    assert response.headers["Location"] == "/iiif/3/auth/done"
    done = reader.get("/iiif/3/auth/done").get_data(as_text=True)
    assert "window.close()" in done and "You are logged in" in done


def test_token_service(scans: Scans) -> None:
    anonymous = client_as(scans, "anonymous")
    error = posted_message(anonymous, messageId="x", origin=ORIGIN)
    assert error["type"] == "AuthAccessTokenError2" and error["profile"] == "missingAspect"
    assert error["messageId"] == "x"
    for bad in ({"messageId": "x"}, {"messageId": "x", "origin": "javascript:alert(1)"}):
        assert anonymous.get("/iiif/3/auth/token", query_string=bad).status_code == 400
    # The message id is the viewer's text: it cannot close the script element.
    message = posted_message(anonymous, messageId="</script><b>", origin=ORIGIN)
    assert message["messageId"] == "</script><b>"


@pytest.mark.parametrize(
    ("level", "who", "status"),
    [
        ("public", "anonymous", 200),
        ("registered", "anonymous", 401),  # a preview now; logging in would give all
        ("registered", "reader", 200),
        ("staff", "reader", 403),  # a reader stays at the preview: logging in cannot help
        ("staff", "librarian", 200),
        ("onsite", "anonymous", 401),
        ("onsite", "reader", 403),
        ("hidden", "anonymous", 404),
        ("hidden", "librarian", 200),
    ],
)
def test_probe(scans: Scans, level: str, who: str, status: int) -> None:
    # The viewer's probe comes from another site: no cookie, only the token.
    token = token_of(scans, who) if who != "anonymous" else ""
    result = probe(client_as(scans, "anonymous"), level, token)
    assert result["status"] == status
    if status in (401, 403):
        assert set(result["heading"]) == {"vi", "en"} and set(result["note"]) == {"vi", "en"}


def test_bad_tokens_and_preflight(scans: Scans) -> None:
    client = client_as(scans, "anonymous")
    assert probe(client, "registered", "not-a-token")["status"] == 401
    tampered = token_of(scans, "reader")[:-2] + "AA"
    assert probe(client, "registered", tampered)["status"] == 401
    identifier = image_identifier("lib:registered", 1)
    preflight = client.options(
        f"/iiif/3/auth/probe/{identifier}",
        headers={"Access-Control-Request-Headers": "Authorization", "Origin": ORIGIN},
    )
    assert preflight.status_code == 204
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_tokens_carry_no_session_secret_and_die_with_the_password(scans: Scans) -> None:
    from itsdangerous import URLSafeTimedSerializer

    from catalogue import users
    from tests.support.accounts import PASSWORD, browser, log_in, make_user

    name = make_user(scans.app, "reader")
    client = browser(scans.app)
    log_in(client, name)
    token = posted_message(client, messageId="m", origin=ORIGIN)["accessToken"]
    serializer = URLSafeTimedSerializer(scans.app.secret_key, salt="thuvien.iiif.auth2")
    decoded = json.dumps(serializer.loads(token))  # what anyone holding the token can read
    account = users.find_user(scans.store, name)
    assert decoded.startswith('{"u": "') and account.password_stamp not in decoded
    anonymous = client_as(scans, "anonymous")
    assert probe(anonymous, "registered", token)["status"] == 200
    users.set_password(scans.store, name, PASSWORD + "!")
    assert probe(anonymous, "registered", token)["status"] == 401
