"""One message to the market: the library of the firm's positioning and benefit statements, per
segment and language, with versions, an approval step and an owner.

Rules:

* A message has a name (unique), a kind (positioning or benefit), a segment (none: every client)
  and an owner. Its words are versions per language: a new version is a draft numbered after the
  last one of that message and language.
* A manager approves a draft (``plan.manage``); the approver and the moment are recorded, and the
  version approved before it in that language becomes ``superseded``. Nobody approves a draft they
  wrote themselves — a second pair of eyes — except the firm's owner (a small firm's owner may be
  the only manager); the command line and the demo act as the system. A draft older than the
  approved version of its language cannot be approved (it would bring back older words).
* A retired message takes no new versions, approvals or uses, and leads no new proposal; a message
  that was used is retired, never deleted, so that the adoption figures keep it.
* A message is used (``message_uses``) only once it is approved in some language.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import Principal, require
from servicescape.config import LANGUAGES
from servicescape.db.crud import EntityService, about_field
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.plan.capability import MANAGE, READ, WRITE
from servicescape.plan.models import Message, MessageUse, MessageVersion, VersionStatus
from servicescape.referrals.service import language_code


def next_version(numbers: list[int]) -> int:
    """The number of a new version after the versions ``numbers`` of one message and language."""
    return max(numbers, default=0) + 1


def missing_languages(approved: set[str] | dict[str, Any]) -> list[str]:
    """The product's languages a message has no approved text in, in the product's order."""
    return [code for code in LANGUAGES if code not in approved]


def may_approve_own(by: Principal) -> bool:
    """Whether ``by`` may approve a draft they wrote: only the owner (and the system)."""
    return not isinstance(by, Staff) or by.role == Role.owner


class MessageService(EntityService[Message]):
    model = Message
    label = N_("Message")
    references: ClassVar[dict[str, Any]] = {"owner_id": Staff}
    unique_fields: ClassVar[tuple[str, ...]] = ("name",)
    read_permission = READ
    write_permission = WRITE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: Message | None) -> dict[str, Any]:
        if "retired" in data:
            raise ValidationFailed(_("%(field)s cannot be changed here; retire or reinstate the message.",
                                     field="retired"), field="retired")
        if "segment" in data:
            data["segment"] = (data["segment"] or "").strip() or None
        if "name" in data and data["name"] is not None and not str(data["name"]).strip():
            raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "name")
        return super().check(session, data, existing)

    def delete(self, session: Session, obj: Message, *, by: Principal) -> None:
        require(by, self.delete_permission)
        used = session.scalar(select(func.count()).select_from(MessageUse).where(MessageUse.message_id == obj.id))
        if used:
            raise Conflict(_("This message was used %(n)s times: retire it instead, so that the adoption figures "
                             "keep it.", n=used), field="id")
        super().delete(session, obj, by=by)


messages = MessageService()


def get_message(session: Session, message_id: int, *, field: str | None = None, by: Principal) -> Message:
    """The message, or a 404 (a 422 naming ``field`` when it came in a request's body)."""
    require(by, READ)
    found = session.get(Message, message_id)
    if found is None:
        if field:
            raise about_field(ValidationFailed, N_("%(field)s %(value)s does not exist."), field, value=message_id)
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Message"), id=message_id))
    return found


def get_version(session: Session, version_id: int, *, by: Principal) -> MessageVersion:
    require(by, READ)
    found = session.get(MessageVersion, version_id)
    if found is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Message version"), id=version_id))
    return found


def _not_retired(message: Message) -> None:
    if message.retired:
        raise Conflict(_("The message %(name)s is retired.", name=message.name), field="message_id")


def add_version(session: Session, message_id: int, language: str, text: str, *, by: Principal) -> MessageVersion:
    """A new draft of the message in ``language``, numbered after the last one."""
    require(by, WRITE)
    message = get_message(session, message_id, by=by)
    _not_retired(message)
    code = language_code(str(language or ""))
    words = (text or "").strip()
    if not words:
        raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "text")
    numbers = list(session.scalars(select(MessageVersion.version).where(
        MessageVersion.message_id == message.id, MessageVersion.language == code)))
    version = MessageVersion(message_id=message.id, language=code, version=next_version(numbers), text=words,
                             status=VersionStatus.draft, written_by_id=by.id if isinstance(by, Staff) else None)
    session.add(version)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(_("Someone added a version of this message at the same time; try again."),
                       field="language") from None
    return version


def approve_version(session: Session, version_id: int, *, by: Principal) -> MessageVersion:
    """Approve a draft: the approved version before it in that language is superseded."""
    require(by, MANAGE)
    version = get_version(session, version_id, by=by)
    message = get_message(session, version.message_id, by=by)
    _not_retired(message)
    if version.status != VersionStatus.draft:
        raise Conflict(_("Version %(version)s is %(status)s, not a draft.", version=version.version,
                         status=_(version.status.value)), field="status")
    if not may_approve_own(by) and version.written_by_id is not None and version.written_by_id == by.id:
        raise ValidationFailed(_("You wrote this draft: another manager approves it (or the owner)."),
                               field="approved_by_id")
    current = approved_version(session, message.id, version.language)
    if current is not None and current.version > version.version:
        raise Conflict(_("Version %(newer)s is approved already; this older draft would bring back older words.",
                         newer=current.version), field="version")
    if current is not None:
        current.status = VersionStatus.superseded
    version.status = VersionStatus.approved
    version.approved_by_id = by.id if isinstance(by, Staff) else None
    version.approved_at = utcnow()
    session.flush()
    return version


