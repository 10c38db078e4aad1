"""The promise ledger's importable kinds (declared in capability.py): promises and complaints, with
their fields and what people call them, required columns and the headers other systems use.

They go through the same pages, API and CLI as the client book's kinds (``servicescape.data``), and
the file is read, its columns recognised, its rows converted, its clients resolved and its rejects
written by the client book's pipeline; what is the ledger's own (the rules of a promise and of a
complaint, what an outcome makes of them) is in ``import_rows`` and ``import_run``, which say what
an import decides. This module only declares, so that reading the registry imports nothing heavy.
"""

from __future__ import annotations

from servicescape.clients.import_kinds import _CLIENT, _ID, SAMPLER
from servicescape.i18n import N_
from servicescape.platform.imports import ImportKind
from servicescape.tabular.header_aliases import _CLIENT_EXTERNAL_ID, _CLIENT_NAME
from servicescape.tabular.header_aliases import _ID as _ID_HEADERS

IMPORTER = "servicescape.promises.import_run:import_file"
EXPORTER = "servicescape.promises.import_run:export_table"
CLIENT_REF = ("client_external_id", "client_name")

PROMISE_FIELDS = (
    "external_id", "client_external_id", "client_name", "owner", "kind", "title", "window_start", "window_end",
    "place", "engagement", "kept_at", "delivered_by", "cancelled", "client_words", "notes",
)  # fmt: skip
COMPLAINT_FIELDS = (
    "external_id", "client_external_id", "client_name", "received_at", "channel", "severity", "owner", "text",
    "first_response_at", "resolved_at", "outcome",
)  # fmt: skip

_STAFF = ("assigned to", "assignee", "responsible", "owner name", "user", "employee", "staff", "staff member",
          "felelős", "munkatárs", "отговорник", "служител", "pemilik", "kakitangan", "负责人", "負責人",
          "员工", "員工")  # fmt: skip
_NOTES = ("note", "comments", "comment", "remarks", "internal notes", "megjegyzés", "бележки", "catatan",
          "备注", "備註")  # fmt: skip

