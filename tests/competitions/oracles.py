"""Test oracles: plain restatements of what the standings must come to, used by the
property tests and the burst benchmark to check the stored standings."""

from trainer.competitions.standings.ranking import competition_ranks


def rank_all(keys: dict[int, int]) -> dict[int, int]:
    """Entrant id -> rank for every entrant, from entrant id -> rank key."""
    ordered = sorted(keys.items(), key=lambda item: (item[1], item[0]))
    ranks = competition_ranks([key for _id, key in ordered])
    return {entry_id: rank for (entry_id, _key), rank in zip(ordered, ranks, strict=True)}
