"""Themes: WCAG 2.1 contrast computed as the standard does, and a theme below AA refused at start."""

import json
from pathlib import Path

import pytest

from mesh_web.themes import DEFAULT, DEMO, MINIMUM_CONTRAST, Theme, Themes, contrast


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#000000", 21.0),  # order does not matter
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
        ("#777777", "#ffffff", 4.48),  # one step lighter fails
        ("#ffffff", "#ffffff", 1.0),
        ("#ff0000", "#ffffff", 4.00),
        ("#0000ff", "#ffffff", 8.59),
    ],
)
def test_contrast_is_the_wcag_ratio(first: str, second: str, expected: float) -> None:
    assert contrast(first, second) == pytest.approx(expected, abs=0.005)


def test_the_default_and_demo_themes_pass() -> None:
    assert DEFAULT.problems() == []
    for theme in DEMO.values():
        assert theme.problems() == [], theme.institution
    Themes.load(None)  # what start does without a themes file


def test_a_theme_with_a_too_light_primary_is_refused_naming_the_institution(tmp_path: Path) -> None:
    themes_file = tmp_path / "themes.json"
    themes_file.write_text(
        json.dumps(
            {
                "sunnyvale": {"name": "Sunnyvale Polytechnic", "primary": "#8ec5ff", "primary_dark": "#162e51"},
                "northbridge": {
                    "name": "Northbridge University",
                    "primary": "#1b5e20",
                    "primary_dark": "#0f3d14",
                    "link": "#1b5e20",
                },
            }
        )
    )

    with pytest.raises(ValueError, match="contrast") as refused:
        Themes.load(themes_file)

    message = str(refused.value)
    assert "sunnyvale: text on the primary colour has contrast" in message
    assert "sunnyvale: the primary colour on white" in message
    assert "northbridge" not in message  # the good one is not blamed


@pytest.mark.parametrize(
    ("field", "colour", "what"),
    [
        ("link", "#7aa7ff", "links on white"),
        ("on_primary", "#6a6a6a", "text on the primary colour"),
        ("primary_dark", "#8c8c8c", "text on the dark primary colour"),
    ],
)
def test_each_pairing_is_checked(field: str, colour: str, what: str) -> None:
    theme = Theme("eastlake", "Eastlake", **{field: colour})

    problems = theme.problems()

    assert any(problem.startswith(f"eastlake: {what} has contrast") for problem in problems), problems
    with pytest.raises(ValueError, match="eastlake"):
        Themes({"eastlake": theme})


def test_a_colour_that_is_not_rrggbb_is_refused() -> None:
    with pytest.raises(ValueError, match="westfield: 'blue' is not a #rrggbb colour"):
        Themes({"westfield": Theme("westfield", "Westfield", primary="blue")})


def test_an_institution_without_a_theme_gets_the_default() -> None:
    themes = Themes(DEMO)

    assert themes.of("northbridge") is DEMO["northbridge"]
    assert themes.of("unknown") is DEFAULT and themes.of(None) is DEFAULT
    assert MINIMUM_CONTRAST == 4.5
