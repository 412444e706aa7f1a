"""Textual's footer, rebuilt only when the keys it shows change.

Textual 8.2.8's ``Footer`` recomposes (removes and mounts a widget per key) on every bindings change of its screen:
each focus move and each ``refresh_bindings``, mostly with the same keys as before. That was about 8 % of the test
suite's CPU, and work after nearly every key a person presses."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
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
        shown = self.shown_keys()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def compose(self) -> ComposeResult:
        """Footer's keys, each made with the footer's ``compact`` already set. ``FooterKey.compact`` starts True:
        mounted, a key added the ``-compact`` class and the data binding took it off again, two restylings of every
        key each time the footer was built (5 % of the pilot tests' CPU)."""
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def shown_keys(self) -> Hashable:
        """Everything ``Footer.compose`` reads to draw the keys."""
        app = self.app
        keys = tuple(
            (binding.key, app.get_key_display(binding), binding.description, binding.action, binding.group,
             enabled, tooltip, binding.tooltip)
            for _, binding, enabled, tooltip in self.screen.active_bindings.values() if binding.show)
        palette = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
        palette_key = palette[1:] if palette else None
        return keys, palette_key, self.show_command_palette, app.ENABLE_COMMAND_PALETTE
