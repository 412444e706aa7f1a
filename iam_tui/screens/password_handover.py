"""The guide's "Retrieve password": the one and only time the new user's password is available.

Masked by default (v reveals, it masks itself again), c copies, s saves the console's .csv (0600), i shows the
sign-in instructions (which never contain the password). Leaving without having revealed, copied or saved it asks
first: AWS cannot show it again."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget

from ..core.csv_formats import default_credentials_filename, user_credentials_csv
from ..core.finish import Made
from ..core.secret import Secret
from ..widgets.data_text import Static
from ..widgets.secret_field import SecretField
from .base import Dialog
from .confirm import ConfirmScreen
from .messages import Recorded
from .save_file import SaveFileScreen
from .secret_handover import SecretHandoverScreen


def signin_instructions(user_name: str, account_id: str, signin_url: str, reset_required: bool) -> str:
    """What the console's "Email sign-in instructions" draft says: user name and URL, never the password."""
    change = ("You will be asked to choose a new password when you first sign in.\n\n" if reset_required else "")
    return (
        "Hello,\n\n"
        f"You now have access to the AWS Management Console for the account with ID {account_id}.\n\n"
        "To sign in, you need:\n"
        f"  Sign-in URL: {signin_url}\n"
        f"  User name:   {user_name}\n"
        "  Password:    your administrator gives it to you separately.\n\n"
        f"{change}"
        "Sincerely,\nYour AWS account administrator\n"
    )


class InstructionsScreen(Dialog[None]):
    BINDINGS = [Binding("escape,enter", "dismiss", "Close"), Binding("c", "copy", "Copy"),
                Binding("s", "save", "Save")]
    # Wide enough that the sign-in URL stays on one line, low enough for 24 rows; the keys sit above the text so a
    # short terminal never hides them.
    DEFAULT_CSS = """
    InstructionsScreen > Vertical { width: 90%; max-width: 84; padding: 0 1; }
    InstructionsScreen #instructions-keys { margin-bottom: 1; }
    """

    def __init__(self, text: str, user_name: str) -> None:
        super().__init__()
        self.text = text
        self.user_name = user_name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Sign-in instructions (no password inside: send it separately)", classes="help-title")
            yield Static("c copy · s save to a file · esc close", id="instructions-keys", classes="muted")
            yield Static(self.text, id="instructions-text")

    def action_copy(self) -> None:
        outcome = self.iam.clipboard_service.copy(self.text)
        self.notify(outcome.message)

    def action_save(self) -> None:
        default = Path.cwd() / f"{self.user_name}_sign-in-instructions.txt"
        self.iam.push_screen(SaveFileScreen("Save the sign-in instructions", default, self.text.encode),
                             lambda path: self.notify(f"Saved {path}") if path else None)


class PasswordHandoverScreen(SecretHandoverScreen):
    """Dismisses when the user leaves (after confirming, if the password was never revealed, copied or saved)."""

    AUTO_FOCUS = "#password"
    HELP = ("Retrieve the new user's password. This is the only time iam-tui (or AWS) can show it.\n\n"
            "v reveals it (it masks itself again after 30 s), c copies it (on a desktop to the system clipboard, "
            "cleared after 45 s; over SSH to your terminal's clipboard with OSC 52), s saves the console's .csv "
            "(User name, Password, Console sign-in URL) with file mode 0600, i shows sign-in instructions to send "
            "to the user (without the password). enter or esc when you are done.")
    # Done first and short labels: at 80 columns the footer holds them all (it used to lose "Done").
    BINDINGS = [
        Binding("enter,escape", "done", "Done"),
        Binding("s", "save", "Save .csv"),
        Binding("i", "instructions", "Instructions"),
    ]
    DEFAULT_CSS = """
    PasswordHandoverScreen #handover { padding: 1 2; height: 1fr; }
    PasswordHandoverScreen .warning { color: $warning; margin-top: 1; }
    """

    def __init__(self, user_name: str, password: Secret, reset_required: bool) -> None:
        super().__init__()
        self.user_name = user_name
        self.password = password
        self.reset_required = reset_required

    def compose_body(self) -> Iterable[Widget]:
        identity = self.iam.identity
        self.signin_url = identity.signin_url if identity else ""
        self.account_id = identity.account_id if identity else ""
        with VerticalScroll(id="handover"):
            yield Static(f"✓ User {self.user_name} created. Retrieve the console password now.", classes="help-title")
            yield Static(f"User name          {self.user_name}")
            yield Static(f"Console sign-in    {self.signin_url}")
            yield SecretField("Password (v reveal · c copy)", self.password, id="password")
            change = "must be changed at first sign-in" if self.reset_required else "no change required at sign-in"
            yield Static(f"The password {change}. Next in the guide: assign an MFA device (step 3).")
            yield Static("⚠ This is the only time the password can be shown. Store it safely: s saves the .csv "
                         "(0600), c copies, v reveals.", classes="warning")

    @property
    def untaken_key(self) -> str:
        return f"untaken password {self.user_name}"

    @property
    def untaken_text(self) -> str:
        return (f"the console password of {self.user_name} was never revealed, copied or saved, and AWS cannot show "
                "it again: set a new one (IAM > Users > the user > Security credentials > Manage console access)")

    def action_save(self) -> None:
        default = Path.cwd() / default_credentials_filename(self.user_name)
        content = lambda: user_credentials_csv(self.user_name, self.password, self.signin_url)  # noqa: E731
        self.iam.push_screen(SaveFileScreen("Download the credentials .csv (console format)", default, content,
                                            note="It holds the password: keep it private, delete it once used."),
                             self._saved)

    def _saved(self, path: Path | None) -> None:
        if path is not None:
            self.took("saved")
            self.tell(Recorded(Made("file", str(path), "the console password's .csv, mode 0600")))
            self.notify(f"Saved {path} (mode 0600).")

    def action_instructions(self) -> None:
        text = signin_instructions(self.user_name, self.account_id, self.signin_url, self.reset_required)
        self.iam.push_screen(InstructionsScreen(text, self.user_name))

    def action_done(self) -> None:
        if self.taken:
            self._leave(True)
            return
        self.iam.push_screen(
            ConfirmScreen("You have not revealed, copied or saved the password. It cannot be retrieved later "
                          "(you would have to set a new one). Leave anyway?", yes="Leave", no="Stay"),
            self._leave,
        )

    def _leave(self, leave: bool | None) -> None:
        if leave:
            self.forget(self.query_one("#password", SecretField))
            self.dismiss()
