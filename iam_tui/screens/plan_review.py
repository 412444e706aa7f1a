"""The review of any plan before it runs (a fix, a user's removal): what changes and why, each AWS call with its undo
or why it cannot be undone, notes and documents; c copies the plan as ``aws iam ...`` commands. Enter runs it, after
the typed confirmation when the plan asks for one, and after one more question per key in ``confirm_twice``."""

from __future__ import annotations

from collections.abc import Iterable

from textual import getters, work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input

from ..core.plan_review import PlanReview, exact_name_problem, review_cli, review_text, running_key_question
from ..widgets.core_rule import CoreRule, Rule
from ..widgets.data_text import Static
from .base import AppScreen
from .confirm import ConfirmScreen


class PlanReviewScreen(AppScreen[bool]):
    """Dismisses with True to run the plan, False to leave it."""

    HELP = ("The review of a plan: nothing has been sent to AWS yet. It lists what changes and why, every AWS call in "
            "order with what a roll back does (or why a step cannot be undone), notes, and documents the plan sends.\n"
            "c copies the plan as aws iam commands (no secrets) · enter runs it (after you typed the name, when one "
            "is asked for) · esc leaves without changing anything.")
    BINDINGS = [
        Binding("enter", "run", "Run"),
        Binding("c", "copy", "Copy as CLI"),
        Binding("escape", "cancel", "Back"),
    ]
    AUTO_FOCUS = "#review-body"
    KEYS_ONCE_DRAWN = True  # enter typed with the key that opened it must not run the plan unseen
    DEFAULT_CSS = """
    PlanReviewScreen #review-title { padding: 0 2; height: auto; text-style: bold; }
    PlanReviewScreen #review-body { height: 1fr; padding: 0 2; }
    PlanReviewScreen #review-hint { padding: 0 2; height: auto; color: $text-muted; }
    PlanReviewScreen #review-confirm { margin: 0 2; }
    PlanReviewScreen #review-problem { padding: 0 2; height: auto; color: $error; }
    """

    body = getters.query_one("#review-body", VerticalScroll)
    problem_line = getters.query_one("#review-problem", Static)

    def __init__(self, review: PlanReview, *, confirm_rule: Rule | None = None) -> None:
        """``confirm_rule``: what is wrong with the typed confirmation (default: exactly ``review.confirm_name``)."""
        super().__init__()
        self.review = review
        expected = review.confirm_name
        self.confirm_rule: Rule | None = None
        if expected is not None:
            self.confirm_rule = confirm_rule or (lambda typed: exact_name_problem(typed, expected))

    def compose_body(self) -> Iterable[Widget]:
        yield Static(f"Review: {self.review.title}", id="review-title", markup=False)
        with VerticalScroll(id="review-body"):
            yield Static(review_text(self.review), id="review-text", markup=False)
        run = self.review.run_label.lower()
        if self.confirm_rule is None:
            hint = f"Nothing is sent yet. enter: {run} · c: copy as aws iam commands · esc: back"
        else:
            hint = (f"Nothing is sent yet. Type {self.review.confirm_name}, then enter: {run} · shift+tab, c: copy as "
                    "aws iam commands · esc: back")
        yield Static(hint, id="review-hint", markup=False)
        if self.confirm_rule is not None:
            yield Input(placeholder=f"type {self.review.confirm_name}", id="review-confirm", compact=True,
                        validators=[CoreRule(self.confirm_rule)], validate_on=["submitted"])
        yield Static("", id="review-problem", markup=False)

    def on_mount(self) -> None:
        if self.confirm_rule is not None:
            self.query_one("#review-confirm", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy" and isinstance(self.focused, Input):
            return False  # c types into the field there; the footer does not offer it
        return super().check_action(action, parameters)

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    # --- actions -------------------------------------------------------------------------------------------------

    def action_copy(self) -> None:
        outcome = self.iam.clipboard_service.copy(review_cli(self.review))
        self.problem_line.update(f"Copied the plan as {len(self.review.steps)} aws iam command(s). {outcome.message}")

    def action_cancel(self) -> None:
        self.dismiss(False)

    def on_input_changed(self) -> None:
        self.problem_line.update("")  # what was wrong with the name typed before: edited since

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    def action_run(self) -> None:
        if not self.is_current:  # leaving already (esc, then an enter that was on its way)
            return
        if self.confirm_rule is not None:
            field = self.query_one("#review-confirm", Input)
            problem = self.confirm_rule(field.value)
            if problem:
                self.problem_line.update(problem)
                field.focus()
                return
        self.problem_line.update("")
        self._confirm_and_run()

    @work(exclusive=True, group="review")
    async def _confirm_and_run(self) -> None:
        for key_id in self.review.confirm_twice:
            if not await self.app.push_screen_wait(ConfirmScreen(running_key_question(key_id), yes="Yes, go ahead",
                                                                 no="No, keep it")):
                self.problem_line.update(f"Not run: {key_id} stays as it is. esc leaves.")
                return
        self.dismiss(True)
