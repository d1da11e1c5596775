"""Standings: the pure ranking rules (ranking.py), keeping each entry's stored standing
right (scoring.py), the per-point counters (tallies.py), the leaderboard read (board.py,
fastsql.py for the one-statement path) and its Redis copy (redisboard.py)."""
