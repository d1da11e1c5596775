"""The search endpoint of the API: the same query and rules as the results page."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from trainer.api.core import api_auth, bp
from trainer.errors import Invalid
from trainer.search.services import search
from trainer.search.text import MAX_QUERY


@bp.get("/search")
@api_auth()
def search_documents():
    page = max(request.args.get("page", 1, type=int), 1)
    found = search(current_user, request.args.get("q", ""), page)
    if found.too_long:
        raise Invalid(_("The search words are too long: use at most %(n)s characters.",
                        n=MAX_QUERY), field="q")
    items = [{"kind": hit.kind, "label": hit.label, "title": str(hit.title),
              "snippet": str(hit.snippet), "url": hit.url} for hit in found.hits]
    return {"query": found.query, "total": found.total, "page": found.page,
            "pages": found.pages, "items": items}
