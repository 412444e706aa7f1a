"""Modal questions: yes/no, and a typed confirmation that names the thing to destroy."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input

from ..widgets.data_text import Static
from .base import Dialog


class ConfirmScreen(Dialog[bool]):
    """Dismisses with True (y / the first button) or False (n / esc)."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="yes")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class TypedConfirmScreen(Dialog[bool]):
    """For destructive actions: the user types the exact name (a key ID, a user name) to go ahead."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#typed"

    def __init__(self, question: str, expected: str) -> None:
        super().__init__()
        self.question = question
        self.expected = expected

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            yield Static(f"Type {self.expected} to confirm, then press enter (esc cancels).", classes="muted")
            yield Input(placeholder=self.expected, id="typed")
            yield Static("", id="typed-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip() == self.expected:
            self.dismiss(True)
        else:
            self.query_one("#typed-error", Static).update(f"That is not {self.expected}.")

    def action_cancel(self) -> None:
        self.dismiss(False)
