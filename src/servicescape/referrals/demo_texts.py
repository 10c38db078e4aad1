"""What the demo's clients say of Meridian Facility Partners (in their own language), and the
people they recommended it to. Clients writing in a language the product's screens do not speak
(German, Romanian) wrote their testimonial in English."""

from __future__ import annotations

TESTIMONIALS: dict[str, tuple[str, ...]] = {
    "en": (
        "Meridian's engineers turned up exactly when they said they would, every single visit. After years "
        "of chasing contractors, that alone changed how our facilities team works.",
        "The energy audit paid for itself within the first year. The report was clear enough that our board "
        "approved the chiller upgrade in one meeting.",
        "When our server-room cooling failed on a Sunday, the response desk had someone on site within two "
        "hours and kept us informed the whole time.",
        "They handed over the new building with every system tested and documented. Our own maintenance team "
        "could take over from day one.",
        "What we value most is that they tell us early when something is at risk, instead of apologising "
        "afterwards.",
    ),
    "ms": (
        "Jurutera Meridian sentiasa datang tepat pada masa yang dijanjikan. Kami tidak perlu lagi menelefon "
        "berulang kali untuk bertanya bila mereka akan sampai.",
        "Audit tenaga mereka membantu kami menjimatkan hampir satu perlima bil elektrik. Laporannya mudah "
        "difahami oleh pihak pengurusan.",
        "Apabila penghawa dingin di dewan utama rosak sehari sebelum majlis, pasukan mereka membaikinya pada "
        "malam itu juga. Terima kasih atas khidmat yang luar biasa.",
        "Penyelenggaraan berjadual mereka teratur dan setiap lawatan disertakan laporan yang lengkap. Kami "
        "yakin bangunan kami dijaga dengan baik.",
        "Mereka jujur tentang apa yang boleh dan tidak boleh dilakukan, dan sentiasa menepati janji.",
    ),
    "bg": (
        "Екипът на Meridian идва точно в уговорения час и винаги оставя подробен протокол. Най-после "
        "имаме партньор, на когото можем да разчитаме.",
        "Енергийният одит ни показа къде губим най-много. Само за една година сметките ни за отопление "
        "намаляха с над 15%.",
        "Когато климатизацията в склада спря в разгара на лятото, техникът беше при нас до два часа. "
        "Благодарим за бързата реакция!",
        "Въвеждането в експлоатация на новата сграда мина без нито един пропуснат срок. Документацията е "
        "образцова.",
        "Оценяваме, че ни предупреждават навреме, ако нещо може да се забави, и веднага предлагат решение.",
    ),
    "zh-Hans": (
        "Meridian的工程师每次都准时到达，维修记录清楚完整。和他们合作以后，我们再也不用反复催促了。",
        "能源审计帮我们找到了最大的浪费点，第一年电费就节省了将近两成，管理层非常满意。",
        "周末机房空调突然故障，他们两小时内就派人到场，并且全程及时通报进展。",
        "新楼的调试和交接井井有条，每个系统都有完整的测试报告，我们的运维团队很快就能接手。",
        "他们最难得的是说到做到，如果有可能延误，会提前告诉我们并给出替代方案。",
    ),
    "zh-Hant": (
        "Meridian的工程師每次都準時到場，維修報告清楚詳盡。合作以來，我們再也不用一再追問進度。",
        "能源審計讓我們看清楚哪裡最耗電，第一年電費就省下近兩成，董事會非常滿意。",
        "颱風過後大樓冷氣故障，他們當晚就派員搶修，隔天一早辦公室便恢復正常。",
        "新大樓的測試與移交安排得井井有條，所有系統都有完整紀錄，我們的物業團隊順利接手。",
        "最難得的是他們言而有信，若有延誤的可能，總會事先通知並提出替代安排。",
    ),
    "hu": (
        "A Meridian szerelői mindig pontosan a megbeszélt időben érkeznek, és minden kiszállás után részletes "
        "jegyzőkönyvet kapunk. Végre megbízható partnert találtunk.",
        "Az energetikai audit után az első évben közel 18%-kal csökkent a fűtésszámlánk. A jelentést a "
        "vezetőség is könnyen megértette.",
        "Amikor nyár közepén leállt a raktár hűtése, két órán belül kint volt a technikus. Köszönjük a gyors "
        "segítséget!",
        "Az új irodaház átadása határidőre, minden rendszer bevizsgálásával történt. A dokumentáció példás.",
        "Nagyra értékeljük, hogy időben szólnak, ha valami csúszhat, és rögtön megoldást is javasolnak.",
    ),
}

#: people the demo's clients recommended the firm to: (name, company), in the referrer's language
PROSPECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("Daniel Whitmore", "Harbourside Logistics Ltd"), ("Rachel Lim", "Northgate Medical Centre"),
           ("Oliver Grant", "Kingsway Business Park"), ("Sophie Turner", "Ashford Data Services"),
           ("James Patel", "Riverside Hotel Group")),
    "ms": (("Ahmad Faizal bin Ismail", "Syarikat Perkasa Logistik Sdn. Bhd."),
           ("Nor Aini binti Hassan", "Hospital Pakar Seri Damai"), ("Lim Chee Keong", "Kilang Plastik Jaya Sdn. Bhd."),
           ("Siti Hajar binti Yusof", "Menara Wawasan Sdn. Bhd."), ("Rajesh Kumar", "Pusat Data Cyberjaya Sdn. Bhd.")),
    "bg": (("Иван Петров", "Логистик Парк София ЕООД"), ("Елена Георгиева", "Медицински център Витоша"),
           ("Николай Христов", "Хотел Черноморец АД"), ("Десислава Иванова", "Бизнес център Тракия ООД"),
           ("Стефан Колев", "Пловдив Пак ЕООД")),
    "zh-Hans": (("刘洋", "华东冷链物流有限公司"), ("张敏", "苏州创新科技园"), ("李强", "深圳瑞丰电子有限公司"),
                ("陈静", "杭州国际会展中心"), ("赵磊", "南京康泰医疗集团")),
    "zh-Hant": (("林志明", "港灣物流有限公司"), ("黃淑芬", "信義商業大樓管理委員會"),
                ("陳冠宇", "新竹精密科技股份有限公司"), ("吳佩珊", "九龍城醫療中心"), ("李家豪", "觀塘創意大廈")),
    "hu": (("Nagy Péter", "Duna Logisztika Kft."), ("Tóth Anna", "Szent Margit Magánklinika"),
           ("Kiss Gábor", "Balaton Hotel Zrt."), ("Varga Zsófia", "Budai Irodapark Kft."),
           ("Molnár Tamás", "Alföldi Élelmiszer Kft.")),
}

#: why a testimonial was turned down (the one rejected in the demo), in English
REJECTED_REASON = "Names a competitor; the client prefers a shorter version."
