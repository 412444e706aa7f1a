"""Looks that must read in every theme: a toggle's state shown by a mark (not by colour only), and status colours
with enough contrast on the theme's background."""

from __future__ import annotations

from textual.app import App
from textual.color import Color
from textual.widgets import RadioButton
from textual.widgets._toggle_button import ToggleButton

MIN_CONTRAST = 4.5  # WCAG AA for normal text


def marks_show_state() -> None:
    """Checkboxes and radio buttons draw their mark only when on: Textual draws it in both states and tells them
    apart by colour alone, which a light theme (or a colour-blind eye) does not show."""
    ToggleButton.BUTTON_INNER = property(lambda self: "X" if self.value else " ")  # type: ignore[assignment]
    RadioButton.BUTTON_INNER = property(lambda self: "●" if self.value else " ")  # type: ignore[assignment]


def _luminance(colour: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(one: Color, other: Color) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(app: App[object], token: str) -> str:
    """The theme's ``text-<token>`` colour (success, warning, error, ...), darkened or lightened until it reads on
    the theme's background: textual-light's warning text is 3.3:1 on its background."""
    variables = app.get_css_variables()
    background = Color.parse(variables["background"])
    colour = Color.parse(variables.get(f"text-{token}") or variables.get(token) or variables["foreground"])
    darker = _luminance(background) > 0.5
    for _ in range(20):
        if contrast(colour, background) >= MIN_CONTRAST:
            break
        colour = colour.darken(0.05) if darker else colour.lighten(0.05)
    return colour.hex
