"""j and k move the way ↓ and ↑ do, in every list, table and scrollable part, with one pair of bindings on the App
(and the same pair on dialogs).

Each widget binds the arrows to its own action (a table's cursor, a list's highlight, a radio set's next button, a
scrollable part's scroll): j/k run whatever ↓/↑ would run for the focused widget, so they can never mean anything
else. A text field keeps the letters (Textual drops bindings of keys the focused Input consumes)."""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

ARROW_OF = {"j": "down", "k": "up"}

VIM_BINDINGS = [
    Binding("j", "vim_move('down')", "Down", show=False),
    Binding("k", "vim_move('up')", "Up", show=False),
]
# A modal dialog's binding chain ends at the dialog: the App's pair never reaches a list in one (j then enter in
# "which key to deactivate?" chose the first key). Dialogs carry the same pair, bound to the App's action.
DIALOG_VIM_BINDINGS = [Binding(b.key, f"app.{b.action}", b.description, show=False) for b in VIM_BINDINGS]


def arrow_action(focused: Widget | None, arrow: str) -> tuple[DOMNode, str] | None:
    """The node and action the arrow key would run for ``focused`` (its own binding, or the nearest enclosing
    widget's, below the screen), or None when the arrow does nothing there."""
    if focused is None:
        return None
    for node in focused.ancestors_with_self:
        if isinstance(node, Screen):
            return None
        for binding in node._bindings.key_to_bindings.get(arrow, ()):
            return node, binding.action
    return None
