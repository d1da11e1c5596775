"""Helpers shared by the competition route modules."""

from flask import request

MAX_PAGE = 100_000


def page_arg() -> int:
    """The ``page`` query argument, clamped to 1..MAX_PAGE (a page past the end is empty)."""
    return max(1, min(request.args.get("page", 1, type=int), MAX_PAGE))
