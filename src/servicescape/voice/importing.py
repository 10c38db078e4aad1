"""Voice of the client's importable kind (declared in capability.py): ``feedback`` — reviews and
comments clients wrote elsewhere (review sites, feedback forms, another survey tool's free text),
with the headers those tools export. What an import decides is in ``import_run``."""

from __future__ import annotations

from servicescape.clients.import_kinds import _CLIENT, _ID, SAMPLER
from servicescape.i18n import N_
from servicescape.platform.imports import ImportKind
from servicescape.tabular.header_aliases import _CLIENT_EXTERNAL_ID, _CLIENT_NAME
from servicescape.tabular.header_aliases import _ID as _ID_HEADERS

IMPORTER = "servicescape.voice.import_run:import_file"
EXPORTER = "servicescape.voice.import_run:export_table"

FEEDBACK_FIELDS = ("external_id", "client_external_id", "client_name", "said_at", "text", "channel", "author",
                   "rating")
# Google Business Profile, Trustpilot, Yelp and app-store exports, feedback forms (Typeform, Google Forms,
# SurveyMonkey's open answers), plain English and the seed languages
ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (*_ID_HEADERS, "review id", "reviewid", "feedback id", "response id", "comment id"),
    "client_external_id": _CLIENT_EXTERNAL_ID,
    "client_name": _CLIENT_NAME,
    "said_at": ("date", "created", "created at", "created on", "review date", "date of review", "published",
                "published at", "submitted", "submitted at", "timestamp", "time", "when", "posted", "posted at",
                "dátum", "дата", "tarikh", "tanggal", "日期", "时间", "時間"),
    "text": ("review", "review text", "comment", "comments", "feedback", "content", "body", "message", "text",
             "what the client said", "answer", "response", "opinion", "vélemény", "értékelés", "отзив", "коментар",
             "ulasan", "komen", "maklum balas", "评价", "評價", "评论", "評論", "反馈", "反饋"),
    "channel": ("source", "site", "platform", "where", "origin", "via", "forrás", "източник", "sumber", "来源",
                "來源"),
    "author": ("reviewer", "reviewer name", "name", "author name", "user", "user name", "username", "written by",
               "szerző", "автор", "penulis", "作者"),
    "rating": ("stars", "star rating", "score", "rating value", "review rating", "csillag", "értékelés pont",
               "оценка", "rating bintang", "bintang", "评分", "評分", "星级", "星級"),
}  # fmt: skip
LABELS = {
    **_CLIENT, "said_at": N_("When it was written"), "text": N_("What the client wrote"), "channel": N_("Where"),
    "author": N_("Written by"), "rating": N_("Stars (1–5)"), "external_id": _ID,
}

FEEDBACK_IMPORT = ImportKind(
    "feedback", N_("Reviews and feedback"), FEEDBACK_FIELDS, (("text",),), ALIASES, ("review", "feedback"),
    importer=IMPORTER, exporter=EXPORTER, sampler=SAMPLER, labels=LABELS,
)
