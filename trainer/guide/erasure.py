"""What the referral guide erases of a person: mentions in its change history and in a
street's local contacts (a contact person's name and phone)."""

from trainer.auth.erasers import Erased, Eraser, replace_mentions
from trainer.guide.models import GuideRevision, LocalContact


def scrub(erased: Erased) -> None:
    replace_mentions(erased, GuideRevision.detail, LocalContact.name, LocalContact.phone,
                     LocalContact.note)


ERASER = Eraser(columns=("guide_revisions.detail、guide_contacts.name/phone/note: 提到本人之处",),
                scrub=scrub)
