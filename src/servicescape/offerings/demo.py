"""The demo firm's service catalogue (servicescape.demo.catalogue): four packages, each at three
levels with what they include, the targets they promise and dated list prices in three currencies;
two add-ons per package; named competitors' prices for the price-position map."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from servicescape.demo import catalogue
from servicescape.demo.roster import midnight, package_rows
from servicescape.demo.steps import DemoRun, next_ids, table

#: (name, description, share of the Essential price) of each package's add-ons
ADDONS = (("Out-of-hours cover", "Call-outs at night, at weekends and on public holidays.", Decimal("0.25")),
          ("Extra site", "One more site under the same terms.", Decimal("0.35")))

#: (the firm's service it competes with, competitor, offer, segment, EUR price, perceived quality 1–7):
#: what clients told the firm
COMPETITORS = (
    ("maintenance", "CoolTech Services", "Maintenance Basic", "Commercial", 4_200, 4.1),
    ("maintenance", "CoolTech Services", "Maintenance Plus", "Commercial", 8_900, 4.9),
    ("maintenance", "Nordic Climate Partners", "Care 360", "Commercial", 16_500, 5.8),
    ("maintenance", "Budget Aircon Co.", "Annual Service", "Residential", 2_100, 3.4),
    ("response", "CoolTech Services", "24/7 Call-out", "Commercial", 6_100, 4.4),
    ("response", "Rapid Fix Engineering", "Priority Desk", "Commercial", 3_300, 3.9),
    ("energy", "GreenAudit Partners", "Energy Review", "Enterprise", 9_800, 5.0),
    ("commissioning", "Facilities Group Europe", "Handover Assurance", "Enterprise", 21_000, 5.2),
)


def load_catalogue(run: DemoRun) -> None:
    """Insert the catalogue's missing packages, levels, prices and add-ons; what is there already
    (same names) is kept, so the demo can be loaded into a firm's own catalogue."""
    packages = table("service_package")
    names = [p.name for p in catalogue.packages()]
    with run.runtime.transaction() as session:
        connection = session.connection()
        known = {name: package_id for name, package_id in connection.execute(
            select(packages.c.name, packages.c.id).where(packages.c.name.in_(names)))}
        next_id = next_ids(connection, ("service_package",))["service_package"]
        ids: dict[str, int] = {}
        for name in names:
            if name in known:
                ids[name] = known[name]
            else:
                ids[name], next_id = next_id, next_id + 1
        run.insert(connection, "service_package",
                   [row for row in package_rows(ids, run.spec.today) if row["name"] not in known])
        run.ids["packages"] = ids
        run.ids["levels"] = _levels(run, connection, ids)
        _addons(run, connection, ids)
        if not connection.scalar(select(table("competitor_price").c.id).limit(1)):
            package_of = {p.service.key: ids[p.name] for p in catalogue.packages()}
            run.insert(connection, "competitor_price", [
                {"package_id": package_of[service], "competitor": who, "offer": offer, "segment": segment,
                 "price": Decimal(price), "currency": "EUR", "perceived_quality": quality,
                 "noted_on": run.spec.today - timedelta(days=60), "source": "Lost-deal interviews", **_stamp(run)}
                for service, who, offer, segment, price, quality in COMPETITORS])


def _stamp(run: DemoRun, days_ago: int = 400) -> dict[str, Any]:
    at = midnight(run.spec.today) - timedelta(days=days_ago, hours=-9)
    return {"created_at": at, "updated_at": at}


def _levels(run: DemoRun, connection: Connection, package_ids: dict[str, int]) -> dict[str, int]:
    """"service key:level index" → level id, inserting the levels and prices that are missing."""
    levels = table("package_level")
    found = {(package_id, name): level_id for level_id, package_id, name in connection.execute(
        select(levels.c.id, levels.c.package_id, levels.c.name).where(levels.c.package_id.in_(package_ids.values())))}
    next_id = next_ids(connection, ("package_level",))["package_level"]
    ids: dict[str, int] = {}
    rows, prices = [], []
    for package in catalogue.packages():
        package_id = package_ids[package.name]
        for index, name in enumerate(catalogue.LEVELS):
            key = f"{package.service.key}:{index}"
            if (package_id, name) in found:
                ids[key] = found[(package_id, name)]
                continue
            ids[key], next_id = next_id, next_id + 1
            response, resolution, cadence = catalogue.LEVEL_TARGETS[name]
            rows.append({"id": ids[key], "package_id": package_id, "name": name, "position": index,
                         "summary": catalogue.LEVEL_TEXT[name], "inclusions": list(catalogue.LEVEL_INCLUSIONS[name]),
                         "first_response_hours": response, "resolution_days": resolution, "cadence_days": cadence,
                         "perceived_quality": catalogue.LEVEL_QUALITY[name], "active": True, **_stamp(run)})
            for currency in catalogue.CURRENCIES:
                for days_ago, amount in catalogue.price_history(package.service, index, currency):
                    prices.append({"level_id": ids[key], "addon_id": None, "currency": currency, "amount": amount,
                                   "valid_from": run.spec.today - timedelta(days=days_ago), "note": None,
                                   **_stamp(run, days_ago)})
    run.insert(connection, "package_level", rows)
    run.insert(connection, "package_price", prices)
    return ids


def _addons(run: DemoRun, connection: Connection, package_ids: dict[str, int]) -> None:
    addons = table("package_addon")
    query = select(addons.c.package_id, addons.c.name).where(addons.c.package_id.in_(package_ids.values()))
    found = {(row.package_id, row.name) for row in connection.execute(query)}
    next_id = next_ids(connection, ("package_addon",))["package_addon"]
    rows, prices = [], []
    for package in catalogue.packages():
        package_id = package_ids[package.name]
        for name, text, share in ADDONS:
            if (package_id, name) in found:
                continue
            rows.append({"id": next_id, "package_id": package_id, "name": name, "description": text, "active": True,
                         **_stamp(run)})
            for currency in catalogue.CURRENCIES:
                amount = (catalogue.list_price(package.service, 0, currency) * share).quantize(Decimal("10"))
                prices.append({"level_id": None, "addon_id": next_id, "currency": currency, "amount": amount,
                               "valid_from": run.spec.today - timedelta(days=catalogue.PRICE_DAYS_AGO[1]),
                               "note": None, **_stamp(run)})
            next_id += 1
    run.insert(connection, "package_addon", rows)
    run.insert(connection, "package_price", prices)
