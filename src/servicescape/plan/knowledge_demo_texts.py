"""The demo firm's words about what its key accounts value, its competitors, its environment, its
people's qualifications and its articles and talks. Key accounts' texts are in the client's
language; what staff record for the firm (observations, the environment review) is in English."""

from __future__ import annotations

#: what key accounts need, in their language
NEEDS: dict[str, tuple[str, ...]] = {
    "en": ("Cooling that never stops in the server room; a named engineer who knows the site.",
           "Predictable yearly costs and a report the board can read in five minutes.",
           "Fast response at their shops during opening hours, without disturbing customers."),
    "ms": ("Penyejukan bilik pelayan yang tidak pernah terhenti; jurutera tetap yang kenal tapak.",
           "Kos tahunan yang boleh dijangka dan laporan ringkas untuk lembaga pengarah.",
           "Tindak balas pantas di kedai semasa waktu operasi tanpa mengganggu pelanggan."),
    "bg": ("Охлаждане на сървърното помещение без прекъсване; постоянен инженер, който познава обекта.",
           "Предвидими годишни разходи и отчет, който бордът чете за пет минути.",
           "Бърза реакция в магазините в работно време, без да пречим на клиентите."),
    "hu": ("Megszakítás nélküli hűtés a szerverteremben; állandó mérnök, aki ismeri a helyszínt.",
           "Kiszámítható éves költség és egy jelentés, amelyet az igazgatóság öt perc alatt elolvas.",
           "Gyors kiszállás az üzletekbe nyitvatartás alatt, a vásárlók zavarása nélkül."),
    "zh-Hans": ("机房制冷绝不能中断；希望有熟悉现场的固定工程师。",
                "年度费用可预期，董事会五分钟能看懂的报告。",
                "营业时间内门店报修要快速响应，不打扰顾客。"),
    "zh-Hant": ("機房製冷絕不能中斷；希望有熟悉現場的固定工程師。",
                "年度費用可預期，董事會五分鐘能看懂的報告。",
                "營業時間內門店報修要快速回應，不打擾顧客。"),
}

#: how they choose providers
HOW_THEY_CHOOSE: dict[str, tuple[str, ...]] = {
    "en": ("Three quotes every two years; the facilities manager recommends, the finance director decides.",
           "They stay with a provider that keeps its promises; price matters only between equals."),
    "ms": ("Tiga sebut harga setiap dua tahun; pengurus fasiliti mencadangkan, pengarah kewangan memutuskan.",
           "Mereka kekal dengan pembekal yang menepati janji; harga penting hanya jika setara."),
    "bg": ("Три оферти на всеки две години; мениджърът по поддръжка препоръчва, финансовият директор решава.",
           "Остават при доставчик, който спазва обещанията си; цената има значение само между равни."),
    "hu": ("Kétévente három ajánlat; a létesítményvezető javasol, a pénzügyi igazgató dönt.",
           "Maradnak annál, aki betartja az ígéreteit; az ár csak egyenrangúak között számít."),
    "zh-Hans": ("每两年比较三家报价；设施经理推荐，财务总监拍板。",
                "只要供应商守信就不会更换；价格只在实力相当时才比较。"),
    "zh-Hant": ("每兩年比較三家報價；設施經理推薦，財務總監拍板。",
                "只要供應商守信就不會更換；價格只在實力相當時才比較。"),
}

#: decision criteria as entered (name, weight), two sets per language
CRITERIA: dict[str, tuple[tuple[tuple[str, int], ...], ...]] = {
    "en": ((("Response time", 35), ("Same engineer every visit", 25), ("Price", 20), ("Clear reports", 20)),
           (("Uptime of critical cooling", 40), ("Price", 30), ("Energy savings", 30))),
    "ms": ((("Masa tindak balas", 35), ("Jurutera yang sama setiap lawatan", 25), ("Harga", 20),
            ("Laporan yang jelas", 20)),
           (("Penyejukan kritikal sentiasa berfungsi", 40), ("Harga", 30), ("Penjimatan tenaga", 30))),
    "bg": ((("Време за реакция", 35), ("Един и същ инженер", 25), ("Цена", 20), ("Ясни отчети", 20)),
           (("Непрекъснато охлаждане", 40), ("Цена", 30), ("Икономия на енергия", 30))),
    "hu": ((("Reakcióidő", 35), ("Mindig ugyanaz a mérnök", 25), ("Ár", 20), ("Világos jelentések", 20)),
           (("A kritikus hűtés rendelkezésre állása", 40), ("Ár", 30), ("Energiamegtakarítás", 30))),
    "zh-Hans": ((("响应时间", 35), ("每次同一位工程师", 25), ("价格", 20), ("清晰的报告", 20)),
                (("关键制冷不停机", 40), ("价格", 30), ("节能", 30))),
    "zh-Hant": ((("回應時間", 35), ("每次同一位工程師", 25), ("價格", 20), ("清晰的報告", 20)),
                (("關鍵製冷不停機", 40), ("價格", 30), ("節能", 30))),
}

