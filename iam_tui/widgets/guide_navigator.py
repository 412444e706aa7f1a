"""The guide navigator: the guide's steps with their state; choosing one opens it (enter, or the step's digit while
the list has the focus: the footer then shows them)."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..guide import MARKS, STEPS, StepKey, StepState

OPEN_STEP = Binding.Group("Step", compact=True)


class GuideNavigator(OptionList):
    BINDINGS = [
        # Disabled by the App while a change is in flight (its check_action), like every way of leaving a screen.
        *(Binding(str(s.number), f"app.open_step_number({s.number})", f"Open step {s.number}", group=OPEN_STEP)
          for s in STEPS),
    ]
    DEFAULT_CSS = """
    GuideNavigator {
        width: 1fr;
        height: auto;
        max-height: 9;
        border: round $primary-muted;
        border-title-color: $text-muted;
        padding: 0;
    }
    GuideNavigator:focus { border: round $primary; }
    """

    class StepChosen(Message):
        def __init__(self, key: StepKey) -> None:
            self.key = key
            super().__init__()

    def __init__(self, current: StepKey, *, id: str | None = "guide") -> None:
        super().__init__(id=id)
        self.current = current
        self.border_title = "Guide"

    def on_mount(self) -> None:
        self.watch(self.app, "guide_state", self._render_steps, init=True)

    def _render_steps(self, states: dict[StepKey, StepState]) -> None:
        highlighted = self.highlighted
        self.clear_options()
        for s in STEPS:
            mark = MARKS[states.get(s.key, StepState.TODO)]
            here = "▸" if s.key == self.current else " "
            self.add_option(Option(f"{here}{s.number} {mark} {s.title}", id=s.key))
        index = next((i for i, s in enumerate(STEPS) if s.key == self.current), 0)
        self.highlighted = highlighted if highlighted is not None else index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.StepChosen(StepKey(event.option.id)))
