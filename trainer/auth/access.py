"""Access decorators for views: thin, so a view states who may call it in one line."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str):
    """Logged in, and one of ``roles`` (403 otherwise; the error handler logs it)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = roles_required("admin")
staff_required = roles_required("trainer", "organiser", "admin")
