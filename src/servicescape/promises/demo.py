"""The demo firm's promise ledger: a year of promises and the next three weeks, complaints against
the tiers' targets, and the recovery tasks the failures opened.

* Promises go mostly to key and growth clients, owned by whoever delivers the client's engagement,
  in windows inside the firm's working hours (its timezone). Most are kept on time; some late,
  some missed (a few announced beforehand), a few cancelled; now and then somebody other than the
  owner came (the installer instead of the repairer). Broken promises are often re-promised: a new
  promise points back at the broken one, which stays as it was.
* Source 002's story is there for one key client: an air-conditioner repair promised for 2–5 pm,
  missed, re-promised, missed again, the wrong person sent, then silence — and a complaint.
* What lies ahead is open; a few promises today are unconfirmed and one person is booked twice, so
  the sweep finds promises at risk. The ledger is what the sweep leaves: every past window settled
  (``rules.outcome_of`` at the demo's now), every failure with its recovery task.
* Complaints' due times come from the tiers' targets on the firm's business clock
  (``complaints.due_times``' computation); a target passed unmet is a breach.

Texts the client said or reads are in the client's language; task titles and notes in the language
of the staff member who owns them. Deterministic for the demo's seed, today and the firm's settings.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Role
from servicescape.clients.models import Tier
from servicescape.config import Settings
from servicescape.demo import firm, phrases
from servicescape.demo.generator import DemoSpec
from servicescape.demo.steps import DemoRun, next_ids, table
from servicescape.demo.weighted import Weighted
from servicescape.promises import policies, recovery, rules
from servicescape.promises.capability import RECOVERY
from servicescape.promises.rules import BusinessClock

Row = dict[str, Any]

CLIENTS_PER_QUERY = 2_000
PAST_DAYS = 365
AHEAD_DAYS = 21
#: share of each tier's active clients that have promises, and how many a year / ahead
SHARE = {"key": 1.0, "growth": 0.6, "standard": 0.06}
PER_YEAR = {"key": (8, 14), "growth": (3, 6), "standard": (1, 2)}
UPCOMING = {"key": (1, 3), "growth": (0, 2), "standard": (0, 1)}
KINDS = Weighted([("appointment", 35), ("site_visit", 12), ("call_back", 28), ("deliverable", 15), ("document", 10)])
MINUTES = {"appointment": 180, "site_visit": 120, "call_back": 60, "deliverable": 60, "document": 60}
VISITS = ("appointment", "site_visit")
#: how long before the window the promise was made (minutes)
LEAD = {"appointment": (1_440, 14_400), "site_visit": (2_880, 20_160), "call_back": (60, 600),
        "deliverable": (4_320, 28_800), "document": (1_440, 14_400)}
FIRST = Weighted([("kept", 80), ("late", 10), ("missed", 7), ("cancelled", 3)])
AGAIN = Weighted([("kept", 78), ("late", 11), ("missed", 11)])
REPROMISE = {"missed": 0.75, "late": 0.15}
ANNOUNCED = {"missed": 0.25, "late": 0.15}
OTHER_PERSON = 0.07
CONFIRMED_AHEAD = 0.8
#: chance that a broken promise (or a stranger at the door) brings a complaint
COMPLAINS = {"missed": 0.3, "late": 0.25, "other": 0.2}
#: complaints about other things, a year: (chance of one, chance of a second)
UNLINKED = {"key": (0.6, 0.15), "growth": (0.2, 0.02), "standard": (0.02, 0.0)}
SEVERITY = {"missed": Weighted([("high", 5), ("medium", 3), ("critical", 2)]),
            "late": Weighted([("medium", 6), ("high", 3), ("low", 1)]),
            "other": Weighted([("medium", 5), ("high", 4), ("low", 1)]),
            "general": Weighted([("medium", 5), ("low", 3), ("high", 2)])}
CHANNELS = Weighted([("call", 40), ("e-mail", 35), ("letter", 5), ("meeting", 10), ("other", 10)])
RESPONSE_LATE = 0.12
RESOLUTION_LATE = 0.15
NEVER_RESOLVED = 0.04

# --- texts in the client's language --------------------------------------------------------------


@dataclass(frozen=True)
class ClientTexts:
    titles: dict[str, tuple[str, str]]      # kind -> two titles (the first appointment: the repair)
    words: dict[str, str]                   # kept / late / missed / other -> what the client said
    story: tuple[str, str, str, str]        # the air-conditioner story: three promises, the complaint
    complaints: dict[str, str]              # missed / late / other -> the complaint
    general: tuple[str, ...]                # complaints about other things
    outcomes: tuple[str, ...]               # how complaints were resolved


CLIENT_TEXTS: dict[str, ClientTexts] = {
    "en": ClientTexts(
        {"appointment": ("Air-conditioner repair visit", "Planned maintenance visit"),
         "site_visit": ("Site survey for the energy audit", "Commissioning check on site"),
         "call_back": ("Call back with the spare-part delivery date", "Call back about the quotation"),
         "deliverable": ("Service report after the visit", "Energy audit findings and proposal"),
         "document": ("Corrected invoice", "Maintenance schedule for the next quarter")},
        {"kept": "On time, and the engineer explained what he did.",
         "late": "The technician came more than an hour late and nobody called to warn us.",
         "missed": "We waited the whole window and nobody came or called.",
         "other": "Someone we had never met came and did not know our installation."},
        ("We waited from 2 to 5 pm and nobody came; nobody called either.",
         "Missed again. I took the day off to wait for you.",
         "You sent the installer, not the repair engineer; the air conditioner still does not work.",
         "Three visits promised: twice nobody came, then the wrong person. Since then silence — nobody "
         "has called us."),
        {"missed": "Your technician did not come in the promised window, and nobody told us.",
         "late": "The visit started hours late; our staff waited the whole afternoon.",
         "other": "You sent a person who did not know our system; the fault is still there."},
        ("Nobody called back after the last visit, although it was promised.",
         "The service report came two weeks late and is incomplete.",
         "The invoice is wrong: it charges a visit that never took place.",
         "A new engineer was sent without notice; we want the one who knows our building.",
         "The price went up but the service did not get better."),
        ("Apologised; the visit was rebooked with the same engineer and a goodwill credit goes on the next "
         "invoice.",
         "Corrected invoice sent; the client confirmed it.",
         "The manager called the client; the engineer who knows the site is assigned from now on.",
         "Report completed and sent; the review meeting was brought forward."),
    ),
    "ms": ClientTexts(
        {"appointment": ("Lawatan pembaikan penyaman udara", "Lawatan penyelenggaraan terancang"),
         "site_visit": ("Tinjauan tapak untuk audit tenaga", "Semakan pentauliahan di tapak"),
         "call_back": ("Telefon semula dengan tarikh penghantaran alat ganti", "Telefon semula tentang sebut harga"),
         "deliverable": ("Laporan perkhidmatan selepas lawatan", "Dapatan audit tenaga dan cadangan"),
         "document": ("Invois yang diperbetulkan", "Jadual penyelenggaraan suku tahun hadapan")},
        {"kept": "Tepat pada masanya, dan jurutera menerangkan apa yang dibuat.",
         "late": "Juruteknik datang lewat lebih sejam dan tiada siapa menelefon untuk memaklumkan.",
         "missed": "Kami menunggu sepanjang tempoh itu dan tiada siapa datang atau menelefon.",
         "other": "Orang yang tidak pernah kami jumpa datang dan tidak tahu sistem kami."},
        ("Kami menunggu dari pukul 2 hingga 5 petang dan tiada siapa datang; tiada siapa menelefon juga.",
         "Terlepas lagi. Saya ambil cuti untuk menunggu kamu.",
         "Kamu hantar pemasang, bukan jurutera pembaikan; penyaman udara masih tidak berfungsi.",
         "Tiga lawatan dijanjikan: dua kali tiada siapa datang, kemudian orang yang salah. Sejak itu senyap — "
         "tiada siapa menelefon kami."),
        {"missed": "Juruteknik kamu tidak datang dalam tempoh yang dijanjikan, dan tiada siapa memberitahu kami.",
         "late": "Lawatan bermula berjam-jam lewat; kakitangan kami menunggu sepanjang petang.",
         "other": "Kamu hantar orang yang tidak tahu sistem kami; kerosakan masih ada."},
        ("Tiada siapa menelefon semula selepas lawatan terakhir, walaupun sudah dijanjikan.",
         "Laporan perkhidmatan tiba dua minggu lewat dan tidak lengkap.",
         "Invois salah: ia mengenakan caj untuk lawatan yang tidak pernah berlaku.",
         "Jurutera baharu dihantar tanpa makluman; kami mahu jurutera yang mengenali bangunan kami.",
         "Harga naik tetapi perkhidmatan tidak bertambah baik."),
        ("Memohon maaf; lawatan ditempah semula dengan jurutera yang sama dan kredit muhibah pada invois "
         "seterusnya.",
         "Invois yang diperbetulkan dihantar; pelanggan telah mengesahkannya.",
         "Pengurus menelefon pelanggan; jurutera yang mengenali tapak ditugaskan mulai sekarang.",
         "Laporan dilengkapkan dan dihantar; mesyuarat semakan dipercepatkan."),
    ),
    "bg": ClientTexts(
        {"appointment": ("Посещение за ремонт на климатик", "Планово посещение за поддръжка"),
         "site_visit": ("Оглед на обекта за енергийния одит", "Проверка на обекта преди пускане в експлоатация"),
         "call_back": ("Обратно обаждане с датата на доставка на резервната част", "Обратно обаждане за офертата"),
         "deliverable": ("Сервизен доклад след посещението", "Резултати от енергийния одит и предложение"),
         "document": ("Коригирана фактура", "График за поддръжка за следващото тримесечие")},
        {"kept": "Навреме, и инженерът обясни какво е направил.",
         "late": "Техникът дойде с повече от час закъснение и никой не се обади да ни предупреди.",
         "missed": "Чакахме през целия интервал, а никой не дойде и не се обади.",
         "other": "Дойде човек, когото не познаваме и който не познаваше инсталацията ни."},
        ("Чакахме от 14 до 17 ч. и никой не дойде; никой не се и обади.",
         "Пак пропуснато. Взех си почивен ден, за да ви чакам.",
         "Изпратихте монтажника, а не сервизния инженер; климатикът все още не работи.",
         "Обещахте три посещения: два пъти никой не дойде, после дойде не когото трябва. Оттогава мълчание — "
         "никой не ни се е обадил."),
        {"missed": "Техникът ви не дойде в обещания интервал и никой не ни уведоми.",
         "late": "Посещението започна с часове закъснение; служителите ни чакаха целия следобед.",
         "other": "Изпратихте човек, който не познава системата ни; повредата още е налице."},
        ("Никой не се обади след последното посещение, въпреки че беше обещано.",
         "Сервизният доклад дойде с две седмици закъснение и е непълен.",
         "Фактурата е грешна: включва посещение, което не се е състояло.",
         "Без предупреждение беше изпратен нов инженер; искаме този, който познава сградата ни.",
         "Цената се повиши, но обслужването не стана по-добро."),
        ("Поднесохме извинение; посещението е пренасрочено със същия инженер, а в следващата фактура има "
         "компенсационна отстъпка.",
         "Изпратена е коригирана фактура; клиентът я потвърди.",
         "Мениджърът се обади на клиента; отсега нататък е определен инженерът, който познава обекта.",
         "Докладът е допълнен и изпратен; срещата за преглед е изтеглена по-рано."),
    ),
    "zh-Hans": ClientTexts(
        {"appointment": ("空调维修上门", "计划性维护上门"),
         "site_visit": ("能源审计现场勘察", "现场调试检查"),
         "call_back": ("回电告知备件到货日期", "就报价回电"),
         "deliverable": ("上门后的服务报告", "能源审计结果与改进方案"),
         "document": ("更正后的发票", "下季度维护计划表")},
        {"kept": "准时到达，工程师还解释了所做的工作。",
         "late": "技术人员迟到了一个多小时，也没有人打电话通知我们。",
         "missed": "我们等了整个时段，没有人来，也没有人打电话。",
         "other": "来的是我们从没见过的人，他不了解我们的设备。"},
        ("我们从下午2点等到5点，没有人来，也没有人打电话。",
         "又没来。我专门请了一天假在家等你们。",
         "你们派来的是安装工，不是维修工程师；空调还是不能用。",
         "答应了三次上门：两次没人来，第三次来错了人。之后就没有下文——没有任何人给我们打过电话。"),
        {"missed": "你们的技术人员没有在约定时段上门，也没有人通知我们。",
         "late": "上门时间晚了好几个小时，我们的员工等了一整个下午。",
         "other": "你们派来的人不了解我们的系统，故障仍未排除。"},
        ("上次上门后答应回电，但一直没有人打来。",
         "服务报告晚了两周才到，而且内容不完整。",
         "发票有误：收取了一次根本没有发生的上门费用。",
         "未经通知就换了新的工程师；我们要熟悉我们大楼的那位。",
         "价格涨了，服务却没有变好。"),
        ("已致歉；已重新预约同一位工程师上门，并在下一张发票中给予补偿折扣。",
         "已寄出更正后的发票，客户已确认。",
         "经理已致电客户；今后由熟悉现场的工程师负责。",
         "报告已补全并发送；回顾会议已提前。"),
    ),
    "zh-Hant": ClientTexts(
        {"appointment": ("冷氣維修到場", "計劃性保養到場"),
         "site_visit": ("能源稽核現場勘查", "現場試運轉檢查"),
         "call_back": ("回電告知零件到貨日期", "就報價回電"),
         "deliverable": ("到場後的服務報告", "能源稽核結果與改善方案"),
         "document": ("更正後的發票", "下季保養排程表")},
        {"kept": "準時到場，工程師也說明了所做的工作。",
         "late": "技術人員遲到了一個多小時，也沒有人來電通知我們。",
         "missed": "我們等了整個時段，沒有人來，也沒有人來電。",
         "other": "來的是我們從沒見過的人，他不了解我們的設備。"},
        ("我們從下午2點等到5點，沒有人來，也沒有人打電話。",
         "又沒來。我特地請了一天假在家等你們。",
         "你們派來的是安裝人員，不是維修工程師；冷氣還是不能用。",
         "答應了三次到場：兩次沒人來，第三次來錯了人。之後就沒有下文——沒有任何人打電話給我們。"),
        {"missed": "你們的技術人員沒有在約定時段到場，也沒有人通知我們。",
         "late": "到場時間晚了好幾個小時，我們的員工等了一整個下午。",
         "other": "你們派來的人不了解我們的系統，故障仍未排除。"},
        ("上次到場後答應回電，但一直沒有人打來。",
         "服務報告晚了兩週才到，而且內容不完整。",
         "發票有誤：收取了一次根本沒有發生的到場費用。",
         "未事先通知就換了新的工程師；我們要熟悉我們大樓的那位。",
         "價格漲了，服務卻沒有變好。"),
        ("已致歉；已重新預約同一位工程師到場，並於下一張發票給予補償折扣。",
         "已寄出更正後的發票，客戶已確認。",
         "經理已致電客戶；今後由熟悉現場的工程師負責。",
         "報告已補齊並寄出；檢討會議已提前。"),
    ),
    "hu": ClientTexts(
        {"appointment": ("Klímaberendezés javítása – kiszállás", "Tervszerű karbantartási kiszállás"),
         "site_visit": ("Helyszíni felmérés az energetikai audithoz", "Üzembe helyezési ellenőrzés a helyszínen"),
         "call_back": ("Visszahívás a pótalkatrész szállítási dátumával", "Visszahívás az árajánlat ügyében"),
         "deliverable": ("Szervizjelentés a kiszállás után", "Az energetikai audit eredményei és javaslata"),
         "document": ("Javított számla", "A következő negyedév karbantartási ütemterve")},
        {"kept": "Pontosan jöttek, és a mérnök elmagyarázta, mit csinált.",
         "late": "A technikus több mint egy órát késett, és senki sem szólt előre.",
         "missed": "Végig vártunk az időablakban, de senki sem jött és nem is telefonált.",
         "other": "Egy számunkra ismeretlen ember jött, aki nem ismerte a rendszerünket."},
        ("Délután 2-től 5-ig vártunk, és senki sem jött; telefonálni sem telefonált senki.",
         "Megint elmaradt. Szabadságot vettem ki, hogy megvárjam Önöket.",
         "A szerelőt küldték, nem a javító mérnököt; a klíma még mindig nem működik.",
         "Három kiszállást ígértek: kétszer senki sem jött, aztán rossz embert küldtek. Azóta csend — senki "
         "sem hívott minket."),
        {"missed": "A technikusuk nem jött el az ígért időablakban, és senki sem értesített minket.",
         "late": "A kiszállás órákat késett; a munkatársaink az egész délutánt várakozással töltötték.",
         "other": "Olyan embert küldtek, aki nem ismeri a rendszerünket; a hiba továbbra is fennáll."},
        ("Az utolsó kiszállás után senki sem hívott vissza, pedig megígérték.",
         "A szervizjelentés két hetet késett, és hiányos.",
         "A számla hibás: egy meg sem történt kiszállást számláztak.",
         "Értesítés nélkül új mérnököt küldtek; azt szeretnénk, aki ismeri az épületünket.",
         "Az ár emelkedett, a szolgáltatás viszont nem lett jobb."),
        ("Bocsánatot kértünk; a kiszállást ugyanazzal a mérnökkel foglaltuk újra, a következő számlán "
         "jóváírást adunk.",
         "A javított számlát elküldtük; az ügyfél visszaigazolta.",
         "A vezető felhívta az ügyfelet; mostantól a helyszínt ismerő mérnök dolgozik náluk.",
         "A jelentést kiegészítettük és elküldtük; az áttekintő megbeszélést előrehoztuk."),
    ),
    "de": ClientTexts(
        {"appointment": ("Reparatur der Klimaanlage vor Ort", "Wartungstermin vor Ort"),
         "site_visit": ("Begehung für das Energieaudit", "Inbetriebnahmeprüfung vor Ort"),
         "call_back": ("Rückruf mit dem Liefertermin des Ersatzteils", "Rückruf zum Angebot"),
         "deliverable": ("Servicebericht nach dem Einsatz", "Ergebnisse und Vorschläge des Energieaudits"),
         "document": ("Korrigierte Rechnung", "Wartungsplan für das nächste Quartal")},
        {"kept": "Pünktlich, und der Techniker hat erklärt, was er gemacht hat.",
         "late": "Der Techniker kam über eine Stunde zu spät, und niemand hat uns vorher angerufen.",
         "missed": "Wir haben das ganze Zeitfenster gewartet, und niemand kam oder rief an.",
         "other": "Es kam jemand, den wir nicht kannten und der unsere Anlage nicht kannte."},
        ("Wir haben von 14 bis 17 Uhr gewartet, niemand kam und niemand rief an.",
         "Schon wieder niemand da. Ich hatte mir extra freigenommen.",
         "Sie haben den Monteur geschickt, nicht den Servicetechniker; die Klimaanlage läuft immer noch nicht.",
         "Drei Termine zugesagt: zweimal kam niemand, dann die falsche Person. Seitdem Funkstille — niemand "
         "hat uns angerufen."),
        {"missed": "Ihr Techniker kam nicht im zugesagten Zeitfenster, und niemand hat uns Bescheid gegeben.",
         "late": "Der Einsatz begann Stunden zu spät; unsere Leute haben den ganzen Nachmittag gewartet.",
         "other": "Sie haben jemanden geschickt, der unsere Anlage nicht kennt; die Störung ist noch da."},
        ("Nach dem letzten Einsatz hat niemand zurückgerufen, obwohl es zugesagt war.",
         "Der Servicebericht kam zwei Wochen zu spät und ist unvollständig.",
         "Die Rechnung ist falsch: Sie berechnet einen Einsatz, der nie stattgefunden hat.",
         "Ohne Ankündigung kam ein neuer Techniker; wir möchten den, der unser Gebäude kennt.",
         "Der Preis ist gestiegen, der Service aber nicht besser geworden."),
        ("Entschuldigt; neuer Termin mit demselben Techniker, Gutschrift auf der nächsten Rechnung.",
         "Korrigierte Rechnung verschickt; der Kunde hat sie bestätigt.",
         "Die Leitung hat den Kunden angerufen; ab jetzt betreut ihn der Techniker, der die Anlage kennt.",
         "Bericht vervollständigt und verschickt; das Review-Gespräch wurde vorgezogen."),
    ),
    "ro": ClientTexts(
        {"appointment": ("Vizită pentru repararea aparatului de aer condiționat", "Vizită de mentenanță planificată"),
         "site_visit": ("Inspecție la fața locului pentru auditul energetic",
                        "Verificare de punere în funcțiune la fața locului"),
         "call_back": ("Revenire telefonică cu data livrării piesei de schimb", "Revenire telefonică privind oferta"),
         "deliverable": ("Raport de service după vizită", "Rezultatele auditului energetic și propunerea"),
         "document": ("Factură corectată", "Programul de mentenanță pentru trimestrul următor")},
        {"kept": "La timp, iar inginerul ne-a explicat ce a făcut.",
         "late": "Tehnicianul a întârziat mai mult de o oră și nimeni nu ne-a anunțat.",
         "missed": "Am așteptat tot intervalul și nu a venit și nu a sunat nimeni.",
         "other": "A venit cineva pe care nu-l cunoșteam și care nu cunoștea instalația noastră."},
        ("Am așteptat de la 14 la 17 și nu a venit nimeni; nici nu ne-a sunat cineva.",
         "Din nou nu a venit nimeni. Mi-am luat liber ca să vă aștept.",
         "Ați trimis montatorul, nu inginerul de service; aerul condiționat tot nu funcționează.",
         "Ne-ați promis trei vizite: de două ori nu a venit nimeni, apoi a venit persoana greșită. De atunci, "
         "tăcere — nu ne-a sunat nimeni."),
        {"missed": "Tehnicianul dumneavoastră nu a venit în intervalul promis și nimeni nu ne-a anunțat.",
         "late": "Vizita a început cu ore de întârziere; oamenii noștri au așteptat toată după-amiaza.",
         "other": "Ați trimis pe cineva care nu cunoaște sistemul nostru; defecțiunea persistă."},
        ("Nimeni nu a revenit cu un telefon după ultima vizită, deși s-a promis.",
         "Raportul de service a venit cu două săptămâni întârziere și este incomplet.",
         "Factura este greșită: include o vizită care nu a avut loc.",
         "A fost trimis un inginer nou fără anunț; îl vrem pe cel care ne cunoaște clădirea.",
         "Prețul a crescut, dar serviciul nu s-a îmbunătățit."),
        ("Ne-am cerut scuze; vizita a fost reprogramată cu același inginer, iar pe factura următoare se acordă "
         "o reducere compensatorie.",
         "Factura corectată a fost trimisă; clientul a confirmat-o.",
         "Managerul a sunat clientul; de acum se ocupă inginerul care cunoaște obiectivul.",
         "Raportul a fost completat și trimis; ședința de evaluare a fost devansată."),
    ),
}

# --- texts in the staff member's language ----------------------------------------------------------


@dataclass(frozen=True)
class StaffTexts:
    kinds: dict[str, str]                   # promise kind -> as a task title names it
    missed: str                             # recovery titles: {kind}, {client}
    late: str
    complaint: str                          # {client}
    recovered: tuple[str, ...]              # a recovery closed: what was done
    story: str                              # the first recovery of the air-conditioner story
    cancelled: str                          # why a promise was called off


STAFF_TEXTS: dict[str, StaffTexts] = {
    "en": StaffTexts(
        {"appointment": "appointment", "site_visit": "site visit", "call_back": "call-back",
         "deliverable": "deliverable", "document": "document"},
        "Recover: missed {kind} for {client}", "Recover: late {kind} for {client}",
        "Recover: complaint past its target, {client}",
        ("Called the client, apologised and rebooked; the new visit was kept.",
         "Manager visited the client; a goodwill credit was agreed.",
         "Apology letter sent with the new date; the client accepted."),
        "Apologised by phone and re-promised the visit for the next morning.",
        "Cancelled at the client's request: the site was closed that day."),
    "ms": StaffTexts(
        {"appointment": "temu janji", "site_visit": "lawatan tapak", "call_back": "panggilan semula",
         "deliverable": "serahan", "document": "dokumen"},
        "Pemulihan: {kind} terlepas untuk {client}", "Pemulihan: {kind} lewat untuk {client}",
        "Pemulihan: aduan melepasi sasaran, {client}",
        ("Menelefon pelanggan, memohon maaf dan menempah semula; lawatan baharu ditepati.",
         "Pengurus melawat pelanggan; kredit muhibah dipersetujui.",
         "Surat permohonan maaf dihantar bersama tarikh baharu; pelanggan menerimanya."),
        "Memohon maaf melalui telefon dan menjanjikan semula lawatan esok pagi.",
        "Dibatalkan atas permintaan pelanggan: tapak ditutup pada hari itu."),
    "bg": StaffTexts(
        {"appointment": "посещение", "site_visit": "оглед на обекта", "call_back": "обратно обаждане",
         "deliverable": "резултат", "document": "документ"},
        "Възстановяване: неизпълнено обещание ({kind}) за {client}",
        "Възстановяване: закъсняло обещание ({kind}) за {client}",
        "Възстановяване: оплакване след срока, {client}",
        ("Обадихме се на клиента, извинихме се и насрочихме ново посещение; то се състоя навреме.",
         "Мениджърът посети клиента; договорена е компенсационна отстъпка.",
         "Изпратено е писмо с извинение и новата дата; клиентът прие."),
        "Извинихме се по телефона и обещахме посещението за следващата сутрин.",
        "Отменено по молба на клиента: обектът беше затворен този ден."),
    "hu": StaffTexts(
        {"appointment": "időpont", "site_visit": "helyszíni bejárás", "call_back": "visszahívás",
         "deliverable": "teljesítés", "document": "dokumentum"},
        "Helyreállítás: elmaradt {kind} – {client}", "Helyreállítás: késett {kind} – {client}",
        "Helyreállítás: határidőn túli panasz – {client}",
        ("Felhívtuk az ügyfelet, bocsánatot kértünk és új időpontot foglaltunk; az új kiszállás rendben "
         "megtörtént.",
         "A vezető meglátogatta az ügyfelet; jóváírásban állapodtunk meg.",
         "Bocsánatkérő levelet küldtünk az új dátummal; az ügyfél elfogadta."),
        "Telefonon bocsánatot kértünk, és másnap délelőttre ígértük újra a kiszállást.",
        "Az ügyfél kérésére lemondva: a telephely aznap zárva volt."),
    "zh-Hans": StaffTexts(
        {"appointment": "预约", "site_visit": "现场勘察", "call_back": "回电", "deliverable": "交付物",
         "document": "文件"},
        "补救：{client}的{kind}失约", "补救：{client}的{kind}迟到", "补救：{client}的投诉已超时限",
        ("已致电客户致歉并重新预约，新的上门按时完成。", "经理拜访了客户，商定了补偿折扣。",
         "已寄出致歉信并告知新日期，客户已接受。"),
        "已电话致歉，并改约次日上午上门。",
        "应客户要求取消：当天现场关闭。"),
    "zh-Hant": StaffTexts(
        {"appointment": "預約", "site_visit": "現場勘查", "call_back": "回電", "deliverable": "交付項目",
         "document": "文件"},
        "補救：{client}的{kind}失約", "補救：{client}的{kind}遲到", "補救：{client}的投訴已逾時限",
        ("已致電客戶致歉並重新預約，新的到場準時完成。", "經理拜訪了客戶，議定了補償折扣。",
         "已寄出致歉信並告知新日期，客戶已接受。"),
        "已電話致歉，並改約翌日上午到場。",
        "應客戶要求取消：當天現場關閉。"),
}


def client_texts(language: str | None) -> ClientTexts:
    return CLIENT_TEXTS.get(language or "en", CLIENT_TEXTS["en"])


def staff_texts(language: str | None) -> StaffTexts:
    return STAFF_TEXTS.get(language or "en", STAFF_TEXTS["en"])


# --- the demo's clock ------------------------------------------------------------------------------


def demo_now(spec: DemoSpec, settings: Settings) -> datetime:
    """The demo's "now": the firm opens on the demo's today (what ends before it has happened)."""
    opens, _closes = settings.working_hours
    return datetime.combine(spec.today, opens, tzinfo=settings.zone).astimezone(UTC)


@dataclass(frozen=True)
class Calendar:
    """The firm's working days around the demo's today, and windows inside its working hours."""

    clock: BusinessClock
    today: date
    now: datetime
    past: list[date]            # working days of the last year, oldest first (today left out)
    ahead: list[date]           # working days of the next three weeks (today left out)

    @classmethod
    def of(cls, clock: BusinessClock, today: date, now: datetime) -> Calendar:
        past = [today - timedelta(days=n) for n in range(PAST_DAYS, 0, -1)]
        ahead = [today + timedelta(days=n) for n in range(1, AHEAD_DAYS + 1)]
        return cls(clock, today, now, [d for d in past if clock.is_working_day(d)],
                   [d for d in ahead if clock.is_working_day(d)])

    @property
    def span(self) -> int:
        """Minutes in a working day."""
        return (datetime.combine(self.today, self.clock.closes) - datetime.combine(self.today, self.clock.opens)
                ).seconds // 60

    def at(self, day: date, minutes: int) -> datetime:
        """``minutes`` after the firm opens on ``day``, in UTC."""
        opens = datetime.combine(day, self.clock.opens, tzinfo=self.clock.zone)
        return (opens + timedelta(minutes=minutes)).astimezone(UTC)

    def shift(self, day: date, working_days: int) -> date:
        """The ``working_days``-th working day after (or, negative, before) ``day``."""
        step = 1 if working_days >= 0 else -1
        left = abs(working_days)
        while left:
            day += timedelta(days=step)
            if self.clock.is_working_day(day):
                left -= 1
        return day

    def duration(self, kind: str) -> int:
        return min(MINUTES[kind], self.span)

    def starts(self, kind: str, earliest: int = 0) -> list[int]:
        """Window starts (minutes after opening) of a kind on the hour, inside the working day."""
        last = self.span - self.duration(kind)
        found = list(range(earliest, last + 1, 60))
        return found or [max(0, last)]

    def afternoon(self, day: date, kind: str = "appointment") -> tuple[datetime, datetime]:
        """2–5 pm where the working day allows it, else its last hours."""
        length = self.duration(kind)
        two = (datetime.combine(day, time(14)) - datetime.combine(day, self.clock.opens)).seconds // 60
        start = two if self.clock.opens <= time(14) and two + length <= self.span else self.span - length
        return self.at(day, start), self.at(day, start + length)

    def morning(self, day: date, kind: str = "appointment") -> tuple[datetime, datetime]:
        return self.at(day, 0), self.at(day, self.duration(kind))


# --- the ledger ------------------------------------------------------------------------------------


@dataclass
class DemoClient:
    id: int
    name: str
    tier: str
    person: bool
    owner_id: int | None
    language: str | None
    country: str | None
    since: datetime
    #: (engagement id, delivered by, first day, last day) of engagements that ran
    engagements: list[tuple[int, int | None, date, date]] = field(default_factory=list)


@dataclass
class Failure:
    """A broken promise or a complaint past a target: it opened a recovery task at ``at``."""

    at: datetime
    rule: str
    related_type: str
    related_id: int
    client: DemoClient
    owner_id: int | None
    kind: str = "appointment"
    #: the story decides: "open" or "done" (else drawn from the failure's age)
    status: str | None = None
    outcome: str | None = None


class Ledger:
    """Builds the rows for one chunk of clients at a time; ids run on across chunks."""

    def __init__(self, run: DemoRun, session: Session) -> None:
        settings = run.runtime.settings
        self.rng = random.Random(run.spec.seed * 104_729 + 70)
        self.now = demo_now(run.spec, settings)
        self.cal = Calendar.of(policies.clock(session, settings), run.spec.today, self.now)
        self.policies = {tier.value: policies.policy_for(session, tier) for tier in Tier}
        staff = run.ids["staff"]
        self.language = {staff[m.key]: m.language for m in firm.ROSTER}
        self.delivery = {staff[m.key] for m in firm.ROSTER if m.active and m.role != Role.viewer}
        self.teams = {cc: [staff[key] for key, _weight in members if staff[key] in self.delivery]
                      for cc, members in firm.TEAMS.items()}
        self.ids = next_ids(session.connection(), ("promise", "complaint", "task"))
        #: (owner, day) -> windows booked ahead: nobody is booked twice by chance
        self.busy: defaultdict[tuple[int, date], list[tuple[datetime, datetime]]] = defaultdict(list)
        self.promises: list[Row] = []
        self.complaints: list[Row] = []
        self.failures: list[Failure] = []
        self.tasks: list[Row] = []

    def _take(self, name: str) -> int:
        value = self.ids[name]
        self.ids[name] = value + 1
        return value

    def _minutes(self, low: int, high: int) -> timedelta:
        return timedelta(minutes=self.rng.randint(low, high))

    # -- who ----------------------------------------------------------------------------------

    def owner(self, client: DemoClient, day: date) -> tuple[int, int | None]:
        """Whoever delivers the client's engagement running on ``day`` (else the client's owner)."""
        running = [e for e in client.engagements if e[2] <= day <= e[3]]
        if running:
            engagement_id, delivered_by, _first, _last = running[int(self.rng.random() * len(running))]
            if delivered_by in self.delivery:
                return delivered_by, engagement_id
            return self._fallback(client), engagement_id
        return self._fallback(client), None

    def _fallback(self, client: DemoClient) -> int:
        if client.owner_id in self.delivery:
            return client.owner_id
        team = self.teams.get(client.country or "") or sorted(self.delivery)
        return team[0]

    def other(self, client: DemoClient, owner: int) -> int:
        """Somebody else from the client's team: the installer sent instead of the repairer."""
        team = [s for s in self.teams.get(client.country or "", []) if s != owner]
        team = team or sorted(self.delivery - {owner})
        return team[int(self.rng.random() * len(team))]

    # -- rows ---------------------------------------------------------------------------------

    def _promise(self, client: DemoClient, kind: str, window: tuple[datetime, datetime], owner: int,
                 engagement_id: int | None, created: datetime, *, title: str | None = None,
                 made_by: int | None = None, repromised_from: Row | None = None) -> Row:
        texts = client_texts(client.language)
        sites = phrases.TEXTS.get(client.language or "en", phrases.TEXTS["en"])
        place = None
        if kind in VISITS:
            place = sites.residence if client.person else sites.sites[int(self.rng.random() * len(sites.sites))]
        row: Row = {
            "id": self._take("promise"), "external_id": None, "client_id": client.id, "engagement_id": engagement_id,
            "kind": kind, "title": title or texts.titles[kind][int(self.rng.random() * 2)],
            "made_by_id": made_by if made_by is not None else (client.owner_id or owner), "owner_id": owner,
            "window_start": window[0], "window_end": window[1], "place": place, "status": "open",
            "confirmed_at": None, "kept_at": None, "delivered_by_id": None, "lateness_minutes": None,
            "missed_at": None, "cancelled_at": None, "client_words": None, "notes": None,
            "repromised_from_id": repromised_from["id"] if repromised_from else None, "at_risk": None,
            "announced_at": None, "created_at": created, "updated_at": created,
        }
        self.promises.append(row)
        return row

    @staticmethod
    def _touch(row: Row, moment: datetime | None) -> None:
        if moment is not None and moment > row["updated_at"]:
            row["updated_at"] = moment

    def _keep(self, row: Row, kept_at: datetime, delivered_by: int, words: str | None = None) -> None:
        row["kept_at"] = kept_at
        row["delivered_by_id"] = delivered_by
        row["lateness_minutes"] = rules.lateness_minutes(row["window_end"], kept_at)
        row["status"] = rules.outcome_of(row["window_end"], kept_at, False, self.now).value
        row["client_words"] = words
        self._touch(row, kept_at)

    def _miss(self, row: Row, missed_at: datetime, words: str | None = None) -> None:
        row["status"] = "missed"
        row["missed_at"] = missed_at
        row["client_words"] = words
        self._touch(row, missed_at)

    def _confirm(self, row: Row, at: datetime | None) -> None:
        if at is not None:
            row["confirmed_at"] = max(at, row["created_at"])
            self._touch(row, row["confirmed_at"])

    def _free(self, owner: int, window: tuple[datetime, datetime]) -> bool:
        day = window[0].astimezone(self.cal.clock.zone).date()
        return not any(rules.overlaps(start, end, *window) for start, end in self.busy.get((owner, day), ()))

    def _book(self, owner: int, window: tuple[datetime, datetime]) -> bool:
        """Reserve a window ahead for ``owner``; False when it overlaps another of theirs."""
        if not self._free(owner, window):
            return False
        self.busy[(owner, window[0].astimezone(self.cal.clock.zone).date())].append(window)
        return True

    # -- one client's year --------------------------------------------------------------------

    def client(self, client: DemoClient) -> None:
        rng, cal = self.rng, self.cal
        if rng.random() >= SHARE[client.tier]:
            return
        first = bisect.bisect_right(cal.past, client.since.date())
        days = cal.past[first:]
        if days:
            low, high = PER_YEAR[client.tier]
            count = round(rng.randint(low, high) * len(days) / len(cal.past) + rng.random() - 0.5)
            for day in sorted(days[int(rng.random() * len(days))] for _ in range(count)):
                self._past(client, day)
        low, high = UPCOMING[client.tier]
        for _ in range(rng.randint(low, high)):
            self._ahead(client)
        self._unlinked_complaints(client)

    def _window(self, day: date, kind: str) -> tuple[datetime, datetime]:
        starts = self.cal.starts(kind)
        start = starts[int(self.rng.random() * len(starts))]
        if kind == "appointment" and self.rng.random() < 0.3:
            return self.cal.afternoon(day)
        return self.cal.at(day, start), self.cal.at(day, start + self.cal.duration(kind))

    def _past(self, client: DemoClient, day: date) -> None:
        rng = self.rng
        kind = KINDS.draw(rng)
        window = self._window(day, kind)
        owner, engagement_id = self.owner(client, day)
        low, high = LEAD[kind]
        created = max(window[0] - self._minutes(low, high), client.since + timedelta(minutes=1))
        row = self._promise(client, kind, window, owner, engagement_id, created)
        if rng.random() < 0.9:
            self._confirm(row, max(created, window[0] - self._minutes(120, 2_880)))
        self._settle(client, row, FIRST.draw(rng), depth=0)

    def _settle(self, client: DemoClient, row: Row, outcome: str, depth: int) -> None:
        """What became of a past promise; a broken one may be re-promised (up to three times)."""
        rng, texts = self.rng, client_texts(client.language)
        start, end, owner, kind = row["window_start"], row["window_end"], row["owner_id"], row["kind"]
        length = int((end - start).total_seconds() // 60)
        if outcome == "cancelled":
            row["status"] = "cancelled"
            row["cancelled_at"] = max(row["created_at"] + timedelta(minutes=1), start - self._minutes(120, 4_320))
            row["notes"] = staff_texts(self.language.get(owner)).cancelled
            self._touch(row, row["cancelled_at"])
            return
        if outcome == "late":
            if kind in VISITS or kind == "call_back":
                kept_at = end + timedelta(minutes=rng.choice((20, 25, 35, 45, 60, 75, 90, 150, 240)))
            else:
                kept_at = end + timedelta(days=rng.randint(1, 3), minutes=rng.randint(0, 120))
            if kept_at >= self.now:
                outcome = "missed"  # not there yet: the window passed, nobody came so far
        if outcome == "kept":
            if kind in VISITS or kind == "call_back":
                kept_at = start + timedelta(minutes=rng.randint(0, length))
            else:  # delivered by the deadline, often a little before the window
                kept_at = max(end - timedelta(minutes=rng.randint(0, length + 240)),
                              row["updated_at"] + timedelta(minutes=10))
            stranger = kind in VISITS and rng.random() < OTHER_PERSON
            delivered_by = self.other(client, owner) if stranger else owner
            praised = kind in VISITS and rng.random() < 0.05
            words = texts.words["other"] if stranger else texts.words["kept"] if praised else None
            self._keep(row, _minute(kept_at), delivered_by, words)
            if stranger and rng.random() < COMPLAINS["other"]:
                self._linked_complaint(client, row, "other", kept_at + self._minutes(30, 1_440))
            return
        announced = rng.random() < ANNOUNCED[outcome]
        if outcome == "late":
            stranger = kind in VISITS and rng.random() < OTHER_PERSON
            delivered_by = self.other(client, owner) if stranger else owner
            hour_late = kind in VISITS and kept_at - end > timedelta(hours=1)
            self._keep(row, kept_at, delivered_by, texts.words["late"] if hour_late and rng.random() < 0.5 else None)
            if announced:
                row["announced_at"] = max(row["created_at"], end - self._minutes(15, 90))
            failed_at = kept_at
            if row["lateness_minutes"] > self.policies[client.tier].late_tolerance_minutes:
                self.failures.append(Failure(kept_at, "promises.late", "promise", row["id"], client, owner, kind))
            hours_late = kind not in VISITS or row["lateness_minutes"] >= 120
            if hours_late and rng.random() < COMPLAINS["late"]:
                self._linked_complaint(client, row, "late", kept_at + self._minutes(10, 600))
        else:
            if announced and start - timedelta(minutes=60) > row["created_at"]:
                row["announced_at"] = start - self._minutes(60, min(600, int((start - row["created_at"])
                                                                              .total_seconds() // 60)))
                missed_at = row["announced_at"] + self._minutes(5, 30)
            else:
                announced = False
                missed_at = end + self._minutes(5, 60)
            self._miss(row, missed_at, texts.words["missed"] if kind in VISITS and rng.random() < 0.35 else None)
            self._touch(row, row["announced_at"])
            failed_at = missed_at
            self.failures.append(Failure(missed_at, "promises.missed", "promise", row["id"], client, owner, kind))
            if rng.random() < COMPLAINS["missed"]:
                self._linked_complaint(client, row, "missed", end + self._minutes(20, 1_440))
        if depth >= 2 or not ((announced and outcome == "missed") or rng.random() < REPROMISE[outcome]):
            return
        made = failed_at + self._minutes(5, 90)
        if made >= self.now:
            return
        day = self.cal.shift(made.astimezone(self.cal.clock.zone).date(), rng.randint(1, 3))
        if day == self.cal.today:
            day = self.cal.shift(day, 1)
        window = self._window(day, kind)
        if day > self.cal.today and not self._book(owner, window):
            return
        follower = self._promise(client, kind, window, owner, row["engagement_id"], made, title=row["title"],
                                 made_by=row["made_by_id"], repromised_from=row)
        self._confirm(follower, made)
        if day < self.cal.today:
            self._settle(client, follower, AGAIN.draw(rng), depth + 1)

    def _ahead(self, client: DemoClient) -> None:
        rng, cal = self.rng, self.cal
        if not cal.ahead:
            return
        kind = KINDS.draw(rng)
        for _attempt in range(4):
            day = cal.ahead[int(rng.random() * len(cal.ahead))]
            owner, engagement_id = self.owner(client, day)
            window = self._window(day, kind)
            if self._book(owner, window):
                break
        else:
            return
        low, high = LEAD[kind]
        created = max(min(window[0] - self._minutes(low, high), self.now - self._minutes(30, 600)),
                      client.since + timedelta(minutes=1))
        row = self._promise(client, kind, window, owner, engagement_id, created)
        if rng.random() < 0.03:
            row["status"] = "cancelled"
            row["cancelled_at"] = _minute(created + (self.now - created) * rng.random())
            row["notes"] = staff_texts(self.language.get(owner)).cancelled
            self._touch(row, row["cancelled_at"])
        elif rng.random() < CONFIRMED_AHEAD:
            self._confirm(row, _minute(created + (self.now - created) * rng.random()))

    # -- complaints ---------------------------------------------------------------------------

    def _linked_complaint(self, client: DemoClient, promise: Row, reason: str, received: datetime) -> None:
        """A complaint about a broken promise: a visit's own words; no call-back; a report or paper late."""
        texts = client_texts(client.language)
        if promise["kind"] in VISITS:
            text, severity = texts.complaints[reason], SEVERITY[reason].draw(self.rng)
        else:
            text = texts.general[0] if promise["kind"] == "call_back" else texts.general[1]
            severity = SEVERITY["general"].draw(self.rng)
        self.complaint(client, received, text, severity, promise_id=promise["id"])

    def _unlinked_complaints(self, client: DemoClient) -> None:
        rng, cal = self.rng, self.cal
        one, two = UNLINKED[client.tier]
        count = (rng.random() < one) + (rng.random() < two)
        first = bisect.bisect_right(cal.past, client.since.date())
        days = cal.past[first:]
        texts = client_texts(client.language)
        for _ in range(count if days else 0):
            day = days[int(rng.random() * len(days))]
            minutes = rng.randint(0, cal.span) if rng.random() < 0.8 else cal.span + rng.randint(60, 240)
            text = texts.general[int(rng.random() * len(texts.general))]
            self.complaint(client, cal.at(day, minutes), text, SEVERITY["general"].draw(rng))

    def complaint(self, client: DemoClient, received: datetime, text: str, severity: str, *,
                  promise_id: int | None = None, channel: str | None = None, response_at: datetime | None = None,
                  unresolved: bool = False, unanswered: bool = False) -> Row | None:
        """A complaint received at ``received``: due by the tier's targets (as ``complaints.due_times``
        counts them), answered and resolved on time or late, breached where a target passed unmet."""
        rng, now, clock = self.rng, self.now, self.cal.clock
        if received >= now:
            return None
        policy = self.policies[client.tier]
        response_due = clock.add_hours(received, policy.first_response_hours).astimezone(UTC)
        resolution_due = clock.add_days(received, policy.resolution_days).astimezone(UTC)
        day_hours = self.cal.span / 60
        if response_at is not None:
            responded: datetime | None = response_at
        elif rng.random() < RESPONSE_LATE:
            responded = clock.add_hours(response_due, rng.uniform(0.5, 2 * day_hours))
        else:
            responded = clock.add_hours(received, rng.uniform(0.1, 0.9) * policy.first_response_hours)
        assert responded is not None
        responded = _minute(responded)
        if unresolved or rng.random() < NEVER_RESOLVED:
            resolved: datetime | None = None
        elif rng.random() < RESOLUTION_LATE or resolution_due <= responded:
            resolved = clock.add_hours(max(resolution_due, responded), rng.uniform(1, 3 * day_hours))
        else:
            resolved = clock.add_hours(responded, rng.uniform(1, max(1.5, policy.resolution_days * day_hours * 0.8)))
            if resolved > resolution_due:
                resolved = responded + (resolution_due - responded) * rng.uniform(0.3, 0.9)
        resolved = _minute(resolved) if resolved is not None else None
        if unanswered or responded >= now:
            responded = resolved = None
        if resolved is not None and resolved >= now:
            resolved = None
        texts = client_texts(client.language)
        row: Row = {
            "id": self._take("complaint"), "external_id": None, "client_id": client.id, "promise_id": promise_id,
            "received_at": received, "channel": channel or CHANNELS.draw(rng), "text": text, "severity": severity,
            "owner_id": client.owner_id,
            "status": "resolved" if resolved else "responded" if responded else "open",
            "response_due_at": response_due, "resolution_due_at": resolution_due,
            "first_response_at": responded, "resolved_at": resolved,
            "outcome": texts.outcomes[int(rng.random() * len(texts.outcomes))] if resolved else None,
            "response_breached_at": _breach(response_due, responded, now),
            "resolution_breached_at": _breach(resolution_due, resolved, now),
            "created_at": received,
            "updated_at": max(m for m in (received, responded, resolved) if m is not None),
        }
        self.complaints.append(row)
        breaches = [m for m in (row["response_breached_at"], row["resolution_breached_at"]) if m is not None]
        if breaches:
            self.failures.append(Failure(min(breaches), "complaints.breach", "complaint", row["id"], client,
                                         client.owner_id))
        return row

    # -- the story and what the sweep will find ----------------------------------------------

    def story(self, client: DemoClient) -> None:
        """Source 002: a repair promised for 2–5 pm, missed, re-promised for the next morning, missed
        again, then the installer sent (late) instead of the repairer, then silence — a complaint
        answered late, and the repairer promised once more."""
        cal, texts = self.cal, client_texts(client.language)
        day_a = cal.shift(cal.today, -9)
        repairer, engagement_id = self.owner(client, day_a)
        installer = self.other(client, repairer)
        title = texts.titles["appointment"][0]
        first_window = cal.afternoon(day_a)
        a = self._promise(client, "appointment", first_window, repairer, engagement_id,
                          first_window[0] - timedelta(days=2, hours=3), title=title)
        self._confirm(a, a["created_at"] + timedelta(hours=1))
        self._miss(a, first_window[1] + timedelta(minutes=15), texts.story[0])
        b = self._promise(client, "appointment", cal.morning(cal.shift(day_a, 1)), repairer, engagement_id,
                          a["missed_at"] + timedelta(minutes=25), title=title, repromised_from=a)
        self._confirm(b, b["created_at"])
        self._miss(b, b["window_end"] + timedelta(minutes=20), texts.story[1])
        c = self._promise(client, "appointment", cal.afternoon(cal.shift(day_a, 3)), repairer, engagement_id,
                          b["missed_at"] + timedelta(minutes=40), title=title, repromised_from=b)
        self._confirm(c, c["created_at"])
        self._keep(c, c["window_end"] + timedelta(minutes=50), installer, texts.story[2])
        language = self.language.get(repairer)
        self.failures += [
            Failure(a["missed_at"], "promises.missed", "promise", a["id"], client, repairer, status="done",
                    outcome=staff_texts(language).story),
            Failure(b["missed_at"], "promises.missed", "promise", b["id"], client, repairer, status="open"),
        ]
        if c["lateness_minutes"] > self.policies[client.tier].late_tolerance_minutes:
            self.failures.append(Failure(c["kept_at"], "promises.late", "promise", c["id"], client, repairer,
                                         status="open"))
        complained = cal.shift(cal.shift(day_a, 3), 1)
        answered = cal.at(cal.shift(complained, 2), min(120, cal.span))
        complaint = self.complaint(client, cal.at(complained, min(60, cal.span)), texts.story[3], "critical",
                                   promise_id=c["id"], channel="call", response_at=answered, unresolved=True)
        if complaint is not None and self.failures[-1].related_type == "complaint":
            self.failures[-1].status = "open"
        window = cal.afternoon(cal.shift(cal.today, 2))
        self._book(repairer, window)
        d = self._promise(client, "appointment", window, repairer, engagement_id, answered + timedelta(minutes=30),
                          title=title, repromised_from=c)
        self._confirm(d, d["created_at"])

    def at_risk(self, clients: list[DemoClient]) -> None:
        """Today, a few promises nobody confirmed yet; in a few days, one person booked twice. And a
        complaint from last evening that nobody has answered yet."""
        rng, cal = self.rng, self.cal
        if clients:
            evening = cal.at(cal.shift(cal.today, -1), cal.span + 90)
            late = clients[min(5, len(clients) - 1)]
            self.complaint(late, evening, client_texts(late.language).general[0], "medium", channel="e-mail",
                           unanswered=True)
        for client in clients[:3]:
            kind = ("call_back", "appointment", "site_visit")[int(rng.random() * 3)]
            owner, engagement_id = self.owner(client, cal.today)
            starts = cal.starts(kind, earliest=min(60, cal.span))
            rng.shuffle(starts)
            for start in starts:
                window = cal.at(cal.today, start), cal.at(cal.today, start + cal.duration(kind))
                if window[0] > self.now and self._book(owner, window):
                    break
            else:
                window = self.now + timedelta(minutes=30), self.now + timedelta(minutes=90)
            self._promise(client, kind, window, owner, engagement_id, self.now - self._minutes(120, 1_200))
        if len(clients) < 5 or len(cal.ahead) < 3:
            return
        first, second = clients[3], clients[4]
        owner, engagement_id = self.owner(first, cal.ahead[2])
        hour = timedelta(minutes=min(60, cal.duration("appointment") - 1))
        for day in cal.ahead[2:10]:
            one = self._window(day, "appointment")
            two = (one[0] + hour, one[1] + hour) if one[1] + hour <= cal.at(day, cal.span) else (one[0] - hour,
                                                                                                 one[1] - hour)
            if not self._free(owner, two) or not self._book(owner, one):
                continue
            created = self.now - self._minutes(1_440, 7_200)
            self._confirm(self._promise(first, "appointment", one, owner, engagement_id, created), created)
            self.busy[(owner, day)].append(two)
            created = self.now - self._minutes(60, 1_440)
            self._confirm(self._promise(second, "site_visit", two, owner, None, created), created)
            return

    # -- recovery tasks -------------------------------------------------------------------------

    def recoveries(self) -> None:
        """The task each failure opened (as ``promises.recovery`` makes them): the old ones mostly
        done with what was done for the client, the recent ones open."""
        rng, now = self.rng, self.now
        for failure in self.failures:
            client, owner = failure.client, failure.owner_id or failure.client.owner_id
            texts = staff_texts(self.language.get(owner) if owner else None)
            name = {"client": client.name, "kind": texts.kinds.get(failure.kind, failure.kind)}
            if failure.related_type == "complaint":
                title, priority = texts.complaint.format(**name), "urgent"
                key = recovery.complaint_key(failure.related_id)
            else:
                pattern = texts.late if failure.rule == "promises.late" else texts.missed
                title, key, priority = pattern.format(**name), recovery.promise_key(failure.related_id), "high"
            age = now - failure.at
            status = failure.status
            if status is None:
                done = 0.15 if age < timedelta(days=4) else 0.65 if age < recovery.HORIZON else 0.94
                status = "done" if rng.random() < done else "open"
            closed = None
            if status == "done":
                closed = failure.at + min(self._minutes(180, 8_640), age * rng.uniform(0.2, 0.9))
                closed = _minute(closed)
                if closed >= now:
                    status, closed = "open", None
            outcome = (failure.outcome or texts.recovered[int(rng.random() * len(texts.recovered))]) if closed else None
            self.tasks.append({
                "id": self._take("task"), "kind": RECOVERY, "title": title[:300], "notes": None,
                "client_id": client.id, "related_type": failure.related_type, "related_id": failure.related_id,
                "owner_id": owner, "due_at": failure.at + recovery.DUE_AFTER, "priority": priority,
                "status": status, "outcome": outcome, "closed_at": closed,
                "closed_by_id": owner if closed else None, "created_by_id": None, "rule": failure.rule,
                "dedupe_key": key, "created_at": failure.at, "updated_at": closed or failure.at,
            })
        self.failures = []

    def flush(self, run: DemoRun, connection: Connection) -> None:
        self.recoveries()
        run.insert(connection, "promise", self.promises)
        run.insert(connection, "complaint", self.complaints)
        run.insert(connection, "task", self.tasks)
        self.promises, self.complaints, self.tasks = [], [], []


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _breach(due: datetime, done: datetime | None, now: datetime) -> datetime | None:
    """A target passed unmet: answered (or resolved) after it, or never and it is gone."""
    return due if (done is None and due < now) or (done is not None and done > due) else None


def _clients(connection: Connection, after: int) -> list[DemoClient]:
    """The next chunk of active clients, with the engagements that ran for them."""
    c, e = table("client"), table("engagement")
    rows = connection.execute(
        select(c.c.id, c.c.name, c.c.tier, c.c.kind, c.c.owner_id, c.c.language, c.c.country, c.c.created_at)
        .where(c.c.status == "active", c.c.id > after).order_by(c.c.id).limit(CLIENTS_PER_QUERY)
    ).all()
    found = {row.id: DemoClient(row.id, row.name, str(row.tier), str(row.kind) == "person", row.owner_id,
                                row.language, row.country, row.created_at) for row in rows}
    if found:
        for engagement in connection.execute(
                select(e.c.id, e.c.client_id, e.c.delivered_by_id, e.c.start_date, e.c.end_date)
                .where(e.c.client_id >= rows[0].id, e.c.client_id <= rows[-1].id,
                       e.c.status.in_(("active", "completed")))
                .order_by(e.c.id)):
            client = found.get(engagement.client_id)
            if client is not None:
                client.engagements.append((engagement.id, engagement.delivered_by_id, engagement.start_date,
                                           engagement.end_date))
    return list(found.values())


def _featured(clients: list[DemoClient]) -> list[DemoClient]:
    """The clients the story and the risks happen to: key accounts first, then growth, then the rest."""
    rank = {"key": 0, "growth": 1, "standard": 2}
    return sorted(clients, key=lambda c: (rank.get(c.tier, 3), c.person, c.id))


def load_promises(run: DemoRun) -> None:
    """Promises, complaints and recovery tasks for the active clients, one transaction per chunk."""
    with run.runtime.transaction() as session:
        ledger = Ledger(run, session)
    after, first = 0, True
    while True:
        with run.runtime.transaction() as session:
            connection = session.connection()
            chunk = _clients(connection, after)
            if not chunk:
                break
            if first:
                featured = _featured(chunk)
                ledger.story(featured[0])
                ledger.at_risk(featured[1:])
                first = False
            for client in chunk:
                ledger.client(client)
            ledger.flush(run, connection)
            after = chunk[-1].id
