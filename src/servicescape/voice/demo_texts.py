"""Reviews the demo firm's clients wrote elsewhere (review sites, the feedback form), in their languages:
(language, channel, stars, text). Written for the demo; none is in the training or evaluation sets."""

from __future__ import annotations

REVIEWS: tuple[tuple[str, str, int, str], ...] = (
    ("en", "Google", 5, "Booked a service on Monday, the engineer was here Tuesday morning as promised and left "
                        "the place spotless."),
    ("en", "Google", 2, "Third visit for the same fault. Every time they say it is fixed, and every time it isn't."),
    ("en", "Feedback form", 3, "The quote was clear. We are still comparing it with two other firms."),
    ("en", "Trustpilot", 1, "Invoice came with a call-out charge nobody mentioned on the phone. Not impressed."),
    ("en", "Feedback form", 4, "Sarah took the time to understand how our shop actually runs. Rare these days."),
    ("ms", "Google", 5, "Juruteknik datang tepat pada masanya dan menerangkan semua kerja dengan jelas. Terima "
                        "kasih!"),
    ("ms", "Borang maklum balas", 2, "Sudah seminggu kami menunggu panggilan balik, tiada sesiapa menghubungi "
                                    "kami."),
    ("ms", "Google", 3, "Harga pakej penyelenggaraan tahunan berapa untuk tiga unit penghawa dingin?"),
    ("bg", "Google", 5, "Много професионален екип — обясниха всичко без излишни термини и спазиха срока."),
    ("bg", "Формуляр", 2, "Офисът е труден за намиране, а паркирането наоколо е истински кошмар."),
    ("bg", "Google", 1, "Фактурата беше с двайсет процента по-висока от офертата, без никакво обяснение."),
    ("zh-Hans", "大众点评", 5, "师傅很专业，修好后还教我们怎么保养，价格也公道。"),
    ("zh-Hans", "反馈表", 2, "约好下午两点上门，结果等到五点才来，连个电话都没有。"),
    ("zh-Hant", "Google", 4, "顧問很有耐心，把合約每一條都解釋清楚，讓我們很安心。"),
    ("zh-Hant", "Google", 1, "報告裡面錯字一堆，連我們公司名稱都寫錯，很難相信他們的專業。"),
    ("hu", "Google", 5, "Gyorsan válaszoltak minden kérdésünkre, és pontosan azt kaptuk, amit ígértek."),
    ("hu", "Visszajelzés", 2, "Az ügyintéző udvarias volt, de két hete nem kapunk választ az e-mailjeinkre."),
    ("hu", "Google", 3, "Mikor lesz kész a felülvizsgált tervdokumentáció?"),
    ("es", "Google", 5, "Nos atendieron de maravilla: puntuales, amables y sin sorpresas en la factura."),
    ("de", "Google", 2, "Die Beratung war kompetent, aber auf das Angebot warten wir seit drei Wochen."),
    ("fr", "Formulaire", 4, "Équipe à l'écoute, qui a su adapter le planning à nos contraintes."),
    ("id", "Google", 2, "Teknisinya ramah, tapi AC kami rusak lagi dua hari setelah diperbaiki."),
    ("ja", "Google", 5, "説明がとても丁寧で、見積もりどおりの金額で終わりました。"),
    ("ru", "Google", 1, "Обещали перезвонить в тот же день — прошла неделя, тишина."),
)
