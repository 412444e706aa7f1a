"""Text on screen is shown, never interpreted: the app's ``Static`` and ``Label`` and Rich ``Text`` built from data.

Whatever a widget shows may hold a value from AWS, a file or the user. Textual's ``Static`` reads a string as markup
(``[/]`` raises, ``[EMEA]`` vanishes, ``[@click=...]`` is an action) and passes an ESC on to the terminal. The
classes here never read markup and make control and bidi characters visible (core/display_text.py); every screen
imports ``Static`` and ``Label`` from here (tests/test_untrusted_text.py checks that none takes Textual's own)."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual import widgets
from textual.content import Content
from textual.visual import VisualType

from ..core.display_text import is_hidden, visible


def data_text(value: object, *, multiline: bool = False, style: str | Style = "") -> Text:
    """``value`` (from AWS, a file or the user, or a sentence holding such a value) as a ``Text``: ``[...]`` stays
    literal, a control or bidi character shows as ``\\x1b`` / ``\\u202e``. ``multiline`` keeps newlines and tabs."""
    return Text(visible(value, multiline=multiline), style=style)


def _clean(plain: str, multiline: bool) -> bool:
    return not any(is_hidden(char) and not (multiline and char in "\n\t") for char in plain)


def safe_text(text: Text, *, multiline: bool = True) -> Text:
    """A ``Text`` someone built (styles and all) with each hidden character replaced by its escape; the styles
    around it are kept."""
    plain = text.plain
    if _clean(plain, multiline):
        return text
    result = Text(style=text.style, justify=text.justify, no_wrap=text.no_wrap, overflow=text.overflow, end=text.end)
    start = 0
    for index, char in enumerate(plain):
        if is_hidden(char) and not (multiline and char in "\n\t"):
            result.append_text(text[start:index])
            result.append(visible(char))
            start = index + 1
    result.append_text(text[start:])
    return result


def shown(content: VisualType) -> VisualType:
    """What a ``Static`` is given, made safe to show: a string stays a string (never read as markup by the classes
    below) with its hidden characters made visible; ``Text`` and ``Content`` likewise."""
    if isinstance(content, str):
        return visible(content, multiline=True)
    if isinstance(content, Text):
        return safe_text(content)
    if isinstance(content, Content) and not _clean(content.plain, True):
        return Content(visible(content.plain, multiline=True))  # rare: a styled Content holding a control char
    return content


class Static(widgets.Static):
    """Textual's ``Static`` that shows its content as text: no markup, control and bidi characters visible."""

    def __init__(self, content: VisualType = "", *args: Any, markup: bool = False, **kwargs: Any) -> None:
        super().__init__(shown(content), *args, markup=False, **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(shown(content), layout=layout)


class Label(widgets.Label):
    """Textual's ``Label``, showing its content as text (see ``Static``)."""

    def __init__(self, content: VisualType = "", *args: Any, markup: bool = False, **kwargs: Any) -> None:
        super().__init__(shown(content), *args, markup=False, **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(shown(content), layout=layout)
