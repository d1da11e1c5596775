"""Standings pages (individual, team and per-street tables), the projector view, and
certificates: the printable one and the public verification page."""

import sqlalchemy as sa
from flask import abort, after_this_request, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from trainer.auth.access import staff_required
from trainer.competitions import pages, publishing
from trainer.competitions.projector import POLL_SECONDS, REFRESH_SECONDS, projector_state
from trainer.competitions.queries import can_manage, get_competition
from trainer.competitions.standings import board
from trainer.competitions.views.blueprint import bp
from trainer.competitions.views.common import page_arg
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.naming import distinguish
from trainer.org.scope import street_by_code
from trainer.qr import qr_svg  # every QR code of the site is made there

PER_PAGE = 50
LIVE_SECONDS = 20  # how often the standings page's script refreshes the table


def _street(code: str | None):
    if not code:
        return None

    street = street_by_code(code)
    if street is None:
        abort(404)
    return street


def _standings_context(comp_id: int) -> dict:
    comp = get_competition(current_user, comp_id)
    tab = request.args.get("tab", "individual")
    page = page_arg()
    street = _street(request.args.get("street")) if comp.street_id is None else None
    if street is not None and street.district_id != comp.district_id:
        abort(404)  # another district's street: as unknown as a made-up code
    args = {k: v for k, v in request.args.items() if k in ("tab", "street")}
    context = {"comp": comp, "tab": tab, "page": page, "street": street,
               "manage": can_manage(current_user, comp), "refresh": LIVE_SECONDS,
               "page_args": {"comp_id": comp.id, **args},
               "live_url": url_for(".standings_live", comp_id=comp.id, page=page, **args)}
    if tab == "team":
        context["teams"] = board.team_table(comp, current_user)
    else:
        context["board"] = board.leaderboard(comp, current_user, limit=PER_PAGE,
                                             offset=(page - 1) * PER_PAGE,
                                             street_id=street.id if street else None)
        if street is None and page == 1:
            context["street_boards"] = [
                (s, board.leaderboard(comp, current_user, limit=5, street_id=s.id))
                for s in pages.streets_of(comp)]
        rows = [r for b in [context["board"]] + [b for _s, b in context.get("street_boards", [])]
                for r in b.rows]
        context["tags"] = distinguish((r.user_id, r.name, r.community) for r in rows)
    return context


@bp.route("/competitions/<int:comp_id>/standings")
@login_required
def standings(comp_id: int):
    return render_template("competitions/standings.html", **_standings_context(comp_id))


@bp.route("/competitions/<int:comp_id>/standings/live")
@login_required
def standings_live(comp_id: int):
    """The refreshing part of the standings page as an HTML fragment (for its script:
    cookie-authenticated, the same table and the same rules as the page)."""
    html = render_template("competitions/_standings_live.html", **_standings_context(comp_id))
    return html, 200, {"Cache-Control": "no-store"}


@bp.route("/competitions/<int:comp_id>/projector")
@staff_required
def projector(comp_id: int):
    """The venue screen: a page of its own (no site navigation, no log-out link), complete
    without scripts (a meta refresh), updated in place by its script from the JSON below."""
    comp = get_competition(current_user, comp_id)
    return render_template("competitions/projector.html", comp=comp,
                           state=projector_state(comp, current_user),
                           refresh=REFRESH_SECONDS, poll=POLL_SECONDS)


@bp.route("/competitions/<int:comp_id>/projector.json")
@staff_required
def projector_json(comp_id: int):
    comp = get_competition(current_user, comp_id)
    return projector_state(comp, current_user), 200, {"Cache-Control": "no-store"}


def _qr_svg(url: str) -> Markup:
    return Markup(qr_svg(url, scale=4, svgclass="qr", lineclass="qr-line", omitsize=False))


@bp.route("/certificates/<code>")
def verify(code: str):
    # no-store, for the page and its 404 alike: whoever scans a certificate's QR code must
    # see what holds now. A certificate can be revoked or erased after it was shown, and a
    # copy kept by a shared cache (or the browser) would go on vouching for it; nor may a
    # 404 from before it was issued hide it later. The page is small and rarely asked for,
    # so caching gains nothing worth that ("private, max-age=0" would still let the browser
    # keep a copy to show on Back).
    @after_this_request
    def never_cache(response):
        response.headers["Cache-Control"] = "no-store"
        return response

    cert = publishing.certificate_by_code(code)
    if cert is None:
        abort(404)
    return render_template("competitions/verify.html", cert=cert)


@bp.route("/certificates/<code>/print")
@login_required
def certificate(code: str):
    cert = publishing.certificate_by_code(code)
    if cert is None:
        abort(404)
    honour = cert.honour
    comp = get_competition(current_user, honour.competition_id)
    if honour.user_id != current_user.id and not can_manage(current_user, comp):
        abort(404)
    verify_url = url_for(".verify", code=cert.code, _external=True)
    return render_template("competitions/certificate.html", cert=cert, comp=comp,
                           qr=_qr_svg(verify_url), verify_url=verify_url,
                           issuer=_issuer(comp))


def _issuer(comp) -> str:
    """The unit that awards the honour: the contest's street, else its district."""

    if comp.street is not None:
        return comp.street.name
    return db.session.scalar(sa.select(Unit.name).where(Unit.id == comp.district_id)) or ""
