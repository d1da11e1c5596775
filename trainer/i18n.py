"""Locale choice: Simplified Chinese by default, English when the user picks it."""

from flask import Flask, current_app, request


def select_locale() -> str:
    chosen = request.cookies.get("lang") if request else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    from flask_babel import get_locale

    from trainer.domains import FEATURES
    from trainer.org.scope import LEVEL_LABELS, ROLE_LABELS, competency_label

    app.jinja_env.globals.update(
        get_locale=get_locale,
        feature_domains=FEATURES,
        role_label=lambda role: ROLE_LABELS().get(role, role),
        level_label=lambda level: LEVEL_LABELS().get(level, level),
        competency_label=competency_label,
    )
