"""The demo firm's client portal: contacts of a few key accounts invited (their one-time links are
not kept: `servicescape portal invite CONTACT_ID --print-link` makes a fresh one), one of them
asking for another window, one a service, one ordering an add-on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Client, Contact, Tier
from servicescape.db.types import utcnow
from servicescape.demo.steps import DemoRun
from servicescape.offerings.models import PackageAddon
from servicescape.portal import accounts, service
from servicescape.portal.models import PortalUser
from servicescape.promises.models import Promise, PromiseStatus

ACCOUNTS = 5
SERVICE_REQUESTS = {
    "en": "Could your engineer also look at the second cooling unit on the roof during the next visit?",
    "ms": "Boleh jurutera anda periksa juga unit penyejuk kedua di bumbung semasa lawatan seterusnya?",
    "hu": "A következő látogatáskor megnézné a szerelő a tetőn lévő második hűtőegységet is?",
    "bg": "Може ли техникът ви да провери и второто охладително тяло на покрива при следващото посещение?",
    "zh-Hans": "下次上门时，能否请工程师顺便检查屋顶的第二台冷却机组？",
    "zh-Hant": "下次上門時，能否請工程師順便檢查屋頂的第二台冷卻機組？",
}


def load_portal(run: DemoRun) -> None:
    settings = run.runtime.settings
    with run.runtime.transaction() as session:
        if session.scalar(select(PortalUser.id).limit(1)) is not None:
            return
        contacts = session.execute(
            select(Contact.id, Contact.client_id, Client.language).join(Client, Client.id == Contact.client_id)
            .where(Client.tier == Tier.key, Contact.email.is_not(None))
            .order_by(Contact.client_id, Contact.id)).all()
        chosen, seen = [], set()
        for contact_id, client_id, language in contacts:
            if client_id not in seen:
                seen.add(client_id)
                chosen.append((contact_id, client_id, language))
            if len(chosen) == ACCOUNTS:
                break
        users = [accounts.invite(session, settings, contact_id, send=False, by=SYSTEM).user
                 for contact_id, _client, _language in chosen]
        for user in users:
            user.invited_at = utcnow() - timedelta(days=30)
            user.last_sign_in_at = utcnow() - timedelta(days=2)
        run.counts["portal_user"] += len(users)
        _requests(session, users, [language for *_rest, language in chosen])
        session.flush()


def _requests(session: Session, users: list[PortalUser], languages: list[str | None]) -> None:
    soon = utcnow() + timedelta(hours=6)
    for index, user in enumerate(users[:3]):
        if index == 0:
            promise = session.scalar(select(Promise).where(Promise.client_id == user.client_id,
                                                           Promise.status == PromiseStatus.open,
                                                           Promise.window_start > soon)
                                     .order_by(Promise.window_start).limit(1))
            if promise is not None:
                start = promise.window_start + timedelta(days=2)
                service.ask_reschedule(session, user, promise.id, start=start,
                                       end=start + (promise.window_end - promise.window_start),
                                       message=None)
        elif index == 1:
            service.ask_service(session, user, SERVICE_REQUESTS.get(languages[index] or "en", SERVICE_REQUESTS["en"]))
        else:
            addon = session.scalar(select(PackageAddon.id).where(PackageAddon.active.is_(True)).limit(1))
            if addon is not None:
                service.order(session, user, addon_id=addon)
