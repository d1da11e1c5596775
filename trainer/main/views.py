"""Home pages per role, the health check and the language switch."""

from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.auth.views.account import safe_next
from trainer.extensions import db
from trainer.main.home_blocks import render_blocks

bp = Blueprint("main", __name__)
THEME = "#a8231a"  # the brand red of site.css


@bp.route("/")
@login_required
def home():
    return render_template(f"main/home_{current_user.role}.html",
                           blocks=render_blocks(current_user))


STATIC = Path(__file__).resolve().parents[1] / "static"


@bp.route("/manifest.webmanifest")
def manifest():
    """The installable web app's manifest (name, icons, theme colour)."""
    def icon(name: str, size: int, purpose: str = "any") -> dict:
        return {"src": url_for("static", filename=f"icons/{name}"),
                "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}

    body = {"name": _("Grid Trainer"), "short_name": _("Grid Trainer"),
            "description": _("Grid Trainer: training, practice and competitions for community "
                             "grid workers."),
            "lang": "zh-CN", "start_url": url_for("main.home"), "scope": "/",
            "display": "standalone", "background_color": "#faf8f6", "theme_color": THEME,
            "icons": [icon("icon-192.png", 192), icon("icon-512.png", 512),
                      icon("maskable-512.png", 512, "maskable")]}
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
def service_worker():
    """The service worker, from the site's root so that its scope is the whole site. It
    caches only what a worker keeps for offline reading (and the offline practice queue);
    it is always revalidated so an update reaches phones at once."""
    response = send_file(STATIC / "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


HEALTH_PROBE = "SELECT 1"


@bp.route("/healthz")
def healthz():
    # Straight from the pool, outside the ORM session: no transaction to begin and end
    # for one SELECT (the pool still pings a server database on checkout).
    try:
        conn = db.engine.raw_connection()
        try:
            cursor = conn.cursor()
            cursor.execute(HEALTH_PROBE)
            cursor.fetchall()
            cursor.close()
        finally:
            conn.close()
    except (sa.exc.SQLAlchemyError, db.engine.dialect.loaded_dbapi.Error):
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@bp.route("/lang/<code>")
def set_language(code: str):
    target = safe_next(request.args.get("next")) or url_for("main.home")
    response = redirect(target)
    if code in ("zh_CN", "en"):
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response
