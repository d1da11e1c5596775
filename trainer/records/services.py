"""A worker's training record for a year, assembled from the sections the domains
register (``trainer.records.sections``). Keys no domain fills answer an empty list.
"""

from trainer.records.sections import sections

# Display order; a registered key not listed here follows these.
KEYS = ("sessions", "courses", "attempts", "runs", "competitions", "honours")


def _gather(user, year: int) -> dict[str, list[dict]]:
    return {key: fn(user, year) for key, fn in sections.items()}


def build_record(user, year: int) -> dict:
    """The record of ``user`` for ``year``: each section, hours per section and in total."""
    found = _gather(user, year)
    record: dict = {"year": year, "username": user.username, "name": user.name}
    hours: dict[str, float] = {}
    for key in [*KEYS, *(k for k in found if k not in KEYS)]:
        record[key] = found.get(key, [])
        credited = sum(float(item.get("hours") or 0) for item in record[key])
        if credited:
            hours[key] = round(credited, 2)
    record["hours"] = hours
    record["total_hours"] = round(sum(hours.values()), 2)
    return record
