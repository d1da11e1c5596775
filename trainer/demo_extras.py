"""Demo data of the feature domains, added by `flask demo seed` after the organisation."""

from trainer.domains import feature_modules


def seed_all(users) -> None:
    """Call each feature domain's ``demo.seed(users)`` in domain order."""
    for module in feature_modules("demo"):
        module.seed(users)
