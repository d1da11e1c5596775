"""Test oracles: plain restatements the engine's results are checked against."""

from trainer.simulation.engine import score_path


def mean_percent(s, choice_keys: list[str]) -> float | None:
    """The mean of a path's percents over the assessed competencies (None when the
    scenario assesses none): what a scenario round counts, and the chart's story."""
    shown = [v for v in score_path(s, choice_keys).values() if v is not None]
    return round(sum(shown) / len(shown), 1) if shown else None
