"""The demo firm's service packages: four services at three levels, priced in three currencies."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

LEVELS = ("Essential", "Professional", "Premier")
CURRENCIES = ("EUR", "MYR", "USD")

#: fixed demo rates to compare revenue across currencies (EUR per unit); not market data
EUR_RATES: dict[str, Decimal] = {"EUR": Decimal("1"), "MYR": Decimal("0.20"), "USD": Decimal("0.92")}

LEVEL_TEXT = {
    "Essential": "Scheduled visits, business-hours response and an annual report.",
    "Professional": "Adds a named engineer, next-business-day response and quarterly reviews.",
    "Premier": "Adds a four-hour response window, the same engineer from proposal to delivery, "
               "monthly reporting and a yearly value review with the client's management.",
}


@dataclass(frozen=True)
class Service:
    key: str
    name: str
    text: str
    recurring: bool                 # an annual contract (else a project)
    days: tuple[int, int]           # duration range in days
    prices: dict[str, tuple[int, int, int]]  # currency -> whole-unit list prices per level


SERVICES: tuple[Service, ...] = (
    Service("maintenance", "Planned Maintenance",
            "Yearly planned maintenance of air-conditioning, ventilation and building systems.",
            True, (365, 365),
            {"EUR": (4_800, 9_600, 18_500), "MYR": (22_000, 44_000, 85_000),
             "USD": (5_200, 10_400, 20_000)}),
    Service("response", "Response Desk",
            "After-sales call-outs with a promised arrival window and a call-back commitment.",
            True, (365, 365),
            {"EUR": (2_400, 5_200, 9_800), "MYR": (11_000, 24_000, 45_000),
             "USD": (2_600, 5_600, 10_600)}),
    Service("energy", "Energy & Comfort Audit",
            "Measures energy use and comfort, then proposes and prices the improvements.",
            False, (45, 120),
            {"EUR": (6_500, 12_000, 24_000), "MYR": (30_000, 55_000, 110_000),
             "USD": (7_000, 13_000, 26_000)}),
    Service("commissioning", "Commissioning & Handover",
            "Tests new or refitted installations and hands them over with trained site staff.",
            False, (60, 240),
            {"EUR": (9_500, 19_000, 38_000), "MYR": (44_000, 88_000, 175_000),
             "USD": (10_300, 20_500, 41_000)}),
)

#: how each service is called in an engagement's description, per client language
SERVICE_NAMES: dict[str, dict[str, str]] = {
    "en": {"maintenance": "Planned maintenance contract",
           "response": "Response desk (guaranteed call-out windows)",
           "energy": "Energy and comfort audit", "commissioning": "Commissioning and handover"},
    "ms": {"maintenance": "Kontrak penyelenggaraan terancang",
           "response": "Meja respons (tempoh lawatan terjamin)",
           "energy": "Audit tenaga dan keselesaan", "commissioning": "Pentauliahan dan serahan"},
    "bg": {"maintenance": "Договор за планова поддръжка",
           "response": "Сервизно бюро (гарантирани часови интервали)",
           "energy": "Енергиен одит и комфорт",
           "commissioning": "Пускане в експлоатация и предаване"},
    "zh-Hans": {"maintenance": "计划性维护合同", "response": "快速响应服务（保证上门时段）",
                "energy": "能源与舒适度审计", "commissioning": "调试与交付"},
    "zh-Hant": {"maintenance": "計劃性保養合約", "response": "快速回應服務（保證到場時段）",
                "energy": "能源與舒適度稽核", "commissioning": "試運轉與移交"},
    "hu": {"maintenance": "Tervszerű karbantartási szerződés",
           "response": "Hibaelhárító ügyfélszolgálat (garantált kiszállási időablak)",
           "energy": "Energetikai és komfortaudit", "commissioning": "Üzembe helyezés és átadás"},
    "de": {"maintenance": "Wartungsvertrag", "response": "Störungsdienst (garantierte Zeitfenster)",
           "energy": "Energie- und Komfortaudit", "commissioning": "Inbetriebnahme und Übergabe"},
    "ro": {"maintenance": "Contract de mentenanță planificată",
           "response": "Dispecerat de intervenții (intervale garantate)",
           "energy": "Audit energetic și de confort",
           "commissioning": "Punere în funcțiune și predare"},
}


#: what each level includes, as the comparison page lists it ("what you get")
LEVEL_INCLUSIONS: dict[str, tuple[str, ...]] = {
    "Essential": ("Scheduled visits on the agreed plan", "Response within business hours",
                  "Annual condition report"),
    "Professional": ("Everything in Essential", "A named engineer for your sites",
                     "Next-business-day response", "Quarterly review meeting"),
    "Premier": ("Everything in Professional", "Four-hour response window, every day",
                "The same engineer from proposal to delivery", "Monthly reporting",
                "Yearly value review with your management"),
}

#: the service-level targets a level promises beyond the client's tier: first response (business
#: hours), resolution (business days), contact at least every (days); None keeps the tier's
LEVEL_TARGETS: dict[str, tuple[int | None, int | None, int | None]] = {
    "Essential": (None, None, None),
    "Professional": (8, 5, 30),
    "Premier": (4, 3, 14),
}

#: perceived quality (1–7) the firm entered for each level before measuring it (price map)
LEVEL_QUALITY = {"Essential": 4.6, "Professional": 5.4, "Premier": 6.1}

#: the list prices of three years ago, as a share of today's (the price history the demo shows)
EARLIER_PRICE = Decimal("0.92")
PRICE_DAYS_AGO = (3 * 365 + 30, 400)     # the earlier prices' start, today's prices' start


@dataclass(frozen=True)
class Package:
    """A service package (one per service) sold at three levels, priced in three currencies."""

    name: str
    service: Service


def packages() -> list[Package]:
    """Every package, in a fixed order (the services')."""
    return [Package(service.name, service) for service in SERVICES]


def list_price(service: Service, level: int, currency: str) -> Decimal:
    """Today's list price of a level in whole units."""
    return Decimal(service.prices[currency][level])


def price_history(service: Service, level: int, currency: str) -> list[tuple[int, Decimal]]:
    """(days before today it started, price) of a level, oldest first; the last is today's."""
    today = list_price(service, level, currency)
    return [(PRICE_DAYS_AGO[0], (today * EARLIER_PRICE).quantize(Decimal("100"))), (PRICE_DAYS_AGO[1], today)]


def package_row(package: Package, package_id: int) -> dict[str, object]:
    return {
        "id": package_id, "name": package.name, "level": None, "list_price": None, "currency": "EUR",
        "description": package.service.text, "active": True, "off_peak": not package.service.recurring,
    }
