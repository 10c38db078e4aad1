"""The built-in questionnaires: SERVQUAL's 22 statements in the published order (tangibles 1–4,
reliability 5–9, responsiveness 10–13, assurance 14–17, empathy 18–22), worded for a
professional-services firm, the importance split, NPS and CSAT. The wording lives in the product's
catalogs, so every built-in survey exists in all six languages."""

from __future__ import annotations

from dataclasses import dataclass

from servicescape.i18n import N_, _

#: the five dimensions, in the published order; their English names are the keys everywhere
DIMENSIONS: tuple[str, ...] = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")

DIMENSION_LABELS: dict[str, str] = {
    "tangibles": N_("Tangibles"),
    "reliability": N_("Reliability"),
    "responsiveness": N_("Responsiveness"),
    "assurance": N_("Assurance"),
    "empathy": N_("Empathy"),
}

DIMENSION_HINTS: dict[str, str] = {
    "tangibles": N_("Offices, tools, documents and the look of the people who serve you"),
    "reliability": N_("Doing what was promised, dependably and accurately"),
    "responsiveness": N_("Willingness to help and to answer promptly"),
    "assurance": N_("Knowledge, courtesy and the trust they inspire"),
    "empathy": N_("Caring, individual attention to each client"),
}

EXPECTED_SCALE = (1, 7)


@dataclass(frozen=True)
class Statement:
    number: int          # the published item number, 1–22
    dimension: str
    expected: str        # what an excellent firm would do (marked with N_)
    perceived: str       # what we do (marked with N_)

    @property
    def code(self) -> str:
        return f"servqual_{self.number}"


STATEMENTS: tuple[Statement, ...] = (
    Statement(1, "tangibles", N_("Excellent firms have up-to-date tools and systems for their work."),
              N_("Our firm has up-to-date tools and systems for its work.")),
    Statement(2, "tangibles", N_("The offices of excellent firms are pleasant and easy to visit."),
              N_("Our offices are pleasant and easy to visit.")),
    Statement(3, "tangibles", N_("The people of excellent firms are neat and professional in appearance."),
              N_("Our people are neat and professional in appearance.")),
    Statement(4, "tangibles", N_("The reports, contracts and letters of excellent firms are clear and well "
                                 "presented."),
              N_("Our reports, contracts and letters are clear and well presented.")),
    Statement(5, "reliability", N_("When excellent firms promise to do something by a certain time, they do so."),
              N_("When we promise to do something by a certain time, we do so.")),
    Statement(6, "reliability", N_("When a client has a problem, excellent firms show a sincere interest in "
                                   "solving it."),
              N_("When you have a problem, we show a sincere interest in solving it.")),
    Statement(7, "reliability", N_("Excellent firms get the work right the first time."),
              N_("We get the work right the first time.")),
    Statement(8, "reliability", N_("Excellent firms deliver their services at the time they promise to."),
              N_("We deliver our services at the time we promise to.")),
    Statement(9, "reliability", N_("Excellent firms keep error-free records and invoices."),
              N_("We keep error-free records and invoices.")),
    Statement(10, "responsiveness", N_("Excellent firms tell clients exactly when the work will be done."),
              N_("We tell you exactly when the work will be done.")),
    Statement(11, "responsiveness", N_("The people of excellent firms give clients prompt service."),
              N_("Our people give you prompt service.")),
    Statement(12, "responsiveness", N_("The people of excellent firms are always willing to help clients."),
              N_("Our people are always willing to help you.")),
    Statement(13, "responsiveness", N_("The people of excellent firms are never too busy to answer a client's "
                                       "question."),
              N_("Our people are never too busy to answer your questions.")),
    Statement(14, "assurance", N_("The behaviour of the people of excellent firms instils confidence in "
                                  "clients."),
              N_("The behaviour of our people instils confidence in you.")),
    Statement(15, "assurance", N_("Clients of excellent firms feel safe in their dealings with them."),
              N_("You feel safe in your dealings with us.")),
    Statement(16, "assurance", N_("The people of excellent firms are consistently courteous with clients."),
              N_("Our people are consistently courteous with you.")),
    Statement(17, "assurance", N_("The people of excellent firms have the knowledge to answer clients' "
                                  "questions."),
              N_("Our people have the knowledge to answer your questions.")),
    Statement(18, "empathy", N_("Excellent firms give each client individual attention."),
              N_("We give you individual attention.")),
    Statement(19, "empathy", N_("Excellent firms have working hours convenient to all their clients."),
              N_("Our working hours are convenient for you.")),
    Statement(20, "empathy", N_("Excellent firms have people who give clients personal attention."),
              N_("Our people give you personal attention.")),
    Statement(21, "empathy", N_("Excellent firms have their clients' best interests at heart."),
              N_("We have your best interests at heart.")),
    Statement(22, "empathy", N_("The people of excellent firms understand the specific needs of their "
                                "clients."),
              N_("Our people understand your specific needs.")),
)

BY_CODE: dict[str, Statement] = {s.code: s for s in STATEMENTS}
BY_NUMBER: dict[int, Statement] = {s.number: s for s in STATEMENTS}

NPS_QUESTION = N_("How likely is it that you would recommend us to a friend or colleague?")
NPS_WHY = N_("What is the most important reason for your score?")
CSAT_QUESTION = N_("Overall, how satisfied are you with the service you received?")
IMPORTANCE_QUESTION = N_("Please share 100 points among the five features below according to how important "
                         "each is to you: the more important, the more points.")
EXPECTED_PROMPT = N_("What an excellent firm would do")
PERCEIVED_PROMPT = N_("What we do")
COMMENT_QUESTION = N_("Anything else you would like to tell us?")

#: the built-in question of each built-in code (the SERVQUAL statements are asked twice)
BUILT_IN: dict[str, str] = {
    "nps": NPS_QUESTION, "nps_why": NPS_WHY, "csat": CSAT_QUESTION, "comment": COMMENT_QUESTION,
    **{f"importance_{d}": DIMENSION_LABELS[d] for d in DIMENSIONS},
}


def dimension_label(dimension: str) -> str:
    return _(DIMENSION_LABELS[dimension])


def built_in_text(code: str) -> str:
    """The built-in wording of ``code`` in the current language (a SERVQUAL statement: its P form)."""
    if code in BY_CODE:
        return _(BY_CODE[code].perceived)
    return _(BUILT_IN[code])
