"""Question bank, quizzes, attempts with their answers, the wrong-answer notebook."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Department

CONTEXTS = ("quiz", "module", "practice", "competition")
REVIEWS = ("after_submit", "after_close", "never")


class QuestionBank(db.Model):
    __tablename__ = "question_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Question(db.Model):
    """One question. ``body`` holds the type's answer data (options with weights, truth,
    accepted texts, numbers); the HTML is rendered from the Markdown once, when saved."""

    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint("type IN ('single','multiple','truefalse','short','numerical')",
                        name="type_known"),
        CheckConstraint("status IN ('active','retired')", name="status_known"),
        CheckConstraint("difficulty BETWEEN 1 AND 5", name="difficulty_range"),
        CheckConstraint("points > 0", name="points_positive"),
        Index("ix_questions_filter", "status", "department_id", "difficulty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_banks.id"), index=True)
    type: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(120), default="")
    stem: Mapped[str] = mapped_column(Text)
    stem_html: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[dict] = mapped_column(JSON, default=dict)
    options_html: Mapped[list] = mapped_column(JSON, default=list)
    explanation: Mapped[str] = mapped_column(Text, default="")
    explanation_html: Mapped[str] = mapped_column(Text, default="")
    difficulty: Mapped[int] = mapped_column(default=3)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    competencies: Mapped[list] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(120), default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    points: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(10), default="active")
    # A street-limited trainer's questions stay in that street; None: district-wide.
    street_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Its district (None: the shipped library, read by every district).
    district_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Where it came from ("web", "import", "courses/<slug>") and its key there.
    source: Mapped[str] = mapped_column(String(120), default="web")
    source_key: Mapped[str] = mapped_column(String(120), default="")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    bank: Mapped[QuestionBank] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")


class Quiz(db.Model):
    """A fixed list of questions (``pick`` of them per attempt when set) or a draw by
    rules, with its time limit, attempts, pass mark, shuffling and review policy."""

    __tablename__ = "quizzes"
    __table_args__ = (
        CheckConstraint("mode IN ('fixed','draw')", name="mode_known"),
        CheckConstraint("review IN ('after_submit','after_close','never')", name="review_known"),
        CheckConstraint("pass_percent BETWEEN 0 AND 100", name="pass_range"),
        CheckConstraint("time_limit IS NULL OR time_limit > 0", name="time_limit_positive"),
        CheckConstraint("max_attempts IS NULL OR max_attempts > 0", name="attempts_positive"),
        CheckConstraint("pick IS NULL OR pick > 0", name="pick_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # A module's end quiz (one per course), loaded from its course.yml.
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), unique=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Its district (set for a street's too: the district is the tenant).
    district_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    mode: Mapped[str] = mapped_column(String(8), default="fixed")
    pick: Mapped[int | None]
    time_limit: Mapped[int | None]  # minutes
    max_attempts: Mapped[int | None]
    pass_percent: Mapped[int] = mapped_column(default=60)
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    review: Mapped[str] = mapped_column(String(14), default="after_submit")
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    published: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(120), default="web")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items: Mapped[list["QuizQuestion"]] = relationship(
        order_by="QuizQuestion.position", cascade="all, delete-orphan")
    rules: Mapped[list["QuizRule"]] = relationship(
        order_by="QuizRule.position", cascade="all, delete-orphan")
    course = relationship("Course", lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")


class QuizQuestion(db.Model):
    __tablename__ = "quiz_questions"
    __table_args__ = (UniqueConstraint("quiz_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    question: Mapped[Question] = relationship(lazy="joined")


class QuizRule(db.Model):
    """Draw ``count`` active questions matching every filter that is set."""

    __tablename__ = "quiz_rules"
    __table_args__ = (
        CheckConstraint("count > 0", name="count_positive"),
        CheckConstraint("min_difficulty BETWEEN 1 AND 5 AND max_difficulty BETWEEN 1 AND 5 "
                        "AND min_difficulty <= max_difficulty", name="difficulty_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(default=0)
    count: Mapped[int]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    competency: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(120))
    tag: Mapped[str | None] = mapped_column(String(120))
    min_difficulty: Mapped[int] = mapped_column(default=1)
    max_difficulty: Mapped[int] = mapped_column(default=5)

    department: Mapped[Department | None] = relationship(lazy="joined")


class Attempt(db.Model):
    """One sitting. ``questions`` is the snapshot it was started with (QuestionData as
    JSON, options in this attempt's order), so later edits never change its grade.
    ``series`` ("quiz", "module", "practice", "competition:<round>") numbers attempts:
    the unique constraint makes a concurrent second start fail instead of duplicating, and
    the partial unique index ``uq_attempts_open`` allows one open (unsubmitted) attempt per
    user, quiz and series, however many workers start it at once (services.start_attempt)."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "series", "attempt_no"),
        CheckConstraint("context IN ('quiz','module','practice','competition')",
                        name="context_known"),
        CheckConstraint("review IN ('after_submit','after_close','never')", name="review_known"),
        Index("ix_attempts_user_submitted", "user_id", "submitted_at"),
        Index("ix_attempts_quiz_user", "quiz_id", "user_id"),
        Index("uq_attempts_open", "user_id", "quiz_id", "series", unique=True,
              sqlite_where=text("submitted_at IS NULL"),
              postgresql_where=text("submitted_at IS NULL")),
        # a practice answered offline is recorded once, however often the phone sends it
        Index("uq_attempts_client", "user_id", "client_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    context: Mapped[str] = mapped_column(String(12), default="quiz")
    round_id: Mapped[int | None] = mapped_column(index=True)  # a competition round
    series: Mapped[str] = mapped_column(String(40), default="quiz")
    attempt_no: Mapped[int] = mapped_column(default=1)
    label: Mapped[str] = mapped_column(String(160), default="")
    questions: Mapped[list] = mapped_column(JSON, default=list)
    review: Mapped[str] = mapped_column(String(14), default="after_submit")
    pass_percent: Mapped[int] = mapped_column(default=60)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    timed_out: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None]
    # When the graded answers entered the wrong-answer notebook: at grading, or for a quiz
    # reviewed after closing once it closed; never for a review that stays hidden.
    noted_at: Mapped[datetime | None]
    # (server defaults only: the migration tests insert rows of older revisions with this
    # model) Practice only: the key and explanation right after each question (practice.check).
    instant: Mapped[bool] = mapped_column(server_default=false())
    # Question ids the taker marked "review later" (the navigator); no effect on grading.
    flagged: Mapped[list] = mapped_column(JSON, server_default="[]")
    # Offline practice only: the id the phone gave it (quizzes/offline.py), None otherwise.
    client_id: Mapped[str | None] = mapped_column(String(40))

    quiz: Mapped[Quiz | None] = relationship()
    user = relationship("User")


class AttemptAnswer(db.Model):
    """The saved answer to one question of an attempt (canonical form, see grading.py).
    ``seq`` orders saves: a save with a lower or equal seq never overwrites this one."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    answer: Mapped[object | None] = mapped_column(JSON(none_as_null=True))
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    credit: Mapped[float | None] = mapped_column(Float)


class Mistake(db.Model):
    """A question in a worker's wrong-answer notebook (错题本) while ``cleared_at`` is
    empty. Each entry is a spaced-repetition card (FSRS, ``card`` as the fsrs library's
    dict) due again at ``due``; it leaves once answered right on two spaced reviews
    (``reviews_right``; a review is spaced when answered on or after its due day)."""

    __tablename__ = "mistakes"
    __table_args__ = (UniqueConstraint("user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    wrong_count: Mapped[int] = mapped_column(default=1)
    right_streak: Mapped[int] = mapped_column(default=0)
    last_wrong_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_at: Mapped[datetime | None]
    card: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    due: Mapped[datetime | None] = mapped_column(index=True)
    reviews_right: Mapped[int] = mapped_column(default=0, server_default="0")
    # the last wrong answer, with option keys as the question lists them (not as shuffled)
    last_answer: Mapped[object | None] = mapped_column(JSON)

    question: Mapped[Question] = relationship(lazy="joined")


class PracticeDay(db.Model):
    """A local calendar day on which the worker answered practice questions (streaks and
    the yearly count of practice days)."""

    __tablename__ = "practice_days"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)


class ImportDraft(db.Model):
    """A parsed upload kept between the preview and the confirmation (never in the
    cookie): the questions as JSON and the problems found, keyed by a random token."""

    __tablename__ = "question_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    bank_name: Mapped[str] = mapped_column(String(120))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    questions: Mapped[list] = mapped_column(JSON, default=list)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
