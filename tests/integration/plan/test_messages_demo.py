"""The demo firm's message to the market on both databases: a library in the six languages with drafts
awaiting approval, uses on recent interactions that differ from person to person, case studies (some
approved) on clients with delivered work, and proposals in their clients' languages, each with its
message's use — and nothing added to a firm that has messages already."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.config import LANGUAGES
from servicescape.demo import firm
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import load_demo
from servicescape.demo.steps import DemoRun
from servicescape.plan import message_uses, messages, proposals
from servicescape.plan.message_demo import load_messages
from servicescape.plan.message_demo_texts import MESSAGES
from servicescape.plan.models import CaseStudy, CaseStudyStatus, Message, MessageUse, Proposal
from servicescape.runtime import Runtime

TODAY = date(2026, 11, 20)
SPEC = DemoSpec(clients=300, seed=firm.DEMO_SEED, today=TODAY)


def test_the_demo_library_its_uses_case_studies_and_proposals(runtime: Runtime) -> None:
    load_demo(runtime, SPEC, batch_clients=128)
    with runtime.transaction() as session:
        staff = {member.key: session.scalar(select(Staff.id).where(Staff.email == member.email))
                 for member in firm.ROSTER}
    run = DemoRun(runtime, SPEC, ids={"staff": {key: n for key, n in staff.items() if n is not None}})
    load_messages(run)           # the step (a no-op where the registry ran it already)
    load_messages(run)           # … and again: nothing more

    with runtime.transaction() as session:
        lines = messages.library(session, by=SYSTEM)
        assert len(lines) == len(MESSAGES) >= 4
        kinds = [line.message.kind.value for line in lines]
        assert kinds.count("positioning") == 2 and kinds.count("benefit") >= 2
        complete = [line for line in lines if set(line.approved) == set(LANGUAGES)]
        assert len(complete) >= 4                                      # approved in all six languages
        assert sum(len(line.drafts) for line in lines) >= 3             # drafts awaiting a manager
        assert any(not line.approved and line.drafts for line in lines)
        assert {line.message.segment for line in lines} >= {None, "Industrial", "Critical facilities"}

        found = message_uses.adoption(session, TODAY - timedelta(days=89), TODAY, zone=runtime.settings.zone,
                                      by=SYSTEM)
        assert 0 < found.with_message < found.interactions
        shares = [row.share for row in found.staff if row.interactions >= 5 and row.share is not None]
        assert max(shares) - min(shares) > 0.4                          # adoption differs from person to person
        assert found.top_share is not None and found.top_share < 1

        studies = session.scalars(select(CaseStudy)).all()
        assert 3 <= len(studies) <= 4
        assert sum(s.status == CaseStudyStatus.approved for s in studies) >= 2
        assert any(s.outcome_id for s in studies) and any(s.testimonial_id for s in studies)

        made = session.scalars(select(Proposal)).all()
        assert 2 <= len(made) <= 3
        assert {p.language for p in made} <= set(LANGUAGES) and len({p.language for p in made}) == len(made)
        for proposal in made:
            assert session.scalar(select(func.count()).select_from(MessageUse)
                                  .where(MessageUse.proposal_id == proposal.id)) == 1
            pack = proposals.pack(session, proposal.id, day=TODAY, by=SYSTEM)
            assert pack.message_text and pack.comparison is not None and pack.left_out == 0
        assert any(p.value_case_id for p in made)
        assert session.scalar(select(func.count()).select_from(Message)) == len(MESSAGES)
