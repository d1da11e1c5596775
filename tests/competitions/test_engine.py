"""The pure standings engine, item statistics and integrity signals (no Flask here)."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tests.competitions import oracles
from trainer.competitions import flags, itemstats
from trainer.competitions.standings import ranking
from trainer.competitions.standings.ranking import RoundOutcome, RoundSpec, Standing

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
ROUNDS = [RoundSpec(1, 60), RoundSpec(2, 20), RoundSpec(3, 20)]


def test_total_combines_rounds_by_weight_and_unplayed_rounds_count_zero():
    result = ranking.entrant_standing(ROUNDS, [RoundOutcome(1, 80.0, 600, T0),
                                                 RoundOutcome(2, 50.0, 120, T0)])
    assert result.total_centi == 5800 and result.seconds == 720


def test_total_rounds_half_up_to_two_decimals():
    rounds = [RoundSpec(1, 1), RoundSpec(2, 2)]
    # (1 * 0 + 2 * 100.005) / 3 = 66.67
    assert ranking.entrant_standing(rounds, [RoundOutcome(2, 100.0)]).total_centi == 6667
    assert ranking.centi(12.345) == 1235


def test_tie_broken_by_less_time_then_earlier_finish():
    fast = Standing(7000, 300, T0 + timedelta(minutes=30))
    slow = Standing(7000, 400, T0 + timedelta(minutes=10))
    late = Standing(7000, 300, T0 + timedelta(minutes=40))
    keys = {"fast": ranking.rank_key(fast, T0), "slow": ranking.rank_key(slow, T0),
            "late": ranking.rank_key(late, T0)}
    assert sorted(keys, key=keys.get) == ["fast", "late", "slow"]


def test_exact_ties_share_a_rank_and_the_next_skips():
    keys = {1: 10, 2: 20, 3: 20, 4: 30}
    assert oracles.rank_all(keys) == {1: 1, 2: 2, 3: 2, 4: 4}


def test_a_later_page_keeps_ranks_tied_across_the_break():
    # rows 9 and 10 tie at rank 9; the page starts at row 10 (offset 9)
    assert ranking.competition_ranks([5, 5, 6], offset=9, first_rank=9) == [9, 9, 12]


def test_nobody_who_finished_nothing_beats_someone_who_did():
    none = ranking.rank_key(Standing(0, 0, None), T0)
    some = ranking.rank_key(Standing(0, 0, T0 + timedelta(days=90)), T0)
    assert some < none


standing_strategy = st.builds(
    Standing, st.integers(0, 10000), st.integers(0, 10**6),
    st.one_of(st.none(), st.integers(0, 10**6).map(lambda s: T0 + timedelta(seconds=s))))


@given(st.lists(standing_strategy, min_size=1, max_size=30))
def test_rank_key_orders_exactly_as_the_rule_says(items):
    def rule(s: Standing):
        finish = (s.finished_at - T0).total_seconds() if s.finished_at else float("inf")
        return (-s.total_centi, s.seconds, finish)

    by_key = sorted(range(len(items)), key=lambda i: (ranking.rank_key(items[i], T0), i))
    by_rule = sorted(range(len(items)), key=lambda i: (rule(items[i]), i))
    assert by_key == by_rule
    for s in items:
        key = ranking.rank_key(s, T0)
        assert ranking.key_total_centi(key) == s.total_centi
        assert ranking.key_seconds(key) == s.seconds


def test_judged_round_drops_highest_and_lowest_with_five_judges():
    assert ranking.judged_percent([10, 2, 6, 7, 8], 10) == 70.0
    assert ranking.judged_percent([10, 2, 6, 7], 10) == 62.5
    assert ranking.judged_percent([], 10) is None


def test_scenario_percent_is_the_mean_over_assessed_competencies():
    scores = {"communication": 100.0, "mediation": 50.0, "coordination": 0.0,
              "public_opinion": None}
    assert ranking.scenario_percent(scores, "success") == 50.0
    assert ranking.scenario_percent({"communication": 80.0, "mediation": None},
                                      "failure") == 80.0
    assert ranking.scenario_percent({"mediation": None}, "partial") == 50.0
    assert ranking.scenario_percent({}, "success") == 100.0


def test_team_score_is_the_mean_of_the_best_k_with_missing_members_zero():
    rows = ranking.team_standings({"A": [9000, 8000, 1000], "B": [9000], "C": [6000, 3000]},
                                    k=2)
    assert [(r.team, r.score_centi, r.rank) for r in rows] == [("A", 8500, 1), ("B", 4500, 2),
                                                               ("C", 4500, 2)]


def test_honour_places_cover_top_n_or_top_percent():
    assert ranking.honour_places(40, 3, None) == 3
    assert ranking.honour_places(40, 3, 10) == 4
    assert ranking.honour_places(5, None, 10) == 0


def test_item_analysis_gives_percent_correct_and_discrimination():
    percents = {a: float(a * 10) for a in range(1, 11)}  # attempt 10 is the best
    credits = {1: {a: 1.0 if a > 5 else 0.0 for a in percents},  # separates well
               2: {a: 1.0 for a in percents}}  # everyone right: no discrimination
    stats = {s.question_id: s for s in itemstats.item_analysis(percents, credits)}
    assert stats[1].percent_correct == 50.0 and stats[1].discrimination == 1.0
    assert stats[2].percent_correct == 100.0 and stats[2].discrimination == 0.0
    assert [s.question_id for s in itemstats.most_missed(list(stats.values()))] == [1, 2]


def test_histogram_svg_has_no_inline_style():
    svg = itemstats.histogram_svg(itemstats.histogram([0, 55, 100, 99.9]), "t", "x", "y")
    assert "style" not in svg and svg.count('class="bar"') == 10
    assert itemstats.histogram([0, 55, 100, 99.9]) == [1, 0, 0, 0, 0, 1, 0, 0, 0, 2]


def test_integrity_signals():
    assert flags.too_fast(8, 5, 3.0) and not flags.too_fast(20, 5, 3.0)
    a = {i: "A" for i in range(10)}
    b = {**a, 9: "B"}
    assert flags.similarity(a, b) == (0.9, 10)
    pairs = flags.similar_pairs({"10.0.0.1": [(1, a), (2, b)], "10.0.0.2": [(3, a)]}, 1)
    assert [(f.kind, f.entrants) for f in pairs] == [("same_address", (1, 2))]
