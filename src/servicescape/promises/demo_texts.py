"""The demo firm's promise ledger in its people's languages: what clients said and complained
about, how complaints were resolved, and the task titles and notes of the firm's staff."""

from __future__ import annotations

from dataclasses import dataclass

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
