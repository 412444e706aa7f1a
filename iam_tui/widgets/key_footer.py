"""Textual's footer, rebuilt only when the keys it shows change; a key only dimmed or lit again is updated in place.

Textual 8.2.8's ``Footer`` recomposes (removes and mounts a widget per key) on every bindings change of its screen:
each focus move and each ``refresh_bindings``, mostly with the same keys as before. That was about 8 % of the test
suite's CPU, and work after nearly every key a person presses."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._shown: Hashable = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached or self._pruning:  # as recompose(): gone meanwhile (the app may be closing)
            return
        bindings = self.screen.active_bindings  # worked out anew (each action's check) at every read
        shown = self.shown_keys(bindings)
        if shown == self._shown:
            return
        previous, self._shown = self._shown, shown
        if not (_same_keys(previous, shown) and self._enable_in_place(bindings)):
            await self.recompose()

    def _enable_in_place(self, bindings: dict[str, ActiveBinding]) -> bool:
        """The same keys with only some enabled or disabled: each key widget is dimmed or lit where it is, as
        ``Footer.compose`` makes it, instead of every key being removed and made again (half the footer's rebuilds,
        about 13 ms of CPU each). False when a key is not found."""
        for widget in self.query(FooterKey).results(FooterKey):
            active = bindings.get(widget.key)
            if active is None:
                return False
            widget._disabled = not active.enabled
            widget.set_class(not active.enabled, "-disabled")
        return True

    def compose(self) -> ComposeResult:
        """Footer's keys, each made with the footer's ``compact`` already set. ``FooterKey.compact`` starts True:
        mounted, a key added the ``-compact`` class and the data binding took it off again, two restylings of every
        key each time the footer was built (5 % of the pilot tests' CPU)."""
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def shown_keys(self, bindings: dict[str, ActiveBinding]) -> Hashable:
        """Everything ``Footer.compose`` reads to draw the keys; whether a key is enabled comes last."""
        app = self.app
        keys = tuple(
            (binding.key, app.get_key_display(binding), binding.description, binding.action, binding.group,
             tooltip, binding.tooltip, enabled)
            for _, binding, enabled, tooltip in bindings.values() if binding.show)
        palette = bindings.get(app.COMMAND_PALETTE_BINDING)
        palette_key = (palette.binding, palette.tooltip, palette.enabled) if palette else None
        return keys, palette_key, self.show_command_palette, app.ENABLE_COMMAND_PALETTE


def _same_keys(before: Hashable, now: Hashable) -> bool:
    """Whether two ``shown_keys`` differ at most in which keys are enabled."""
    return before is not None and _but_enabled(before) == _but_enabled(now)


def _but_enabled(shown: Any) -> Hashable:
    keys, palette, *rest = shown
    return tuple(key[:-1] for key in keys), palette and palette[:-1], *rest
