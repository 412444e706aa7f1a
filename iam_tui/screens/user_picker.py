"""Pick an IAM user: a searchable list of every user in the account (all pages)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical

from ..aws.errors import AwsError
from ..aws.users import UserSummary
from ..widgets.data_text import Static
from ..widgets.search_list import SearchItem, SearchList
from .base import Dialog


class UserPickerScreen(Dialog[str | None]):
    """Dismisses with the chosen user name, or None. Type to filter; ↑/↓ and enter to choose."""

    DEFAULT_CSS = """
    UserPickerScreen SearchList > OptionList { max-height: 16; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "SearchInput"

    def __init__(self, title: str = "Choose an IAM user") -> None:
        super().__init__()
        self.title_text = title
        self.users: list[UserSummary] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text)
            yield SearchList("filter by name", id="user-search")
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
            status.update(f"{len(self.users)} user(s) · ↑/↓ and enter choose · esc cancels")
        self.query_one(SearchList).show([SearchItem(user.name, user.name) for user in self.users])

    @on(SearchList.Chosen)
    def _chosen(self, event: SearchList.Chosen) -> None:
        self.dismiss(event.item_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
