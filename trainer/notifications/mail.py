"""E-mail copies of notifications through an SMTP server (smtplib), when configured:
``MAIL_SERVER`` (host), ``MAIL_PORT`` (default 25), ``MAIL_USERNAME``/``MAIL_PASSWORD``
(optional login), ``MAIL_USE_TLS`` (STARTTLS), ``MAIL_SENDER`` (the From address),
``SITE_URL`` (links in the mail). Each notification is mailed at most once
(``emailed_at``), only to people who turned e-mail on and gave an address."""

import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from trainer.auth.models import User
from trainer.extensions import db
from trainer.notifications.models import Notification, NotificationSettings
from trainer.notifications.services import recent
from trainer.notifications.texts import KIND_LABELS, text_of


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _message(user: User, address: str, note: Notification) -> EmailMessage:
    with force_locale("zh_CN"):
        subject = f"{_('Grid Trainer')}：{KIND_LABELS()[note.kind]}"
        body = text_of(note.kind, note.params or {})
    site = (current_app.config.get("SITE_URL") or "").rstrip("/")
    if note.link and site:
        body += f"\n\n{site}{note.link}"
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = current_app.config.get("MAIL_SENDER") or "grid-trainer@localhost"
    msg["To"] = formataddr((user.name, address))
    msg.set_content(body + "\n")
    return msg


def send_pending(now: datetime) -> int:
    """Mail every recent notification not mailed yet to those who want e-mail; returns
    how many were sent. Each is marked and committed as soon as it is sent, so a failure
    half-way never sends the first ones again."""
    cfg = current_app.config
    stmt = (sa.select(Notification, User, NotificationSettings.email)
            .join(User, User.id == Notification.user_id)
            .join(NotificationSettings, NotificationSettings.user_id == User.id)
            .where(Notification.emailed_at.is_(None), Notification.created_at >= recent(now),
                   NotificationSettings.email_on.is_(True),
                   NotificationSettings.email.is_not(None), User.active)
            .order_by(Notification.id))
    rows = db.session.execute(stmt).all()
    if not rows:
        return 0
    sent = 0
    with smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg.get("MAIL_PORT") or 25), timeout=30) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        for note, user, address in rows:
            smtp.send_message(_message(user, address, note))
            note.emailed_at = now
            db.session.commit()
            sent += 1
    return sent