# Matching ignores case, spaces, punctuation and accents (``tabular.headers``); sources: calendar and
# booking exports (Google Calendar, Outlook, Calendly, field-service tools such as Jobber and ServiceTitan)
# for promises, ticket systems (Zendesk, Freshdesk, Salesforce cases, Jira) for complaints, plain English
# and the seed languages. A promise's status is never a column: it follows from the times.
PROMISE_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (*_ID_HEADERS, "promise id", "appointment id", "booking id", "event id", "job id", "job number",
                    "visit id", "work order", "work order id", "deliverable id"),
    "client_external_id": _CLIENT_EXTERNAL_ID,
    "client_name": _CLIENT_NAME,
    "owner": (*_STAFF, "owner", "technician", "engineer", "consultant", "organizer", "organiser", "host",
              "provider", "resource", "promised by"),
    "kind": ("type", "promise type", "appointment type", "event type", "job type", "típus", "тип", "jenis",
             "类型", "類型"),
    "title": ("subject", "summary", "name", "appointment", "service", "what", "description", "tárgy", "тема",
              "perkara", "主题", "主題"),
    "window_start": ("start", "starts", "start time", "start date", "start date time", "starts at", "from", "begin",
                     "appointment start", "appointment start time", "scheduled start", "scheduled start time",
                     "scheduled for", "window start", "arrival window start", "kezdés", "начало", "mula",
                     "开始时间", "開始時間"),
    "window_end": ("end", "ends", "end time", "end date", "end date time", "ends at", "until", "appointment end",
                   "appointment end time", "scheduled end", "scheduled end time", "window end", "arrival window end",
                   "due", "due date", "due by", "deadline", "befejezés", "határidő", "край", "срок", "tamat",
                   "结束时间", "結束時間", "截止日期"),
    "place": ("location", "address", "site", "venue", "where", "helyszín", "cím", "място", "адрес", "lokasi",
              "alamat", "地点", "地點", "地址"),
    "engagement": ("engagement id", "engagement external id", "project", "project id", "deal id", "contract",
                   "megbízás", "проект", "projek", "项目", "項目"),
    "kept_at": ("kept", "kept on", "completed", "completed at", "completed on", "completion time", "done",
                "done at", "done time", "delivered", "delivered at", "delivered on", "arrived", "arrived at",
                "arrival time", "actual arrival", "actual start", "checked in", "checked in at", "fulfilled",
                "fulfilled at", "teljesítve", "изпълнено", "ditepati", "完成时间", "完成時間"),
    "delivered_by": ("completed by", "done by", "attended by", "visited by", "who came", "actual technician",
                     "teljesítette", "изпълнил", "disampaikan oleh", "完成人"),
    "cancelled": ("canceled", "cancelled at", "canceled at", "cancelled on", "canceled on", "cancellation",
                  "cancellation date", "is cancelled", "lemondva", "törölve", "отменен", "dibatalkan", "取消",
                  "已取消"),
    "client_words": ("client words", "customer words", "feedback", "client feedback", "customer feedback",
                     "client comment", "customer comment", "visszajelzés", "отзив", "maklum balas", "客户反馈",
                     "客戶反饋"),
    "notes": _NOTES,
}  # fmt: skip
COMPLAINT_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (*_ID_HEADERS, "ticket id", "ticket number", "ticket no", "ticket", "case id", "case number",
                    "complaint id", "request id", "issue id", "issue key", "incident id", "incident number",
                    "panaszszám", "номер на оплакване", "no aduan", "工单号", "工單號"),
    "client_external_id": _CLIENT_EXTERNAL_ID,
    "client_name": (*_CLIENT_NAME, "requester organization", "requester company"),
    "received_at": ("received", "received on", "created", "created at", "created on", "created date", "create date",
                    "date created", "creation date", "opened", "opened at", "opened date", "date opened",
                    "submitted", "submitted at", "reported", "reported at", "date", "beérkezett", "létrehozva",
                    "получено", "създаден", "diterima", "tarikh", "接收时间", "创建日期", "建立日期", "日期"),
    "channel": ("via", "source", "origin", "case origin", "ticket channel", "medium", "csatorna", "канал",
                "saluran", "渠道", "管道"),
    "severity": ("priority", "urgency", "impact", "severity level", "prioritás", "súlyosság", "приоритет",
                 "keutamaan", "keterukan", "优先级", "優先級", "严重程度", "嚴重程度"),
    "owner": (*_STAFF, "owner", "agent", "case owner", "ticket owner", "handler", "handled by", "ügyintéző",
              "处理人", "處理人"),
    "text": ("description", "complaint", "details", "body", "message", "issue", "problem", "what happened",
             "client words", "customer words", "leírás", "panasz", "описание", "оплакване", "keterangan", "aduan",
             "描述", "投诉", "投訴"),
    "first_response_at": ("first response", "first response at", "first responded at", "first reply at",
                          "first answer", "first answered at", "responded", "responded at", "answered",
                          "answered at", "első válasz", "първи отговор", "respons pertama", "首次回复", "首次回覆"),
    "resolved_at": ("resolved", "resolved on", "resolution date", "resolved date", "date resolved", "solved",
                    "solved at", "closed", "closed at", "closed date", "date closed", "megoldva", "lezárva",
                    "разрешен", "затворен", "diselesaikan", "ditutup", "解决时间", "解決時間", "关闭时间",
                    "關閉時間"),
    "outcome": ("resolution", "resolution notes", "resolution summary", "solution", "how resolved", "megoldás",
                "решение", "penyelesaian", "解决方案", "解決方案"),
}  # fmt: skip

#: each field → its label, in the order of the record forms (the client first)
PROMISE_LABELS = {
    **_CLIENT, "owner": N_("Who must deliver"), "kind": N_("Kind"), "title": N_("What was promised"),
    "window_start": N_("Window start"), "window_end": N_("Window end"), "place": N_("Where"),
    "engagement": N_("Engagement"), "kept_at": N_("Kept"), "delivered_by": N_("Who came or delivered"),
    "cancelled": N_("Cancelled"), "client_words": N_("What the client said"), "notes": N_("Notes"),
    "external_id": _ID,
}
COMPLAINT_LABELS = {
    **_CLIENT, "received_at": N_("Received"), "channel": N_("Channel"), "severity": N_("Severity"),
    "owner": N_("Who handles it"), "text": N_("Complaint"), "first_response_at": N_("First answer"),
    "resolved_at": N_("Resolved"), "outcome": N_("Outcome"), "external_id": _ID,
}

PROMISE_IMPORT = ImportKind(
    "promises", N_("Promises"), PROMISE_FIELDS, (CLIENT_REF, ("window_start",), ("window_end",)), PROMISE_ALIASES,
    ("appointment", "promise", "booking", "event", "job", "visit"), importer=IMPORTER, exporter=EXPORTER,
    sampler=SAMPLER, labels=PROMISE_LABELS,
)
COMPLAINT_IMPORT = ImportKind(
    "complaints", N_("Complaints"), COMPLAINT_FIELDS, (CLIENT_REF, ("received_at",), ("text",)), COMPLAINT_ALIASES,
    ("ticket", "case", "complaint", "issue", "incident", "request"), importer=IMPORTER, exporter=EXPORTER,
    sampler=SAMPLER, labels=COMPLAINT_LABELS,
)
