"""Every word a page shows is in the catalogues, and every language is complete.

- The templates carry no literal text outside ``{% trans %}`` / ``_()``: a hard-coded English word
  would stay English in Spanish (the pseudo-locale run in the browser catches what Python adds).
- messages.pot is current (``python -m mesh_web.i18n.catalogue update`` was run after the last change).
- Every language's catalogue translates every string, none fuzzy, with the same placeholders.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment

from mesh_web.i18n import LOCALES_DIR, Catalogues
from mesh_web.i18n.catalogue import extract
from mesh_web.rendering import TEMPLATES

pytestmark = pytest.mark.unit
WORDS = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
SHOWN_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "aria-description"}
NOT_WORDS = {"English", "Español"}  # each language's own name, in its own language, on purpose


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.found += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value and WORDS.search(value)]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and WORDS.search(data) and data.strip() not in NOT_WORDS:
            self.found.append(data.strip())


def _literal_text(source: str) -> list[str]:
    """Text a template shows that no translation can reach: data outside {% trans %} blocks."""
    environment = Environment(extensions=["jinja2.ext.i18n"])
    outside, depth, pieces, macro = [], 0, [], None
    for _, kind, value in environment.lex(source):
        if kind == "name" and value == "trans":
            depth += 1
        elif kind == "name" and value == "endtrans":
            depth -= 1
        elif kind == "name" and value == "macro":
            macro = len(pieces)
        elif kind == "name" and value == "endmacro" and macro is not None:
            if "<" not in "".join(pieces[macro:]):  # a macro that writes part of an attribute, not markup
                del pieces[macro:]
            macro = None
        elif kind == "data" and depth == 0:
            pieces.append(value)
        elif kind in ("variable_begin",) and depth == 0:
            pieces.append("X")  # an expression: its text is the code's business (gettext or user data)
    parser = _Text()
    parser.feed(re.sub(r"\s+", " ", "".join(pieces)))
    outside += parser.found
    return [text for text in outside if WORDS.search(text.replace("X", ""))]


# macros/ hold attribute fragments of form fields (no prose of their own: labels and hints come from callers)
@pytest.mark.parametrize(
    "template", sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html") if path.parent.name != "macros")
)
def test_templates_show_no_text_that_no_catalogue_can_translate(template: str) -> None:
    assert _literal_text((TEMPLATES / template).read_text()) == []


def test_the_catalogue_template_is_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mesh_web.i18n import catalogue

    current = (LOCALES_DIR / "messages.pot").read_text()
    monkeypatch.setattr(catalogue, "TEMPLATE", tmp_path / "messages.pot")
    extract()
    assert _ids(tmp_path / "messages.pot") == _ids(LOCALES_DIR / "messages.pot"), (
        "run `python -m mesh_web.i18n.catalogue update` in clients/web and translate what is new"
    )
    assert current


def _ids(path: Path) -> set[str]:
    with path.open("rb") as file:
        return {str(message.id) for message in read_po(file) if message.id}


@pytest.mark.parametrize("language", [code for code in Catalogues().languages if code != "en"])
def test_every_language_translates_every_string_with_the_same_placeholders(language: str) -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as file:
        wanted = {str(message.id) for message in read_po(file) if message.id}
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalogue = read_po(file, locale=language)
    missing, fuzzy, mismatched = [], [], []
    for message in catalogue:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        translated = message.string if isinstance(message.string, str) else (message.string or ("",))[0]
        if not translated:
            missing.append(source)
        elif message.fuzzy:
            fuzzy.append(source)
        elif sorted(re.findall(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}", source)) != sorted(
            re.findall(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}", translated)
        ):
            mismatched.append(source)
    absent = wanted - {str(message.id) for message in catalogue if message.id}
    assert not absent, f"{language}: not in the catalogue: {sorted(absent)[:10]}"
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert not mismatched, f"{language}: placeholders differ in {mismatched[:5]}"