#: interaction notes in which a client names a competitor ({competitor})
MENTIONS: dict[str, tuple[str, ...]] = {
    "en": ("Client said {competitor} quoted 15% less for the same maintenance; we walked them through "
           "our promise record.",
           "Facilities manager compared us with {competitor}: they liked that our engineer arrives in the "
           "promised window.",
           "Finance asked why {competitor} includes out-of-hours cover in the base price."),
    "ms": ("Pelanggan berkata {competitor} memberi sebut harga 15% lebih rendah; kami tunjukkan rekod janji kami.",
           "Pengurus fasiliti membandingkan kami dengan {competitor}; mereka suka jurutera kami tiba tepat "
           "pada masanya."),
    "bg": ("Клиентът каза, че {competitor} е оферирал с 15% по-ниска цена; показахме им досието ни с обещанията.",
           "Мениджърът по поддръжка ни сравни с {competitor}: харесва им, че инженерът ни идва в обещания час."),
    "hu": ("Az ügyfél szerint a(z) {competitor} 15%-kal olcsóbb ajánlatot adott; bemutattuk az ígéreteink "
           "nyilvántartását.",
           "A létesítményvezető összehasonlított minket a(z) {competitor} céggel: tetszik nekik, hogy a "
           "mérnökünk az ígért időben érkezik."),
    "zh-Hans": ("客户说{competitor}的同类保养报价低15%；我们向他们展示了守约记录。",
                "设施经理把我们和{competitor}比较：他们欣赏我们的工程师准时到场。"),
    "zh-Hant": ("客戶說{competitor}的同類保養報價低15%；我們向他們展示了守約紀錄。",
                "設施經理把我們和{competitor}比較：他們欣賞我們的工程師準時到場。"),
}

#: (name, segments, positioning, website, notes): the firms named in the price map's records
COMPETITORS = (
    ("CoolTech Services", ["Commercial"], "parity", "https://cooltech.example",
     "The largest regional rival; quotes low and sells extras later."),
    ("Nordic Climate Partners", ["Commercial", "Enterprise"], "premium", "https://nordicclimate.example",
     "Strong on energy efficiency; expensive."),
    ("Budget Aircon Co.", ["Residential"], "economy", "https://budgetaircon.example", None),
    ("Rapid Fix Engineering", ["Commercial"], "economy", "https://rapidfix.example",
     "Call-out desk without contracts."),
    ("GreenAudit Partners", ["Enterprise"], "premium", "https://greenaudit.example",
     "Energy audits only; partners with installers."),
    ("Facilities Group Europe", ["Enterprise"], "premium", "https://fge.example",
     "Integrated facilities management; HVAC is one line among many."),
)

#: (competitor, kind, what a client reported)
OBSERVATIONS = (
    ("CoolTech Services", "strength", "Cheaper annual contract; the client liked the fixed price."),
    ("CoolTech Services", "weakness", "Their technicians missed two promised windows in one month."),
    ("CoolTech Services", "weakness", "Every repair came with an extra quote for parts."),
    ("Nordic Climate Partners", "strength", "Detailed energy reports that the board reads."),
    ("Nordic Climate Partners", "weakness", "Nobody answers the phone after 6 pm."),
    ("Budget Aircon Co.", "weakness", "Different technician at every visit; no record of the site."),
    ("Rapid Fix Engineering", "strength", "Came within two hours on a Sunday."),
    ("Rapid Fix Engineering", "weakness", "No maintenance plan; the same fault came back."),
    ("GreenAudit Partners", "strength", "Certified energy auditors with strong references."),
    ("Facilities Group Europe", "strength", "One contract for cleaning, security and HVAC."),
    ("Facilities Group Europe", "weakness", "HVAC is subcontracted; slow to escalate."),
)

