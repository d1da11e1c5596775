"""The table of contents of the domains, and how they reach each other.

Each domain is a subpackage of ``trainer`` (its ``__init__`` imports nothing). What each
one provides is listed here explicitly, never discovered by file name:

- ``views`` (the blueprint ``bp``: a ``views/`` package whose ``blueprint.py`` defines
  ``bp`` for its route modules and whose ``__init__`` imports them), ``api`` (routes on the shared
  /api/v1 blueprint), ``cli`` (a click group ``cli``), ``demo`` (``seed(users)`` for
  ``flask demo seed``), ``openapi.yaml`` (its API paths), ``models`` and
  ``templates/<domain>/_home_<role>.html`` (home tiles);
- ``wiring`` (``init_app(app)``): how the domain plugs into the others. Only the
  application factory calls it; nothing connects or registers at import time.

Domains announce what happened through named signals (``trainer/signals.py``) and answer
other domains' questions through registries owned by the asking domain
(``trainer/registry.py``). Layering, lowest first: core (models, org, auth, jobs),
notifications (a table and ``notify``: the others call it), search, quizzes, learning,
simulation, plans, competitions, assignments, records, guide, privacy (erasure pages, a
person's own data, ``flask backup``). A domain imports lower
ones at module level and never a higher one; a lower domain learns about a higher one only
through a signal or a registry (a test walks the imports and fails on a cycle).

Signals (sender, who listens):
- ``attempt_graded`` (quizzes.services when an attempt is graded) -> learning.wiring
  (a passed module quiz completes its course), competitions.scoring (standings).
- ``run_finished`` (simulation.services when a run ends) -> competitions.scoring.
- ``content_changed`` (learning.authoring and learning.loader for courses and lessons,
  quizzes.bank and quizzes.modules for questions, guide.services for guide entries; sender:
  the search source's name, ``ids``)
  -> search.wiring (the index refreshes those documents before the session commits).
- ``course_renamed`` (learning.authoring when an editor changes a course's slug; sender: the
  course, ``old``, ``new``) -> competitions.wiring (eligibility rules), plans.wiring
  (session materials), guide.wiring (lesson links) rewrite what names the old slug.

Core also holds ``audit`` (the audit log: ``audit.events.record`` is called by every
domain that changes something worth auditing, in the change's own transaction) and
``monitoring`` (``/metrics`` for Prometheus and the JSON log lines).

Registries (owner: key <- who registers):
- ``main.home_blocks.home_blocks``: the home page's blocks above the menu, each
  ``HomeBlock(order, render(user) -> Markup | None)``: "continue-course" (10) <- learning,
  "continue-attempt" (11) <- quizzes, "continue-run" (12) <- simulation, "sessions" (20)
  <- plans, "assignments" (30) <- assignments, "practice" (40: today's practice, the
  streak and the notebook's reviews due) <- quizzes.
- ``quizzes.policies.review_policies``: "competition" <- competitions (after the close).
- ``quizzes.policies.withheld_sources``: "competition-rounds" <- competitions (the quizzes
  of open rounds).
- ``quizzes.policies.course_scopes``: "learning" <- learning (module quizzes follow their
  course's visibility).
- ``quizzes.policies.competency_sources``: "scenario-runs" <- simulation (the five
  competency scores of the worker's recent practice runs, weighed with the quiz answers
  in practice's weak competencies, so the daily draw follows them).
- ``quizzes.policies.graded_first``: page endpoints <- learning (catalogue, course) and
  records (the record), assignments (my required training), graded before they render.
- ``learning.policies.lesson_asides``: "guide" <- guide (the 「遇事找谁」 box under a lesson:
  the referral guide's situations that list it).
- ``simulation.policies.reveal_policies``: "competition" <- competitions.
- ``simulation.policies.choice_guards``: "competition-round-open" <- competitions.
- ``simulation.policies.debrief_asides``: "guide" <- guide (the box beside a finished run's
  debrief: the situations that list the scenario).
- ``simulation.policies.withheld_scenarios``: "competition-rounds" <- competitions (the
  scenarios of scenario rounds not yet closed: practice refuses them, 409).
- ``records.sections.sections``: "sessions" <- plans, "courses" <- records, "attempts" and
  "practice" (one item per day with practice answers) <- quizzes, "runs" <- simulation,
  "competitions" and "honours" <- competitions, "assignments" <- assignments (required
  training due that year, done or overdue).
- ``records.sections.bulk``: the same sections for many workers at once (user ids or a
  select of them -> {user id: items}, one statement each), registered by the same
  domains; dashboards and exports read them (the one-worker section is the bulk one for
  one id). A "practice" section (practice days) is read when a domain registers it.
- ``records.sections.assessment_inputs``: "assignments" (done and total per worker, for
  the annual rating) <- assignments.
- ``notifications.producers.producers``: the reminders, ``(now) -> count`` run by
  ``notifications.services.run_reminders`` (``flask reminders send``, and the job queue's
  periodic "send-reminders"):
  "assignments" (due in three days, overdue) <- assignments, "sessions" (a session
  tomorrow) <- plans, "competitions" (a round opening, results published) <- competitions.
- ``main.nav.badges`` (``nav_badges``): "notifications.index" <- notifications (the unread
  count beside the link).
- ``search.sources.sources``: "courses" and "lessons" <- learning, "questions" (the
  explanations, never to a worker before their review) <- quizzes, "guide" <- guide; each
  source lists its documents, who may see them and their links.
- ``auth.erasers.erasers``: what each domain scrubs of an erased person (free text typed by
  them or naming them) and exports for ``/me/data``: "plans" (session feedback, plan
  comments, lecturer names, calendar feeds), "quizzes" (import drafts), "competitions"
  (appeals, audit details, certificate holders), "guide" (revision details, local
  contacts), "learning" (course history, lecturer names), "simulation" (runs: export only)
  <- each of those domains; "jobs" (job titles, reports, error lines) <- privacy; "audit"
  (the names, address and personal details of events by or about the person) <- audit. Used by
  trainer/auth/erasure.py.
- ``jobs.queue.tasks``: the kinds of background job, kind -> ``run(job, **params)``:
  "people-import" <- org (its wiring: a core domain with one, ``CORE_WIRING``),
  "questions-import" <- quizzes, "records-export" <- records (a district's annual
  export), "xapi-send" <- records. ``jobs.queue.start(kind, ...)`` queues one (after the
  commit).
- ``jobs.queue.periodic``: tasks the consumer (``flask jobs work``) runs on a schedule:
  "grade-closed-rounds" <- competitions (every minute), "send-reminders" <- notifications
  (every hour at :05: ``notifications.services.run_reminders``, as ``flask reminders
  send``), "xapi-send" <- records (every 15 minutes, when an LRS is configured),
  "daily-backup" <- privacy (03:15: ``flask backup daily``, keeping the last BACKUP_KEEP).
- ``monitoring.metrics.collectors``: scrape-time metric families for /metrics, by name:
  "competitions" (active rounds and entrants) <- competitions, "jobs" (queued, running,
  failed within the hour, read from the ``jobs`` table) <- monitoring (its wiring).
- ``competitions.kinds.registry.KINDS``: the round kinds (quiz, scenario, judged), one
  module each under ``competitions/kinds/``.
"""

