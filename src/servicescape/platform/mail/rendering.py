"""Messages are rendered once, at enqueue time, from templates in the recipient's language.

A message is two templates under ``web/templates``: ``NAME.txt`` (its ``subject`` block and the
plain-text body) and ``NAME.html`` (the HTML body). Both see ``firm_name``, ``public_url``,
``language``, ``timezone`` (the firm's IANA name), ``fmt`` (dates in the firm's timezone, in the
recipient's language) and the values the caller passes; the HTML template also sees ``subject``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

from servicescape import i18n
from servicescape.config import Settings

SUBJECT_LENGTH = 300


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(template: str, *, language: str, settings: Settings, values: Mapping[str, Any]) -> Rendered:
    """Render ``template``.txt / .html with ``values``, translated into ``language``."""
    # late import: the page templates' environment (gettext, autoescaping) lives in the web layer
    from servicescape.web.templating import ENVIRONMENT, Formatter

    context = {"firm_name": settings.firm_name, "public_url": settings.public_url,
               "timezone": settings.timezone, "language": language, "fmt": Formatter(language, settings.zone),
               **values}
    with i18n.speaking(language):
        text_template = ENVIRONMENT.get_template(f"{template}.txt")
        subject = "".join(text_template.blocks["subject"](text_template.new_context(context)))
        subject = " ".join(subject.split())[:SUBJECT_LENGTH]
        text = text_template.render(context)
        html = ENVIRONMENT.get_template(f"{template}.html").render({**context, "subject": subject})
    return Rendered(subject=subject, text=text.strip() + "\n", html=html)


def new_message_id(settings: Settings) -> str:
    """A globally unique Message-ID in the sender's domain."""
    return make_msgid(domain=settings.mail_from.rpartition("@")[2] or "localhost")


def mime_message(*, subject: str, recipient: str, language: str, text: str, html: str,
                 message_id: str, settings: Settings, date: datetime) -> EmailMessage:
    """multipart/alternative: the plain text first, the HTML second (preferred by mail readers)."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
    message["From"] = formataddr((settings.firm_name, settings.mail_from))
    message["To"] = recipient
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = language  # after the content: setting it clears Content-* headers
    return message
