"""Documents the firm shares with a client's contacts in the portal: a title, the file (at most
10 MB, and no more than the platform's upload limit), optionally the engagement it belongs to.

Staff share, list, download and delete them (``by=`` and the portal's permissions).
:func:`client_documents` and :func:`document_for_client` are the portal's reads for one client,
called after the portal has scoped its caller to that client: they take no principal, and a
document of another client is as good as missing (:class:`NotFound`) — the portal's object-level
authorization rests on it.

The file itself is a deferred column: lists never load it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO
from urllib.parse import quote

from fastapi.responses import Response
from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session, undefer

from servicescape.audit.service import record
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Engagement
from servicescape.db.columns import text_limits
from servicescape.db.crud import about_field
from servicescape.db.paging import Page, paginate
from servicescape.db.types import utcnow
from servicescape.errors import NotFound, PayloadTooLarge, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.portal.capability import MANAGE, READ, WRITE
from servicescape.portal.models import SharedDocument

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DEFAULT_CONTENT_TYPE = "application/octet-stream"
CHUNK = 1 << 20
_LIMITS = text_limits(SharedDocument.__table__)  # type: ignore[arg-type]
TITLE_LENGTH, FILENAME_LENGTH, CONTENT_TYPE_LENGTH = _LIMITS["title"], _LIMITS["filename"], _LIMITS["content_type"]
#: type/subtype with optional parameters, in the characters RFC 9110 allows
_NAME_CHARS = r"[A-Za-z0-9!#$&^_.+-]+"
_MEDIA_TYPE = re.compile(rf"{_NAME_CHARS}/{_NAME_CHARS}(\s*;\s*{_NAME_CHARS}=[^;\x00-\x1f\x7f]+)*")
#: characters no file name of ours holds: path separators and control characters
_NOT_IN_NAMES = re.compile(r"[/\\\x00-\x1f\x7f]")


def upload_limit(max_upload_bytes: int) -> int:
    """The largest document: 10 MB, or the platform's upload limit when that is lower."""
    return min(MAX_DOCUMENT_BYTES, max_upload_bytes)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(_("The file is larger than the limit of %(mb)s MB.", mb=round(limit / (1024 * 1024), 1)),
                           field="file")


def read_capped(stream: BinaryIO, limit: int) -> bytes:
    """The whole of an uploaded file, refused (413, naming ``file``) as soon as it passes ``limit``."""
    parts: list[bytes] = []
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


def checked_filename(name: str | None) -> str:
    """The file's own name, as it is kept and offered again: refused when there is none, when it
    holds a path (a separator), a control character, or is longer than the column."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Choose a file to share."), field="file")
    if _NOT_IN_NAMES.search(name) or name in (".", ".."):
        raise ValidationFailed(_("The file name %(name)s cannot be used: give a name without folders or control "
                                 "characters.", name=ascii(name)[1:-1]), field="file")
    if len(name) > FILENAME_LENGTH:
        raise ValidationFailed(_("The file name is longer than %(n)s characters.", n=FILENAME_LENGTH), field="file")
    return name


def media_type(value: str | None) -> str:
    """The upload's content type when it is a well-formed one, else application/octet-stream."""
    value = (value or "").strip()
    if value and len(value) <= CONTENT_TYPE_LENGTH and _MEDIA_TYPE.fullmatch(value):
        return value
    return DEFAULT_CONTENT_TYPE


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Client"), id=client_id))
    return client


