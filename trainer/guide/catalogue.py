"""The fixed lists a guide entry draws on: national hotlines and kinds of local contact."""

from flask_babel import lazy_gettext as _l


def HOTLINES():  # noqa: N802 - a constant-like table, built lazily for translation
    """The national hotlines an entry may name (the project's allowed list), in order."""
    return {
        "110": _l("Police"),
        "119": _l("Fire and rescue"),
        "120": _l("Medical emergency"),
        "12345": _l("Government service hotline"),
        "12315": _l("Market regulation complaints"),
        "12348": _l("Public legal services"),
        "12333": _l("Human resources and social security"),
        "12356": _l("Psychological assistance hotline"),
        "96110": _l("Anti-fraud warning and dissuasion"),
        "96119": _l("Fire hazard reports"),
        "12369": _l("Environmental reports"),
        "12320": _l("Health hotline"),
        "12358": _l("Price reports"),
    }


def CONTACT_KINDS():  # noqa: N802
    """Kinds of a street's local contact, which entries name in ``contacts``."""
    return {
        "police-station": _l("Police station"),
        "judicial-office": _l("Judicial office"),
        "street-office": _l("Street office"),
        "community": _l("Residents' committee"),
        "property": _l("Property management"),
        "health-centre": _l("Community health centre"),
        "fire-station": _l("Fire station"),
        "gas": _l("Gas repair"),
        "power": _l("Power repair"),
        "water": _l("Water repair"),
        "other": _l("Other"),
    }


def hotline_label(code: str) -> str:
    return str(HOTLINES().get(code, ""))


def contact_kind_label(code: str) -> str:
    return str(CONTACT_KINDS().get(code, code))
