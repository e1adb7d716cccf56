"""Languages: which one a visit gets (chosen > saved > Accept-Language > English), catalogues read from .po
files, and the pseudo-locale that marks every catalogued string while keeping its placeholders usable."""

from pathlib import Path

import pytest

from mesh_web import i18n
from mesh_web.i18n import PSEUDO, Catalogues

SPANISH = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: es\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Sign in"
msgstr "Iniciar sesión"

msgid "Hello %(name)s"
msgstr "Hola %(name)s"
"""


@pytest.fixture
def catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Catalogues:
    """English and a small Spanish catalogue, whatever the app's own catalogues hold today."""
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(SPANISH)
    (tmp_path / "de").mkdir()  # a folder without a catalogue is no language
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    return Catalogues(pseudo=True)


def test_the_languages_are_those_with_a_catalogue(catalogues: Catalogues) -> None:
    assert catalogues.languages == ["en", "es"]
    assert catalogues.get("es").gettext("Sign in") == "Iniciar sesión"
    assert catalogues.get("es").gettext("Not in the catalogue") == "Not in the catalogue"
    assert catalogues.get("de").gettext("Sign in") == "Sign in"  # no catalogue: English


@pytest.mark.parametrize(
    ("chosen", "saved", "accept_language", "expected"),
    [
        ("es", "en", "en-US,en;q=0.9", "en"),  # the saved preference wins over everything
        ("en", "es", "en", "es"),
        ("es", None, "en-US,en;q=0.9", "es"),  # then the switcher's choice (before signing in)
        ("de", "es", "en", "es"),  # a choice we have no catalogue for is passed over
        (None, None, "es-MX,es;q=0.9", "es"),  # then the browser's
        (None, None, "es-MX", "es"),
        (None, None, "fr-CA,fr;q=0.9,es;q=0.5", "es"),  # the first we have
        (None, None, "en-GB,es;q=0.5", "en"),
        (None, "de", "fr", "en"),  # then English
        (None, None, "fr", "en"),
        (None, None, None, "en"),
        (None, None, "", "en"),
        (None, None, "*", "en"),
        (None, None, ";q=0.5,,,x-klingon;;", "en"),  # nonsense is no language, and no failure
        (PSEUDO, None, "es", PSEUDO),  # the pseudo-locale, chosen on purpose
    ],
)
def test_which_language_a_visit_gets(
    catalogues: Catalogues, chosen: str | None, saved: str | None, accept_language: str | None, expected: str
) -> None:
    assert catalogues.choose(chosen=chosen, saved=saved, accept_language=accept_language) == expected


def test_the_pseudo_locale_marks_catalogued_strings(catalogues: Catalogues) -> None:
    marked = catalogues.get(PSEUDO).gettext("Sign in")

    assert marked.startswith("⟦") and marked.endswith("⟧")
    assert marked != "⟦Sign in⟧"  # accented, so a string left plain stands out
    assert marked.strip("⟦⟧").lower().replace("î", "i").replace("ñ", "n").replace("š", "s") == "sign in"


@pytest.mark.parametrize(
    ("message", "variables", "kept"),
    [
        ("Hello %(name)s", {"name": "Ana"}, "Ana"),
        ("%(count)d of %(total)d sessions done (%(share).1f%%)", {"count": 3, "total": 4, "share": 75.0}, "(75.0%)"),
        ("Your session with %(partner)s is on %(when)s", {"partner": "Bo", "when": "Tue"}, "Bo"),
    ],
)
def test_the_pseudo_locale_keeps_placeholders_intact(catalogues: Catalogues, message: str, variables: dict, kept: str) -> None:
    marked = catalogues.get(PSEUDO).gettext(message)

    for name in variables:
        assert f"%({name})" in marked
    token = i18n.current_translations.set(catalogues.get(PSEUDO))
    try:
        shown = i18n.gettext(message, **variables)
    finally:
        i18n.current_translations.reset(token)
    assert kept in shown and shown.startswith("⟦")


def test_the_pseudo_locale_keeps_plural_placeholders_intact(catalogues: Catalogues) -> None:
    token = i18n.current_translations.set(catalogues.get(PSEUDO))
    try:
        one = i18n.ngettext("%(num)d new message", "%(num)d new messages", 1)
        many = i18n.ngettext("%(num)d new message from %(who)s", "%(num)d new messages from %(who)s", 5, who="Ana")
    finally:
        i18n.current_translations.reset(token)
    assert one.startswith("⟦1 ") and "ñéw" in one
    assert many.startswith("⟦5 ") and many.endswith("Ana⟧")


def test_a_translated_string_takes_its_variables(catalogues: Catalogues) -> None:
    token = i18n.current_translations.set(catalogues.get("es"))
    try:
        assert i18n.gettext("Hello %(name)s", name="Ana") == "Hola Ana"
    finally:
        i18n.current_translations.reset(token)


def test_the_pseudo_locale_is_served_only_where_the_settings_ask_for_it() -> None:
    from mesh_web.i18n import PSEUDO

    assert Catalogues().choose(chosen=PSEUDO, saved=None, accept_language=None) == "en"
    assert Catalogues(pseudo=True).choose(chosen=PSEUDO, saved=None, accept_language=None) == PSEUDO
