"""Guide step 5: how the new admin will use the AWS CLI. Three ways, best first, each with what it protects:
``aws login`` (no long-term key), an access key that MFA gates, and a plain access key (the guide's way)."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button

from ..widgets.data_text import Static
from .user_screen import UserScreen

WAYS = (
    ("login", "l", "1. aws login (recommended): no long-term key at all",
     "The CLI gets short-lived credentials from a console sign-in (with your MFA), refreshed for up to 12 hours. "
     "Nothing on disk works for long: a stolen laptop yields a session that ends, not the account. Needs AWS CLI "
     "2.32 or newer; `aws login --remote` on an SSH host."),
    ("mfa-key", "m", "2. Access key with MFA required",
     "A policy on the user's group denies everything but MFA set-up unless the request was made with MFA, so the "
     "key alone can do nothing. Daily: `aws configure mfa-login` (AWS CLI 2.30.3+) turns the key and a code into "
     "a 12-hour session. A leaked key is useless without the MFA device. Needs an MFA device (step 3)."),
    ("key", "k", "3. Access key (the guide's way)",
     "A long-term key in ~/.aws/credentials that works without MFA, for as long as it exists. Whoever copies the "
     "file (malware, a backup, a repository) has the user's permissions, all of AdministratorAccess for an admin, "
     "until someone notices and deletes the key. Leaked keys are the most common way AWS accounts are taken over."),
)


class CliAccessScreen(UserScreen[None]):
    """Step 5: choose the way; each opens its own screen."""

    AUTO_FOCUS = "#way-login"
    HELP = (
        "Step 5 of the guide: give the new admin the AWS CLI.\n\n"
        "l: aws login (recommended) writes the profile and runs `aws login` (AWS CLI 2.32+), which signs in through "
        "the console with MFA; no access key exists.\n"
        "m: an access key that MFA gates: the MFA-required policy on the user's group (reviewed, with undo), the "
        "key, a key profile with mfa_serial, and proof that the key alone is refused and an MFA session works.\n"
        "k: a plain access key, as the guide does it: the keys list, n for a new key, then p for its profile.\n"
        "u chooses another user."
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("l", "way('login')", "aws login"),
        Binding("m", "way('mfa-key')", "MFA key"),
        Binding("k", "way('key')", "Plain key"),
        Binding("u", "choose_user", "User"),
    ]
    DEFAULT_CSS = """
    CliAccessScreen #ways-body { height: 1fr; padding: 0 1; }
    CliAccessScreen .way { height: auto; margin-top: 1; }
    CliAccessScreen .way Button { min-width: 30; }
    CliAccessScreen .way-text { padding: 0 1; color: $text-muted; }
    """
    PICK_QUESTION = "Whose AWS CLI access?"
    TITLE_ID = "ways-user"

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="ways-body"):
            yield self.user_title()
            for key, letter, title, text in WAYS:
                with Vertical(classes="way"):
                    yield Button(f"{title} ({letter})", id=f"way-{key}", compact=True,
                                 variant="primary" if key == "login" else "default")
                    yield Static(text, classes="way-text", markup=False)

    def on_mount(self) -> None:
        self.take_guide_user()

    def title_text(self) -> str:
        return f"How will {self.user_name} use the AWS CLI? (u: another user)"

    @on(Button.Pressed, ".way Button")
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_way((event.button.id or "").removeprefix("way-"))

    def action_way(self, way: str) -> None:
        if not self.need_user() or self.user_name is None:
            return
        if way == "key":
            from .access_keys import AccessKeysScreen

            self.app.push_screen(AccessKeysScreen(self.user_name))
        elif way == "mfa-key":
            from .mfa_key import MfaKeyScreen

            self.app.push_screen(MfaKeyScreen(self.user_name))
        elif way == "login":
            from .cli_login import CliLoginScreen

            self.app.push_screen(CliLoginScreen(self.user_name))

    def action_back(self) -> None:
        self.dismiss()
