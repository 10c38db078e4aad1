"""The results page opened without a filter shows the latest SERVQUAL wave (every wave at once is
a choice of the campaign filter)."""

from __future__ import annotations

from servicescape.auth.permissions import SYSTEM
from servicescape.quality import answers, campaigns, surveys
from servicescape.quality.models import Invitation, SurveyKind
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import Browser, add_client


def _values(perceived: int) -> dict[str, str]:
    values = {f"servqual_{n}_{half}": str(7 if half == "e" else perceived) for n in range(1, 23) for half in "ep"}
    return {**values, "nps": "8"}


def test_a_first_visit_shows_the_latest_wave(owner_browser: Browser, runtime: Runtime) -> None:
    add_client(runtime, name="Petrov & Partners OOD", email="office@petrov.example")
    settings = runtime.settings
    with runtime.transaction() as session:
        survey = surveys.create(session, name="SERVQUAL", kind=SurveyKind.servqual, importance=False, by=SYSTEM)
        surveys.activate(session, survey, by=SYSTEM)
        waves = []
        for name, perceived in (("Spring", 4), ("Autumn", 6)):
            campaign = campaigns.create(session, settings, survey, name, campaigns.Audience(), by=SYSTEM)
            invitation = session.query(Invitation).filter_by(campaign_id=campaign.id).one()
            answers.answer_by_link(session, settings, answers.token_of(settings, invitation.id, invitation.nonce),
                                   _values(perceived), submit=True)
            waves.append(campaign.id)
    first = owner_browser.get("/quality/results", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == f"/quality/results?campaign={waves[1]}"
    latest = owner_browser.get(first.headers["location"])
    assert latest.status_code == 200 and "-1.00" in latest.text and "-3.00" not in latest.text
    every = owner_browser.get("/quality/results?campaign=")
    assert every.status_code == 200 and "-2.00" in every.text   # both waves: (−3 + −1) / 2
