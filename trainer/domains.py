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
(``trainer/registry.py``). Layering, lowest first: core (models, org, auth, jobs), search,
quizzes, learning, simulation, plans, competitions, records, guide, privacy (erasure pages,
a person's own data, ``flask backup``). A domain imports lower
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

Registries (owner: key <- who registers):
- ``quizzes.policies.review_policies``: "competition" <- competitions (after the close).
- ``quizzes.policies.withheld_sources``: "competition-rounds" <- competitions (the quizzes
  of open rounds).
- ``quizzes.policies.course_scopes``: "learning" <- learning (module quizzes follow their
  course's visibility).
- ``quizzes.policies.graded_first``: page endpoints <- learning (catalogue, course) and
  records (the record), graded before they render.
- ``learning.policies.lesson_asides``: "guide" <- guide (the 「遇事找谁」 box under a lesson:
  the referral guide's situations that list it).
- ``simulation.policies.reveal_policies``: "competition" <- competitions.
- ``simulation.policies.choice_guards``: "competition-round-open" <- competitions.
- ``simulation.policies.debrief_asides``: "guide" <- guide (the box beside a finished run's
  debrief: the situations that list the scenario).
- ``simulation.policies.withheld_scenarios``: "competition-rounds" <- competitions (the
  scenarios of scenario rounds not yet closed: practice refuses them, 409).
- ``records.sections.sections``: "sessions" <- plans, "courses" <- records, "attempts" <-
  quizzes, "runs" <- simulation, "competitions" and "honours" <- competitions.
- ``search.sources.sources``: "courses" and "lessons" <- learning, "questions" (the
  explanations, never to a worker before their review) <- quizzes, "guide" <- guide; each
  source lists its documents, who may see them and their links.
- ``auth.erasers.erasers``: what each domain scrubs of an erased person (free text typed by
  them or naming them) and exports for ``/me/data``: "plans" (session feedback, plan
  comments, lecturer names, calendar feeds), "quizzes" (import drafts), "competitions"
  (appeals, audit details, certificate holders), "guide" (revision details, local
  contacts), "learning" (course history, lecturer names), "simulation" (runs: export only)
  <- each of those domains; "jobs" (job titles, reports, error lines) <- privacy. Used by
  trainer/auth/erasure.py.
- ``jobs.queue.tasks``: the kinds of background job, kind -> ``run(job, **params)``:
  "people-import" <- org (its wiring: a core domain with one, ``CORE_WIRING``),
  "questions-import" <- quizzes. ``jobs.queue.start(kind, ...)`` queues one (after the commit).
- ``jobs.queue.periodic``: tasks the consumer (``flask jobs work``) runs on a schedule:
  "grade-closed-rounds" <- competitions (every minute), "daily-backup" <- privacy (03:15:
  ``flask backup daily``, keeping the last BACKUP_KEEP).
- ``competitions.kinds.registry.KINDS``: the round kinds (quiz, scenario, judged), one
  module each under ``competitions/kinds/``.
"""

from importlib import import_module

CORE = ("main", "auth", "org", "jobs")
FEATURES = ("search", "learning", "quizzes", "simulation", "plans", "competitions", "records",
            "guide", "privacy")
# What each feature domain provides beyond views (in the order they are called).
PROVIDES = {
    "search": ("api", "cli", "wiring"),
    "learning": ("api", "cli", "wiring"),
    "quizzes": ("api", "cli", "demo", "wiring"),
    "simulation": ("api", "demo", "wiring"),
    "plans": ("api", "demo", "wiring"),
    "competitions": ("api", "cli", "demo", "wiring"),
    "records": ("api", "cli", "wiring"),
    "guide": ("wiring",),
    "privacy": ("cli", "wiring"),
}
# Core domains with a ``wiring`` too (kinds of background job they register).
CORE_WIRING = ("org",)
MODELS = ("org", "auth", "jobs", "learning", "quizzes", "simulation", "plans", "competitions",
          "guide", "search")


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
