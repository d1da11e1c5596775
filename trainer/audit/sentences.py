"""The audit log read as sentences: a label per action (the filter's list) and a sentence
per action, e.g. 「张三 于 2026年12月6日 14:00 停用了账号 李四（lisi）」."""

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


def ACTIONS():  # noqa: N802 - a constant-like table, built lazily for translation
    """action code -> (label, sentence). A sentence may use %(actor)s, %(time)s,
    %(object)s and any key of the event's details."""
    return {
        "login_success": (_l("Login"), _l("%(actor)s logged in at %(time)s")),
        "login_failure": (_l("Failed login"),
                          _l("%(actor)s failed to log in at %(time)s (wrong username or "
                             "password)")),
        "login_throttled": (_l("Login throttled"),
                            _l("%(actor)s was refused a login at %(time)s after too many "
                               "attempts")),
        "login_refused": (_l("Login refused"),
                          _l("%(actor)s was refused a login at %(time)s (%(reason)s)")),
        "second_factor_failure": (_l("Wrong verification code"),
                                  _l("%(actor)s entered a wrong verification code at %(time)s")),
        "logout": (_l("Logout"), _l("%(actor)s logged out at %(time)s")),
        "password_change": (_l("Password changed"),
                            _l("%(actor)s changed their own password at %(time)s")),
        "password_reset": (_l("Password reset"),
                           _l("%(actor)s reset the password of %(object)s at %(time)s")),
        "user_created": (_l("Account created"),
                         _l("%(actor)s created the account %(object)s at %(time)s")),
        "role_change": (_l("Role or scope changed"),
                        _l("%(actor)s changed the role and scope of %(object)s at %(time)s")),
        "user_deactivated": (_l("Account deactivated"),
                             _l("%(actor)s deactivated the account %(object)s at %(time)s")),
        "user_activated": (_l("Account enabled"),
                           _l("%(actor)s enabled the account %(object)s at %(time)s")),
        "people_import_started": (_l("People import started"),
                                  _l("%(actor)s started a people import (job %(job)s) at "
                                     "%(time)s")),
        "people_imported": (_l("People imported"),
                            _l("%(actor)s imported %(count)s people at %(time)s")),
        "second_factor_enrolled": (_l("Two-step verification set up"),
                                   _l("%(actor)s set up two-step verification at %(time)s")),
        "second_factor_removed": (_l("Two-step verification turned off"),
                                  _l("%(actor)s turned off two-step verification at %(time)s")),
        "second_factor_reset": (_l("Two-step verification reset"),
                                _l("%(actor)s reset the two-step verification of %(object)s "
                                   "at %(time)s")),
        "recovery_code_used": (_l("Recovery code used"),
                               _l("%(actor)s logged in with a recovery code at %(time)s")),
        "recovery_codes_renewed": (_l("Recovery codes renewed"),
                                   _l("%(actor)s made new recovery codes at %(time)s")),
        "token_revoked": (_l("API token revoked"),
                          _l("%(actor)s revoked an API token at %(time)s")),
        "password_change_failure": (_l("Password change failed"),
                                    _l("%(actor)s failed to change their password at %(time)s "
                                       "(wrong current password)")),
        "job_result_taken": (_l("Job result downloaded"),
                             _l("%(actor)s downloaded the result of background job %(job)s at "
                                "%(time)s")),
        "personal_data_erased": (_l("Personal data erased"),
                                 _l("%(actor)s erased the personal data of an account (now "
                                    "%(pseudonym)s) at %(time)s")),
        "retention_set": (_l("Retention period set"),
                          _l("%(actor)s set the retention period of personal data in "
                             "%(district_name)s to %(days)s days at %(time)s")),
        "authorization_failure": (_l("Access refused"),
                                  _l("%(actor)s was refused access to %(object)s at %(time)s")),
        "csrf_failure": (_l("Expired or forged form"),
                         _l("%(actor)s sent an expired or invalid form to %(object)s at "
                            "%(time)s")),
        "unit_created": (_l("Unit created"),
                         _l("%(actor)s created the unit %(object)s at %(time)s")),
        "unit_renamed": (_l("Unit renamed"),
                         _l("%(actor)s renamed the unit %(before)s to %(object)s at %(time)s")),
        "unit_moved": (_l("Unit moved"), _l("%(actor)s moved the unit %(object)s at %(time)s")),
        "unit_deactivated": (_l("Unit deactivated"),
                             _l("%(actor)s deactivated the unit %(object)s at %(time)s")),
        "unit_activated": (_l("Unit enabled"),
                           _l("%(actor)s enabled the unit %(object)s at %(time)s")),
        "course_created": (_l("Course created"),
                           _l("%(actor)s created the course %(object)s at %(time)s")),
        "course_edited": (_l("Course edited"),
                          _l("%(actor)s edited the course %(object)s at %(time)s")),
        "course_published": (_l("Course published"),
                             _l("%(actor)s published the course %(object)s at %(time)s")),
        "course_withdrawn": (_l("Course withdrawn"),
                             _l("%(actor)s withdrew the course %(object)s to draft at "
                                "%(time)s")),
        "question_created": (_l("Question created"),
                             _l("%(actor)s added the question %(object)s at %(time)s")),
        "question_edited": (_l("Question edited"),
                            _l("%(actor)s edited the question %(object)s at %(time)s")),
        "question_retired": (_l("Question retired"),
                             _l("%(actor)s retired the question %(object)s at %(time)s")),
        "question_activated": (_l("Question active again"),
                               _l("%(actor)s made the question %(object)s active again at "
                                  "%(time)s")),
        "questions_imported": (_l("Questions imported"),
                               _l("%(actor)s imported %(added)s questions into the bank "
                                  "%(object)s at %(time)s")),
        "quiz_created": (_l("Quiz created"),
                         _l("%(actor)s created the quiz %(object)s at %(time)s")),
        "quiz_edited": (_l("Quiz edited"), _l("%(actor)s edited the quiz %(object)s at %(time)s")),
        "scenario_created": (_l("Scenario created"),
                             _l("%(actor)s created the scenario %(object)s at %(time)s")),
        "scenario_edited": (_l("Scenario edited"),
                            _l("%(actor)s saved a new version of the scenario %(object)s at "
                               "%(time)s")),
        "scenario_published": (_l("Scenario published"),
                               _l("%(actor)s published the scenario %(object)s at %(time)s")),
        "scenario_withdrawn": (_l("Scenario withdrawn"),
                               _l("%(actor)s withdrew the scenario %(object)s to draft at "
                                  "%(time)s")),
        "guide_entry_edited": (_l("Guide entry edited"),
                               _l("%(actor)s edited the guide entry %(object)s at %(time)s")),
        "contact_added": (_l("Local contact added"),
                          _l("%(actor)s added the local contact %(object)s at %(time)s")),
        "contact_edited": (_l("Local contact edited"),
                           _l("%(actor)s edited the local contact %(object)s at %(time)s")),
        "contact_deleted": (_l("Local contact deleted"),
                            _l("%(actor)s deleted the local contact %(object)s at %(time)s")),
        "plan_submitted": (_l("Plan submitted"),
                           _l("%(actor)s submitted the training plan %(object)s for approval "
                              "at %(time)s")),
        "plan_approved": (_l("Plan approved"),
                          _l("%(actor)s approved the training plan %(object)s at %(time)s")),
        "plan_returned": (_l("Plan returned"),
                          _l("%(actor)s returned the training plan %(object)s at %(time)s")),
        "attendance_changed": (_l("Attendance changed"),
                               _l("%(actor)s set the attendance of %(object)s at “%(session)s” "
                                  "to %(after)s at %(time)s")),
        "competition.create": (_l("Competition created"),
                               _l("%(actor)s created the competition %(object)s at %(time)s")),
        "competition.edit": (_l("Competition edited"),
                             _l("%(actor)s edited the competition %(object)s at %(time)s")),
        "competition.round.add": (_l("Competition round added"),
                                  _l("%(actor)s added round %(n)s to the competition %(object)s "
                                     "at %(time)s")),
        "competition.round.edit": (_l("Competition round edited"),
                                   _l("%(actor)s edited round %(n)s of the competition "
                                      "%(object)s at %(time)s")),
        "competition.open": (_l("Competition opened"),
                             _l("%(actor)s opened the competition %(object)s at %(time)s")),
        "competition.close": (_l("Competition closed"),
                              _l("%(actor)s closed the competition %(object)s at %(time)s")),
        "competition.publish": (_l("Competition results published"),
                                _l("%(actor)s published the results of the competition "
                                   "%(object)s at %(time)s")),
        "competition.score.change": (_l("Score changed"),
                                     _l("%(actor)s changed the score of entrant %(entrant)s in "
                                        "round %(round)s of %(object)s from %(before)s to "
                                        "%(after)s at %(time)s")),
        "competition.appeal.resolve": (_l("Appeal resolved"),
                                       _l("%(actor)s resolved an appeal in the competition "
                                          "%(object)s at %(time)s")),
    }


