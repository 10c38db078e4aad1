"""Headers other CRMs and spreadsheets use for our import fields, per import kind.

Matching ignores case, spaces, punctuation and accents, so ``Country/Region`` also
covers ``country region`` and ``Organization - Name`` covers ``Organization Name``.
Sources: HubSpot, Salesforce, Pipedrive, Zoho CRM and Odoo export headers, plus plain
English and the seed languages (Hungarian, Bulgarian, Malay, Chinese).
"""

FIELDS: dict[str, tuple[str, ...]] = {
    "clients": (
        "external_id", "name", "kind", "email", "phone", "website", "country", "city",
        "language", "region", "industry", "segment", "tier", "owner", "status", "created_at",
    ),
    "contacts": (
        "external_id", "client_external_id", "client_name", "name", "email", "phone",
        "job_title", "language",
    ),
    "engagements": (
        "external_id", "client_external_id", "client_name", "package", "description",
        "sold_by", "delivered_by", "start_date", "end_date", "status", "value", "currency",
    ),
    "invoices": (
        "external_id", "client_external_id", "client_name", "issued_on", "amount", "currency",
    ),
    "interactions": (
        "external_id", "client_external_id", "client_name", "staff", "channel",
        "occurred_at", "summary",
    ),
}  # fmt: skip

# Contacts (and people imported as clients) may come as first + last name columns.
NAME_PARTS = ("first_name", "last_name")

_ID = ("id", "external id", "record id", "ext id", "reference", "ref", "azonosító", "编号", "編號")
_EMAIL = ("email address", "e-mail", "mail", "primary email", "e-mel", "имейл", "邮箱",
          "电子邮件", "電子郵件")  # fmt: skip
_PHONE = ("phone number", "telephone", "tel", "mobile", "mobile phone", "mobile number",
          "work phone", "telefon", "telefonszám", "no telefon", "телефон", "电话", "電話")  # fmt: skip
_LANGUAGE = ("preferred language", "lang", "locale", "nyelv", "bahasa", "език", "语言", "語言")
_CLIENT_EXTERNAL_ID = (
    "client id", "client ref", "client reference", "customer id", "company id", "account id",
    "organization id", "organisation id", "organization - id", "org id", "partner id",
    "associated company id", "associated company ids", "associated company id primary",
    "deal - organization id", "person - organization id", "company record id",
)  # fmt: skip
_CLIENT_NAME = (
    "client", "customer", "customer name", "company", "company name", "account",
    "account name", "organization", "organisation", "organization - name",
    "organization name", "associated company", "partner", "related company",
    "deal - organization", "person - organization", "contact - organization",
    "ügyfél", "cég", "клиент", "фирма", "pelanggan", "syarikat", "客户", "客戶", "公司",
)  # fmt: skip

_FIRST_NAME = ("first", "given name", "forename", "person - first name", "keresztnév", "utónév",
               "собствено име", "nama pertama", "名")  # fmt: skip
