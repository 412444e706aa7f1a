"""Read a QR code back from what the terminal would show: half-block cells with colours -> bitmap -> zxing-cpp."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import zxingcpp
from rich.color import Color
from textual.strip import Strip

# (top module uses the foreground?, bottom module uses the foreground?) for each glyph the widget may draw.
GLYPHS = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}


def _dark(color: Color | None) -> bool:
    assert color is not None and not color.is_default, "every cell must have an explicit colour"
    r, g, b = color.get_truecolor()
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) < 128


def _rows(strips: Sequence[Strip], glyph: Callable[[str], tuple[bool, bool]]) -> list[list[bool]]:
    """Two module rows (True = dark) per strip: the top and bottom halves of each cell, by ``glyph``'s colours."""
    rows: list[list[bool]] = []
    for strip in strips:
        top: list[bool] = []
        bottom: list[bool] = []
        for segment in strip:
            style = segment.style
            assert style is not None
            for char in segment.text:
                upper_fg, lower_fg = glyph(char)
                top.append(_dark(style.color if upper_fg else style.bgcolor))
                bottom.append(_dark(style.color if lower_fg else style.bgcolor))
        rows += [top, bottom]
    return rows


def modules_of(strips: Sequence[Strip]) -> list[list[bool]]:
    """Module rows (True = dark) from rendered strips: each cell is two modules, one above the other. Every
    character must be one of the widget's glyphs."""
    return _rows(strips, GLYPHS.__getitem__)


def screen_modules(strips: Sequence[Strip]) -> list[list[bool]]:
    """What a camera sees of a whole terminal screen, two modules per cell as :func:`modules_of`: a half-block
    glyph by its colours, any other character (text, borders) by its background, as if the glyph were too thin to
    count. The QR code, its quiet zone and whatever surrounds it are all in the picture, as in a phone's."""
    return _rows(strips, lambda char: GLYPHS.get(char, (False, False)))


def decode(modules: list[list[bool]], scale: int = 4, invert: bool = False) -> list[str]:
    """Decode like a phone would (no inversion tried: a light-on-dark rendering must fail)."""
    height, width = len(modules) * scale, len(modules[0]) * scale
    pixels = bytearray()
    for row in modules:
        line = bytearray()
        for dark in row:
            line += bytes([0 if dark != invert else 255]) * scale
        pixels += bytes(line) * scale
    image = memoryview(bytes(pixels)).cast("B", (height, width))
    return [result.text for result in zxingcpp.read_barcodes(image, try_invert=False)]
