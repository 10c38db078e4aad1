"""What an import accepts for the client book's choice fields, and how staff are recognised.

Spellings are compared by their letters and digits only, case-insensitively, so
``Key account``, ``key-account`` and ``KEY ACCOUNT`` are the same word. The tables are the
documented decisions of the importer (see ``importing.py``):

* tier: our own names and the firm's configured display names; ``key account``, ``A``,
  ``tier 1``, ``1``, ``strategic``, ``platinum``/``gold``/``VIP`` → key; ``B``, ``tier 2``,
  ``2``, ``silver``, ``development`` → growth; ``C``/``D``, ``tier 3``, ``3``, ``bronze``,
  ``basic``, ``regular`` → standard.
* client kind: person words (``individual``, ``private``, ``consumer``) → person; company words
  and the relationship types CRMs put in their "Type" column (HubSpot ``Prospect``/``Partner``,
  Salesforce ``Customer - Direct``, Odoo ``Company``) → organisation, since those are
  organisations whatever the relationship.
* client status: ``lost``, ``former``, ``inactive``, ``churned``, ``closed`` → lost; ``active``
  and every stage of a relationship still being worked (HubSpot lifecycle stages such as
  ``lead``, ``opportunity``, ``customer``) → active, since the book has no prospect status.
* engagement status and interaction channel: see ``ENGAGEMENT_STATUS`` and ``CHANNEL``.

A spelling not in a table rejects the row, naming the column and the value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from servicescape.clients.models import Channel, ClientKind, ClientStatus, EngagementStatus, Tier


def word_key(text: str) -> str:
    """Letters and digits only, lower case, accents removed: ``Closed - Won`` → closedwon."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def value_table(spellings: Mapping[str, Iterable[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, words in spellings.items():
        for word in (value, *words):
            table[word_key(word)] = str(value)
    return table


TIER = value_table({
    Tier.key: ("key account", "key client", "key customer", "a", "tier 1", "tier a", "1", "top",
               "strategic", "platinum", "gold", "vip", "premium", "kulcs", "ключов", "utama", "重点",
               "重點", "关键", "關鍵"),
    Tier.growth: ("b", "tier 2", "tier b", "2", "silver", "develop", "development", "potential",
                  "növekedés", "растеж", "pertumbuhan", "成长", "成長"),
    Tier.standard: ("c", "d", "tier 3", "tier c", "3", "bronze", "basic", "regular", "normal",
                    "standart", "стандарт", "biasa", "标准", "標準"),
})  # fmt: skip

CLIENT_KIND = value_table({
    ClientKind.organisation: (
        "organization", "organisation", "company", "business", "corporate", "corporation", "firm",
        "org", "legal entity", "account", "customer", "customer - direct", "customer - channel",
        "prospect", "partner", "channel partner", "channel partner / reseller", "reseller",
        "installation partner", "technology partner", "vendor", "supplier", "investor", "press",
        "competitor", "analyst", "integrator", "other", "cég", "szervezet", "фирма", "организация",
        "syarikat", "organisasi", "公司", "企业", "企業", "机构", "機構",
    ),
    ClientKind.person: (
        "individual", "private", "private person", "natural person", "consumer", "people",
        "personal", "sole trader", "magánszemély", "személy", "физическо лице", "лице",
        "individu", "perseorangan", "个人", "個人",
    ),
})  # fmt: skip

CLIENT_STATUS = value_table({
    ClientStatus.active: (
        "current", "customer", "client", "open", "won", "active client", "evangelist", "lead",
        "subscriber", "marketing qualified lead", "marketingqualifiedlead", "sales qualified lead",
        "salesqualifiedlead", "opportunity", "prospect", "aktív", "активен", "aktif", "活跃", "活躍",
    ),
    ClientStatus.lost: (
        "inactive", "former", "former client", "former customer", "ex-client", "ex client",
        "churned", "closed", "lapsed", "closed lost", "archived", "elvesztett", "inaktív",
        "загубен", "неактивен", "hilang", "tidak aktif", "流失", "已流失",
    ),
})  # fmt: skip

