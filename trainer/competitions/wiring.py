"""How the competitions domain plugs into quizzes and simulation (called by the factory):

- a competition attempt's review, and a competition run's feedback, show only once the
  round has closed (quizzes.review_policies, simulation.reveal_policies);
- the questions of an open quiz round are withheld from everyone's practice
  (quizzes.withheld_sources);
- the scenarios of open scenario rounds are withheld from everyone's practice
  (simulation.withheld_scenarios);
- a choice in a competition run is refused once the round closed or its time ran out
  (simulation.choice_guards);
- grading a competition attempt, or finishing a competition run, updates the standings
  (signals attempt_graded, run_finished);
- a renamed course's slug is rewritten in the eligibility rules (signal course_renamed);
- the record gets the competitions and honours sections (records.sections);
- /metrics gets the active rounds and their entrants (monitoring.collectors);
- every minute the job consumer grades the attempts of rounds that closed
  (jobs.periodic "grade-closed-rounds"; no external cron any more);
- entrants are reminded of a round opening and of published results
  (notifications.producers).
"""

from flask import Flask

from trainer import signals
from trainer.auth.erasers import erasers
from trainer.competitions import eligibility, erasure, gauges, record, reminders
from trainer.competitions.kinds import quiz as quiz_kind
from trainer.competitions.kinds import scenario as scenario_kind
from trainer.competitions.services import grade_closed_rounds
from trainer.competitions.standings import scoring
from trainer.jobs.queue import Periodic, periodic
from trainer.monitoring.metrics import collectors
from trainer.notifications.producers import producers
from trainer.quizzes.policies import review_policies, withheld_sources
from trainer.records.sections import bulk, sections
from trainer.simulation.policies import choice_guards, reveal_policies, withheld_scenarios


def _review_after_close(attempt) -> bool:
    return scoring.round_is_closed(attempt.round_id)


def _reveal_after_close(run) -> bool:
    return scoring.round_is_closed(run.round_id)


def init_app(app: Flask) -> None:
    erasers.register("competitions", erasure.ERASER)
    review_policies.register("competition", _review_after_close)
    reveal_policies.register("competition", _reveal_after_close)
    withheld_sources.register("competition-rounds", quiz_kind.withheld_question_ids)
    withheld_scenarios.register("competition-rounds", scenario_kind.withheld_scenario_ids)
    choice_guards.register("competition-round-open", scenario_kind.guard_choice)
    signals.attempt_graded.connect(quiz_kind.on_attempt_graded)
    signals.run_finished.connect(scenario_kind.on_run_finished)
    signals.course_renamed.connect(eligibility.on_course_renamed)
    sections.register("competitions", record.competitions_section)
    sections.register("honours", record.honours_section)
    bulk.register("competitions", record.competitions_for)
    bulk.register("honours", record.honours_for)
    periodic.register("grade-closed-rounds", Periodic(grade_closed_rounds, minute="*"))
    producers.register("competitions", reminders.produce)
    collectors.register("competitions", gauges.collect)