#: (measure, value, owner's roster key, note)
TARGETS = (
    ("promises_kept_on_time", 95.0, "eszter", "The 2–5 pm window is the promise clients remember."),
    ("nps", 40.0, "meiling", None),
    ("cadence_adherence", 90.0, "georgi", "Key accounts first."),
    ("complaint_response_on_time", 95.0, "eszter", None),
    ("survey_response_rate", 40.0, "meiling", None),
    ("key_accounts_reviewed", 90.0, "aisyah", None),
    ("needs_recorded", 80.0, "georgi", "Every key account's needs and criteria, reviewed each year."),
    ("message_adoption", 60.0, "aisyah", None),
    ("realisation", 90.0, "eszter", None),
    ("frontline_recoveries", 70.0, "georgi", "Front-line staff may now grant goodwill without asking."),
    ("servqual_gap", -0.5, "meiling", "Reliability is the gap to close."),
)

#: (area, days into the year, author's roster key, what was observed)
ENVIRONMENT = (
    ("internal", 12, "aisyah", "Two senior engineers retire this year; their sites need a second named engineer."),
    ("internal", 40, "eszter", "The new scheduling tool cut travel time between visits by about a tenth."),
    ("market", 20, "georgi", "Data-centre builders in the region are hiring; cooling demand grows with them."),
    ("market", 55, "meiling", "Retail clients close smaller shops and open fewer, larger ones."),
    ("public", 30, "aisyah", "A local newspaper series on heat in offices: buildings' cooling is in the news."),
    ("public", 70, "meiling", "Facility managers' association asked us for a talk on promised windows."),
    ("competitive", 25, "georgi", "CoolTech Services cut its list prices by about 10% in two markets."),
    ("competitive", 60, "eszter", "Facilities Group Europe bundles HVAC with cleaning and security."),
    ("macro", 15, "aisyah", "New F-gas rules phase down common refrigerants; systems need replacing."),
    ("macro", 50, "georgi", "Electricity prices stay high: energy audits sell."),
)

#: (roster key, kind, name, issuer, obtained days ago, renews in days)
QUALIFICATIONS = (
    ("hafiz", "certification", "Refrigerant handling licence", "Energy Commission", 700, 30),
    ("nurul", "certification", "Electrical installation competency", "Energy Commission", 900, 45),
    ("siewling", "certification", "Building management systems", "BMS Academy", 400, 330),
    ("wanglei", "certification", "Refrigeration technician grade II", "Labour bureau", 1000, 95),
    ("kayan", "certification", "Registered electrical worker", "EMSD", 730, -10),
    ("maria", "certification", "F-gas category I", "National F-gas authority", 1500, 20),
    ("gergo", "certification", "F-gas category I", "National F-gas authority", 1200, 400),
    ("eszter", "knowledge", "ISO 50001 energy management", None, 500, None),
    ("georgi", "certification", "Certified energy auditor", "Energy agency", 300, 58),
    ("meiling", "knowledge", "Data-centre cooling design", None, 800, None),
)

#: (kind, title, audience, venue, author's roster key, days ago, enquiries)
PRESTIGE = (
    ("article", "The 2–5 pm promise: why windows matter more than speed", "Facility managers",
     "Facilities Today", "aisyah", 420, 6),
    ("talk", "Keeping server rooms cool through the heat wave", "Data-centre operators",
     "Regional Data Centre Forum", "meiling", 300, 4),
    ("forum", "Refrigerant phase-down: what owners must plan", "Building owners", "Chamber of Commerce",
     "georgi", 260, 3),
    ("article", "Energy audits that pay for themselves", "Finance directors", "Business Weekly", "eszter", 200, 5),
    ("talk", "Same face, sold and delivered", "Service managers", "Service Excellence Summit", "aisyah", 120, 7),
    ("article", "Maintenance reports a board reads in five minutes", "Facility managers", "Facilities Today",
     "meiling", 75, 2),
    ("forum", "Heat in offices: a round table", "Public and press", "City library", "hafiz", 40, 1),
    ("talk", "F-gas rules for engineers", "Engineers", "Technical University", "gergo", 15, 0),
)

#: goodwill a front-line person may grant without asking, per currency of their office
GOODWILL = {"MYR": 1500, "USD": 300, "EUR": 250}
