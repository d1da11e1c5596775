"""Home pages per role, the health check and the language switch."""

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from trainer.auth.views.account import safe_next
from trainer.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    return render_template(f"main/home_{current_user.role}.html")


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
