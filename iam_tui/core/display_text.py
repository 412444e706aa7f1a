"""Text from AWS, a file or the user is shown, never interpreted.

A terminal acts on some characters instead of drawing them: ESC starts commands (OSC 52 rewrites the clipboard,
OSC 0 the window title, CSI 2J clears the screen), other C0 and C1 controls move the cursor, bidirectional
overrides reorder what follows, zero-width characters hide text. Everything that draws data passes it through
``visible`` first, which writes such characters as escapes (``\\x1b``, ``\\u202e``) the way Python's ``repr``
does; a person then sees that the value holds them, and the terminal only ever receives printable text.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"

# The categories a terminal does not draw as a glyph: controls (C0, DEL, C1), format characters (bidi overrides and
# isolates, zero-width space/joiners, word joiner, BOM, soft hyphen, tag characters), lone surrogates (they cannot
# even be encoded), and the line/paragraph separators.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

# Named explicitly as well, so that a Unicode database that files one of them elsewhere cannot let it through.
_ALWAYS_HIDDEN = (
    "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1 (ESC is \x1b)
    "\u200b-\u200f"  # zero-width space, non-joiner, joiner, LRM, RLM
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2060-\u2064"  # word joiner, invisible operators
    "\u2066-\u2069"  # bidi isolates
    "\u206a-\u206f"  # deprecated format characters
    "\ufeff"  # zero-width no-break space (BOM)
    "\ufff9-\ufffb"  # interlinear annotation
)
_EXPLICIT = re.compile(f"[{_ALWAYS_HIDDEN}]")
_LINES = frozenset("\n\t")
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape_char(char: str) -> str:
    """How one hidden character is written: as Python's ``repr`` writes it."""
    point = ord(char)
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if point <= 0xFF:
        return f"\\x{point:02x}"
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def is_hidden(char: str) -> bool:
    """True for a character a terminal would act on or not draw (see ``visible``)."""
    return unicodedata.category(char) in HIDDEN_CATEGORIES or _EXPLICIT.match(char) is not None


def visible(value: object, *, multiline: bool = False) -> str:
    """``value`` as text a terminal draws and never acts on: every hidden character written as an escape.

    ``multiline`` keeps newlines and tabs (for prose and multi-line fields; a CR-LF becomes a newline); otherwise
    they are shown as ``\\n`` and ``\\t`` too. Printable text, backslashes included, comes out unchanged."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():  # the common case, in C: no control, format or separator character at all
        return text
    if multiline:
        text = text.replace("\r\n", "\n")
        if "".join(text.split("\n")).replace("\t", "").isprintable():  # prose: printable lines
            return text
    return "".join(
        escape_char(char) if is_hidden(char) and not (multiline and char in _LINES) else char for char in text
    )


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: wide East Asian characters two, combining marks none (an estimate: the UI
    measures with Rich, this is for plain-text output)."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or is_hidden(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def cut(value: object, width: int, *, multiline: bool = False) -> str:
    """``visible(value)`` cut to at most ``width`` cells, an ellipsis marking the cut (for fixed cells)."""
    text = visible(value, multiline=multiline)
    if cell_width(text) <= width:
        return text
    if width <= 0:
        return ""
    kept: list[str] = []
    used = 0
    for char in text:
        size = cell_width(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + ELLIPSIS


def without_hidden(text: str) -> str:
    """``text`` with every hidden character dropped: the last line of defence at the terminal's door, where an
    escape would change the width Textual laid the line out with (a hidden character takes no cell)."""
    if text.isprintable():
        return text
    return "".join(char for char in text if not is_hidden(char))
