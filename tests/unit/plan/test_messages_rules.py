"""The pure rules of the message library, case studies and proposals: version numbers, the languages
missing, who may approve their own draft, shares, a client's language, what of a case study may leave
the firm, and the export's HTML (escaped, no script)."""

from __future__ import annotations

from datetime import date

import pytest

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Client
from servicescape.plan.case_studies import PublicCaseStudy, export_html, public_view
from servicescape.plan.message_uses import Adoption, MessageAdoption, StaffAdoption, client_language, share
from servicescape.plan.messages import may_approve_own, missing_languages, next_version
from servicescape.plan.models import CaseStudy, MessageKind
from servicescape.plan.proposals import _ids
from servicescape.referrals import models as referrals


def test_version_numbers_follow_the_last_one_of_the_language() -> None:
    assert next_version([]) == 1
    assert next_version([1, 2, 3]) == 4
    assert next_version([4, 2]) == 5          # a discarded draft leaves a gap; numbers never go back


def test_the_languages_missing_in_the_products_order() -> None:
    assert missing_languages({"en": 1, "hu": 2}) == ["ms", "bg", "zh-Hans", "zh-Hant"]
    assert missing_languages(set()) == ["en", "ms", "bg", "zh-Hans", "zh-Hant", "hu"]
    assert missing_languages({"en", "ms", "bg", "zh-Hans", "zh-Hant", "hu"}) == []


@pytest.mark.parametrize(("role", "allowed"), [(Role.owner, True), (Role.manager, False), (Role.staff, False)])
def test_only_the_owner_approves_their_own_draft(role: Role, allowed: bool) -> None:
    assert may_approve_own(Staff(name="A", email="a@firm.test", role=role)) is allowed
    assert may_approve_own(SYSTEM) is True


def test_shares_and_the_most_used_message() -> None:
    assert share(3, 4) == 0.75 and share(0, 5) == 0.0 and share(0, 0) is None
    found = Adoption(date(2026, 3, 1), date(2026, 3, 31), 7, 3,
                     [StaffAdoption(1, "Ana", 4, 3), StaffAdoption(2, "Ben", 2, 0), StaffAdoption(None, "", 1, 0)],
                     [MessageAdoption(1, "Running", MessageKind.benefit, 2, 2, 0, 1),
                      MessageAdoption(2, "Who", MessageKind.benefit, 1, 1, 0, 1)])
    assert found.share == 3 / 7 and found.uses == 3 and found.top_share == 2 / 3
    assert [s.share for s in found.staff] == [0.75, 0.0, 0.0]
    assert Adoption(date(2026, 3, 1), date(2026, 3, 31), 0, 0, [], []).top_share is None


@pytest.mark.parametrize(("given", "language"), [("ms", "ms"), ("ms-MY", "ms"), ("zh_Hant", "zh-Hant"),
                                                 ("zh-hans", "zh-Hans"), ("de", None), (None, None), ("", None)])
def test_a_clients_language_as_one_of_the_products(given: str | None, language: str | None) -> None:
    assert client_language(given) == language


def test_ids_once_each_in_the_order_given() -> None:
    assert _ids([3, 1, 3, 2, 1]) == [3, 1, 2] and _ids(None) == []


def quote(**consent: bool) -> referrals.Testimonial:
    return referrals.Testimonial(client_id=1, author_name="Siti Aminah", author_role="Facilities manager",
                       text="Always on time.", language="ms", status=referrals.TestimonialStatus.approved,
                       use_website=consent.get("website", False), use_case_studies=consent.get("case_studies", False),
                       use_proposals=False)


def test_the_client_is_named_only_with_its_consent() -> None:
    study = CaseStudy(id=5, title="Half the stops", client_id=1, segment=None, language="en", problem="p",
                      approach="a", result="r")
    client = Client(id=1, name="Permata Timur Sdn Bhd", segment="Industrial", industry="Manufacturing")
    named = public_view(study, client, quote(website=True, case_studies=True), "Planned Maintenance")
    assert (named.client, named.quote_by, named.quote) == ("Permata Timur Sdn Bhd", "Siti Aminah, Facilities manager",
                                                           "Always on time.")
    unnamed = public_view(study, client, quote(case_studies=True), None)
    assert unnamed.client is None and (unnamed.segment, unnamed.industry) == ("Industrial", "Manufacturing")
    assert unnamed.quote_by == "Facilities manager" and unnamed.quote == "Always on time."
    # a testimonial not consented for case studies is not quoted (and names nobody)
    unquoted = public_view(study, client, quote(website=False), None)
    assert unquoted.quote is None and unquoted.client is None
    rejected = quote(website=True, case_studies=True)
    rejected.status = referrals.TestimonialStatus.rejected
    assert public_view(study, client, rejected, None).client is None


def test_the_export_page_is_escaped_and_has_no_script() -> None:
    found = [PublicCaseStudy(1, "Cooler <script>alert(1)</script>", "hu", None, "Industrial", None, None,
                             "A & B", "x\ny", "z", "−38%", "Mindig <b>pontos</b>", "Karbantartási vezető", "hu")]
    page = export_html(found, title="Esettanulmányok",
                       headings={"problem": "A probléma", "approach": "Amit tettünk", "result": "Az eredmény"})
    assert "<script" not in page and "&lt;script&gt;" in page and "A &amp; B" in page
    assert "<p>x</p><p>y</p>" in page and 'lang="hu"' in page and "Industrial" in page
    assert "Mindig &lt;b&gt;pontos&lt;/b&gt;" in page and "A probléma" in page
