"""URL converters: ids in paths are bounded to what the database columns can hold."""

from werkzeug.routing import IntegerConverter

# Primary keys are 32-bit INTEGER columns on PostgreSQL (SQLite takes 64 bits); an id in a
# URL beyond that can name nothing, so it is a 404, never a database overflow.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` that matches only 0..MAX_ID (a longer number is simply not a route)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
