"""Each institution's look: its name, logo and colours, over the design system's (USWDS) styles.

A theme is refused at start when a colour pairing it makes falls below WCAG 2.1 AA contrast (4.5:1
for text): the header's text on its background, link text on white, a button's label on the button.
Themes come from a JSON file (MESH_WEB_THEMES_FILE) keyed by institution id; the demo's are below."""

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

MINIMUM_CONTRAST = 4.5
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Theme:
    institution: str
    name: str
    primary: str = "#1a4480"  # USWDS blue-60v: the buttons, the header's band
    primary_dark: str = "#162e51"  # hover and active
    on_primary: str = "#ffffff"
    link: str = "#005ea2"
    logo_svg: str | None = None  # an SVG of the institution's mark (served from here, never another host)

    def css(self) -> str:
        return (
            f":root{{--mesh-primary:{self.primary};--mesh-primary-dark:{self.primary_dark};"
            f"--mesh-on-primary:{self.on_primary};--mesh-link:{self.link}}}\n"
        )

    @property
    def version(self) -> str:
        return hashlib.sha256((self.css() + (self.logo_svg or "")).encode()).hexdigest()[:12]

    def problems(self) -> list[str]:
        found = []
        for colour in (self.primary, self.primary_dark, self.on_primary, self.link):
            if not _HEX.match(colour):
                return [f"{self.institution}: {colour!r} is not a #rrggbb colour"]
        for fore, back, what in (
            (self.on_primary, self.primary, "text on the primary colour"),
            (self.on_primary, self.primary_dark, "text on the dark primary colour"),
            (self.link, "#ffffff", "links on white"),
            (self.primary, "#ffffff", "the primary colour on white"),
        ):
            ratio = contrast(fore, back)
            if ratio < MINIMUM_CONTRAST:
                found.append(f"{self.institution}: {what} has contrast {ratio:.2f}:1, below {MINIMUM_CONTRAST}:1")
        return found


def _luminance(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


DEFAULT = Theme("", "Mentoring Mesh")
_BRIDGE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 32"><path d="M2 26h44M6 26V16M42 26V16M2 16c8-12 36-12 44 0'
    'M14 26v-9M24 26v-11M34 26v-9" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>'
)
_RIVER = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 32"><path d="M2 10c7-6 15 6 22 0s15 6 22 0M2 18c7-6 15 6 22 0'
    's15 6 22 0M2 26c7-6 15 6 22 0s15 6 22 0" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>'
)
DEMO = {
    "northbridge": Theme(
        "northbridge", "Northbridge University", primary="#1b5e20", primary_dark="#0f3d14", link="#1b5e20", logo_svg=_BRIDGE
    ),
    "riverside": Theme(
        "riverside", "Riverside College", primary="#7a1f3d", primary_dark="#521328", link="#7a1f3d", logo_svg=_RIVER
    ),
}


class Themes:
    def __init__(self, themes: dict[str, Theme]) -> None:
        problems = [problem for theme in [DEFAULT, *themes.values()] for problem in theme.problems()]
        if problems:
            raise ValueError("themes fail WCAG AA contrast: " + "; ".join(problems))
        self._themes = themes

    @staticmethod
    def load(path: Path | None) -> "Themes":
        if path is None:
            return Themes(DEMO)
        raw = json.loads(path.read_text())
        return Themes({key: Theme(institution=key, **value) for key, value in raw.items()})

    def of(self, institution: str | None) -> Theme:
        return self._themes.get(institution or "", DEFAULT)
