"""The problem messages of the import parsers (gift/ and sheets/), translated.

In an app context (a request, or a ``flask`` command such as ``flask questions import``)
they follow the current locale, as flask_babel's gettext does. The parsers are plain
functions that also run outside any app context; there flask_babel would give the English
msgid, so the default locale's catalog is used instead and the trainer still reads them in
Chinese.
"""

from __future__ import annotations

from functools import cache

from babel import Locale
from babel.support import NullTranslations, Translations
from flask import has_app_context
from flask_babel import gettext

from config import Config

__all__ = ["message"]


@cache
def _default_catalog() -> NullTranslations:
    return Translations.load(Config.BABEL_TRANSLATION_DIRECTORIES,
                             [Locale.parse(Config.BABEL_DEFAULT_LOCALE)])


def message(msgid: str, **variables: object) -> str:
    """gettext(msgid, **variables), in the default locale when there is no app context."""
    if has_app_context():
        return gettext(msgid, **variables)
    text = _default_catalog().gettext(msgid)
    return text % variables if variables else text