from importlib import import_module

CORE = ("main", "auth", "org", "jobs", "audit", "monitoring")
FEATURES = ("notifications", "search", "learning", "quizzes", "simulation", "plans",
            "competitions", "assignments", "records", "guide", "privacy")
# What each feature domain provides beyond views (in the order they are called).
PROVIDES = {
    "notifications": ("cli", "wiring"),
    "search": ("api", "cli", "wiring"),
    "learning": ("api", "cli", "wiring"),
    "quizzes": ("api", "cli", "demo", "wiring"),
    "simulation": ("api", "demo", "wiring"),
    "plans": ("api", "demo", "wiring"),
    "competitions": ("api", "cli", "demo", "wiring"),
    "assignments": ("api", "demo", "wiring"),
    "records": ("api", "cli", "wiring"),
    "guide": ("wiring",),
    "privacy": ("cli", "wiring"),
}
# Core domains with a ``wiring`` too (kinds of background job, metric collectors).
CORE_WIRING = ("org", "audit", "monitoring")
MODELS = ("org", "auth", "jobs", "audit", "learning", "quizzes", "simulation", "plans",
          "competitions", "records", "guide", "search", "assignments", "notifications")


def feature_modules(kind: str) -> list:
    """The ``kind`` module (e.g. "api", "demo") of every feature domain that provides one."""
    return [import_module(f"trainer.{d}.{kind}") for d in FEATURES if kind in PROVIDES[d]]


def blueprints() -> list:
    from trainer.api.routes import bp as api_bp

    views = [import_module(f"trainer.{d}.views").bp for d in (*CORE, *FEATURES)]
    return [*views, api_bp]


def cli_groups() -> list:
    return [m.cli for m in feature_modules("cli")]


def initialisers() -> list:
    """Each domain's ``wiring.init_app``, for the application factory to call."""
    core = [import_module(f"trainer.{d}.wiring") for d in CORE_WIRING]
    return [m.init_app for m in (*core, *feature_modules("wiring"))]


def import_models() -> None:
    """Import every domain's models so metadata (create_all, Alembic) knows all tables."""
    for domain in MODELS:
        import_module(f"trainer.{domain}.models")
