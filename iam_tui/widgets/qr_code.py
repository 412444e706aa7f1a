"""A QR code drawn with half-block characters, that a phone camera scans on any terminal theme.

Each cell shows two modules, one above the other (``▀``: the top module is the foreground colour, the bottom one
the background). Colours are explicit, never the theme's: dark modules black, light modules white, with a light
quiet zone around the symbol. Error correction L keeps the symbol (and so the cells it needs) as small as the text
allows.

A widget may be given several texts that mean the same to a phone (the otpauth URI as AWS writes it, and a shorter
one), most preferred first. :meth:`QrCode.fit` draws the first text, at the widest quiet zone from the standard's 4
modules down to 2 (which phone cameras still read), whose cells fit the room it is given. An 80x24 terminal has 23
rows for the code under a caption: 46 modules, which a version 6 symbol (41) with a 2-module quiet zone fits.

The texts are :class:`Secret` (an otpauth URI holds the MFA seed); :meth:`QrCode.wipe` forgets them.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from ..core.secret import Secret

QUIET_ZONE = 4  # modules of light margin on every side (ISO/IEC 18004)
MIN_QUIET_ZONE = 2  # the least that phone cameras still read: used only where 4 does not fit
DARK = "#000000"
LIGHT = "#ffffff"
_UPPER_HALF = "▀"

Matrix = tuple[tuple[bool, ...], ...]  # True = dark module; includes the quiet zone


def qr_symbol(text: Secret) -> Matrix:
    """The modules of ``text``'s QR code at error correction L, smallest version that fits, no quiet zone."""
    import qrcode  # imported here: only the screens that draw a QR code pay for it
    from qrcode.constants import ERROR_CORRECT_L

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, border=0)
    code.add_data(text.reveal())  # mixed modes: a base32 seed is encoded alphanumerically, which saves a version
    code.make(fit=True)
    return tuple(tuple(bool(module) for module in row) for row in code.get_matrix())


def with_quiet_zone(symbol: Matrix, quiet_zone: int) -> Matrix:
    """``symbol`` inside ``quiet_zone`` light modules on every side."""
    width = len(symbol[0]) + 2 * quiet_zone if symbol else 0
    blank = ((False,) * width,) * quiet_zone
    margin = (False,) * quiet_zone
    return blank + tuple(margin + row + margin for row in symbol) + blank


def best_fit(symbols: Sequence[Matrix], room: Size) -> tuple[int, int] | None:
    """(index of the symbol, quiet zone) to draw in ``room``: the first symbol that fits, at its widest quiet zone;
    None when none fits even with the narrowest."""
    for index, symbol in enumerate(symbols):
        for quiet_zone in range(QUIET_ZONE, MIN_QUIET_ZONE - 1, -1):
            need = cells_for_side(len(symbol) + 2 * quiet_zone)
            if need.width <= room.width and need.height <= room.height:
                return index, quiet_zone
    return None


def cells_for_side(modules: int) -> Size:
    """Cells a square of ``modules`` modules needs."""
    return Size(modules, (modules + 1) // 2)


def cells_for(matrix: Matrix) -> Size:
    """Terminal cells a matrix needs: one column per module, one row per two modules."""
    return cells_for_side(len(matrix))


def _style(top_dark: bool, bottom_dark: bool) -> Style:
    return Style(color=DARK if top_dark else LIGHT, bgcolor=DARK if bottom_dark else LIGHT)


def render_strips(matrix: Matrix) -> list[Strip]:
    """One strip per cell row. An odd last module row gets a light row below it (more quiet zone)."""
    strips: list[Strip] = []
    width = len(matrix[0]) if matrix else 0
    for top in range(0, len(matrix), 2):
        upper = matrix[top]
        lower = matrix[top + 1] if top + 1 < len(matrix) else (False,) * width
        segments: list[Segment] = []
        for top_dark, bottom_dark in zip(upper, lower, strict=True):
            # Same colour above and below: a space on that background (no glyph edges); else the upper half block.
            char = " " if top_dark == bottom_dark else _UPPER_HALF
            segments.append(Segment(char, _style(top_dark, bottom_dark)))
        strips.append(Strip(Segment.simplify(segments), width))
    return strips


class QrCode(Widget):
    """Draws the QR code of a secret text at its natural size (see :attr:`cell_size`); of one of several texts,
    the one that fits, after :meth:`fit`."""

    DEFAULT_CSS = """
    QrCode {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, text: Secret | Sequence[Secret], *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._texts = (text,) if isinstance(text, Secret) else tuple(text)
        self._symbols = [qr_symbol(each) for each in self._texts]
        self._shown = 0
        self._matrix: Matrix = ()
        self._strips: list[Strip] = []
        self._draw(0, QUIET_ZONE)

    def _draw(self, index: int, quiet_zone: int) -> None:
        self._shown = index
        self._matrix = with_quiet_zone(self._symbols[index], quiet_zone)
        self._strips = render_strips(self._matrix)

    def fit(self, room: Size) -> bool:
        """Draw the most preferred text at the widest quiet zone whose cells fit ``room`` (see :func:`best_fit`);
        when nothing fits, the smallest choice, whose :attr:`cell_size` then says what it needs. True if it fits."""
        if not self._symbols:
            return False
        choice = best_fit(self._symbols, room)
        index, quiet_zone = choice or (min(range(len(self._symbols)), key=lambda i: len(self._symbols[i])),
                                       MIN_QUIET_ZONE)
        if (index, quiet_zone) != (self._shown, self.quiet_zone):
            self._draw(index, quiet_zone)
            self.refresh(layout=True)
        return choice is not None

    @property
    def text(self) -> Secret | None:
        """The text the code drawn encodes."""
        return self._texts[self._shown] if self._texts else None

    @property
    def quiet_zone(self) -> int:
        return (len(self._matrix) - len(self._symbols[self._shown])) // 2 if self._matrix else 0

    @property
    def cell_size(self) -> Size:
        return cells_for(self._matrix)

    @property
    def modules(self) -> int:
        """Modules per side, quiet zone included."""
        return len(self._matrix)

    @property
    def wiped(self) -> bool:
        return not self._matrix

    def wipe(self) -> None:
        """Forget the code (it encodes the seed): the widget becomes empty."""
        self._texts = ()
        self._symbols = []
        self._matrix = ()
        self._strips = []
        self.refresh(layout=True)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.cell_size.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.cell_size.height

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, Style(bgcolor=LIGHT) if self._strips else None)
