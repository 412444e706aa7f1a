"""Modal questions: yes/no, and a typed confirmation that names the thing to destroy."""

from __future__ import annotations

from typing import TypeVar

from textual import _time, events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

ResultT = TypeVar("ResultT")

MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 80%;
    max-width: 90;
    height: auto;
    border: round $warning;
    padding: 1 2;
    background: $surface;
}}
{name} .buttons {{ height: auto; margin-top: 1; }}
{name} Button {{ margin-right: 2; }}
"""


class Dialog(ModalScreen[ResultT]):
    """Base of the app's questions: a key only counts once the dialog has been drawn.

    Keys typed in a burst (the rest of a word typed while the focus was not where the person thought, or keys
    queued while the app was busy) can open a dialog and then answer it before anyone saw it: "day" once pressed
    d (remove the password policy) and then y (yes). The app drops every key event created before the dialog's
    first refresh after it became the current screen (each key carries its creation time)."""

    def __init__(self) -> None:
        super().__init__()
        self.shown_at: float | None = None

    def _on_screen_resume(self, _: events.ScreenResume) -> None:
        self.shown_at = None  # covered by another dialog and back: again only keys typed after it is drawn count
        self.call_after_refresh(self._drawn)

    def _drawn(self) -> None:
        self.shown_at = _time.get_time()  # the clock Textual stamps events with

    def typed_before_shown(self, event: events.Key) -> bool:
        return self.shown_at is None or event.time < self.shown_at


class ConfirmScreen(Dialog[bool]):
    """Dismisses with True (y / the first button) or False (n / esc)."""

    DEFAULT_CSS = MODAL_CSS.format(name="ConfirmScreen")
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

    DEFAULT_CSS = MODAL_CSS.format(name="TypedConfirmScreen")
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
