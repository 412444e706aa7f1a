"""The new access key's secret, shown once: masked (v reveals, c copies), Download .csv in the console's format,
or an AWS CLI profile. Leaving without having revealed, copied or saved it asks first: AWS never shows it again."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox

from ..aws.keys import NewAccessKey
from ..core.access_keys import UseCase
from ..core.csv_formats import access_key_csv, default_access_keys_filename
from ..core.finish import Made
from ..widgets.data_text import Static
from ..widgets.secret_field import SecretField
from .confirm import ConfirmScreen
from .messages import Recorded
from .save_file import SaveFileScreen
from .secret_handover import SecretHandoverScreen


class NewKeyScreen(SecretHandoverScreen):
    """The one chance to take the secret access key."""

    CSS_PATH = "../styles/keys.tcss"
    AUTO_FOCUS = "#secret"
    HELP = (
        "Your new access key. AWS shows the secret access key only now: afterwards nobody can read it again "
        "(if it is lost, delete the key and create another).\n\n"
        "With the secret field focused: v reveals it (masked again after 30 s), c copies it (a system clipboard is "
        "cleared after 45 s). s downloads the console's .csv file (mode 0600; tick the User name column for "
        "`aws configure import --csv`). p writes an AWS CLI profile with the key and proves it works."
    )
    BINDINGS = [
        Binding("s", "save_csv", "Save .csv"),
        Binding("p", "profile", "Profile"),
    ]

    def __init__(self, new_key: NewAccessKey, use_case: UseCase, problem: str = "") -> None:
        super().__init__()
        self.new_key = new_key
        self.use_case = use_case
        self.problem = problem

    @property
    def user_name(self) -> str:
        return self.new_key.user_name or "root"

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="new-key-body"):
            yield Static(f"Access key created for {self.user_name}", classes="section-title")
            yield Static(f"Access key ID      {self.new_key.access_key_id}", id="key-id")
            yield SecretField("Secret access key", self.new_key.secret, id="secret")
            yield Static("This is the only time AWS shows the secret access key. Save it now: v reveal · c copy · "
                         "s download .csv · p AWS CLI profile.", classes="warning")
            if self.problem:
                yield Static(self.problem, classes="field-error")
            yield Checkbox("Include User name (for `aws configure import --csv`)",
                           value=False, id="with-user-name")
            with Horizontal(id="new-key-actions"):
                yield Button("Download .csv (s)", id="save-csv")
                yield Button("Write AWS CLI profile (p)", id="profile", variant="primary")
            yield Static(f"Use case: {self.use_case.label}. {self.use_case.alternative}", classes="note")
            yield Static("", id="taken", classes="success")

    @property
    def untaken_key(self) -> str:
        return f"untaken secret {self.new_key.access_key_id}"

    @property
    def untaken_text(self) -> str:
        return (f"the secret of access key {self.new_key.access_key_id} ({self.user_name}) was never revealed, "
                "copied or saved, and AWS never shows it again: delete that key (step 5, d) and create another")

    def took(self, how: str) -> None:
        super().took(how)
        self.query_one("#taken", Static).update("Secret " + ", ".join(sorted(self.taken)) + ".")

    def _csv(self) -> bytes:
        with_name = self.query_one("#with-user-name", Checkbox).value
        return access_key_csv(self.new_key.access_key_id, self.new_key.secret,
                              self.user_name if with_name else None)

    @on(Button.Pressed, "#save-csv")
    def action_save_csv(self) -> None:
        default = Path.cwd() / default_access_keys_filename(self.user_name)

        def saved(path: Path | None) -> None:
            if path is not None:
                self.took("saved")
                self.tell(Recorded(Made("file", str(path), "the access key's .csv, mode 0600")))
                self.app.notify(f"Saved {path} (mode 0600). Keep it somewhere safe, or delete it once imported.",
                                title="Access key saved")

        self.app.push_screen(SaveFileScreen("Download the access key (.csv)", default, self._csv,
                                            note="The console's format: Access key ID,Secret access key."), saved)

    @on(Button.Pressed, "#profile")
    def action_profile(self) -> None:
        from .cli_profile import CliProfileScreen

        self.app.push_screen(CliProfileScreen(self.new_key, on_written=lambda: self.took("written to a CLI profile")))

    def action_done(self) -> None:
        self.leave()

    @work(exclusive=True, group="leave")
    async def leave(self) -> None:
        if not self.taken:
            stay = not await self.iam.push_screen_wait(ConfirmScreen(
                "You have not revealed, copied or saved the secret access key, and AWS never shows it again.\n"
                f"If you leave now, the key {self.new_key.access_key_id} is useless: delete it on the keys list "
                "(d) and create another.\n\nLeave anyway?", yes="Leave", no="Stay"))
            if stay:
                return
        self.forget(self.query_one("#secret", SecretField))
        self.dismiss()
