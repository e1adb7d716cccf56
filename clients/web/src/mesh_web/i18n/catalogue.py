"""Keeps the catalogues in step with the sources: ``python -m mesh_web.i18n.catalogue update`` extracts
every string from the templates and Python (babel.cfg) into messages.pot and merges it into each
language's messages.po (new strings arrive untranslated; tests fail until someone translates them).
``python -m mesh_web.i18n.catalogue new <code>`` starts a language."""

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

WEB = Path(__file__).resolve().parents[3]  # clients/web
LOCALES = Path(__file__).parent / "locales"
TEMPLATE = LOCALES / "messages.pot"


def extract() -> None:
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(WEB / "babel.cfg"),
            "--no-location",
            "--sort-output",
            "--project=mesh-web",
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "-o",
            str(TEMPLATE),
            str(WEB),
        ]
    )


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    extract()
    if command == "new":
        CommandLineInterface().run(["pybabel", "-q", "init", "-i", str(TEMPLATE), "-d", str(LOCALES), "-l", argv[1]])
    else:
        CommandLineInterface().run(
            ["pybabel", "-q", "update", "-i", str(TEMPLATE), "-d", str(LOCALES), "--no-fuzzy-matching", "--ignore-obsolete"]
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
