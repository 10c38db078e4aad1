"""The demo firm's people and price list."""

from __future__ import annotations

from collections import Counter

from servicescape.auth.models import Role
from servicescape.demo import catalogue, countries, firm


def test_about_a_dozen_staff_with_one_owner_who_has_the_published_sign_in() -> None:
    roles = Counter(member.role for member in firm.ROSTER if member.active)
    assert 10 <= sum(roles.values()) <= 14
    assert roles[Role.owner] == 1 and roles[Role.manager] >= 2 and roles[Role.viewer] == 1
    owner = next(m for m in firm.ROSTER if m.role == Role.owner)
    assert owner.email == firm.DEMO_OWNER_EMAIL
    emails = [m.email for m in firm.ROSTER]
    assert len(set(emails)) == len(emails) and all(e.isascii() and e == e.lower() for e in emails)
    assert {m.language for m in firm.ROSTER} >= {"ms", "bg", "zh-Hans", "zh-Hant", "hu", "en"}
    assert [m.key for m in firm.ROSTER if not m.active] == ["bence"]


def test_every_client_country_has_a_team_of_current_staff() -> None:
    keys = firm.staff_by_key()
    assert set(firm.TEAMS) == {c.code for c in countries.COUNTRIES}
    for code, team in firm.TEAMS.items():
        lead = keys[team[0][0]]
        assert lead.active and lead.role in (Role.owner, Role.manager), code
        assert all(keys[key].role != Role.viewer for key, _ in team)


def test_packages_have_three_levels_in_three_currencies() -> None:
    packages = catalogue.packages()
    assert [p.name for p in packages] == [s.name for s in catalogue.SERVICES]
    for service in catalogue.SERVICES:
        for currency in catalogue.CURRENCIES:
            prices = [catalogue.list_price(service, level, currency) for level in range(len(catalogue.LEVELS))]
            assert prices == sorted(prices) and len(set(prices)) == 3
            history = catalogue.price_history(service, 0, currency)
            assert history[-1][1] == prices[0] and history[0][1] < prices[0]
    row = catalogue.package_row(packages[0], 1)
    assert row["level"] is None and row["list_price"] is None and row["name"] == "Planned Maintenance"
    assert set(catalogue.LEVEL_INCLUSIONS) == set(catalogue.LEVELS) == set(catalogue.LEVEL_TARGETS)
    for language, services in catalogue.SERVICE_NAMES.items():
        assert set(services) == {s.key for s in catalogue.SERVICES}, language
