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


@dataclass(frozen=True)
class Package:
    name: str
    service: Service
    level: int          # index into LEVELS
    currency: str
    price_cents: int

    @property
    def list_price(self) -> Decimal:
        return Decimal(self.price_cents).scaleb(-2)


def package_name(service: Service, level: int, currency: str) -> str:
    return f"{service.name} – {LEVELS[level]} ({currency})"


def packages() -> list[Package]:
    """Every package, in a fixed order (service, level, currency)."""
    return [
        Package(package_name(service, level, currency), service, level, currency,
                service.prices[currency][level] * 100)
        for service in SERVICES for level in range(len(LEVELS)) for currency in CURRENCIES
    ]


def package_row(package: Package, package_id: int) -> dict[str, object]:
    return {
        "id": package_id, "name": package.name, "level": LEVELS[package.level],
        "list_price": package.list_price, "currency": package.currency,
        "description": f"{package.service.text} {LEVEL_TEXT[LEVELS[package.level]]}",
        "active": True,
    }
