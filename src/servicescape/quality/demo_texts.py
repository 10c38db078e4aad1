"""The demo firm's surveys in its people's languages: the surveys' and campaigns' names (in the
firm's language), the firm's own questions (in all six), what clients wrote in their answers (in
theirs) and what the staff wrote when they closed a follow-up task (in the owner's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LANGUAGE_KEYS = ("en", "ms", "bg", "zh-Hans", "zh-Hant", "hu")

# --- the firm's language ---------------------------------------------------------------------------

#: survey kind -> name, per language
SURVEY_NAMES: dict[str, dict[str, str]] = {
    "en": {"servqual": "Client service survey", "nps": "After-engagement survey",
           "csat": "Follow-up after a problem was put right", "custom": "Site visit feedback"},
    "ms": {"servqual": "Tinjauan perkhidmatan pelanggan", "nps": "Tinjauan selepas projek",
           "csat": "Susulan selepas masalah diselesaikan", "custom": "Maklum balas lawatan tapak"},
    "bg": {"servqual": "Проучване на обслужването на клиентите", "nps": "Проучване след приключен проект",
           "csat": "Проучване след отстранен проблем", "custom": "Обратна връзка за посещението на място"},
    "zh-Hans": {"servqual": "客户服务调查", "nps": "项目结束后调查", "csat": "问题解决后回访",
                "custom": "上门服务反馈"},
    "zh-Hant": {"servqual": "客戶服務調查", "nps": "專案結束後調查", "csat": "問題解決後回訪",
                "custom": "到場服務意見回饋"},
    "hu": {"servqual": "Szolgáltatásminőségi ügyfélfelmérés", "nps": "Projektzáró felmérés",
           "csat": "Utókövetés a probléma rendezése után", "custom": "Visszajelzés a helyszíni kiszállásról"},
}

#: a campaign's name: the survey's and the quarter it ran in ({survey}, {year}, {quarter})
CAMPAIGN_NAMES: dict[str, str] = {
    "en": "{survey}, Q{quarter} {year}",
    "ms": "{survey}, Suku {quarter} {year}",
    "bg": "{survey}, {quarter}. тримесечие на {year} г.",
    "zh-Hans": "{year}年第{quarter}季度{survey}",
    "zh-Hant": "{year}年第{quarter}季{survey}",
    "hu": "{survey}, {year}. {quarter}. negyedév",
}

# --- the firm's own questions, in all six languages -----------------------------------------------


@dataclass(frozen=True)
class OwnQuestion:
    kind: str                                   # scale, single, text
    texts: dict[str, str]
    choices: tuple[dict[str, str], ...] = ()
    scale: tuple[int, int] | None = None
    required: bool = True


OWN_QUESTIONS: tuple[OwnQuestion, ...] = (
    OwnQuestion("scale", {
        "en": "How well did the engineer explain what was done during the visit?",
        "ms": "Sejauh manakah jurutera menerangkan dengan jelas kerja yang dibuat semasa lawatan?",
        "bg": "Доколко ясно инженерът обясни какво е направено по време на посещението?",
        "zh-Hans": "工程师对上门期间所做的工作解释得清楚吗？",
        "zh-Hant": "工程師對到場期間所做的工作說明得清楚嗎？",
        "hu": "Mennyire érthetően magyarázta el a mérnök, mit végzett el a kiszállás során?",
    }, scale=(1, 5)),
    OwnQuestion("single", {
        "en": "How would you like us to confirm the time of a visit?",
        "ms": "Bagaimanakah anda mahu kami mengesahkan masa lawatan?",
        "bg": "Как предпочитате да потвърждаваме часа на посещението?",
        "zh-Hans": "您希望我们通过什么方式确认上门时间？",
        "zh-Hant": "您希望我們透過什麼方式確認到場時間？",
        "hu": "Hogyan erősítsük meg Önnek a kiszállás időpontját?",
    }, choices=(
        {"en": "Text message", "ms": "Mesej teks (SMS)", "bg": "SMS", "zh-Hans": "短信", "zh-Hant": "簡訊",
         "hu": "SMS-ben"},
        {"en": "E-mail", "ms": "E-mel", "bg": "Имейл", "zh-Hans": "电子邮件", "zh-Hant": "電子郵件",
         "hu": "E-mailben"},
        {"en": "Phone call", "ms": "Panggilan telefon", "bg": "Телефонно обаждане", "zh-Hans": "电话",
         "zh-Hant": "電話", "hu": "Telefonon"},
    )),
    OwnQuestion("text", {
        "en": "What one thing should we change about our visits?",
        "ms": "Apakah satu perkara yang patut kami ubah tentang lawatan kami?",
        "bg": "Какво едно нещо бихте променили в нашите посещения?",
        "zh-Hans": "关于我们的上门服务，您最希望我们改进哪一点？",
        "zh-Hant": "關於我們的到場服務，您最希望我們改進哪一點？",
        "hu": "Mi az az egy dolog, amin változtatnunk kellene a kiszállásainkkal kapcsolatban?",
    }, required=False),
)

# --- what clients wrote, in their language ---------------------------------------------------------


@dataclass(frozen=True)
class Comments:
    broken: tuple[str, ...]         # detractors: promises not kept (reliability), a wrong invoice
    mixed: tuple[str, ...]          # passives: good work, but dates and answers are slow
    praise: tuple[str, ...]         # promoters: clear reports, courteous people who know the building
    better: tuple[str, ...]         # the last two waves: visits on time lately
    recovered: tuple[str, ...]      # after a recovery, satisfied
    not_recovered: tuple[str, ...]  # after a recovery, not


COMMENTS: dict[str, Comments] = {
    "en": Comments(
        ("The technician did not come on the promised day, and nobody called to tell us.",
         "We were promised the spare part within a week; it took almost a month.",
         "Your engineers know their job, but the visit dates keep slipping. Please do what you promise.",
         "The invoice charged a visit that never took place; it took three e-mails to have it corrected.",
         "Twice this quarter we waited all afternoon for a visit that did not happen."),
        ("The reports are clear, but it is hard to get a straight answer on when the work will be done.",
         "Competent and polite people. The response desk could answer the phone faster.",
         "Good work overall; a call when the engineer is running late would make a big difference.",
         "The quality of the work is fine, but we often have to chase you for a date."),
        ("The reports are clear and the engineer always explains what he did.",
         "Courteous people who know our building well. We feel in safe hands.",
         "The same engineer comes every time, and he understands our installation.",
         "Quick to help whenever we call, and the maintenance plan is easy to follow."),
        ("The visits have been on time lately, and we now get a confirmation the day before. Keep it up.",
         "Better than last year: the engineer came exactly when promised.",
         "The new confirmation message before each visit really helps."),
        ("Thank you for putting it right so quickly, and for the apology.",
         "The manager called us personally; the problem is solved."),
        ("It was fixed in the end, but it took far too many calls.",
         "The credit note is fine, but we still do not know why it happened."),
    ),
    "ms": Comments(
        ("Juruteknik tidak datang pada hari yang dijanjikan, dan tiada siapa menelefon untuk memaklumkan kami.",
         "Kami dijanjikan alat ganti dalam masa seminggu; ia mengambil masa hampir sebulan.",
         "Jurutera kamu mahir, tetapi tarikh lawatan asyik berubah. Tolong tunaikan apa yang dijanjikan.",
         "Invois mengenakan caj untuk lawatan yang tidak pernah berlaku; perlu tiga e-mel baru ia "
         "diperbetulkan.",
         "Dua kali suku tahun ini kami menunggu sepanjang petang untuk lawatan yang tidak berlaku."),
        ("Laporannya jelas, tetapi sukar mendapat jawapan pasti bila kerja akan siap.",
         "Kakitangan yang cekap dan sopan. Meja respons boleh menjawab telefon dengan lebih cepat.",
         "Secara keseluruhan kerjanya baik; panggilan telefon apabila jurutera lewat akan sangat membantu.",
         "Kualiti kerja memuaskan, tetapi kami selalu terpaksa bertanya berulang kali tentang tarikhnya."),
        ("Laporannya jelas dan jurutera sentiasa menerangkan apa yang telah dibuat.",
         "Kakitangan yang sopan dan sangat mengenali bangunan kami. Kami berasa yakin dengan mereka.",
         "Jurutera yang sama datang setiap kali, dan dia memahami sistem kami.",
         "Cepat membantu setiap kali kami menelefon, dan pelan penyelenggaraannya mudah diikuti."),
        ("Sejak kebelakangan ini lawatan tepat pada masanya, dan kami menerima pengesahan sehari "
         "sebelumnya. Teruskan.",
         "Lebih baik daripada tahun lepas: jurutera datang tepat pada masa yang dijanjikan.",
         "Mesej pengesahan sebelum setiap lawatan sangat membantu."),
        ("Terima kasih kerana membetulkannya dengan begitu cepat, dan atas permohonan maaf itu.",
         "Pengurus sendiri menelefon kami; masalah sudah selesai."),
        ("Akhirnya ia dibaiki, tetapi terlalu banyak panggilan diperlukan.",
         "Nota kredit itu baik, tetapi kami masih tidak tahu mengapa ia berlaku."),
    ),
    "bg": Comments(
        ("Техникът не дойде в обещания ден и никой не се обади да ни предупреди.",
         "Обещахте ни резервната част до седмица, а тя пристигна след почти месец.",
         "Инженерите ви си разбират от работата, но датите на посещенията постоянно се отместват. Моля, "
         "спазвайте обещанията си.",
         "Във фактурата беше включено посещение, което така и не се състоя; трябваха три имейла, за да я "
         "коригирате.",
         "Два пъти това тримесечие чакахме цял следобед за посещение, което не се състоя."),
        ("Докладите са ясни, но е трудно да получим точен отговор кога ще бъде свършена работата.",
         "Компетентни и учтиви хора. Сервизното бюро би могло да вдига телефона по-бързо.",
         "Като цяло добра работа; едно обаждане, когато инженерът закъснява, би променило много.",
         "Качеството на работата е добро, но често се налага ние да ви търсим за датата."),
        ("Докладите са ясни и инженерът винаги обяснява какво е направил.",
         "Учтиви хора, които познават сградата ни добре. Чувстваме се в сигурни ръце.",
         "Всеки път идва един и същ инженер и той познава инсталацията ни.",
         "Помагат бързо, когато се обадим, а планът за поддръжка е лесен за следване."),
        ("Напоследък посещенията са навреме, а и получаваме потвърждение предния ден. Продължавайте така.",
         "По-добре от миналата година: инженерът дойде точно когато беше обещано.",
         "Новото съобщение за потвърждение преди всяко посещение наистина помага."),
        ("Благодарим, че отстранихте проблема толкова бързо, и за извинението.",
         "Управителят ни се обади лично; проблемът е решен."),
        ("Накрая беше оправено, но бяха нужни твърде много обаждания.",
         "Кредитното известие е наред, но все още не знаем защо се случи."),
    ),
    "zh-Hans": Comments(
        ("技术人员没有在约定的那天上门，也没有人打电话通知我们。",
         "说好一周内送到备件，结果等了将近一个月。",
         "你们的工程师很专业，但上门日期一再推迟。请说到做到。",
         "发票上收了一次根本没有发生的上门费用，发了三封邮件才更正。",
         "这个季度我们有两次等了整整一个下午，结果没有人来。"),
        ("报告写得很清楚，但很难得到工作何时完成的确切答复。",
         "员工专业又有礼貌，只是服务热线接电话可以再快一些。",
         "总体不错；工程师要迟到时打个电话会好很多。",
         "工作质量没问题，但我们常常要反复催问日期。"),
        ("报告清楚明了，工程师每次都会解释做了哪些工作。",
         "员工很有礼貌，对我们的大楼非常熟悉，让人放心。",
         "每次都是同一位工程师，他很了解我们的设备。",
         "每次打电话都能很快得到帮助，维护计划也很容易执行。"),
        ("最近上门都很准时，前一天还会收到确认通知。请继续保持。",
         "比去年好多了：工程师在约定的时间准时到达。",
         "每次上门前的确认短信非常有用。"),
        ("感谢你们这么快解决了问题，也感谢你们的道歉。",
         "经理亲自给我们打了电话，问题已经解决了。"),
        ("最后是修好了，但打了太多次电话。",
         "补偿我们接受，但至今仍不知道问题出在哪里。"),
    ),
    "zh-Hant": Comments(
        ("技術人員沒有在約定的那天到場，也沒有人打電話通知我們。",
         "說好一週內送到零件，結果等了將近一個月。",
         "你們的工程師很專業，但到場日期一再延後。請說到做到。",
         "發票上收了一次根本沒有發生的到場費用，寄了三封電郵才更正。",
         "這一季我們有兩次等了整整一個下午，結果沒有人來。"),
        ("報告寫得很清楚，但很難得到工作何時完成的確切答覆。",
         "員工專業又有禮貌，只是服務專線接電話可以再快一點。",
         "整體不錯；工程師要遲到時打個電話會好很多。",
         "工作品質沒問題，但我們常常要一再追問日期。"),
        ("報告清楚明瞭，工程師每次都會說明做了哪些工作。",
         "員工很有禮貌，對我們的大樓非常熟悉，讓人放心。",
         "每次都是同一位工程師，他很了解我們的設備。",
         "每次來電都能很快得到協助，保養計劃也很容易執行。"),
        ("最近到場都很準時，前一天還會收到確認通知。請繼續保持。",
         "比去年好多了：工程師在約定的時間準時抵達。",
         "每次到場前的確認訊息非常有用。"),
        ("感謝你們這麼快解決問題，也謝謝你們的道歉。",
         "經理親自打電話給我們，問題已經解決了。"),
        ("最後是修好了，但打了太多次電話。",
         "補償我們接受，但至今仍不知道問題出在哪裡。"),
    ),
    "hu": Comments(
        ("A technikus nem jött ki a megígért napon, és senki sem szólt nekünk.",
         "Egy héten belülre ígérték az alkatrészt, végül majdnem egy hónapig tartott.",
         "A mérnökeik értenek a dolgukhoz, de a kiszállások időpontja folyton csúszik. Kérjük, tartsák be, "
         "amit ígérnek.",
         "A számlán szerepelt egy kiszállás, amely meg sem történt; három e-mailbe került, mire kijavították.",
         "Ebben a negyedévben kétszer is egész délután vártunk egy kiszállásra, amely végül elmaradt."),
        ("A jelentések világosak, de nehéz egyértelmű választ kapni arra, mikor lesz kész a munka.",
         "Hozzáértő és udvarias munkatársak. Az ügyfélszolgálat gyorsabban is felvehetné a telefont.",
         "Összességében jó munka; egy telefon, amikor a szerelő késik, sokat számítana.",
         "A munka minősége rendben van, de gyakran nekünk kell utánajárnunk az időpontnak."),
        ("A jelentések világosak, és a mérnök mindig elmagyarázza, mit csinált.",
         "Udvarias munkatársak, akik jól ismerik az épületünket. Biztonságban érezzük magunkat.",
         "Mindig ugyanaz a mérnök jön, és jól ismeri a rendszerünket.",
         "Ha telefonálunk, gyorsan segítenek, és a karbantartási terv könnyen követhető."),
        ("Az utóbbi időben pontosak a kiszállások, és előző nap visszaigazolást is kapunk. Csak így tovább!",
         "Jobb, mint tavaly: a mérnök pontosan a megígért időben érkezett.",
         "Sokat segít az új visszaigazoló üzenet minden kiszállás előtt."),
        ("Köszönjük, hogy ilyen gyorsan rendbe tették, és a bocsánatkérést is.",
         "A vezető személyesen hívott fel minket; a probléma megoldódott."),
        ("Végül megjavították, de túl sok telefonba került.",
         "A jóváírás rendben van, de még mindig nem tudjuk, miért történt."),
    ),
}

# --- what the staff wrote when they closed a follow-up task, in the owner's language --------------

#: task kind ("recovery", "word_of_mouth") -> outcomes
OUTCOMES: dict[str, dict[str, tuple[str, str]]] = {
    "en": {"recovery": ("Called the client, apologised and agreed fixed visit dates for the next quarter.",
                        "Met the facilities manager; the engineer who knows the site is assigned from now on."),
           "word_of_mouth": ("The client agreed to a short testimonial for our website.",
                             "Asked for a referral; the client will introduce us to their sister company.")},
    "ms": {"recovery": ("Menelefon pelanggan, memohon maaf dan bersetuju dengan tarikh lawatan tetap untuk suku "
                        "tahun hadapan.",
                        "Berjumpa pengurus fasiliti; jurutera yang mengenali tapak ditugaskan mulai sekarang."),
           "word_of_mouth": ("Pelanggan bersetuju memberikan testimoni ringkas untuk laman web kami.",
                             "Meminta rujukan; pelanggan akan memperkenalkan kami kepada syarikat bersekutunya.")},
    "bg": {"recovery": ("Обадих се на клиента, извиних се и договорихме твърди дати за посещенията през "
                        "следващото тримесечие.",
                        "Срещнах се с управителя на сградата; отсега нататък ще ходи инженерът, който познава "
                        "обекта."),
           "word_of_mouth": ("Клиентът се съгласи да напише кратък отзив за сайта ни.",
                             "Помолих за препоръка; клиентът ще ни представи на сестринската си фирма.")},
    "zh-Hans": {"recovery": ("已致电客户致歉，并约定了下季度的固定上门日期。",
                             "与设施经理见了面；今后由熟悉现场的工程师负责。"),
                "word_of_mouth": ("客户同意为我们的网站写一段简短的推荐语。",
                                  "请客户推荐；客户会把我们介绍给其关联公司。")},
    "zh-Hant": {"recovery": ("已致電客戶致歉，並約定了下一季的固定到場日期。",
                             "與設施經理見了面；今後由熟悉現場的工程師負責。"),
                "word_of_mouth": ("客戶同意為我們的網站寫一段簡短的推薦語。",
                                  "請客戶推薦；客戶會把我們介紹給其關係企業。")},
    "hu": {"recovery": ("Felhívtam az ügyfelet, bocsánatot kértem, és rögzítettük a következő negyedév kiszállási "
                        "időpontjait.",
                        "Találkoztam az üzemeltetési vezetővel; mostantól a helyszínt ismerő mérnök jár hozzájuk."),
           "word_of_mouth": ("Az ügyfél vállalta, hogy rövid ajánlást ír a honlapunkra.",
                             "Ajánlást kértem; az ügyfél bemutat minket a testvérvállalatának.")},
}


def in_language(table: Mapping[str, object], language: str | None) -> str:
    """The key of ``table`` for ``language`` (English where the demo has no texts in it)."""
    return language if language is not None and language in table else "en"
