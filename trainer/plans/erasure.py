"""What the plans domain erases of a person (session feedback, plan comments, mentions in
lecturer names and plan texts) and shows them of their data."""

import sqlalchemy as sa

from trainer.auth.erasers import Erased, Eraser, blank, replace_mentions, rows
from trainer.extensions import db
from trainer.models import utcnow
from trainer.plans.models import (
    Attendance,
    CalendarFeed,
    Feedback,
    Plan,
    PlanComment,
    TrainingSession,
)


def scrub(erased: Erased) -> None:
    blank(Feedback.comment, Feedback.user_id == erased.user_id)
    blank(PlanComment.text, PlanComment.author_id == erased.user_id)
    replace_mentions(erased, PlanComment.text, TrainingSession.lecturer_name, Plan.priorities,
                     Plan.half1_focus, Plan.half2_focus)
    db.session.execute(sa.update(CalendarFeed).where(
        CalendarFeed.user_id == erased.user_id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow()))


def export(user_id: int) -> dict:
    return {
        "attendance": rows(sa.select(TrainingSession.title, TrainingSession.starts_at,
                                     Attendance.status, Attendance.method,
                                     Attendance.hours_credited, Attendance.marked_at)
                           .join(TrainingSession, TrainingSession.id == Attendance.session_id)
                           .where(Attendance.user_id == user_id).order_by(Attendance.id)),
        "feedback": rows(sa.select(TrainingSession.title, Feedback.rating, Feedback.comment,
                                   Feedback.created_at)
                         .join(TrainingSession, TrainingSession.id == Feedback.session_id)
                         .where(Feedback.user_id == user_id).order_by(Feedback.id)),
        "plan_comments": rows(sa.select(PlanComment.action, PlanComment.text, PlanComment.at)
                              .where(PlanComment.author_id == user_id)
                              .order_by(PlanComment.id)),
        "calendar_feeds": rows(sa.select(CalendarFeed.created_at, CalendarFeed.revoked_at)
                               .where(CalendarFeed.user_id == user_id)),
    }


ERASER = Eraser(
    columns=("session_feedback.comment: 本人写的培训反馈",
             "plan_comments.text: 本人写的计划审核意见，及他人意见中提到本人之处",
             "training_sessions.lecturer_name、plans.priorities/half1_focus/half2_focus: "
             "提到本人之处",
             "calendar_feeds: 本人的日历订阅作废"),
    scrub=scrub, export=export)