def share(session: Session, client_id: int, *, title: str | None, filename: str | None, content_type: str | None,
          content: bytes, engagement_id: int | None = None, limit: int = MAX_DOCUMENT_BYTES,
          by: Principal) -> SharedDocument:
    """Share a file with the client's contacts. ``title`` defaults to the file's name; the
    engagement, when given, must be one of the client's."""
    require(by, WRITE)
    _client(session, client_id)
    filename = checked_filename(filename)
    title = (title or "").strip() or filename
    if "\x00" in title:
        raise about_field(ValidationFailed, N_("%(field)s must not contain NUL characters."), "title")
    if len(title) > TITLE_LENGTH:
        raise about_field(ValidationFailed, N_("%(field)s is longer than %(n)s characters."), "title",
                          n=TITLE_LENGTH)
    if not content:
        raise ValidationFailed(_("The file is empty."), field="file")
    if len(content) > min(limit, MAX_DOCUMENT_BYTES):
        raise _too_large(min(limit, MAX_DOCUMENT_BYTES))
    if engagement_id is not None:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None or engagement.client_id != client_id:
            raise about_field(ValidationFailed, N_("%(field)s is not an engagement of this client."),
                              "engagement_id")
    now = utcnow()
    values: dict[str, Any] = {
        "client_id": client_id, "engagement_id": engagement_id, "title": title, "filename": filename,
        "content_type": media_type(content_type), "size": len(content),
        "shared_by_id": getattr(by, "id", None), "created_at": now, "updated_at": now}
    # a Core insert, recorded by hand: the audit trail keeps what was shared, not the file's bytes
    document_id = session.execute(insert(SharedDocument).values(content=content, **values)
                                  .returning(SharedDocument.id)).scalar_one()
    record(session, "create", entity=SharedDocument.__tablename__, entity_id=document_id,
           changes={"id": document_id, **{k: v.isoformat() if k.endswith("_at") else v for k, v in values.items()}})
    document = session.get(SharedDocument, document_id)
    assert document is not None
    return document


def _documents(client_id: int) -> Select[SharedDocument]:
    return (select(SharedDocument).where(SharedDocument.client_id == client_id)
            .order_by(SharedDocument.created_at.desc(), SharedDocument.id.desc()))


def documents_page(session: Session, client_id: int, *, page: int = 1, per_page: int = 50,
                   by: Principal) -> Page[SharedDocument]:
    """A client's shared documents, newest first (the files are not loaded)."""
    require(by, READ)
    _client(session, client_id)
    return paginate(session, _documents(client_id), page=page, per_page=per_page)


def get_document(session: Session, document_id: int, *, by: Principal, with_content: bool = False) -> SharedDocument:
    require(by, READ)
    query = select(SharedDocument).where(SharedDocument.id == document_id)
    if with_content:
        query = query.options(undefer(SharedDocument.content))
    document = session.scalar(query)
    if document is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Shared document"), id=document_id))
    return document


def delete_document(session: Session, document_id: int, *, by: Principal) -> SharedDocument:
    """Delete a shared document (its metadata is returned, e.g. to say which client it was of)."""
    require(by, MANAGE)
    document = get_document(session, document_id, by=by)
    session.delete(document)
    session.flush()
    return document


# --- the portal's reads (no principal: the caller is scoped to client_id) ----------------------------

@dataclass(frozen=True)
class DocumentLine:
    """A shared document as the portal lists it (plain values; never the file)."""

    id: int
    title: str
    filename: str
    content_type: str
    size: int
    engagement_id: int | None
    created_at: datetime


def client_documents(session: Session, client_id: int, *, limit: int | None = None) -> list[DocumentLine]:
    """The documents shared with one client, newest first (the first ``limit``)."""
    rows = session.execute(select(SharedDocument.id, SharedDocument.title, SharedDocument.filename,
                                  SharedDocument.content_type, SharedDocument.size, SharedDocument.engagement_id,
                                  SharedDocument.created_at).where(SharedDocument.client_id == client_id)
                           .order_by(SharedDocument.created_at.desc(), SharedDocument.id.desc()).limit(limit))
    return [DocumentLine(*row) for row in rows]


def document_for_client(session: Session, client_id: int, document_id: int, *,
                        with_content: bool = True) -> SharedDocument:
    """One of the client's documents; another client's is :class:`NotFound`, worded as a missing one."""
    query = select(SharedDocument).where(SharedDocument.id == document_id, SharedDocument.client_id == client_id)
    if with_content:
        query = query.options(undefer(SharedDocument.content))
    document = session.scalar(query)
    if document is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Shared document"), id=document_id))
    return document


# --- handing the file out --------------------------------------------------------------------------

def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII name for every browser and the name itself (RFC 6266, 5987)."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_. ") else "-" for c in filename)[:100].strip()
    return f"attachment; filename=\"{ascii_name or 'document'}\"; filename*=UTF-8''{quote(filename[:150], safe='')}"


def download_response(document: SharedDocument) -> Response:
    """The file as a download (loaded with ``with_content=True``): never shown in the firm's own pages,
    whatever its type says (attachment, and a sandbox with nothing allowed should a browser open it)."""
    return Response(document.content, media_type=document.content_type, headers={
        "Content-Disposition": content_disposition(document.filename),
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "X-Content-Type-Options": "nosniff"})
