"""What the profile form offers, in the visitor's language: roles, ways and rhythms of meeting, languages
(named by CLDR through Babel) and IANA time zones by region (cities named by CLDR)."""

from functools import cache, lru_cache
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import get_timezone_location

from mesh_web import i18n
from mesh_web.i18n import gettext as _

ROLES = ("mentor", "mentee", "peer")
MODES = ("online", "in_person")
CADENCES = ("weekly", "biweekly", "monthly", "as_needed")
COMMON_LANGUAGES = (
    "en",
    "es",
    "fr",
    "de",
    "pt",
    "it",
    "nl",
    "pl",
    "uk",
    "ru",
    "tr",
    "ar",
    "fa",
    "hi",
    "bn",
    "ur",
    "zh",
    "ja",
    "ko",
    "vi",
    "fil",
    "sw",
)
ZONE_AREAS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


def role_legends() -> dict[str, str]:
    return {
        "mentor": _("Topics you can mentor others in"),
        "mentee": _("Topics you would like a mentor for"),
        "peer": _("Topics you would like to study with peers"),
    }


def role_names() -> dict[str, str]:
    return {"mentor": _("Mentor"), "mentee": _("Mentee"), "peer": _("Peer")}


def mode_names() -> dict[str, str]:
    return {"online": _("Online"), "in_person": _("In person")}


def cadence_names() -> dict[str, str]:
    return {
        "weekly": _("Every week"),
        "biweekly": _("Every two weeks"),
        "monthly": _("Every month"),
        "as_needed": _("When needed"),
    }


def language_name(code: str) -> str:
    """A language's name in the visitor's language (Babel's CLDR data): "es" is "Spanish" in English."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(i18n.babel_locale())
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:] if name else code


def language_options() -> list[tuple[str, str]]:
    return sorted(((code, language_name(code)) for code in COMMON_LANGUAGES), key=lambda option: option[1].casefold())


@cache
def _canonical_zones() -> tuple[str, ...]:
    """IANA zones of the inhabited regions, without the old names kept as aliases (Babel's CLDR list)."""
    aliases = get_global("zone_aliases")
    return tuple(
        name for name in sorted(_zones()) if name.partition("/")[0] in ZONE_AREAS and "/" in name and name not in aliases
    )


@lru_cache(maxsize=8)
def _zone_groups(language: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Each region's zones as (zone, its city in the visitor's language), by city."""
    locale = i18n.babel_locale()
    places: dict[str, list[tuple[str, str]]] = {}
    for name in _canonical_zones():
        places.setdefault(name.partition("/")[0], []).append((name, get_timezone_location(name, locale=locale, return_city=True)))
    return tuple(
        (area, tuple(sorted(places[area], key=lambda zone: zone[1].casefold()))) for area in ZONE_AREAS if area in places
    )


def zone_groups(current: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """Time zones by region for a select, with the one a profile has if the list lacks it (an old name)."""
    areas = {
        "Africa": _("Africa"),
        "America": _("Americas"),
        "Asia": _("Asia"),
        "Atlantic": _("Atlantic Ocean"),
        "Australia": _("Australia"),
        "Europe": _("Europe"),
        "Indian": _("Indian Ocean"),
        "Pacific": _("Pacific Ocean"),
    }
    other = [("UTC", "UTC")]
    if current and current != "UTC" and known_zone(current) and current not in _canonical_zones():
        other.append((current, current.replace("_", " ")))
    return [(_("Universal"), other)] + [(areas[area], list(zones)) for area, zones in _zone_groups(i18n.current_language.get())]


def known_zone(name: str) -> bool:
    return name in _zones()


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())