ENGAGEMENT_STATUS = value_table({
    EngagementStatus.proposed: (
        "proposal", "proposal made", "proposal/price quote", "quote", "quoted", "pending", "open",
        "new", "draft", "prospecting", "qualification", "qualified", "qualified to buy",
        "qualifiedtobuy", "needs analysis", "value proposition", "id. decision makers",
        "perception analysis", "negotiation", "negotiation/review", "appointment scheduled",
        "appointmentscheduled", "presentation scheduled", "presentationscheduled",
        "decision maker bought-in", "decisionmakerboughtin", "contract sent", "contractsent",
        "javasolt", "предложен", "dicadang", "提议", "提議",
    ),
    EngagementStatus.active: (
        "won", "closed won", "closedwon", "in progress", "ongoing", "running", "signed", "started",
        "current", "aktív", "активен", "aktif", "进行中", "進行中",
    ),
    EngagementStatus.completed: (
        "complete", "done", "finished", "delivered", "closed", "befejezett", "завършен", "selesai",
        "完成", "已完成",
    ),
    EngagementStatus.cancelled: (
        "canceled", "lost", "closed lost", "closedlost", "abandoned", "rejected", "declined",
        "deleted", "törölt", "отменен", "dibatalkan", "取消", "已取消",
    ),
})  # fmt: skip

CHANNEL = value_table({
    Channel.call: ("phone", "phone call", "telephone", "log a call", "logged call", "calls",
                   "video call", "hívás", "telefon", "обаждане", "panggilan", "电话", "電話"),
    Channel.email: ("email", "mail", "e-mails", "emails", "sent email", "email sent", "logged email",
                    "e-mel", "имейл", "邮件", "郵件", "电子邮件", "電子郵件"),
    Channel.letter: ("post", "postal mail", "letters", "levél", "писмо", "surat", "信件", "信函"),
    Channel.meeting: ("meetings", "visit", "appointment", "site visit", "video meeting",
                      "conference", "in person", "találkozó", "среща", "mesyuarat", "会议", "會議",
                      "会面", "會面"),
    Channel.meal: ("lunch", "dinner", "breakfast", "coffee", "ebéd", "vacsora", "обяд", "вечеря",
                   "makan", "饭局", "飯局", "午餐", "晚餐"),
    Channel.other: ("note", "task", "sms", "text", "chat", "whatsapp", "linkedin", "social",
                    "egyéb", "друго", "lain-lain", "其他"),
})  # fmt: skip

def lookup_word(table: Mapping[str, str], text: str, extra: Mapping[str, str] | None = None) -> str | None:
    key = word_key(text)
    found = table.get(key)
    if found is None and extra:
        found = extra.get(key)
    return found


def tier_display_names(names: Mapping[str, str]) -> dict[str, str]:
    """The firm's own tier names (settings.tier_names) as spellings of the tiers."""
    return {word_key(display): tier for tier, display in names.items() if word_key(display)}


AMBIGUOUS = -1


@dataclass
class StaffDirectory:
    """Staff by e-mail or name (case-insensitive); a name two staff share is ambiguous."""

    by_email: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)
    emails: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[int, str, str]]) -> StaffDirectory:
        directory = cls()
        for staff_id, name, email in rows:
            directory.by_email[email.strip().casefold()] = staff_id
            directory.emails[staff_id] = email
            key = " ".join(name.casefold().split())
            directory.by_name[key] = AMBIGUOUS if key in directory.by_name else staff_id
        return directory

    def find(self, text: str) -> int | None:
        """The staff id for an e-mail or a name; None if unknown; AMBIGUOUS for a shared name."""
        folded = text.strip().casefold()
        found = self.by_email.get(folded)
        if found is None:
            found = self.by_name.get(" ".join(folded.split()))
        return found
