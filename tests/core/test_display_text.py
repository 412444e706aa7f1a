from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_tui.core.display_text import ELLIPSIS, cell_width, cut, is_hidden, visible, without_hidden

# What the terminal must never receive, named independently of the module's own tables.
NAMED = (
    [chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in range(0x200B, 0x2010)] + ["\u2028", "\u2029"]
    + [chr(c) for c in range(0x202A, 0x202F)] + ["\u2060"] + [chr(c) for c in range(0x2066, 0x206A)] + ["\ufeff"]
)
UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def unsafe(char: str) -> bool:
    return char in NAMED or unicodedata.category(char) in UNSAFE_CATEGORIES


any_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=sys.maxunicode, codec=None), max_size=40)


def test_every_code_point_alone() -> None:
    """All 1,114,112 code points: an unsafe one comes out as an escape, every other one unchanged."""
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        shown = visible(char)
        if unsafe(char):
            assert shown.startswith("\\") and shown.isascii() and shown.isprintable(), hex(point)
        else:
            assert shown == char, hex(point)


@given(any_text)
def test_output_holds_no_hidden_character(value: str) -> None:
    shown = visible(value)
    assert not any(unsafe(c) for c in shown)
    assert visible(shown) == shown  # idempotent: the output is already safe
    assert not any(unsafe(c) for c in without_hidden(value))


@given(any_text)
def test_multiline_keeps_only_newline_and_tab(value: str) -> None:
    shown = visible(value, multiline=True)
    assert not any(unsafe(c) for c in shown if c not in "\n\t")
    assert visible(shown, multiline=True) == shown


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_printable_text_is_unchanged(value: str) -> None:
    value = "".join(c for c in value if not unsafe(c))
    assert visible(value) == value
    assert visible(value, multiline=True) == value
    assert without_hidden(value) == value


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),
    ("\x1b]0;pwn\x07", "\\x1b]0;pwn\\x07"),
    ("\x1b[2J", "\\x1b[2J"),
    ("abc\u202edef", "abc\\u202edef"),
    ("a\u200bb\u2066c\u2069\ufeff", "a\\u200bb\\u2066c\\u2069\\ufeff"),
    ("\x9b31m\x7f", "\\x9b31m\\x7f"),
    ("line\u2028two", "line\\u2028two"),
    ("tag\U000e0041", "tag\\U000e0041"),
    ("[/] [@click=app.quit] C:\\x1b", "[/] [@click=app.quit] C:\\x1b"),  # markup is not this function's business
    ("a\tb\nc", "a\\tb\\nc"),
])
def test_payloads_are_made_visible(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_multiline_keeps_lines_and_tabs() -> None:
    assert visible("1 Main St\r\nSuite 2\tB\x1b", multiline=True) == "1 Main St\nSuite 2\tB\\x1b"


def test_hidden() -> None:
    assert is_hidden("\x1b") and is_hidden("\u202e") and not is_hidden("a") and not is_hidden(" ")


def test_cut_marks_the_cut_with_an_ellipsis() -> None:
    assert cut("abcdef", 6) == "abcdef"
    assert cut("abcdefg", 6) == "abcde" + ELLIPSIS
    assert cut("\x1b[2J", 4) == "\\x1" + ELLIPSIS
    assert cut("日本語です", 5) == "日本" + ELLIPSIS
    assert cut("x", 0) == ""


@given(any_text, st.integers(min_value=1, max_value=30))
def test_cut_fits(value: str, width: int) -> None:
    assert cell_width(cut(value, width)) <= width
