"""The web security baseline (ASVS L1 + cheap L2) on both backends: each check fails when broken."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from servicescape.auth import service as auth
from servicescape.auth.models import Role, Staff, WebSession
from servicescape.auth.permissions import SYSTEM
from servicescape.runtime import Runtime
from servicescape.web.app import create_app
from servicescape.web.security import CSP
from tests.conftest import PASSWORD, csrf_from, make_staff, sign_in

REQUIRED_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def _assert_security_headers(response) -> None:  # type: ignore[no-untyped-def]
    for name, value in REQUIRED_HEADERS.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    csp = response.headers["content-security-policy"]
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_every_kind_of_response_carries_the_security_headers(web: TestClient, owner: Staff) -> None:
    responses = [
        web.get("/signin"),
        web.get("/static/app.css"),
        web.get("/static/vendor/htmx.min.js"),
        web.get("/no-such-page"),
        web.get("/api/v1/no-such-thing"),
        web.get("/clients", follow_redirects=False),
        web.post("/signin", data={"email": "x@y.z", "password": "nope"}),  # CSRF failure
    ]
    for response in responses:
        _assert_security_headers(response)
    assert "strict-transport-security" not in responses[0].headers


def test_hsts_when_served_over_https(runtime: Runtime) -> None:
    runtime.settings.https = True
    with TestClient(create_app(runtime=runtime), base_url="https://127.0.0.1") as client:
        response = client.get("/signin")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_sign_in_sets_a_new_httponly_samesite_session(web: TestClient, runtime: Runtime, owner: Staff) -> None:
    page = web.get("/signin")
    token = csrf_from(page.text)
    response = web.post("/signin", data={"email": owner.email, "password": PASSWORD, "csrf_token": token,
                                         "next": "/clients"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/clients"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("ss_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 1
    # signing in again makes another session: a session id is never carried over from before sign-in
    first = web.cookies.get("ss_session")
    sign_in(web, owner.email)
    assert web.cookies.get("ss_session") != first


def test_secure_cookie_over_https(runtime: Runtime, owner: Staff) -> None:
    runtime.settings.https = True
    with TestClient(create_app(runtime=runtime), base_url="https://127.0.0.1") as client:
        page = client.get("/signin")
        response = client.post("/signin", data={"email": owner.email, "password": PASSWORD,
                                                "csrf_token": csrf_from(page.text)}, follow_redirects=False)
    cookie = next(h for h in response.headers.get_list("set-cookie") if "ss_session=" in h)
    assert cookie.startswith("__Host-ss_session=") and "Secure" in cookie


def test_sign_out_ends_the_session_on_the_server(web: TestClient, runtime: Runtime, owner: Staff) -> None:
    sign_in(web, owner.email)
    stolen = web.cookies.get("ss_session")
    page = web.get("/clients")
    assert page.status_code == 200
    response = web.post("/signout", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert response.status_code == 303
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 0
    replay = TestClient(web.app, base_url="http://127.0.0.1", cookies={"ss_session": stolen or ""})
    assert replay.get("/clients", follow_redirects=False).status_code == 303


def test_deactivation_ends_a_signed_in_browser(web: TestClient, runtime: Runtime, owner: Staff) -> None:
    staff = make_staff(runtime, Role.staff)
    sign_in(web, staff.email)
    assert web.get("/clients").status_code == 200
    with runtime.transaction() as session:
        auth.deactivate(session, session.merge(staff), by=SYSTEM)
    response = web.get("/clients", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")


def test_state_changing_browser_requests_need_the_csrf_token(web: TestClient, owner: Staff) -> None:
    response = web.post("/signin", data={"email": owner.email, "password": PASSWORD})
    assert response.status_code == 403
    sign_in(web, owner.email)
    assert web.post("/signout", data={}).status_code == 403
    assert web.post("/signout", data={"csrf_token": "0" * 64}).status_code == 403
    assert web.post("/api/v1/clients", json={"name": "Via cookie"}).status_code == 403
    token = csrf_from(web.get("/clients").text)
    created = web.post("/api/v1/clients", json={"name": "Via cookie"}, headers={"X-CSRF-Token": token})
    assert created.status_code == 201, created.text


def test_bearer_calls_without_a_cookie_need_no_csrf_token(api: TestClient) -> None:
    assert api.post("/api/v1/clients", json={"name": "Via token"}).status_code == 201


def test_get_changes_nothing(web: TestClient, owner: Staff) -> None:
    sign_in(web, owner.email)
    assert web.get("/signout").status_code == 405


def test_open_redirects_are_refused(app, owner: Staff) -> None:  # type: ignore[no-untyped-def]
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        web = TestClient(app, base_url="http://127.0.0.1")
        page = web.get("/signin")
        response = web.post("/signin", data={"email": owner.email, "password": PASSWORD,
                                             "csrf_token": csrf_from(page.text), "next": target},
                            follow_redirects=False)
        assert response.headers["location"] == "/"


def test_request_bodies_are_limited(runtime: Runtime, api: TestClient) -> None:
    limit = runtime.settings.max_upload_bytes
    response = api.post("/api/v1/clients", content=b"x" * (limit + 1), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_error_pages_show_no_stack_trace(web: TestClient, owner: Staff) -> None:
    sign_in(web, owner.email)
    page = web.get("/clients/999999")
    assert page.status_code == 404
    assert "Traceback" not in page.text and "File \"" not in page.text


def test_wrong_password_is_refused_and_rate_limited_per_account(
    web: TestClient, runtime: Runtime, owner: Staff
) -> None:
    limit = runtime.settings.login_max_failures_per_client  # one client: the limits are in test_sign_in_limits.py
    for _ in range(limit):
        page = web.get("/signin")
        response = web.post("/signin", data={"email": owner.email, "password": "not-the-password",
                                             "csrf_token": csrf_from(page.text)})
        assert response.status_code == 401
    page = web.get("/signin")
    response = web.post("/signin", data={"email": owner.email, "password": PASSWORD,
                                         "csrf_token": csrf_from(page.text)})
    assert response.status_code == 429
