"""Languages: catalogues (gettext .po files under locales/, read at start), which one a visit gets, and
dates and times in the participant's own zone and locale (Babel).

Which language: the person's saved preference (what they chose in the switcher while signed in, kept
by the app across sessions, else the IdP's ``locale`` claim), else the switcher's choice before
signing in (a cookie), else the browser's ``Accept-Language``, else English. Adding a language is adding a catalogue: ``locales/<code>/LC_MESSAGES/messages.po``."""

import re
from contextvars import ContextVar
from datetime import datetime, tzinfo
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT = "en"
PSEUDO = "en-XA"  # the pseudo-locale: every catalogued string marked, so a string left untranslated shows


def _load(code: str) -> NullTranslations:
    """The .po read and compiled in memory (no .mo build step to forget)."""
    path = LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return NullTranslations()
    with path.open("rb") as file:
        catalog = read_po(file, locale=code)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


class Pseudo(NullTranslations):
    """Wraps every catalogued string in brackets and accents it: [Ŝîĝñ îñ]. Untranslated text stays plain."""

    _MAP = str.maketrans("aeiouAEIOUcnsy", "âéîöûÂÉÎÖÛçñšý")

    def gettext(self, message: str) -> str:
        return "⟦" + _accent(message, self._MAP) + "⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


# %(name)s, %(num)d, %(share).1f, %s, %% and {name}: what gettext's callers fill in, kept as they are
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]|\{[^{}]*\}")


def _accent(message: str, table: dict[int, str]) -> str:
    out, at = [], 0
    for placeholder in _PLACEHOLDER.finditer(message):
        out += [message[at : placeholder.start()].translate(table), placeholder.group()]
        at = placeholder.end()
    out.append(message[at:].translate(table))
    return "".join(out)


class Catalogues:
    def __init__(self, pseudo: bool = False) -> None:
        """``pseudo``: also serve the pseudo-locale (tests: MESH_WEB_PSEUDO_LOCALE), never offered in the switcher."""
        self.languages = sorted(
            [
                DEFAULT,
                *[
                    path.name
                    for path in LOCALES_DIR.iterdir()
                    if (path / "LC_MESSAGES" / "messages.po").is_file() and path.name != DEFAULT
                ],
            ]
        )
        self._translations: dict[str, NullTranslations] = {code: _load(code) for code in self.languages}
        if pseudo:
            self._translations[PSEUDO] = Pseudo()

    def get(self, code: str) -> NullTranslations:
        return self._translations.get(code, self._translations[DEFAULT])

    def choose(self, *, saved: str | None, chosen: str | None, accept_language: str | None) -> str:
        """The person's saved preference (the IdP's locale, or what they chose here while signed in), else
        the switcher's choice before signing in, else the browser's Accept-Language, else English."""
        for candidate in (saved, chosen):
            if candidate in self._translations:
                return candidate
        if accept_language:
            preferred = [part.split(";")[0].strip().replace("-", "_") for part in accept_language.split(",")][:10]
            match = Locale.negotiate([tag for tag in preferred if tag], self.languages, sep="_")
            if match:
                return str(match).split("_")[0]
        return DEFAULT


current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT)
current_translations: ContextVar[NullTranslations | None] = ContextVar("current_translations", default=None)
current_zone: ContextVar[tzinfo | None] = ContextVar("current_zone", default=None)
_UNTRANSLATED = NullTranslations()
_UTC = ZoneInfo("UTC")


def gettext(message: str, **variables: object) -> str:
    text = (current_translations.get() or _UNTRANSLATED).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = (current_translations.get() or _UNTRANSLATED).ngettext(singular, plural, n)
    return text % ({"num": n, "count": n} | variables)


def babel_locale() -> Locale:
    code = current_language.get()
    try:
        return Locale.parse("en" if code == PSEUDO else code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT)


def zone(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when(moment: datetime | str | None, form: str = "medium") -> str:
    """A moment in the visitor's zone and language, e.g. 'Tue, Dec 8, 2026, 5:00 PM CET'."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(current_zone.get() or _UTC)
    pattern = {"medium": "EEE, MMM d, y, h:mm a zzz", "short": "EEE d MMM, HH:mm"}.get(form, form)
    if babel_locale().language != "en" and form == "medium":
        pattern = "EEE d MMM y, HH:mm zzz"
    return format_datetime(local, pattern, tzinfo=local.tzinfo, locale=babel_locale())


def day(moment: datetime | str | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment) if "T" in moment else datetime.fromisoformat(moment + "T00:00:00")
    return format_date(moment, "full", locale=babel_locale())


def clock_time(value: str) -> str:
    """'17:30' (a local time) as the visitor's locale writes it."""
    return format_time(datetime.strptime(value[:5], "%H:%M").time(), "short", locale=babel_locale())
