"""Small dialogs any screen can ask with: a notice to read, one choice of a few, a line of text checked as it is
typed. Yes/no and the typed confirmation of a deletion are in ``confirm.py``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ..widgets.core_rule import CoreRule
from ..widgets.data_text import Static, data_text
from .base import Dialog

Rule = Callable[[str], str | None]


class NoticeDialog(Dialog[None]):
    """A few lines to read (why something cannot go on, what to do instead); enter or esc closes it."""

    BINDINGS = [Binding("escape,enter", "close", "Close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="section-title", markup=False)
            yield Static(self.text, id="notice-text", markup=False)
            yield Static("enter or esc closes", classes="muted")

    def action_close(self) -> None:
        self.dismiss(None)


class ChoiceDialog(Dialog[str | None]):
    """Pick one of a few things (a user, a key): enter chooses, esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#choices"

    def __init__(self, question: str, choices: Sequence[tuple[str, str]]) -> None:
        """``choices``: (value, label) pairs."""
        super().__init__()
        self.question = question
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            yield OptionList(*(Option(data_text(label), id=value) for value, label in self.choices), id="choices")
            yield Static("enter chooses · esc cancels", classes="muted")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NameDialog(Dialog[str | None]):
    """A line of text (a name with a suggestion, a reason), checked by ``rule`` as it is typed; enter takes it, esc
    cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#name"

    def __init__(self, question: str, suggested: str, rule: Rule, *, problem: str = "", hint: str = "",
                 keys: str = "enter takes the name · esc cancels", max_length: int = 0,
                 placeholder: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.suggested = suggested
        self.rule = rule
        self.problem = problem
        self.hint = hint
        self.keys = keys
        self.max_length = max_length
        self.placeholder = suggested if placeholder is None else placeholder
        self._edited = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            if self.hint:
                yield Static(self.hint, classes="muted", markup=False)
            yield Input(self.suggested, placeholder=self.placeholder, id="name", validators=[CoreRule(self.rule)],
                        max_length=self.max_length)
            yield Static(self.problem, id="name-problem", markup=False)
            yield Static(self.keys, classes="muted", markup=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.problem and event.value == self.suggested and not self._edited:
            return  # the field's first Changed (its value set on mount): the problem it opened with stays
        self._edited = True
        result = event.validation_result
        self.query_one("#name-problem", Static).update(
            "" if result is None or result.is_valid else "; ".join(result.failure_descriptions))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        problem = self.rule(event.value)
        if problem:
            self.query_one("#name-problem", Static).update(problem)
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
