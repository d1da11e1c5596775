"""How the competitions domain plugs into quizzes and simulation (installed once, when
the blueprint is imported):

- a competition attempt's review, and a competition run's feedback, show only once the
  round has closed;
- grading a competition attempt, or finishing a competition run, updates the standings;
- a choice in a competition run is refused once the round closed or its time ran out.
"""

from trainer.competitions import rounds, scoring


def _review_after_close(attempt) -> bool:
    return scoring.round_is_closed(attempt.round_id)


def _reveal_after_close(run) -> bool:
    return scoring.round_is_closed(run.round_id)


def install() -> None:
    from trainer.quizzes import services as quizzes
    from trainer.simulation import services as simulation

    quizzes.REVIEW_HOOKS["competition"] = _review_after_close
    graded = getattr(quizzes, "GRADED_HOOKS", None)
    if graded is not None and scoring.on_attempt_graded not in graded:
        graded.append(scoring.on_attempt_graded)
    simulation.register_reveal_rule(_reveal_after_close)
    if hasattr(simulation, "register_run_hooks"):
        simulation.register_run_hooks(rounds.guard_choice, scoring.on_run_finished)
