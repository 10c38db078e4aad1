"""Short texts in the clients' languages: interaction summaries, job titles, sites.

The summaries follow the themes of the seed documents: promised windows kept or missed (the
2–5 pm repair visit), call-backs, the same face selling and delivering, asking what the client
actually needs, case studies, referrals and testimonials, price against value.
"""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("call", "e-mail", "letter", "meeting", "meal", "other")
SENTIMENTS = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Texts:
    openers: dict[str, tuple[str, str]]     # channel -> two ways to start the note
    positive: tuple[str, ...]
    neutral: tuple[str, ...]
    negative: tuple[str, ...]
    job_titles: tuple[str, ...]
    sites: tuple[str, ...]
    residence: str


TEXTS: dict[str, Texts] = {
    "en": Texts(
        {"call": ("Phone call.", "Returned the client's call."),
         "e-mail": ("E-mail.", "Replied by e-mail."),
         "letter": ("Letter sent.", "Formal letter."),
         "meeting": ("Meeting on site.", "Review meeting at the client's office."),
         "meal": ("Lunch with the facilities team.", "Dinner with the client's management."),
         "other": ("Note.", "Message via the client portal.")},
        ("Technician arrived inside the promised 2–5 pm window; the client noticed.",
         "Quarterly maintenance done as promised; report delivered the same day.",
         "Client praised the engineer who sold the contract and also did the work — same face, "
         "no surprises.",
         "Fault fixed at the first visit; client agreed to give a testimonial.",
         "Client referred us to the management of the building next door.",
         "Reviewed what was achieved so far against the goals set at the start; client satisfied.",
         "Called back within the hour as promised; issue closed.",
         "Client says the energy savings exceed what we promised."),
        ("Follow-up on the open quotation; decision expected next month.",
         "Agreed the date and time window of the next maintenance visit.",
         "Asked the client what they actually need this year before proposing anything.",
         "Confirmed the contact person for after-hours call-outs.",
         "Sent the service report and the invoice; no questions so far.",
         "Discussed peak-season capacity and booking visits early.",
         "Client asked what we have done for similar buildings; sent two case studies.",
         "Regular check-in call; nothing to report.",
         "Contract renewal discussed; client is comparing prices.",
         "Promised a call-back tomorrow morning with the spare-part date."),
        ("Technician missed the promised 2–5 pm window; visit re-promised for tomorrow morning.",
         "Second missed appointment; the client had taken a day off to wait.",
         "We sent the installer instead of the repair engineer; the fault is still open.",
         "Client complained that nobody called back after the last visit.",
         "Complaint about the report: late and incomplete.",
         "Client is unhappy that a new engineer was sent without notice.",
         "Escalated to the manager: the promised spare part has not arrived.",
         "Client finds the price high for the value received and is asking other firms for quotes."),
        ("Facilities Manager", "Managing Director", "Chief Financial Officer", "Senior Engineer",
         "Operations Manager", "Procurement Lead", "Building Manager"),
        ("head office", "main plant", "warehouse", "Block B", "main building"),
        "residence",
    ),
    "ms": Texts(
        {"call": ("Panggilan telefon.", "Membalas panggilan pelanggan."),
         "e-mail": ("E-mel.", "Dibalas melalui e-mel."),
         "letter": ("Surat dihantar.", "Surat rasmi."),
         "meeting": ("Mesyuarat di tapak.", "Mesyuarat semakan di pejabat pelanggan."),
         "meal": ("Makan tengah hari bersama pasukan fasiliti.",
                  "Makan malam bersama pengurusan pelanggan."),
         "other": ("Catatan.", "Mesej melalui portal pelanggan.")},
        ("Juruteknik tiba dalam tempoh yang dijanjikan, 2–5 petang; pelanggan perasan.",
         "Penyelenggaraan suku tahunan siap seperti dijanjikan; laporan diserahkan pada hari yang "
         "sama.",
         "Pelanggan memuji jurutera yang menjual kontrak dan juga melaksanakan kerja — wajah yang "
         "sama, tiada kejutan.",
         "Kerosakan dibaiki pada lawatan pertama; pelanggan bersetuju memberi testimoni.",
         "Pelanggan mencadangkan kami kepada pengurusan bangunan jiran.",
         "Menyemak apa yang telah dicapai setakat ini berbanding matlamat awal; pelanggan berpuas "
         "hati.",
         "Menelefon semula dalam masa sejam seperti dijanjikan; isu selesai.",
         "Pelanggan berkata penjimatan tenaga melebihi apa yang kami janjikan."),
        ("Susulan sebut harga yang belum diputuskan; keputusan dijangka bulan depan.",
         "Tarikh dan tempoh masa lawatan penyelenggaraan seterusnya dipersetujui.",
         "Bertanya apa yang benar-benar diperlukan pelanggan tahun ini sebelum mencadangkan "
         "apa-apa.",
         "Mengesahkan orang yang dihubungi untuk panggilan di luar waktu pejabat.",
         "Laporan perkhidmatan dan invois dihantar; tiada soalan setakat ini.",
         "Berbincang tentang kapasiti musim puncak dan tempahan lawatan awal.",
         "Pelanggan bertanya apa yang telah kami lakukan untuk bangunan serupa; dua kajian kes "
         "dihantar.",
         "Panggilan semakan berkala; tiada apa-apa untuk dilaporkan.",
         "Pembaharuan kontrak dibincangkan; pelanggan membandingkan harga.",
         "Berjanji menelefon semula esok pagi dengan tarikh alat ganti."),
        ("Juruteknik tidak datang dalam tempoh 2–5 petang yang dijanjikan; lawatan dijanjikan "
         "semula esok pagi.",
         "Temu janji terlepas kali kedua; pelanggan telah mengambil cuti untuk menunggu.",
         "Kami menghantar pemasang, bukan jurutera pembaikan; kerosakan masih belum selesai.",
         "Pelanggan mengadu tiada sesiapa menelefon semula selepas lawatan terakhir.",
         "Aduan tentang laporan: lewat dan tidak lengkap.",
         "Pelanggan tidak berpuas hati kerana jurutera baharu dihantar tanpa makluman.",
         "Dibawa kepada pengurus: alat ganti yang dijanjikan masih belum tiba.",
         "Pelanggan berkata harga terlalu tinggi berbanding nilai yang diterima dan meminta sebut "
         "harga daripada firma lain."),
        ("Pengurus Fasiliti", "Pengarah Urusan", "Ketua Pegawai Kewangan", "Jurutera Kanan",
         "Pengurus Operasi", "Eksekutif Perolehan", "Pengurus Bangunan"),
        ("ibu pejabat", "kilang utama", "gudang", "Blok B", "bangunan utama"),
        "kediaman",
    ),
    "bg": Texts(
        {"call": ("Телефонен разговор.", "Върнахме обаждането на клиента."),
         "e-mail": ("Имейл.", "Отговорено по имейл."),
         "letter": ("Изпратено писмо.", "Официално писмо."),
         "meeting": ("Среща на обекта.", "Преглед на работата в офиса на клиента."),
         "meal": ("Обяд с екипа по поддръжката.", "Вечеря с ръководството на клиента."),
         "other": ("Бележка.", "Съобщение през клиентския портал.")},
        ("Техникът пристигна в обещания интервал 14–17 ч.; клиентът го отбеляза.",
         "Тримесечната поддръжка е извършена според обещаното; докладът е предаден същия ден.",
         "Клиентът похвали инженера, който продаде договора и сам свърши работата — същото лице, "
         "без изненади.",
         "Повредата е отстранена при първото посещение; клиентът се съгласи да даде препоръка.",
         "Клиентът ни препоръча на управлението на съседната сграда.",
         "Прегледахме постигнатото досега спрямо целите от началото; клиентът е доволен.",
         "Обадихме се обратно до час, както обещахме; въпросът е решен.",
         "Клиентът казва, че икономията на енергия надхвърля обещаното."),
        ("Проследяване на отворената оферта; решение се очаква следващия месец.",
         "Уговорихме датата и часовия интервал на следващото посещение.",
         "Попитахме клиента от какво всъщност се нуждае тази година, преди да предложим нещо.",
         "Потвърдено е лицето за контакт при извънработни повиквания.",
         "Изпратени са сервизният доклад и фактурата; засега без въпроси.",
         "Обсъдихме капацитета в пиковия сезон и ранното резервиране на посещения.",
         "Клиентът попита какво сме направили за подобни сгради; изпратихме два казуса.",
         "Редовно обаждане за проверка; нищо за докладване.",
         "Обсъдено е подновяване на договора; клиентът сравнява цени.",
         "Обещахме да се обадим утре сутрин с датата за резервната част."),
        ("Техникът не дойде в обещания интервал 14–17 ч.; посещението е пренасрочено за утре "
         "сутрин.",
         "Втори пропуснат час; клиентът беше взел отпуск, за да чака.",
         "Изпратихме монтажника вместо сервизния инженер; повредата още не е отстранена.",
         "Клиентът се оплака, че никой не се е обадил след последното посещение.",
         "Оплакване за доклада: закъснял и непълен.",
         "Клиентът е недоволен, че без предупреждение е изпратен нов инженер.",
         "Ескалирано към мениджъра: обещаната резервна част още не е пристигнала.",
         "Клиентът смята цената за висока спрямо получената стойност и иска оферти от други "
         "фирми."),
        ("Управител", "Изпълнителен директор", "Финансов директор", "Главен инженер",
         "Мениджър поддръжка", "Отговорник снабдяване", "Мениджър на сградата"),
        ("централен офис", "основен завод", "склад", "блок Б", "главна сграда"),
        "жилище",
    ),
    "zh-Hans": Texts(
        {"call": ("电话沟通。", "回复客户来电。"),
         "e-mail": ("邮件。", "已通过邮件回复。"),
         "letter": ("已寄出信函。", "正式函件。"),
         "meeting": ("现场会议。", "在客户办公室进行回顾会议。"),
         "meal": ("与设施团队午餐。", "与客户管理层晚餐。"),
         "other": ("备注。", "通过客户门户发送消息。")},
        ("技术人员在约定的下午2:00-5:00时段内到达，客户注意到了。",
         "季度维护按承诺完成，报告当天交付。",
         "客户称赞签约的工程师也亲自负责实施——同一张面孔，没有意外。",
         "第一次上门即修复故障，客户同意提供推荐语。",
         "客户把我们推荐给了隔壁大楼的物业管理方。",
         "对照最初目标回顾了目前的成果，客户满意。",
         "按承诺在一小时内回电，问题已解决。",
         "客户表示节能效果超出了我们的承诺。"),
        ("跟进未决报价，预计下月做出决定。",
         "约定了下次维护上门的日期和时间段。",
         "在提出方案前，先询问客户今年真正需要什么。",
         "确认了非工作时间报修的联系人。",
         "已发送服务报告和发票，暂无疑问。",
         "讨论了旺季的服务能力以及如何提前预约上门。",
         "客户询问我们为类似大楼做过什么，已发送两个案例。",
         "例行回访电话，无特别事项。",
         "讨论了合同续签，客户正在比价。",
         "承诺明天上午回电告知备件到货日期。"),
        ("技术人员未在约定的下午2:00-5:00时段上门，改约明天上午。",
         "第二次爽约，客户专门请假在家等候。",
         "派去的是安装人员而不是维修人员，故障仍未解决。",
         "客户投诉上次上门后没有任何人回电。",
         "客户投诉报告迟交且内容不完整。",
         "客户不满我们未经通知就换了新的工程师。",
         "已上报经理：承诺的备件仍未到货。",
         "客户认为价格高于所得价值，正在向其他公司询价。"),
        ("设施经理", "总经理", "财务总监", "高级工程师", "运营经理", "采购主管", "物业经理"),
        ("总部大楼", "主厂区", "仓库", "B栋", "主楼"),
        "住宅",
    ),
    "zh-Hant": Texts(
        {"call": ("電話聯繫。", "回覆客戶來電。"),
         "e-mail": ("電郵。", "已以電郵回覆。"),
         "letter": ("已寄出信函。", "正式函件。"),
         "meeting": ("現場會議。", "於客戶辦公室進行檢討會議。"),
         "meal": ("與設施團隊午餐。", "與客戶管理層晚餐。"),
         "other": ("備註。", "透過客戶入口網站傳送訊息。")},
        ("技術人員在約定的下午2:00-5:00時段內抵達，客戶有注意到。",
         "季度保養依承諾完成，報告當天交付。",
         "客戶稱讚簽約的工程師也親自負責施工——同一張面孔，沒有意外。",
         "第一次到場即修復故障，客戶同意提供推薦文。",
         "客戶將我們推薦給隔壁大樓的物業管理處。",
         "對照最初目標檢討目前成果，客戶滿意。",
         "依承諾在一小時內回電，問題已結案。",
         "客戶表示節能成效超出我們的承諾。"),
        ("追蹤尚未決定的報價，預計下個月決定。",
         "約定下次保養到場的日期與時段。",
         "在提出方案前，先詢問客戶今年真正需要什麼。",
         "確認非上班時間報修的聯絡人。",
         "已寄出服務報告與發票，目前沒有疑問。",
         "討論旺季的服務量能，以及如何提早預約到場。",
         "客戶詢問我們為類似大樓做過什麼，已寄出兩個案例。",
         "例行關懷電話，無特別事項。",
         "討論合約續約，客戶正在比價。",
         "承諾明天上午回電告知零件到貨日期。"),
        ("技術人員未在約定的下午2:00-5:00時段到場，改約明天上午。",
         "第二次失約，客戶特地請假在家等候。",
         "派去的是安裝人員而非維修人員，故障仍未排除。",
         "客戶抱怨上次到場後沒有任何人回電。",
         "客戶投訴報告遲交且內容不完整。",
         "客戶不滿我們未事先通知就換了新的工程師。",
         "已呈報經理：承諾的零件仍未到貨。",
         "客戶認為價格高於所獲得的價值，正向其他公司詢價。"),
        ("設施經理", "總經理", "財務長", "資深工程師", "營運經理", "採購主管", "物業經理"),
        ("總部大樓", "主廠區", "倉庫", "B棟", "主大樓"),
        "住宅",
    ),
    "hu": Texts(
        {"call": ("Telefonhívás.", "Visszahívtuk az ügyfelet."),
         "e-mail": ("E-mail.", "E-mailben válaszoltunk."),
         "letter": ("Levelet küldtünk.", "Hivatalos levél."),
         "meeting": ("Helyszíni megbeszélés.", "Áttekintő megbeszélés az ügyfél irodájában."),
         "meal": ("Ebéd az üzemeltetési csapattal.", "Vacsora az ügyfél vezetőségével."),
         "other": ("Feljegyzés.", "Üzenet az ügyfélportálon keresztül.")},
        ("A technikus az ígért 14–17 órás időablakon belül érkezett; az ügyfél észrevette.",
         "A negyedéves karbantartás az ígéret szerint elkészült; a jelentést még aznap átadtuk.",
         "Az ügyfél megdicsérte a mérnököt, aki a szerződést eladta és a munkát is elvégezte — "
         "ugyanaz az arc, nincs meglepetés.",
         "A hibát az első kiszálláskor elhárítottuk; az ügyfél vállalta, hogy ajánlást ír.",
         "Az ügyfél ajánlott minket a szomszédos épület üzemeltetőjének.",
         "Átnéztük, mit értünk el eddig a kezdeti célokhoz képest; az ügyfél elégedett.",
         "Az ígéret szerint egy órán belül visszahívtuk; az ügy lezárva.",
         "Az ügyfél szerint az energiamegtakarítás meghaladja, amit ígértünk."),
        ("A nyitott árajánlat nyomon követése; döntés jövő hónapban várható.",
         "Egyeztettük a következő karbantartás dátumát és időablakát.",
         "Mielőtt bármit javasoltunk, megkérdeztük, mire van valójában szüksége az ügyfélnek idén.",
         "Megerősítettük a munkaidőn kívüli hibabejelentések kapcsolattartóját.",
         "Elküldtük a szervizjelentést és a számlát; eddig nincs kérdés.",
         "Megbeszéltük a csúcsszezoni kapacitást és a kiszállások korai foglalását.",
         "Az ügyfél megkérdezte, mit csináltunk hasonló épületeknél; két esettanulmányt küldtünk.",
         "Rendszeres egyeztető hívás; nincs újdonság.",
         "Szóba került a szerződés megújítása; az ügyfél árakat hasonlít össze.",
         "Megígértük, hogy holnap délelőtt visszahívjuk a pótalkatrész érkezésének dátumával."),
        ("A technikus nem érkezett meg az ígért 14–17 órás időablakban; a kiszállást holnap "
         "délelőttre ígértük újra.",
         "Második elmaradt időpont; az ügyfél szabadságot vett ki, hogy várjon.",
         "A javító mérnök helyett a szerelőt küldtük ki; a hiba még nincs elhárítva.",
         "Az ügyfél panaszolta, hogy az utolsó kiszállás után senki sem hívta vissza.",
         "Panasz a jelentésre: késett és hiányos.",
         "Az ügyfél elégedetlen, mert előzetes értesítés nélkül új mérnököt küldtünk.",
         "Eszkaláltuk a vezetőhöz: az ígért pótalkatrész még nem érkezett meg.",
         "Az ügyfél szerint az ár magas a kapott értékhez képest, és más cégektől kér ajánlatot."),
        ("Létesítménygazdálkodási vezető", "Ügyvezető igazgató", "Pénzügyi igazgató",
         "Vezető mérnök", "Üzemeltetési vezető", "Beszerzési referens",
         "Épületüzemeltetési vezető"),
        ("központi iroda", "fő üzem", "raktár", "B épület", "főépület"),
        "lakóház",
    ),
    "de": Texts(
        {"call": ("Telefonat.", "Rückruf beim Kunden."),
         "e-mail": ("E-Mail.", "Per E-Mail beantwortet."),
         "letter": ("Brief verschickt.", "Offizielles Schreiben."),
         "meeting": ("Termin vor Ort.", "Review-Termin im Büro des Kunden."),
         "meal": ("Mittagessen mit dem Facility-Team.",
                  "Abendessen mit der Geschäftsleitung des Kunden."),
         "other": ("Notiz.", "Nachricht über das Kundenportal.")},
        ("Techniker kam im zugesagten Zeitfenster 14–17 Uhr; der Kunde hat es bemerkt.",
         "Quartalswartung wie zugesagt erledigt; Bericht am selben Tag übergeben.",
         "Kunde lobt, dass der Ingenieur, der den Vertrag verkauft hat, auch die Arbeit macht — "
         "dasselbe Gesicht, keine Überraschungen.",
         "Störung beim ersten Einsatz behoben; Kunde gibt uns eine Referenz.",
         "Kunde hat uns an die Verwaltung des Nachbargebäudes empfohlen.",
         "Bisherige Ergebnisse mit den Zielen vom Projektstart verglichen; Kunde zufrieden.",
         "Wie versprochen innerhalb einer Stunde zurückgerufen; Anliegen erledigt.",
         "Laut Kunde übertreffen die Energieeinsparungen unsere Zusage."),
        ("Nachfassen zum offenen Angebot; Entscheidung im nächsten Monat erwartet.",
         "Termin und Zeitfenster der nächsten Wartung vereinbart.",
         "Vor jedem Vorschlag gefragt, was der Kunde dieses Jahr wirklich braucht.",
         "Ansprechpartner für Einsätze außerhalb der Geschäftszeiten bestätigt.",
         "Servicebericht und Rechnung verschickt; bisher keine Rückfragen.",
         "Kapazität in der Hochsaison und frühzeitige Terminbuchung besprochen.",
         "Kunde fragte nach Erfahrungen mit ähnlichen Gebäuden; zwei Fallstudien geschickt.",
         "Regelmäßiger Kontrollanruf; nichts Neues.",
         "Vertragsverlängerung besprochen; Kunde vergleicht Preise.",
         "Rückruf für morgen früh mit dem Liefertermin des Ersatzteils zugesagt."),
        ("Techniker verpasste das zugesagte Zeitfenster 14–17 Uhr; neuer Termin morgen früh.",
         "Zweiter verpasster Termin; der Kunde hatte sich extra freigenommen.",
         "Statt des Servicetechnikers kam der Monteur; Störung weiterhin offen.",
         "Kunde beschwert sich, dass nach dem letzten Einsatz niemand zurückgerufen hat.",
         "Beschwerde über den Bericht: verspätet und unvollständig.",
         "Kunde verärgert, weil ohne Ankündigung ein neuer Ingenieur geschickt wurde.",
         "An die Leitung eskaliert: das zugesagte Ersatzteil ist noch nicht da.",
         "Kunde hält den Preis für zu hoch im Verhältnis zum Nutzen und holt Angebote anderer "
         "Firmen ein."),
        ("Leiter Facility Management", "Geschäftsführer", "Kaufmännische Leiterin",
         "Leitender Ingenieur", "Betriebsleiter", "Einkäuferin", "Objektleiter"),
        ("Hauptverwaltung", "Hauptwerk", "Lager", "Gebäude B", "Hauptgebäude"),
        "Wohnhaus",
    ),
    "ro": Texts(
        {"call": ("Convorbire telefonică.", "Am returnat apelul clientului."),
         "e-mail": ("E-mail.", "Am răspuns prin e-mail."),
         "letter": ("Scrisoare trimisă.", "Scrisoare oficială."),
         "meeting": ("Întâlnire la fața locului.", "Ședință de evaluare la biroul clientului."),
         "meal": ("Prânz cu echipa de administrare.", "Cină cu conducerea clientului."),
         "other": ("Notă.", "Mesaj prin portalul clienților.")},
        ("Tehnicianul a sosit în intervalul promis, 14–17; clientul a observat.",
         "Mentenanța trimestrială a fost făcută cum am promis; raportul a fost predat în aceeași zi.",
         "Clientul l-a lăudat pe inginerul care a vândut contractul și a făcut și lucrarea — "
         "aceeași față, fără surprize.",
         "Defecțiunea a fost remediată la prima vizită; clientul a acceptat să ne ofere o "
         "recomandare.",
         "Clientul ne-a recomandat administrației clădirii vecine.",
         "Am trecut în revistă rezultatele de până acum față de obiectivele inițiale; clientul este "
         "mulțumit.",
         "Am revenit cu un apel într-o oră, cum am promis; problema a fost închisă.",
         "Clientul spune că economiile de energie depășesc ce am promis."),
        ("Revenire la oferta deschisă; decizia este așteptată luna viitoare.",
         "Am stabilit data și intervalul orar pentru următoarea vizită de mentenanță.",
         "Am întrebat clientul de ce are nevoie cu adevărat anul acesta, înainte de a propune ceva.",
         "Am confirmat persoana de contact pentru intervențiile în afara programului.",
         "Am trimis raportul de service și factura; deocamdată fără întrebări.",
         "Am discutat capacitatea din sezonul de vârf și programarea din timp a vizitelor.",
         "Clientul a întrebat ce am făcut pentru clădiri similare; am trimis două studii de caz.",
         "Apel periodic de verificare; nimic de raportat.",
         "Am discutat reînnoirea contractului; clientul compară prețuri.",
         "Am promis că revenim mâine dimineață cu data piesei de schimb."),
        ("Tehnicianul nu a venit în intervalul promis, 14–17; vizita a fost reprogramată pentru "
         "mâine dimineață.",
         "A doua programare ratată; clientul își luase liber ca să aștepte.",
         "Am trimis montatorul în locul inginerului de service; defecțiunea nu este remediată.",
         "Clientul s-a plâns că nimeni nu a revenit cu un apel după ultima vizită.",
         "Reclamație privind raportul: întârziat și incomplet.",
         "Clientul este nemulțumit că a fost trimis un inginer nou fără anunț.",
         "Escaladat la manager: piesa de schimb promisă nu a sosit încă.",
         "Clientul consideră prețul mare față de valoarea primită și cere oferte de la alte firme."),
        ("Manager facilități", "Director general", "Director financiar", "Inginer principal",
         "Manager operațiuni", "Responsabil achiziții", "Administrator clădire"),
        ("sediul central", "fabrica principală", "depozit", "Corpul B", "clădirea principală"),
        "locuință",
    ),
}


def summaries(language: str, channel: str, sentiment: str) -> tuple[str, ...]:
    """Every summary for a language, channel and sentiment: an opener followed by a note.

    A meal is never where a complaint is first heard in these notes: negative meals read as
    neutral ones.
    """
    texts = TEXTS[language]
    if channel == "meal" and sentiment == "negative":
        sentiment = "neutral"
    notes: tuple[str, ...] = getattr(texts, sentiment)
    space = "" if language.startswith("zh") else " "
    return tuple(f"{opener}{space}{note}" for opener in texts.openers[channel] for note in notes)


#: (language, channel, sentiment) -> every summary, built once
SUMMARIES: dict[tuple[str, str, str], tuple[str, ...]] = {
    (language, channel, sentiment): summaries(language, channel, sentiment)
    for language in TEXTS for channel in CHANNELS for sentiment in SENTIMENTS
}
