"""How the pages look in all six languages at 1366×768 and 390×844, measured in a real browser.

Realistic data (long Bulgarian, Hungarian, Malay and Chinese names and texts, a long service
package name, staff without a password) on the main pages, and for each page the things a first
user tripped on: sideways scrolling, tables that need sideways scrolling, row actions cut off,
sidebar labels split mid-word, Staff pushed below the fold, truncated filter placeholders, a
country name broken mid-word, a Service column five lines tall, and raw values (language codes,
timezone ids, seconds, job keys) where a person expects words.

With SERVICESCAPE_SHOTS=<folder>, every page visited is also saved there as a full-page
screenshot (``<language>-<size>-<page>.png``) for people to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from servicescape.auth import invitations
from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service
from servicescape.config import LANGUAGES, Settings
from servicescape.offerings.service import packages
from servicescape.platform.jobs import runner
from servicescape.runtime import Runtime, open_runtime
from servicescape.tasks import service as tasks
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, OVERFLOW, PHONE, Watched
from tests.conftest import PASSWORD
from tests.support.chromium import screenshot
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

OWNER = "aisyah@firm.test"
SHOTS = os.environ.get("SERVICESCAPE_SHOTS")
SIZES = {"desktop": DESKTOP, "phone": PHONE}

# (name, country, city, tier, segment, language)
CLIENTS = [
    ("Tan Holdings Sdn Bhd", "MY", "Kuala Lumpur", "key", "Penjagaan kesihatan", "ms"),
    ("Петрова и Партньори Архитектурно Студио ЕООД", "BG", "Пловдив", "growth", "Архитектура и проектиране", "bg"),
    ("Kovács és Társa Ügyvédi Iroda Kft.", "HU", "Debrecen", "standard", "Jogi szolgáltatások", "hu"),
    ("海景保險經紀股份有限公司", "TW", "臺北市", "key", "保險", "zh-Hant"),
    ("上海明德会计师事务所有限公司", "CN", "上海", "growth", "会计与审计", "zh-Hans"),
    ("Saint Vincent Maritime Services", "VC", "Kingstown", "standard", "Shipping", "en"),
    ("Sarajevo Consulting d.o.o.", "BA", "Sarajevo", "growth", "Consulting", "en"),
    ("Central African Logistics SARL", "CF", "Bangui", "standard", "Logistics", "en"),
    ("Perunding Kejuruteraan Gemilang Harapan Sdn Bhd", "MY", "Johor Bahru", "key", "Kejuruteraan", "ms"),
    ("Szentgyörgyi Könyvvizsgáló és Adótanácsadó Zrt.", "HU", "Székesfehérvár", "key", "Könyvvizsgálat", "hu"),
]
# the first paragraph of each seed text (real multilingual service-marketing prose)
SUMMARIES = [
    "Perkhidmatan penting dan tidak ketara sukar dijual. Keyakinan dijual dengan semua maksudnya; pelanggan "
    "selalu berfikir jika dia benar-benar memerlukannya, atau mungkin dia boleh melakukannya sendiri.",
    "Маркетингът на услугите, както подсказва името, се отнася до усилията за насърчаване и продажба на "
    "нематериални услуги, за разлика от материални продукти.",
    "质量、组织、知识、计划、定价、沟通这七项内容是服务营销的关键要素,我们称之为服务营销要素模型。",
    "企業應更多的考慮通過為客戶提供優質的服務來提高客戶的忠誠度,這就是企業必須具備成功的客戶服務策略。",
    "A kockázatvállalkozások, a nagy vagy kicsi kudarc egyik leggyakoribb oka, hogy az ügyfelek értékét "
    "képezheti. Az érték fogalma az egyik olyan, amely egyszerű és összetett.",
]


def seed(runtime: Runtime) -> int:
    """The data the pages are looked at with; returns the id of the client with the most on its page."""
    with runtime.transaction() as session:
        owner = auth.create_staff(session, name="Aisyah Rahman", email=OWNER, role=Role.owner, password=PASSWORD,
                                  by=SYSTEM)
        people = [
            auth.create_staff(session, name="Петрова-Христова Анелия Стефанова",
                              email="aneliya.petrova-hristova@petrova-arhitekti.bg.example", role=Role.manager,
                              password=PASSWORD, by=SYSTEM),
            auth.create_staff(session, name="Kovácsné Szentgyörgyi Erzsébet",
                              email="erzsebet.szentgyorgyi@kovacs-tarsa.hu.example", role=Role.staff, by=SYSTEM),
            auth.create_staff(session, name="欧阳建国", email="ouyang.jianguo@mingde.cn.example", role=Role.staff,
                              password=PASSWORD, by=SYSTEM),
            auth.create_staff(session, name="Muhammad Hafiz bin Osman",
                              email="muhammad.hafiz.osman@gemilangharapan-industri.my.example", role=Role.viewer,
                              by=SYSTEM),
        ]
        invitations.invite(session, runtime.settings, people[1], by=SYSTEM)  # "Invited; the link works until …"
        gone = auth.create_staff(session, name="Daniel Lim Wei Xiang", email="daniel.lim@firm.test",
                                 role=Role.staff, password=PASSWORD, by=SYSTEM)
        auth.update_staff(session, gone, active=False, by=SYSTEM)
        package = packages.create(session, {
            "name": "Könyvvizsgálat és adótanácsadás – kiemelt ügyfeleknek",
            "level": "premium", "list_price": Decimal("1200000"), "currency": "HUF"}, by=SYSTEM)
        ids = []
        for n, (name, country, city, tier, segment, language) in enumerate(CLIENTS):
            ids.append(service.clients.create(session, {
                "name": name, "country": country, "city": city, "tier": tier, "segment": segment,
                "language": language, "owner_id": (owner, *people)[n % 5].id,
                "email": f"office{n}@client.example", "status": "lost" if n == 7 else "active",
            }, by=SYSTEM).id)
        client = ids[1]
        service.contacts.create(session, {"client_id": client, "name": "Стефан Христов Петров-Иванов",
                                          "job_title": "Управител и главен архитект",
                                          "email": "stefan.hristov.petrov-ivanov@petrova-arhitekti.bg.example",
                                          "phone": "+359 32 123 456", "language": "bg"}, by=SYSTEM)
        service.contacts.create(session, {"client_id": client, "name": "Ahmad Faizal bin Abdullah",
                                          "job_title": "Pengarah Kewangan", "email": "ahmad.faizal@example.my",
                                          "language": "ms"}, by=SYSTEM)
        service.engagements.create(session, {
            "client_id": client, "package_id": package.id, "sold_by_id": owner.id,
            "delivered_by_id": people[1].id, "start_date": date(2025, 1, 12), "end_date": date(2026, 1, 11),
            "description": SUMMARIES[4], "value": Decimal("1200000"), "currency": "HUF"}, by=SYSTEM)
        service.engagements.create(session, {
            "client_id": client, "description": "Планова поддръжка на основната сграда и архитектурен надзор",
            "sold_by_id": people[0].id, "delivered_by_id": people[0].id, "start_date": date(2025, 3, 1),
            "value": Decimal("48000"), "currency": "BGN", "status": "proposed"}, by=SYSTEM)
        for month in range(1, 7):
            service.invoices.create(session, {"client_id": client, "issued_on": date(2025, month, 28),
                                              "amount": Decimal(12345 * month), "currency": "BGN",
                                              "external_id": f"ФАКТУРА-2025-{month:04d}"}, by=SYSTEM)
        for n, summary in enumerate(SUMMARIES):
            service.interactions.create(session, {
                "client_id": client, "channel": ("call", "e-mail", "meeting", "letter", "meal")[n],
                "staff_id": (owner, *people)[n].id, "summary": summary,
                "occurred_at": datetime(2025, 6, 2, 7, 45, 30, tzinfo=UTC) + timedelta(days=n)}, by=SYSTEM)
        tasks.tasks.create(session, {"title": "Изпращане на предложението за подновяване на договора",
                                     "client_id": client, "due_at": datetime.now(UTC) - timedelta(days=1),
                                     "priority": "high", "notes": SUMMARIES[1]}, by=owner)
        tasks.tasks.create(session, {"title": "A negyedéves ügyfél-elégedettségi felmérés előkészítése",
                                     "client_id": ids[2], "kind": "meeting",
                                     "due_at": datetime.now(UTC) + timedelta(days=3)}, by=owner)
    runner.run_job(runtime, "data.purge_rejects")
    return client


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    runtime = open_runtime(Settings(mode="dev", data_dir=tmp_path_factory.mktemp("layout"),
                                    timezone="Asia/Kuala_Lumpur", firm_name="Gemilang Harapan Perunding"))
    client = seed(runtime)
    with LiveServer(create_app(runtime=runtime)) as live:
        live.client_id = client  # type: ignore[attr-defined]
        yield live
    runtime.close()


def _page(browser: Browser, server: Any, size: str, language: str) -> Watched:
    context = browser.new_context(viewport=SIZES[size], locale="en-GB",  # type: ignore[arg-type]
                                  timezone_id="Europe/Sofia")
    context.add_cookies([{"name": "ss_lang", "value": language, "url": server.url}])
    watched = Watched(context.new_page())
    page = watched.page
    page.goto(server.url + "/signin")
    page.fill("#f-email", OWNER)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server.url + "/")
    return watched


def _shot(page: Page, language: str, size: str, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        screenshot(page, Path(SHOTS) / f"{language}-{size}-{name}.png")


# --- what is measured in the page ---------------------------------------------------------------

#: the words of the text under ``root`` that the browser split over two lines, as "word" strings.
#: A word ends at a space, a hyphen, a dash or a slash (a line may break there); text in Chinese
#: breaks between any two characters and is not looked at, unless ``whole`` asks that it be kept
#: whole too (a country name). Text for screen readers only, e-mail addresses and code are
#: left out: they may wrap anywhere.
SPLIT_WORDS = r"""([selector, whole]) => {
  const cjk = /[\u3000-\u9fff\uf900-\ufaff]/;
  const split = [];
  for (const root of document.querySelectorAll(selector)) {
    if (!root.getClientRects().length) continue;  // not shown
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.sr-only, .cell-sub, a[href^="mailto:"], code, option')) continue;
      for (const match of node.data.matchAll(/[^\s\-\u2010-\u2015\/]+/g)) {
        if (!whole && cjk.test(match[0])) continue;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
        if (tops.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""

#: the controls of the staff table's rows that do not lie wholly inside the table and the window
CUT_OFF = r"""() => {
  const out = [];
  const wrap = document.querySelector('.table-wrap').getBoundingClientRect();
  const right = Math.min(wrap.right, document.documentElement.clientWidth);
  for (const control of document.querySelectorAll('.table-wrap tbody :is(button, select, a)')) {
    const r = control.getBoundingClientRect();
    if (!r.width || control.closest('.sr-only')) continue;
    if (r.right > right + 0.5 || r.left < wrap.left - 0.5) {
      out.push(`${control.textContent.trim()} ${r.left}-${r.right}`);
    }
  }
  return out;
}"""

#: filter inputs whose placeholder, and selects whose chosen option, is wider than the box shows
TRUNCATED = r"""() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const out = [];
  for (const box of document.querySelectorAll('.toolbar input[placeholder], .toolbar select')) {
    const style = getComputedStyle(box);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = box.tagName === 'SELECT' ? box.selectedOptions[0].text : box.placeholder;
    const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const width = canvas.measureText(text).width;
    if (width > room) out.push(`${box.name}: "${text}" ${Math.round(width)} > ${Math.round(room)}`);
  }
  return out;
}"""

#: nav entries whose link lies below the window's bottom (the sidebar scrolled to its top)
BELOW_FOLD = r"""(paths) => paths.filter((path) => {
  const link = document.querySelector(`#site-nav a[href="${path}"]`);
  return !link || link.getBoundingClientRect().bottom > window.innerHeight;
})"""

#: the lines of text a node shows: by its text's rectangles, or for an element by its height
LINES = r"""(node) => {
  if (node.nodeType === Node.ELEMENT_NODE) {
    return Math.round(node.getBoundingClientRect().height / parseFloat(getComputedStyle(node).lineHeight));
  }
  const range = document.createRange();
  range.selectNodeContents(node);
  return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom))).size;
}"""

#: what the app shows that a person should never see: timezone ids, seconds, job keys, language codes
RAW = [
    (re.compile(r"\b(Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Z][A-Za-z_]+"), "a timezone id"),
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b"), "seconds in a time"),
    (re.compile(r"\b[a-z]+\.[a-z]+_[a-z_]+\b"), "a job key"),
    (re.compile(r"(?m)(^|\t) *(" + "|".join(LANGUAGES) + r") *(\t|$)"), "a language code"),
]
#: the page's text as read, less what is marked as code (a command to type may name a job)
READ_TEXT = """() => {
  let text = document.body.innerText;
  for (const code of document.querySelectorAll('code')) text = text.replace(code.innerText, '');
  return text;
}"""
#: where words a person reads must stay whole
TEXT = ("th, td, .badge, .btn, .chip, .nav-label, .field-label, .page-header h1, .card-header h2, "
        ".dl dt, .stat-label, .timeline-channel")
#: cells that hold a short name (a country, a language) which must stay whole in Chinese too
NAMES = "#client-results tbody td:nth-child(2), #contacts tbody td:nth-child(4)"


def pages(server: Any) -> dict[str, str]:
    return {
        "home": "/",
        "clients": "/clients",
        "clients-filtered": "/clients?tier=key&country=HU",
        "client": f"/clients/{server.client_id}",
        "client-edit": f"/clients/{server.client_id}/edit",
        "client-new": "/clients/new",
        "contact-edit": "/contacts/1/edit",
        "engagement-edit": "/engagements/1/edit",
        "invoice-edit": "/invoices/1/edit",
        "staff": "/staff",
        "tasks": "/tasks?view=team",
        "task": "/tasks/1",
        "task-new": "/tasks/new",
        "account-password": "/account/password",
        "account-tokens": "/account/tokens",
        "import": "/import",
        "jobs": "/system/jobs",
        "job": "/system/jobs/data.purge_rejects",
        "mail": "/mail",
    }


def _page_problems(page: Page, name: str, size: str) -> list[str]:
    problems = list(page.evaluate(OVERFLOW))
    problems += [f"word split over two lines: {word}" for word in page.evaluate(SPLIT_WORDS, [TEXT, False])]
    text = page.evaluate(READ_TEXT)
    problems += [f"{what}: {found.group(0).strip()!r}" for pattern, what in RAW for found in pattern.finditer(text)]
    problems += [f"truncated: {box}" for box in page.evaluate(TRUNCATED)]
    problems += [f"name broken: {broken}" for broken in page.evaluate(SPLIT_WORDS, [NAMES, True])]
    if name == "staff":
        problems += [f"row action cut off: {control}" for control in page.evaluate(CUT_OFF)]
    if name == "client" and size == "desktop":
        service = page.locator("#engagements tbody tr").filter(has_text="Könyvvizsgálat").locator("td").first
        package, description = service.evaluate_handle("td => td.firstChild"), service.locator(".cell-sub")
        if (lines := page.evaluate(LINES, package)) > 2:
            problems.append(f"the service package's name takes {lines} lines")
        if (lines := description.evaluate(LINES)) > 2:
            problems.append(f"the engagement's description takes {lines} lines")
        widths = page.locator("#engagements thead th").evaluate_all("ths => ths.map((th) => th.offsetWidth)")
        if widths[0] != max(widths):
            problems.append(f"the Service column is not the widest: {widths}")
    return [f"{name}: {problem}" for problem in problems]


def _sidebar_problems(page: Page, size: str, language: str) -> list[str]:
    if size == "phone":
        page.click(".nav-toggle")
        expect(page.locator("#site-nav")).to_be_in_viewport(ratio=1)
        _shot(page, language, size, "sidebar")
    problems = [f"nav label split: {word}" for word in page.evaluate(SPLIT_WORDS, ["#site-nav .nav-label", False])]
    problems += [f"below the fold: {path}" for path in page.evaluate(BELOW_FOLD, ["/staff", "/system/jobs"])]
    return problems


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("size", list(SIZES))
def test_pages_look_right(browser: Browser, server: Any, size: str, language: str) -> None:
    """Every page, in every language at both sizes: nothing scrolls sideways, no word is split over
    two lines, no raw value is on show; and what each page adds (see _page_problems)."""
    watched = _page(browser, server, size, language)
    page = watched.page
    problems = _sidebar_problems(page, size, language)
    for name, path in pages(server).items():
        page.goto(server.url + path)
        _shot(page, language, size, name)
        problems += _page_problems(page, name, size)
    assert not problems, "\n".join(problems)
    watched.check()
    page.context.close()
