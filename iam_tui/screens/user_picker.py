"""Pick an IAM user: a searchable list of every user in the account (all pages)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..aws.errors import AwsError
from ..aws.users import UserSummary
from .base import Dialog


class UserPickerScreen(Dialog[str | None]):
    """Dismisses with the chosen user name, or None. Type to filter; ↑/↓ and enter to choose."""

    DEFAULT_CSS = """
    UserPickerScreen OptionList { height: auto; max-height: 16; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("down", "focus_list", "List", show=False)]
    AUTO_FOCUS = "#user-filter"

    def __init__(self, title: str = "Choose an IAM user") -> None:
        super().__init__()
        self.title_text = title
        self.users: list[UserSummary] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text)
            yield Input(placeholder="filter by name", id="user-filter")
            yield OptionList(id="user-list")
            yield Static("Loading users…", id="user-status", classes="muted")

    def on_mount(self) -> None:
        self.load_users()

    @work(exclusive=True)
    async def load_users(self) -> None:
        status = self.query_one("#user-status", Static)
        try:
            service = await self.iam.wait_for_service()
            self.users = await service.users.list_users()
        except AwsError as err:
            status.update(err.text)
            return
        if not self.users:
            status.update("This account has no IAM users yet: create one first (guide step 2). esc cancels")
        else:
            status.update(f"{len(self.users)} user(s) · enter chooses · esc cancels")
        self._show(self.query_one("#user-filter", Input).value)

    @on(Input.Changed, "#user-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, text: str) -> None:
        needle = text.strip().lower()
        options = self.query_one("#user-list", OptionList)
        options.clear_options()
        for user in self.users:
            if needle in user.name.lower():
                options.add_option(Option(user.name, id=user.name))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#user-filter")
    def _submit_filter(self) -> None:
        options = self.query_one("#user-list", OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#user-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_focus_list(self) -> None:
        self.query_one("#user-list", OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