_LAST_NAME = ("last", "surname", "family name", "person - last name", "vezetéknév", "фамилия",
              "nama keluarga", "姓")  # fmt: skip

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "clients": {
        "external_id": (*_ID, "company id", "account id", "account number", "organization id",
                        "organization - id", "customer id", "client id", "customer number",
                        "partner id"),
        "name": ("company", "company name", "account name", "organization - name",
                 "organization name", "organisation name", "client", "client name",
                 "customer", "customer name", "display name", "full name", "név", "cégnév",
                 "ügyfél", "ügyfél neve", "име", "име на фирмата", "фирма", "клиент", "nama",
                 "nama syarikat", "syarikat", "pelanggan", "名称", "名稱", "公司名称",
                 "公司名稱", "客户", "客戶", "客户名称", "客戶名稱"),
        "kind": ("type", "company type", "account type", "client type", "customer type",
                 "típus", "тип", "jenis", "类型", "類型"),
        "email": _EMAIL,
        "phone": (*_PHONE, "company phone", "billing phone"),
        "website": ("web", "web site", "website url", "url", "domain", "company domain name",
                    "homepage", "weboldal", "уебсайт", "laman web", "网站", "網站"),
        "country": ("country/region", "billing country", "shipping country", "mailing country",
                    "address country", "country of address", "organization - address country",
                    "ország", "държава", "negara", "国家", "國家"),
        "city": ("billing city", "shipping city", "mailing city", "town", "address city",
                 "city of address", "city/town/village/locality",
                 "address - city/town/village/locality",
                 "city/town/village/locality of address", "organization - address city",
                 "város", "град", "bandar", "城市"),
        "language": _LANGUAGE,
        "region": ("state", "state/region", "state/province", "province", "county",
                   "billing state", "billing state/province", "address state",
                   "state/county of address", "address - state/county", "megye", "област",
                   "negeri", "省", "地区", "地區"),
        "industry": ("sector", "business type", "iparág", "индустрия", "отрасъл", "industri",
                     "行业", "行業"),
        "segment": ("tags", "tag", "label", "labels", "category", "categories", "szegmens",
                    "сегмент", "segmen", "细分", "細分"),
        "tier": ("client tier", "customer tier", "account tier", "service tier", "level",
                 "priority", "kategória", "ниво", "等级", "等級"),
        "owner": ("company owner", "account owner", "organization - owner", "salesperson",
                  "sales person", "account manager", "client manager", "hubspot owner",
                  "relationship manager", "felelős", "отговорник", "pemilik", "负责人",
                  "負責人"),
        "status": ("lifecycle stage", "client status", "customer status", "account status",
                   "állapot", "статус", "状态", "狀態"),
        "created_at": ("created", "create date", "created date", "created on",
                       "creation date", "date created", "created time",
                       "organization - organization created", "organization created",
                       "létrehozva", "създаден", "dicipta", "创建日期", "建立日期"),
        "first_name": _FIRST_NAME,
        "last_name": _LAST_NAME,
    },
    "contacts": {
        "external_id": (*_ID, "contact id", "person id", "person - id", "lead id"),
        "client_external_id": _CLIENT_EXTERNAL_ID,
        "client_name": _CLIENT_NAME,
        "name": ("full name", "contact name", "contact", "person - name", "person name",
                 "display name", "név", "име", "nama", "姓名"),
        "email": (*_EMAIL, "person - email"),
        "phone": (*_PHONE, "person - phone"),
        "job_title": ("title", "job position", "position", "role", "function",
                      "person - job title", "beosztás", "длъжност", "jawatan", "职位", "職位"),
        "language": _LANGUAGE,
        "first_name": _FIRST_NAME,
        "last_name": _LAST_NAME,
    },
    "engagements": {
        "external_id": (*_ID, "deal id", "deal - id", "opportunity id", "engagement id",
                        "project id"),
        "client_external_id": _CLIENT_EXTERNAL_ID,
        "client_name": _CLIENT_NAME,
        "package": ("service", "service package", "product", "product name",
                    "deal - product name", "offering", "szolgáltatás", "услуга", "perkhidmatan",
                    "服务", "服務"),
        "description": ("name", "title", "deal name", "deal - title", "opportunity name",
                        "project name", "engagement", "subject", "leírás", "описание",
                        "keterangan", "描述"),
        "sold_by": ("owner", "deal owner", "deal - owner", "opportunity owner", "salesperson",
                    "sales person", "sold by", "seller"),
        "delivered_by": ("delivered by", "consultant", "project manager", "engagement manager",
                         "delivery lead", "assigned to"),
        "start_date": ("start", "start date", "close date", "won date", "deal - won time",
                       "won time", "signed", "signed on", "kezdés", "начало", "开始日期",
                       "開始日期"),
        "end_date": ("end", "end date", "due date", "completion date", "finish date",
                     "befejezés", "край", "结束日期", "結束日期"),
        "status": ("stage", "deal stage", "deal - stage", "deal - status", "state",
                   "állapot", "статус", "状态", "狀態"),
        "value": ("amount", "deal value", "deal - value", "price", "fee", "érték",
                  "стойност", "nilai", "金额", "金額"),
        "currency": ("currency code", "deal - currency", "opportunity currency",
                     "deal currency", "pénznem", "валута", "mata wang", "币种", "幣別"),
    },
    "invoices": {
        "external_id": (*_ID, "invoice id", "invoice number", "invoice no", "number",
                        "invoice - id", "számlaszám", "номер на фактура", "no invois", "发票号",
                        "發票號碼"),
        "client_external_id": _CLIENT_EXTERNAL_ID,
        "client_name": (*_CLIENT_NAME, "contact name", "bill to", "billed to"),
        "issued_on": ("date", "invoice date", "issue date", "issued", "issued on",
                      "date issued", "invoice - date", "kelt", "számla kelte", "дата",
                      "дата на издаване", "tarikh", "tarikh invois", "日期", "开票日期",
                      "開票日期"),
        "amount": ("total", "amount total", "total amount", "invoice total", "grand total",
                   "total signed", "amount due", "value", "összeg", "сума", "jumlah", "金额",
                   "金額"),
        "currency": ("currency code", "invoice currency", "pénznem", "валута", "mata wang",
                     "币种", "幣別"),
    },
    "interactions": {
        "external_id": (*_ID, "activity id", "activity - id", "task id", "interaction id",
                        "event id"),
        "client_external_id": _CLIENT_EXTERNAL_ID,
        "client_name": _CLIENT_NAME,
        "staff": ("owner", "user", "assigned to", "activity assigned to",
                  "activity - assigned to user", "activity - user", "employee", "consultant",
                  "salesperson", "munkatárs", "служител", "kakitangan", "员工", "員工"),
        "channel": ("type", "activity type", "activity - type", "task subtype", "medium",
                    "via", "csatorna", "канал", "saluran", "渠道", "管道"),
        "occurred_at": ("date", "date time", "datetime", "timestamp", "activity date",
                        "activity - due date", "activity - done time", "done time",
                        "call date", "meeting date", "occurred", "időpont", "дата", "tarikh",
                        "日期", "时间", "時間"),
        "summary": ("subject", "notes", "note", "body", "description", "details", "comments",
                    "activity - subject", "activity - note", "összefoglaló", "резюме",
                    "ringkasan", "摘要"),
    },
}  # fmt: skip

# Prefixes naming the thing a row is about; ``Organization - Phone`` in a clients file
# is the phone. Tried only when the whole header matches nothing.
SUBJECT_PREFIXES: dict[str, tuple[str, ...]] = {
    "clients": ("organization", "organisation", "company", "account", "org", "client"),
    "contacts": ("person", "contact"),
    "engagements": ("deal", "opportunity", "engagement", "project"),
    "invoices": ("invoice",),
    "interactions": ("activity", "task", "event", "interaction", "call", "meeting"),
}
