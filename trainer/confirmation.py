"""Confirmation of an action that is hard to undo (deactivating an account, retiring
content, closing rounds early, deleting a session): the form carries a required checkbox
``confirm`` saying what will happen; without it the view changes nothing. Works without
JavaScript (the browser's ``required`` and this server-side check)."""

from flask import flash, request


def confirmed() -> bool:
    """Whether the request's form ticked the ``confirm`` box."""
    return request.form.get("confirm", "") in ("y", "on", "1", "true")


def refused(message: str) -> None:
    """Say why nothing happened (the caller redirects back)."""
    flash(message, "error")
