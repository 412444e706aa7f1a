"""A QR code drawn with half-block characters, that a phone camera scans on any terminal theme.

Each cell shows two modules, one above the other (``▀``: the top module is the foreground colour, the bottom one
the background). Colours are explicit, never the theme's: dark modules black, light modules white, with the
4-module light quiet zone the standard requires around the symbol. Error correction L keeps the symbol (and so
the cells it needs) as small as the text allows.

The text is given as a :class:`Secret` (an otpauth URI holds the MFA seed); :meth:`QrCode.wipe` forgets it.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from ..core.secret import Secret

QUIET_ZONE = 4  # modules of light margin on every side (ISO/IEC 18004)
DARK = "#000000"
LIGHT = "#ffffff"
_UPPER_HALF = "▀"

Matrix = tuple[tuple[bool, ...], ...]  # True = dark module; includes the quiet zone


def qr_matrix(text: Secret) -> Matrix:
    """The modules of ``text``'s QR code at error correction L, smallest version that fits, with quiet zone."""
    import qrcode  # imported here: only the screens that draw a QR code pay for it
    from qrcode.constants import ERROR_CORRECT_L

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, border=QUIET_ZONE)
    code.add_data(text.reveal())  # mixed modes: a base32 seed is encoded alphanumerically, which saves a version
    code.make(fit=True)
    return tuple(tuple(bool(module) for module in row) for row in code.get_matrix())


def cells_for(matrix: Matrix) -> Size:
    """Terminal cells a matrix needs: one column per module, one row per two modules."""
    return Size(len(matrix[0]) if matrix else 0, (len(matrix) + 1) // 2)


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
    """Draws the QR code of a secret text at its natural size (see :attr:`cell_size`)."""

    DEFAULT_CSS = """
    QrCode {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, text: Secret, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._matrix = qr_matrix(text)
        self._strips = render_strips(self._matrix)

    @staticmethod
    def size_for(text: Secret) -> Size:
        """Cells the QR code of ``text`` needs, without drawing it."""
        return cells_for(qr_matrix(text))

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
