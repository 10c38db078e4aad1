"""Retention limits: owners limit a kind of record; the job erases what is past the limit and nothing
newer, a second run changes nothing, an embedding stays while a newer comment shares it; bad limits
are named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from servicescape.audit.models import AuditEvent
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Channel, Interaction
from servicescape.clients.service import clients
from servicescape.errors import ValidationFailed
from servicescape.platform.jobs import runner
from servicescape.privacy import retention
from servicescape.quality.models import Survey, SurveyKind, SurveyResponse
from servicescape.runtime import Runtime
from servicescape.voice.models import Comment, Vector

NOW = datetime.now(UTC).replace(microsecond=0)


def test_limits_erase_only_what_is_past_them_once(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        client = clients.create(session, {"name": "Kovács és Társa Kft."}, by=SYSTEM)
        survey = Survey(name="Relationship survey", kind=SurveyKind.nps)
        session.add(survey)
        session.flush()
        for days, comment in ((400, "A régi csapat lassú volt."), (30, "Gyors és pontos munka.")):
            session.add(SurveyResponse(survey_id=survey.id, client_id=client.id, language="hu", nps=8,
                                       started_at=NOW - timedelta(days=days), saved_at=NOW - timedelta(days=days),
                                       submitted_at=NOW - timedelta(days=days), comment=comment))
        for days, text, text_hash in ((400, "Lassú volt.", "a" * 64), (400, "Köszönöm.", "b" * 64),
                                      (20, "Köszönöm.", "b" * 64)):
            session.add(Comment(source="survey", source_key=f"c{days}{text_hash[0]}", client_id=client.id, text=text,
                                said_at=NOW - timedelta(days=days), text_hash=text_hash))
        session.add_all([Vector(text_hash=h * 64, vector=b"\x00" * 8) for h in "ab"])
        session.add(Interaction(client_id=client.id, channel=Channel.call, occurred_at=NOW - timedelta(days=900),
                                summary="Beszéltünk a szerződésről"))
        rules = {rule.key: rule for rule in retention.rules(session, by=SYSTEM)}
        assert {"survey_text", "comment_text", "interaction_notes", "complaint_text", "sent_email_bodies",
                "portal_sessions"} <= set(rules) and all(rule.months is None for rule in rules.values())
        assert retention.apply(session, now=NOW, by=SYSTEM) == {}          # nothing limited: nothing erased
        retention.set_months(session, "survey_text", 12, by=SYSTEM)
        retention.set_months(session, "comment_text", 12, by=SYSTEM)
        assert session.scalars(select(AuditEvent).where(AuditEvent.entity == "privacy_retention")).first()
    first = runner.run_job(runtime, "privacy.retention")
    assert first.status.value == "succeeded", first.error
    with runtime.transaction() as session:
        comments = dict(session.execute(select(SurveyResponse.saved_at, SurveyResponse.comment)).all())
        assert [comment for _saved, comment in sorted(comments.items())] == [None, "Gyors és pontos munka."]
        said = {row.source_key: (row.text, row.text_hash) for row in session.scalars(select(Comment))}
        assert said["c400a"] == ("", None) and said["c400b"] == ("", None) and said["c20b"] == ("Köszönöm.", "b" * 64)
        assert set(session.scalars(select(Vector.text_hash))) == {"b" * 64}    # still the newer comment's
        assert session.scalar(select(Interaction.summary)) == "Beszéltünk a szerződésről"   # not limited
        assert retention.apply(session, now=NOW, by=SYSTEM) == {"survey_text": 0, "comment_text": 0}
        retention.set_months(session, "survey_text", None, by=SYSTEM)
        assert {rule.key: rule.months for rule in retention.rules(session, by=SYSTEM)}["survey_text"] is None


@pytest.mark.parametrize(("key", "months", "field"), [("nothing", 3, "key"), ("survey_text", 0, "survey_text"),
                                                      ("survey_text", 601, "survey_text"),
                                                      ("survey_text", True, "survey_text")])
def test_bad_limits_are_named(runtime: Runtime, key: str, months: int, field: str) -> None:
    with runtime.transaction() as session, pytest.raises(ValidationFailed) as refused:
        retention.set_months(session, key, months, by=SYSTEM)
    assert refused.value.field == field
