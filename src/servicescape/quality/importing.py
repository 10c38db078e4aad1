"""Service quality's importable kind (declared in capability.py): survey responses from other survey
tools, one row per respondent, into one survey (the kind's option ``survey``).

    servicescape survey import 3 answers.xlsx
    servicescape import survey_responses answers.csv --option survey=3

The columns:

* ``respondent`` (required): the client's external id or e-mail address; an e-mail may also be one of
  the client's contacts'.
* ``E1``..``E22`` and ``P1``..``P22``: what the respondent expects of an excellent firm and what they
  perceive of ours, 1–7, numbered as in the published SERVQUAL instrument (tangibles 1–4, reliability
  5–9, responsiveness 10–13, assurance 14–17, empathy 18–22); ``I_tangibles``..``I_empathy`` (or
  ``importance_tangibles``..): the 100 points shared among the dimensions; ``nps`` (0–10), ``csat``
  (1–5), ``comment``; the firm's own questions by their codes (``q1``...).
* ``submitted_at`` (or ``date``): when it was answered (default: the moment of the import);
  ``external_id`` (or ``response_id``): the other tool's id of the response; ``survey``: a survey id
  that must be the one imported into (what the export writes).

The file is read, its rejects written and its batches kept or rolled back whole by the client book's
pipeline; what reading and writing decide is in ``import_rows`` and ``import_run``. This module only
declares, so that reading the registry imports nothing heavy.
"""

from __future__ import annotations

from servicescape.clients.import_kinds import _ID, SAMPLER
from servicescape.i18n import N_
from servicescape.platform.imports import ImportKind, ImportOption
from servicescape.quality.instrument import DIMENSIONS
from servicescape.tabular.header_aliases import _ID as _ID_HEADERS

IMPORTER = "servicescape.quality.import_run:import_file"
EXPORTER = "servicescape.quality.import_run:export_table"
#: the published item numbers
NUMBERS = range(1, 23)
EXPECTED = tuple(f"E{n}" for n in NUMBERS)
PERCEIVED = tuple(f"P{n}" for n in NUMBERS)
IMPORTANCE = tuple(f"I_{dimension}" for dimension in DIMENSIONS)
#: the firm's own questions a file may answer (their codes: q1, q2, ...)
OWN_QUESTIONS = tuple(f"q{n}" for n in range(1, 31))
RESPONSE_FIELDS = (
    "respondent", "external_id", "survey", "submitted_at", *EXPECTED, *PERCEIVED, *IMPORTANCE, "nps", "csat",
    "comment", "nps_why", *OWN_QUESTIONS,
)  # fmt: skip


def item_code(field: str) -> str | None:
    """The survey item a field answers (``E5`` and ``P5`` → ``servqual_5``, ``I_empathy`` →
    ``importance_empathy``); None for the fields that are no answer (``respondent``...)."""
    if field in EXPECTED or field in PERCEIVED:
        return f"servqual_{field[1:]}"
    if field in IMPORTANCE:
        return f"importance_{field[2:]}"
    if field in ("nps", "csat", "comment", "nps_why") or field in OWN_QUESTIONS:
        return field
    return None


def answer_key(field: str) -> str | None:
    """The key of a field's value in a survey form's values (``answers.read_answers``): ``E5`` →
    ``servqual_5_e``, ``P5`` → ``servqual_5_p``, the others their item's code."""
    code = item_code(field)
    if code is None:
        return None
    if field in EXPECTED:
        return f"{code}_e"
    if field in PERCEIVED:
        return f"{code}_p"
    return code


#: a survey form's value key → the field (what a row's problem is named by)
FIELD_OF_KEY = {key: field for field in RESPONSE_FIELDS if (key := answer_key(field)) is not None}

ALIASES: dict[str, tuple[str, ...]] = {
    "respondent": ("respondent id", "respondent email", "respondent e-mail", "client", "client id", "customer",
                   "customer id", "email", "e-mail", "email address", "contact email", "válaszadó", "респондент",
                   "responden", "受访者", "受訪者"),
    "external_id": (*_ID_HEADERS, "response id", "response_id", "responseid", "submission id", "answer id",
                    "record id"),
    "survey": ("survey id", "survey_id"),
    "submitted_at": ("date", "submitted", "submitted on", "submission date", "completed", "completed at",
                     "completed on", "end date", "response date", "answered at", "timestamp", "dátum", "дата",
                     "tarikh", "日期"),
    **{field: (f"expected {field[1:]}", f"expectation {field[1:]}", f"e{field[1:]}", f"e_{field[1:]}",
               f"servqual_{field[1:]}_e") for field in EXPECTED},
    **{field: (f"perceived {field[1:]}", f"perception {field[1:]}", f"p_{field[1:]}",
               f"servqual_{field[1:]}_p") for field in PERCEIVED},
    **{field: (f"importance_{field[2:]}", f"importance {field[2:]}") for field in IMPORTANCE},
    "nps": ("net promoter score", "likely to recommend", "recommend", "nps score", "ajánlás", "препоръка"),
    "csat": ("satisfaction", "customer satisfaction", "csat score", "elégedettség", "удовлетвореност",
             "kepuasan", "满意度", "滿意度"),
    "comment": ("comments", "feedback", "remarks", "anything else", "megjegyzés", "коментар", "komen",
                "评论", "評論"),
    "nps_why": ("reason", "nps reason", "why", "reason for score", "indok", "причина", "sebab", "原因"),
    **{field: () for field in OWN_QUESTIONS},
}  # fmt: skip

#: each field → its label, in the order people look for them (the item codes of the published
#: instrument are what other tools call them)
LABELS: dict[str, str] = {
    "respondent": N_("Respondent (client's id or e-mail)"), "submitted_at": N_("Answered"),
    **{field: field for field in (*EXPECTED, *PERCEIVED)},
    **{field: field for field in IMPORTANCE},
    "nps": N_("NPS (0–10)"), "csat": N_("CSAT (1–5)"), "comment": N_("Comment"),
    "nps_why": N_("Reason for the NPS score"), **{field: field for field in OWN_QUESTIONS},
    "external_id": _ID, "survey": N_("Survey"),
}

RESPONSE_IMPORT = ImportKind(
    "survey_responses", N_("Survey responses"), RESPONSE_FIELDS, (("respondent",),), ALIASES, ("response",),
    importer=IMPORTER, exporter=EXPORTER, sampler=SAMPLER, labels=LABELS,
    options=(ImportOption("survey", N_("Survey"), "servicescape.quality.import_run:survey_choices"),),
)
