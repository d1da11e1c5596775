"""How the notifications domain plugs into the others (called by the factory): the unread
count beside its link in the navigation (main.nav.badges) and the reminders every hour on
the job queue (jobs.periodic "send-reminders", the same as ``flask reminders send``)."""

from flask import Flask

from trainer.jobs.queue import Periodic, periodic
from trainer.main.nav import badges
from trainer.notifications.services import run_reminders, unread_count


def init_app(app: Flask) -> None:
    badges.register("notifications.index", unread_count)
    periodic.register("send-reminders", Periodic(run_reminders, minute="5"))
