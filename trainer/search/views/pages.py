"""The results page behind the navigation's search box (a GET form: works without JS)."""

from flask import render_template, request
from flask_login import current_user, login_required

from trainer.search.services import search
from trainer.search.text import MAX_QUERY
from trainer.search.views.blueprint import bp


@bp.route("/search")
@login_required
def results():
    page = request.args.get("page", 1, type=int)
    found = search(current_user, request.args.get("q", ""), page)
    return render_template("search/results.html", results=found, max_query=MAX_QUERY)
