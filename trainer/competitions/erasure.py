"""What the competitions domain erases of a person (appeals, audit details, the name on
certificates) and shows them of their data."""

import sqlalchemy as sa

from trainer.auth.erasers import Erased, Eraser, blank, replace_mentions, rows
from trainer.competitions.models import (
    Appeal,
    AuditEntry,
    Certificate,
    Competition,
    Entry,
    Honour,
)
from trainer.extensions import db


def scrub(erased: Erased) -> None:
    mine = sa.select(Entry.id).where(Entry.user_id == erased.user_id).scalar_subquery()
    blank(Appeal.text, Appeal.entry_id.in_(mine))
    blank(AuditEntry.reason, AuditEntry.user_id == erased.user_id)
    replace_mentions(erased, Appeal.resolution, AuditEntry.detail, AuditEntry.reason,
                     Competition.description)
    honours = sa.select(Honour.id).where(Honour.user_id == erased.user_id).scalar_subquery()
    db.session.execute(sa.update(Certificate).where(Certificate.honour_id.in_(honours))
                       .values(holder_name=erased.pseudonym)
                       .execution_options(synchronize_session=False))


def export(user_id: int) -> dict:
    return {
        "entries": rows(sa.select(Competition.title, Entry.number, Entry.entered_at,
                                  Entry.total_centi, Entry.seconds)
                        .join(Competition, Competition.id == Entry.competition_id)
                        .where(Entry.user_id == user_id).order_by(Entry.id)),
        "appeals": rows(sa.select(Appeal.text, Appeal.status, Appeal.created_at,
                                  Appeal.resolution)
                        .join(Entry, Entry.id == Appeal.entry_id)
                        .where(Entry.user_id == user_id).order_by(Appeal.id)),
        "certificates": rows(sa.select(Certificate.code, Certificate.holder_name,
                                       Certificate.honour_title, Certificate.competition_title,
                                       Certificate.issued_on)
                             .join(Honour, Honour.id == Certificate.honour_id)
                             .where(Honour.user_id == user_id)),
    }


ERASER = Eraser(
    columns=("competition_appeals.text: 本人提交的申诉理由",
             "competition_appeals.resolution: 处理意见中提到本人之处",
             "competition_audit.reason: 本人写的审计理由，及审计详情与理由中提到本人之处",
             "competition_audit.detail、competitions.description: 提到本人之处",
             "competition_certificates.holder_name: 证书持有人姓名换为化名"),
    scrub=scrub, export=export)
