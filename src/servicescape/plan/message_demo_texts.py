"""The demo firm's message library in the six languages, its case studies and its proposals' titles.

Meridian Facility Partners maintains air-conditioning and building systems, runs a response desk
with promised call-out windows, and audits energy: its messages say what a client gains (a
building that keeps running, tenants who do not complain, a line that does not stop, knowing who
comes and when), not what the firm does.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoMessage:
    key: str
    name: str
    kind: str
    segment: str | None                 # a segment of the demo's client book (None: every client)
    owner: str                          # roster key
    writer: str
    approver: str
    approved: dict[str, str]            # language → the approved text
    drafts: dict[str, str] = field(default_factory=dict)        # language → a draft awaiting approval
    superseded: dict[str, str] = field(default_factory=dict)    # language → an older approved text


MESSAGES: tuple[DemoMessage, ...] = (
    DemoMessage(
        "partner", "Buildings that keep running", "positioning", None, "aisyah", "siewling", "aisyah",
        {"en": "We keep your buildings running and the people in them comfortable — and you hear from us before "
               "you ever have to call.",
         "ms": "Kami memastikan bangunan anda terus beroperasi dan penghuninya selesa — dan kami menghubungi anda "
               "sebelum anda perlu menelefon kami.",
         "bg": "Поддържаме сградите ви в изправност, а хората в тях – в комфорт. И ви се обаждаме, преди да се "
               "наложи вие да ни търсите.",
         "zh-Hans": "我们让您的楼宇始终正常运转，让里面的人舒适自在——在您需要打电话之前，我们就会先联系您。",
         "zh-Hant": "我們讓您的大樓始終正常運作，讓裡面的人舒適自在——在您需要打電話之前，我們就會先聯絡您。",
         "hu": "Gondoskodunk róla, hogy az épületei működjenek, és a bent lévők jól érezzék magukat – és még "
               "azelőtt jelentkezünk, hogy Önnek kellene hívnia minket."}),
    DemoMessage(
        "critical", "For sites that cannot stop", "positioning", "Critical facilities", "meiling", "kayan", "meiling",
        {"en": "For hospitals, data centres and laboratories that cannot stop: an engineer on site within four hours, "
               "and every promised window kept.",
         "ms": "Untuk hospital, pusat data dan makmal yang tidak boleh berhenti: jurutera di lokasi dalam masa empat "
               "jam, dan setiap janji masa ditepati.",
         "bg": "За болници, центрове за данни и лаборатории, които не могат да спрат: инженер на място до четири часа "
               "и всеки обещан час – спазен.",
         "zh-Hans": "为不能停机的医院、数据中心和实验室服务：四小时内工程师到场，每一个承诺的时间段都准时兑现。",
         "zh-Hant": "為不能停機的醫院、數據中心和實驗室服務：四小時內工程師到場，每一個承諾的時段都準時兌現。",
         "hu": "Kórházaknak, adatközpontoknak és laboroknak, amelyek nem állhatnak le: négy órán belül a helyszínen "
               "a mérnökünk, és minden megígért időpontot betartunk."},
        superseded={"en": "Critical facilities need a partner who responds fast. We are that partner."}),
    DemoMessage(
        "tenants", "Tenants who never think about the plant room", "benefit", "Commercial property", "aisyah",
        "nurul", "aisyah",
        {"en": "Your tenants never have to think about the air conditioning: fewer complaints, lower energy bills, "
               "and leases that get renewed.",
         "ms": "Penyewa anda tidak perlu memikirkan penyaman udara: kurang aduan, bil tenaga lebih rendah, dan "
               "pajakan yang diperbaharui.",
         "bg": "Наемателите ви изобщо не мислят за климатизацията: по-малко оплаквания, по-ниски сметки за енергия "
               "и подновени договори.",
         "zh-Hans": "您的租户从不用为空调操心：投诉更少，能源费用更低，租约续得更顺利。",
         "zh-Hant": "您的租戶從不用為冷氣操心：投訴更少，能源費用更低，租約續得更順利。",
         "hu": "A bérlőinek eszébe sem jut a légkondicionálás: kevesebb panasz, alacsonyabb energiaszámla és "
               "megújított bérleti szerződések."}),
    DemoMessage(
        "line", "Your line keeps running", "benefit", "Industrial", "eszter", "gergo", "eszter",
        {"en": "Your production line keeps running: we find the fault in a chiller before it stops your shift.",
         "ms": "Barisan pengeluaran anda terus bergerak: kami mengesan kerosakan pada penyejuk sebelum ia "
               "menghentikan syif anda.",
         "bg": "Производствената ви линия не спира: откриваме повредата в чилъра, преди тя да спре смяната ви.",
         "zh-Hans": "您的生产线持续运转：在冷水机组的故障让您停工之前，我们就把它找出来。",
         "zh-Hant": "您的生產線持續運轉：在冰水主機的故障讓您停工之前，我們就把它找出來。",
         "hu": "A gyártósora nem áll le: a hűtőgép hibáját még azelőtt megtaláljuk, hogy leállítaná a műszakot."}),
    DemoMessage(
        "seasons", "Comfort in every season", "benefit", "Hospitality & education", "georgi", "maria", "meiling",
        {"en": "Guests and students stay comfortable in every season, and your budget holds: no surprise repairs in "
               "the middle of term or high season.",
         "ms": "Tetamu dan pelajar kekal selesa sepanjang musim, dan bajet anda terkawal: tiada pembaikan mengejut "
               "di tengah semester atau musim puncak.",
         "zh-Hans": "宾客和学生四季都舒适，您的预算也稳得住：学期中或旺季时不会突然冒出维修账单。",
         "zh-Hant": "賓客和學生四季都舒適，您的預算也穩得住：學期中或旺季時不會突然冒出維修帳單。"},
        drafts={"bg": "Гостите и студентите се чувстват удобно през всеки сезон, а бюджетът ви се спазва: без "
                      "неочаквани ремонти посред семестъра или в разгара на сезона.",
                "hu": "A vendégek és a diákok minden évszakban jól érzik magukat, a költségvetés pedig tartható: "
                      "nincs váratlan javítás a félév közepén vagy a főszezonban."}),
    DemoMessage(
        "who", "You always know who is coming", "benefit", None, "aisyah", "hafiz", "georgi",
        {"en": "You always know who is coming and when: one named engineer, a promised window, and a call if "
               "anything changes.",
         "ms": "Anda sentiasa tahu siapa yang datang dan bila: seorang jurutera yang dinamakan, waktu yang "
               "dijanjikan, dan panggilan jika ada sebarang perubahan.",
         "bg": "Винаги знаете кой идва и кога: един и същ инженер, обещан час и обаждане, ако нещо се промени.",
         "zh-Hans": "您总是知道谁会来、什么时候来：固定的工程师、承诺的时间段，有任何变化我们都会先打电话告诉您。",
         "zh-Hant": "您永遠知道誰會來、什麼時候來：固定的工程師、承諾的時段，有任何變化我們都會先打電話告訴您。",
         "hu": "Mindig tudja, ki érkezik és mikor: egy névre szóló mérnök, megígért időpont, és telefonálunk, ha "
               "bármi változik."},
        drafts={"en": "You always know who is coming and when: the same engineer on every visit, a two-hour window, "
                      "and a call the moment anything changes."}),
    DemoMessage(
        "energy", "Energy you no longer pay for", "benefit", "Industrial", "eszter", "gergo", "eszter", {},
        drafts={"en": "Energy you no longer pay for: a tuned plant room cuts the electricity bill by a fifth within "
                      "a year.",
                "hu": "Energia, amiért többé nem fizet: egy jól beállított gépház egy éven belül ötödével csökkenti "
                      "az áramszámlát."}),
)

#: who repeats the message how often (the share of their recent interactions that carry one)
ADOPTION = {"hafiz": 0.75, "wanglei": 0.65, "nurul": 0.6, "maria": 0.55, "aisyah": 0.5, "siewling": 0.45,
            "meiling": 0.4, "kayan": 0.3, "georgi": 0.25, "eszter": 0.2, "gergo": 0.1}


@dataclass(frozen=True)
class DemoStory:
    title: str
    problem: str
    approach: str
    result: str
    figure: str


STORIES: tuple[DemoStory, ...] = (
    DemoStory("Breakdowns halved across a portfolio of office towers",
              "Chillers and air-handling units failed several times a month in the hot season; tenants complained "
              "and two leases were at risk.",
              "A fortnightly planned-maintenance round, one named engineer for every building and a four-hour "
              "response desk with promised call-out windows.",
              "Breakdown hours fell by half in the first year, and both leases were renewed.", "−50% breakdown hours"),
    DemoStory("A production line that no longer stops in summer",
              "Cooling failures stopped a food-processing line three times in one summer, each stop costing a "
              "full shift.",
              "Vibration and refrigerant checks every month, spare compressors held on site, and an engineer on "
              "call during the peak weeks.",
              "No cooling stop in the following two summers.", "0 stops in two summers"),
    DemoStory("An energy bill a fifth lower after the audit",
              "The client's energy costs had risen for three years and nobody knew which plant was to blame.",
              "An energy audit of every site, then retuned controls, repaired insulation and a schedule that "
              "follows the opening hours.",
              "The electricity bill fell by 19% within twelve months, measured against the year before.",
              "−19% electricity"),
    DemoStory("A hospital wing handed over on the promised day",
              "A new hospital wing had to open on a fixed date, with every ventilation system commissioned and "
              "documented.",
              "Commissioning in stages alongside the builders, weekly reports to the client and a test of every "
              "room before handover.",
              "The wing opened on the promised day with no open defect on ventilation.", "Handed over on day one"),
)

#: a proposal's title in its language ("{client}" is filled in)
PROPOSAL_TITLES = {
    "en": "Planned maintenance and response desk for {client}",
    "ms": "Penyelenggaraan terancang dan meja respons untuk {client}",
    "bg": "Планова поддръжка и денонощен дежурен център за {client}",
    "zh-Hans": "{client}计划维护与快速响应服务方案",
    "zh-Hant": "{client}計劃維護與快速響應服務方案",
    "hu": "Tervezett karbantartás és hibaelhárítási ügyelet – {client}",
}