def discard_draft(session: Session, version_id: int, *, by: Principal) -> int:
    """Delete a draft nobody approved; the message's id."""
    require(by, WRITE)
    version = get_version(session, version_id, by=by)
    if version.status != VersionStatus.draft:
        raise Conflict(_("Only a draft can be discarded; an approved text stays in the history."), field="status")
    message_id = version.message_id
    session.delete(version)
    session.flush()
    return message_id


def set_retired(session: Session, message_id: int, retired: bool, *, by: Principal) -> Message:
    """Retire a message (no new versions, approvals, uses or proposals) or bring it back."""
    require(by, MANAGE)
    message = get_message(session, message_id, by=by)
    message.retired = retired
    session.flush()
    return message


def approved_version(session: Session, message_id: int, language: str) -> MessageVersion | None:
    return session.scalars(select(MessageVersion).where(
        MessageVersion.message_id == message_id, MessageVersion.language == language,
        MessageVersion.status == VersionStatus.approved).order_by(MessageVersion.version.desc()).limit(1)).first()


def approved_texts(session: Session, message_ids: list[int]) -> dict[int, dict[str, MessageVersion]]:
    """Message id → language → its approved version."""
    found: dict[int, dict[str, MessageVersion]] = defaultdict(dict)
    if message_ids:
        for version in session.scalars(select(MessageVersion).where(
                MessageVersion.message_id.in_(message_ids), MessageVersion.status == VersionStatus.approved)):
            found[version.message_id][version.language] = version
    return found


# --- the library -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LibraryLine:
    message: Message
    owner_name: str | None
    approved: dict[str, MessageVersion]      # language → approved version
    drafts: list[str]                         # languages with a draft awaiting approval
    uses: int

    @property
    def missing(self) -> list[str]:
        return missing_languages(self.approved)


def library(session: Session, *, retired: bool = False, by: Principal) -> list[LibraryLine]:
    """Every message (the retired ones only when asked), positioning first, with its approved
    languages, the languages with a draft waiting, and how often it was used (four queries)."""
    require(by, READ)
    query = select(Message, Staff.name).outerjoin(Staff, Staff.id == Message.owner_id)
    if not retired:
        query = query.where(Message.retired.is_(False))
    rows = session.execute(query.order_by(Message.retired, Message.kind.desc(), Message.name)).all()
    ids = [message.id for message, _name in rows]
    approved = approved_texts(session, ids)
    drafts: dict[int, set[str]] = defaultdict(set)
    uses: dict[int, int] = {}
    if ids:
        for message_id, language in session.execute(select(MessageVersion.message_id, MessageVersion.language).where(
                MessageVersion.message_id.in_(ids), MessageVersion.status == VersionStatus.draft)):
            drafts[message_id].add(language)
        uses = dict(session.execute(select(MessageUse.message_id, func.count()).where(
            MessageUse.message_id.in_(ids)).group_by(MessageUse.message_id)).all())  # type: ignore[arg-type]
    return [LibraryLine(message, name, approved.get(message.id, {}),
                        [code for code in LANGUAGES if code in drafts[message.id]], uses.get(message.id, 0))
            for message, name in rows]


@dataclass(frozen=True)
class MessageView:
    message: Message
    owner_name: str | None
    versions: dict[str, list[MessageVersion]] = field(default_factory=dict)   # language → newest first
    approved: dict[str, MessageVersion] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)                        # staff id → name

    @property
    def missing(self) -> list[str]:
        return missing_languages(self.approved)


def view(session: Session, message_id: int, *, by: Principal) -> MessageView:
    """The message with its versions per language (the product's languages first) and who wrote
    and approved each."""
    message = get_message(session, message_id, by=by)
    versions = list(session.scalars(select(MessageVersion).where(MessageVersion.message_id == message.id)
                                    .order_by(MessageVersion.language, MessageVersion.version.desc())))
    people = {v.written_by_id for v in versions} | {v.approved_by_id for v in versions} | {message.owner_id}
    people.discard(None)
    names = dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(people))).all()) if people else {}
    grouped: dict[str, list[MessageVersion]] = defaultdict(list)
    for version in versions:
        grouped[version.language].append(version)
    order = [code for code in LANGUAGES if code in grouped] + sorted(set(grouped) - set(LANGUAGES))
    return MessageView(message, names.get(message.owner_id) if message.owner_id else None,
                       {code: grouped[code] for code in order},
                       {v.language: v for v in versions if v.status == VersionStatus.approved},
                       names)  # type: ignore[arg-type]


def usable_messages(session: Session, language: str | None = None, *, by: Principal) -> list[tuple[Message, list[str]]]:
    """Messages that may be used now (not retired, approved in some language — in ``language`` when
    given), with the languages each is approved in."""
    require(by, READ)
    found = [line for line in library(session, by=by) if line.approved]
    if language:
        found = [line for line in found if language in line.approved]
    return [(line.message, [code for code in LANGUAGES if code in line.approved] +
             sorted(set(line.approved) - set(LANGUAGES))) for line in found]