def action_label(code: str) -> str:
    found = ACTIONS().get(code)
    return str(found[0]) if found else code


class _Blanks(dict):
    def __missing__(self, key):
        return "—"


def actor_text(event) -> str:
    if event.actor_name and event.actor_username and event.actor_name != event.actor_username:
        return f"{event.actor_name}（{event.actor_username}）"
    return event.actor_name or event.actor_username or _("someone not signed in")


def when_text(moment) -> str:
    """2026年12月6日 14:00 (the house style; main's ``i18n.format_when`` when present)."""
    from flask_babel import get_locale

    from trainer import i18n

    shared = getattr(i18n, "format_when", None)
    if shared is not None:
        return shared(moment)
    locale = get_locale()
    english = locale is not None and locale.language == "en"
    return format_datetime(moment, "yyyy-MM-dd HH:mm" if english else "y年M月d日 HH:mm")


def _number(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def sentence(event) -> str:
    """The event as one sentence in the reader's language."""
    values = _Blanks()
    for key, value in (event.details or {}).items():
        if isinstance(value, dict):  # e.g. a score sheet: 沟通 8、方案 6
            value = "、".join(f"{k} {_number(v)}" for k, v in value.items())
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            values[key] = _number(value)
    values.update(actor=actor_text(event), time=when_text(event.at),
                  object=event.object_label or "—")
    if event.action == "attendance_changed":
        statuses = {"present": _("Present"), "absent": _("Absent"), "excused": _("Excused")}
        values["after"] = statuses.get(values["after"], values["after"])
    found = ACTIONS().get(event.action)
    if found is None:
        values["action"] = event.action
        return _("%(actor)s: %(action)s %(object)s at %(time)s") % values
    return str(found[1]) % values
