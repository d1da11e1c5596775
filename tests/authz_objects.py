"""Objects the authorization matrix needs ids of.

Each feature domain may define ``build(app, users) -> dict`` in tests/<domain>/authz.py;
the dicts are merged into the context the path builders receive.
"""

from importlib import import_module
from importlib.util import find_spec

from trainer.domains import FEATURES


def build(app, users) -> dict:
    ctx: dict = {}
    for domain in ("jobs", *FEATURES):  # jobs: core, with its own block
        if find_spec(f"tests.{domain}") and find_spec(f"tests.{domain}.authz"):
            module = import_module(f"tests.{domain}.authz")
            if hasattr(module, "build"):
                ctx.update(module.build(app, {**users, **ctx}))
    return ctx
