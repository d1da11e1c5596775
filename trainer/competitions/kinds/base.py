"""What every round kind provides (CTFd's challenge classes are the model).

A kind parses the settings of its rounds (``parse_settings``), resolves what a round plays
(``target``), starts an entrant's play (``start``) and finds it again (``played``), says
when its review may show (``review_allowed``), and renders the play and review pages and
the API answer of what was played. Results reach the standings through the signals the
played attempt_or_run's domain sends (see each kind), or from judges' sheets.
"""

from flask_babel import gettext as _

from trainer.errors import NotFound


class RoundKind:
    name: str = ""
    label: str = ""
    # The round form's fields (trainer.competitions.forms.RoundForm) this kind reads: only
    # they are shown, validated and saved for a round of the kind.
    form_fields: tuple[str, ...] = ()

    def parse_settings(self, spec, item: dict, prefix: str) -> None:
        """Read this kind's fields of a round body into ``spec`` (Invalid naming the field)."""

    def target(self, actor, spec, street_id: int | None, prefix: str) -> tuple:
        """(quiz id, scenario id) the round plays, checked to be usable in the scope."""
        return None, None

    def check_startable(self) -> None:
        """Raise a DomainError when entrants never start a round of this kind."""

    def start(self, user, rnd):
        """Start the entrant's attempt or run (the round is open; nothing started yet)."""
        raise NotImplementedError

    def attach(self, result, attempt_or_run) -> None:
        """Keep the attempt or run just started on the entrant's round result."""
        raise NotImplementedError

    def played(self, result):
        """The attempt or run behind a round result, or None."""
        return None

    def review_allowed(self, attempt_or_run) -> bool:
        return False

    def play_page(self, comp, rnd, attempt_or_run, form):
        raise NotFound(_("You have not started this round."))

    def review_page(self, comp, rnd, attempt_or_run):
        raise NotFound(_("You have not started this round."))

    def api_state(self, attempt_or_run, fresh: bool = False) -> dict:
        """The attempt or run as the API shows it (``fresh``: created by this request)."""
        return {}

    def save_answers(self, attempt_or_run, form, submit: bool) -> dict:
        """Answers sent by the plain form (quiz rounds only)."""
        raise NotFound(_("You have not started this round."))

    def take_choice(self, attempt_or_run, key: str):
        """A choice in the entrant's run (scenario rounds only)."""
        raise NotFound(_("You have not started this round."))

    def integrity_flags(self, rnd, rows) -> list:
        """Integrity notes for human review from ``(RoundResult, entrant number)`` rows."""
        return []
