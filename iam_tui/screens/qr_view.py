"""A QR code on its own, using the whole terminal: for when it does not fit next to a form.

The code gets every row but the caption's: with a 2-module quiet zone and the shorter URI, 80x24 is enough for
typical names (see the QR widget)."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.screen import ModalScreen

from ..core.secret import Secret
from ..widgets.data_text import Static
from ..widgets.qr_code import QrCode


def fits_full_screen(need: Size, terminal: Size) -> bool:
    """The QR code and its one-line caption fit the terminal."""
    return need.width <= terminal.width and need.height + 1 <= terminal.height


def too_small_text(terminal_width: int, terminal_height: int, need_width: int, need_height: int) -> str:
    return (f"This terminal is {terminal_width}×{terminal_height}; the QR code needs {need_width}×{need_height} "
            "cells. Enlarge the window or zoom out (ctrl and -), or type the secret key by hand instead. "
            "esc goes back.")


class QrViewScreen(ModalScreen[None]):
    """The QR code centred on an otherwise empty screen; esc goes back. Says so when even this is too small."""

    DEFAULT_CSS = """
    QrViewScreen { align: center middle; background: $background; }
    QrViewScreen > Vertical { width: auto; height: auto; align-horizontal: center; }
    QrViewScreen #qr-view-caption { width: auto; color: $text-muted; }
    QrViewScreen #qr-view-too-small { width: 60; height: auto; color: $warning; }
    /* Nothing may cover the code while it is being scanned: toasts wait for the MFA screen (top left there). */
    QrViewScreen Toast { visibility: hidden; }
    """
    BINDINGS = [Binding("escape,ctrl+f", "dismiss", "Back")]

    def __init__(self, text: Secret | Sequence[Secret], caption: str) -> None:
        super().__init__()
        self.text = text
        self.caption = caption

    def compose(self) -> ComposeResult:
        with Vertical():
            yield QrCode(self.text, id="qr-full")
            yield Static(f"{self.caption} · esc back", id="qr-view-caption", markup=False)
            yield Static("", id="qr-view-too-small", markup=False)

    def on_mount(self) -> None:
        self._fit()

    def on_resize(self, _event: events.Resize) -> None:
        self._fit()

    @property
    def fits(self) -> bool:
        return fits_full_screen(self.query_one("#qr-full", QrCode).cell_size, self.size)

    def _fit(self) -> None:
        qr = self.query_one("#qr-full", QrCode)
        fits = qr.fit(Size(self.size.width, self.size.height - 1))  # a row for the caption
        qr.display = fits
        self.query_one("#qr-view-caption").display = fits
        message = self.query_one("#qr-view-too-small", Static)
        message.display = not fits
        need = qr.cell_size
        message.update("" if fits else too_small_text(self.size.width, self.size.height, need.width, need.height + 1))
