"""A person's own data: what the site holds about them, as a page and a JSON download."""

import json
from datetime import UTC, datetime

from flask import Response, render_template
from flask_login import current_user, login_required

from trainer.auth.erasure import personal_data
from trainer.privacy.views.blueprint import bp


@bp.route("/me/data")
@login_required
def my_data():
    data = personal_data(current_user)
    return render_template("privacy/my_data.html", data=data,
                           text=json.dumps(data, ensure_ascii=False, indent=2))


@bp.route("/me/data.json")
@login_required
def my_data_json():
    data = {"exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **personal_data(current_user)}
    body = json.dumps(data, ensure_ascii=False, indent=2)
    name = f"my-data-{datetime.now(UTC):%Y%m%d}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
