"""The MFA code a profile's role asks for (``role_arn`` with ``mfa_serial``), asked in the app instead of
botocore's terminal prompt, which a worker thread under Textual cannot show."""

from __future__ import annotations

from concurrent.futures import Future

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from ..core.mfa_gate import KEY_PROFILE_PROMPT, REFUSED_KEY_PROMPT
from ..core.totp import DIGITS
from ..widgets.data_text import Static
from .base import Dialog


class MfaCodeScreen(Dialog[str | None]):
    """Dismisses with the code (six digits, enter) or None (esc). ``answer`` receives the same result for the
    thread that waits for it, also when the screen goes away unanswered (the app quits)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#mfa-code"

    INTRO = "The profile's role asks for an MFA code before AWS hands out its credentials."

    KEY_INTRO = ("The profile holds an access key with mfa_serial: iam-tui gets a session from sts:GetSessionToken "
                 "with your code and keeps it in memory only (it asks again when the session runs out).")

    REFUSED_INTRO = ("AWS refuses this access key's calls without MFA (an MFA-required policy): iam-tui gets a session "
                     "from sts:GetSessionToken with your code and keeps it in memory only (it asks again when the "
                     "session runs out).")

    def __init__(self, prompt: str, answer: Future[str | None], intro: str | None = None) -> None:
        super().__init__()
        self.prompt = prompt.strip().rstrip(":")
        self.answer = answer
        self.intro = intro or (self.KEY_INTRO if prompt.startswith(KEY_PROFILE_PROMPT) else
                               self.REFUSED_INTRO if prompt.startswith(REFUSED_KEY_PROMPT) else self.INTRO)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.intro, markup=False)
            yield Static(self.prompt, id="mfa-prompt", markup=False)
            yield Input(placeholder=f"{DIGITS}-digit code", restrict=r"[0-9]*", max_length=DIGITS, id="mfa-code")
            yield Static("enter sends it · esc cancels", classes="muted", id="mfa-code-msg")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if len(event.value) == DIGITS:
            self._answer(event.value)
        else:
            self.query_one("#mfa-code-msg", Static).update(f"Enter the {DIGITS} digits your MFA device shows.")

    def action_cancel(self) -> None:
        self._answer(None)

    def _answer(self, code: str | None) -> None:
        if not self.answer.done():
            self.answer.set_result(code)
        self.dismiss(code)

    def on_unmount(self) -> None:
        if not self.answer.done():
            self.answer.set_result(None)
