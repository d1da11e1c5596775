"""The table of contents of the feature domains.

Each domain is a subpackage of ``trainer`` that may provide, by convention:
``views`` (a blueprint ``bp``: ``views.py``, or a ``views/`` package whose ``blueprint.py``
defines ``bp`` for its route modules and whose ``__init__`` imports them and re-exports ``bp``),
``api.py`` (routes on the shared /api/v1 blueprint), ``cli.py`` (a click group ``cli``),
``demo.py`` (``seed(users)`` for `flask demo seed`), ``openapi.yaml`` (its API paths) and
``templates/<domain>/_home_<role>.html`` (home tiles).
"""

from importlib import import_module
from importlib.util import find_spec

CORE = ("main", "auth", "org")
FEATURES = ("learning", "quizzes", "simulation", "plans", "competitions", "records")


def _optional(module: str):
    name = f"trainer.{module}"
    return import_module(name) if find_spec(name) is not None else None


def feature_modules(kind: str) -> list:
    """The ``kind`` module (e.g. "api", "demo") of every feature domain that has one."""
    found = []
    for domain in FEATURES:
        if find_spec(f"trainer.{domain}") is not None:
            module = _optional(f"{domain}.{kind}")
            if module is not None:
                found.append(module)
    return found


def blueprints() -> list:
    from trainer.api.routes import bp as api_bp

    core = [import_module(f"trainer.{d}.views").bp for d in CORE]
    return [*core, *(m.bp for m in feature_modules("views")), api_bp]


def cli_groups() -> list:
    return [m.cli for m in feature_modules("cli")]


def import_models() -> None:
    """Import every domain's models so metadata (create_all, Alembic) knows all tables."""
    for domain in ("org", "auth"):
        import_module(f"trainer.{domain}.models")
    feature_modules("models")
    _optional("competitions.records_models")  # the rest of the competitions tables
