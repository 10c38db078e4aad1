"""Word of mouth's pages: the testimonial library (filters, adding with consent, approving and
rejecting, the export to copy and download, a testimonial's page and its changes), the referrals
page (figures, adding of a client or a prospect, status changes, deleting), the client page's
section and timeline — and what each role may do."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.referrals import service
from servicescape.referrals.models import Referral, Testimonial
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import Browser, add_client, plain


def _testimonial(runtime: Runtime, client_id: int, **fields: object) -> int:
    data = {"client_id": client_id, "author_name": "Kovács Anna", "author_role": "Ügyvezető", "language": "hu",
            "text": "Mindig pontosan érkeznek.", "consent_by": "Kovács Anna",
            "consent_at": datetime.now(UTC) - timedelta(days=3), "consent_uses": ["website"], **fields}
    with runtime.transaction() as session:
        return service.testimonials.create(session, data, by=SYSTEM).id


def _referral(runtime: Runtime, referrer: int, **fields: object) -> int:
    data = {"referrer_client_id": referrer, "prospect_name": "Nagy Péter", "prospect_company": "Duna Kft.",
            "referred_on": date.today() - timedelta(days=20), **fields}
    with runtime.transaction() as session:
        return service.referrals.create(session, data, by=SYSTEM).id


def _get(runtime: Runtime, model: type, record_id: int) -> object:
    with runtime.transaction() as session:
        return session.get(model, record_id)


def test_the_library_adds_approves_and_exports(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Hegyvidék Kft.", language="hu")
    page = owner_browser.get("/testimonials")
    assert page.status_code == 200 and "Add a testimonial" in page.text and 'id="export-snippet"' in page.text
    added = owner_browser.post("/testimonials", {
        "client": "Hegyvidék Kft.", "author_name": "Kovács Anna", "author_role": "Ügyvezető",
        "text": "Pontosak <és> megbízhatóak.", "language": "hu", "consent_by": "Kovács Anna",
        "consent_at": "2025-05-01T10:00", "use_website": "1", "use_case_studies": "1"})
    assert added.status_code == 303
    with runtime.transaction() as session:
        found = session.query(Testimonial).one()
        assert (found.status.value, [u.value for u in found.uses]) == ("pending", ["website", "case_studies"])
        testimonial_id = found.id
    listed = owner_browser.get("/testimonials", params={"status": "pending", "use": "website", "language": "hu"})
    assert "Pontosak &lt;és&gt; megbízhatóak." in listed.text
    assert f"/testimonials/{testimonial_id}/approve" in listed.text
    assert owner_browser.post(f"/testimonials/{testimonial_id}/approve").status_code == 303
    exported = owner_browser.get("/testimonials", params={"export_use": "website"})
    assert "HTML to paste (1 testimonials)" in plain(exported.text)
    assert "&lt;blockquote lang=&#34;hu&#34;&gt;" in exported.text or "&lt;blockquote lang=&quot;hu&quot;&gt;" in \
        exported.text or "&lt;blockquote lang=\"hu\"&gt;" in exported.text
    download = owner_browser.get("/testimonials/export", params={"use": "website", "format": "json"})
    assert download.status_code == 200 and download.json()[0]["text"] == "Pontosak <és> megbízhatóak."
    assert download.headers["content-disposition"] == 'attachment; filename="testimonials-website.json"'
    snippet = owner_browser.get("/testimonials/export", params={"use": "case_studies", "format": "html"})
    assert '<figure class="testimonial" lang="hu">' in snippet.text and "&lt;és&gt;" in snippet.text
    assert owner_browser.get("/testimonials/export", params={"use": "proposals"}).json() == []
    bad = owner_browser.post("/testimonials", {"client": "Hegyvidék Kft.", "author_name": "X", "text": "Jó.",
                                               "language": "fr"})
    assert bad.status_code == 422 and 'id="f-testimonial-language-error"' in bad.text
    assert client_id


def test_a_testimonial_is_changed_rejected_and_deleted(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Hegyvidék Kft.")
    testimonial_id = _testimonial(runtime, client_id)
    with runtime.transaction() as session:
        service.approve(session, service.testimonials.get(session, testimonial_id, by=SYSTEM), by=SYSTEM)
    page = owner_browser.get(f"/testimonials/{testimonial_id}")
    assert page.status_code == 200 and "Mindig pontosan érkeznek." in page.text
    saved = owner_browser.post(f"/testimonials/{testimonial_id}", {
        "author_name": "Kovács Anna", "author_role": "", "text": "Mindig pontosak.", "language": "hu",
        "consent_by": "Kovács Anna", "consent_at": "2025-05-01T10:00", "use_website": "1"})
    assert saved.status_code == 303
    assert _get(runtime, Testimonial, testimonial_id).status.value == "pending"   # type: ignore[attr-defined]
    emptied = owner_browser.post(f"/testimonials/{testimonial_id}", {"author_name": "", "text": "x", "language": "hu"})
    assert emptied.status_code == 422 and 'id="f-edit-author_name-error"' in emptied.text
    assert owner_browser.post(f"/testimonials/{testimonial_id}/reject", {"reason": "Too short."}).status_code == 303
    assert _get(runtime, Testimonial, testimonial_id).rejected_reason == "Too short."   # type: ignore[attr-defined]
    draft = _testimonial(runtime, client_id, consent_by=None, consent_at=None, consent_uses=[])
    refused = owner_browser.post(f"/testimonials/{draft}/approve")
    assert refused.status_code == 422 and "consent" in plain(refused.text)
    assert owner_browser.post(f"/testimonials/{testimonial_id}/delete").status_code == 303
    assert _get(runtime, Testimonial, testimonial_id) is None


def test_the_referrals_page(owner_browser: Browser, runtime: Runtime) -> None:
    referrer = add_client(runtime, name="Syarikat Maju Jaya Sdn. Bhd.")
    other = add_client(runtime, name="Panas Bhd")
    old = _referral(runtime, referrer, referred_on=date(2025, 3, 3), status="won", value_won=Decimal("4000"),
                    currency="EUR", won_on=date(2025, 4, 1))
    page = owner_browser.get("/referrals")
    assert page.status_code == 200
    figures = plain(page.text)
    assert "Conversion rate 100%" in figures and "Syarikat Maju Jaya Sdn. Bhd." in figures
    assert 'id="chart-value-won"' in page.text
    added = owner_browser.post("/referrals", {"referrer": "Syarikat Maju Jaya Sdn. Bhd.", "referred_kind": "client",
                                              "referred": "Panas Bhd", "referred_on": date.today().isoformat()})
    assert added.status_code == 303
    prospect = owner_browser.post("/referrals", {"referrer": str(referrer), "referred_kind": "prospect",
                                                 "prospect_name": "Tan Wei Ming", "referred_on": "2025-06-01"})
    assert prospect.status_code == 303
    with runtime.transaction() as session:
        made = {r.referred_client_id or r.prospect_name: r.id for r in session.query(Referral)}
    assert set(made) == {"Nagy Péter", other, "Tan Wei Ming"}
    itself = owner_browser.post("/referrals", {"referrer": "Panas Bhd", "referred_kind": "client",
                                               "referred": "Panas Bhd", "referred_on": "2025-06-01"})
    assert itself.status_code == 422 and "cannot refer itself" in plain(itself.text)
    nobody = owner_browser.post("/referrals", {"referrer": "Panas Bhd", "referred_kind": "prospect",
                                               "referred_on": "2025-06-01"})
    assert nobody.status_code == 422
    won = owner_browser.post(f"/referrals/{made['Tan Wei Ming']}/status",
                             {"status": "won", "value_won": "1 250,50", "currency": "eur",
                              "next": "/referrals?year=2025"})
    assert won.status_code == 303 and won.headers["location"] == "/referrals?year=2025"
    assert _get(runtime, Referral, made["Tan Wei Ming"]).value_won == Decimal("1250.50")  # type: ignore[attr-defined]
    unvalued = owner_browser.post(f"/referrals/{made[other]}/status", {"status": "won"})
    assert unvalued.status_code == 422 and "value won" in plain(unvalued.text)
    year = owner_browser.get("/referrals", params={"year": "2025", "status": "won", "client": str(referrer)})
    assert "Tan Wei Ming" in year.text and "Panas Bhd" not in plain(year.text).split("Record a referral")[0]
    assert owner_browser.get("/referrals", params={"year": "20x5"}).status_code == 422
    assert owner_browser.post(f"/referrals/{old}/delete").status_code == 303
    assert _get(runtime, Referral, old) is None


def test_viewers_see_staff_add_managers_approve(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    client_id = add_client(runtime, name="Hegyvidék Kft.")
    testimonial_id = _testimonial(runtime, client_id)
    referral_id = _referral(runtime, client_id)
    viewer: Browser = browser_as(Role.viewer)
    assert viewer.get("/testimonials").status_code == 200
    assert "Add a testimonial" not in viewer.get("/testimonials").text
    assert "Record a referral" not in viewer.get("/referrals").text
    assert viewer.post("/referrals", {"referrer": "Hegyvidék Kft.", "prospect_name": "X",
                                      "referred_on": "2025-01-01"}).status_code == 403
    assert viewer.post(f"/referrals/{referral_id}/status", {"status": "lost"}).status_code == 403
    staff: Browser = browser_as(Role.staff)
    assert f"/testimonials/{testimonial_id}/approve" not in staff.get("/testimonials").text
    assert staff.post(f"/testimonials/{testimonial_id}/approve").status_code == 403
    assert staff.post(f"/referrals/{referral_id}/delete").status_code == 403
    assert staff.post(f"/testimonials/{testimonial_id}/delete").status_code == 403


def test_the_client_page_and_its_timeline(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Hegyvidék Kft.")
    other = add_client(runtime, name="Panas Bhd")
    _testimonial(runtime, client_id)
    _referral(runtime, client_id, prospect_name=None, prospect_company=None, referred_client_id=other)
    page = plain(owner_browser.get(f"/clients/{client_id}").text)
    assert "Word of mouth" in page and "Mindig pontosan érkeznek." in page
    assert "Testimonial by Kovács Anna" in page and "Referred Panas Bhd" in page
    referred = plain(owner_browser.get(f"/clients/{other}").text)
    assert "Referred to us by Hegyvidék Kft." in referred
