"""The account's IAM users at a glance: console access, MFA, access keys, groups, last activity and the checks each
user fails, from the last scan's account-wide reads (``ScanResult.users_overview()``: no call per user).
Sortable (s cycles the order) and searchable (/): every row is made once per scan (``UserRows``) and the table draws
only the lines on screen, so a sort or a filter key stays quick at 10,000 users. Per user: open the MFA, access-keys
or sign-in step for that user, rotate its oldest active key, or remove the user (a reviewed plan, run with progress,
retry and roll back)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import events, getters, on, work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Input

from ..aws.models import ScanResult
from ..core.authz import AuthorizationDetails
from ..core.users_overview import UserAtAGlance, UserSort, UsersOverview
from ..core.users_table import COLUMNS, UserRows, detail_text, summary_text
from ..guide import StepKey
from ..widgets.data_text import Static, data_text
from ..widgets.line_table import LineColumn, LineTable, content_widths
from .base import AppScreen
from .messages import AwsChanged, GuideUserChosen

USER_KEYS = "Highlighted user: m MFA · a access keys · l sign-in · t rotate key · x remove"
SORTS: tuple[UserSort, ...] = tuple(UserSort)
# Sized from their cells; on a narrow terminal the widest give way first (a cut cell ends in "…"), but no column
# below its title, and a name not below 8 (the detail panel shows it whole).
USER_COLUMNS = tuple(LineColumn(title, least=8 if title == "User" else len(title)) for title in COLUMNS)
FREEZE_FROM_USERS = 1_000  # users: below this a full collection walks the scan in well under 50 ms
FAILING = 1  # the column that is red for a user failing a check


class UsersScreen(AppScreen[None]):
    """Every IAM user of the account, from the app's last scan."""

    AUTO_FOCUS = "#users"
    HELP = ("Every IAM user of the account, read by the last security scan (the credential report and the account's "
            "authorization details): console access, MFA, access keys (age, last use), groups, last activity and "
            "the checks (CIS numbers) each user fails.\n"
            "/ filters by name or group (enter or esc goes back to the table) · s changes the order (name, last "
            "activity, oldest key, failing checks, created) · r scans again.\n"
            "For the highlighted user: m opens MFA (guide step 3), a the access keys (step 5), l sign-in (step 4), "
            "t rotates its oldest active key, x removes the user (a plan you review first). Opening a step makes "
            "that user the guide's user. esc returns.")
    BINDINGS = [
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("s", "cycle_sort", "Sort"),
        Binding("m", "open_step('mfa')", "MFA", show=False),
        Binding("a", "open_step('access-keys')", "Keys", show=False),
        Binding("l", "open_step('sign-in')", "Sign-in", show=False),
        Binding("t", "rotate_key", "Rotate", show=False),
        Binding("x", "remove_user", "Remove"),
        Binding("r", "rescan", "Rescan"),
        Binding("escape", "back", "Back"),
    ]
    WAIT_WHILE_BUSY: ClassVar[frozenset[str]] = frozenset({"open_step", "rotate_key", "remove_user", "rescan"})
    DEFAULT_CSS = """
    UsersScreen #users-summary { padding: 0 1; height: auto; }
    UsersScreen #users-message { padding: 0 1; height: auto; color: $error; }
    UsersScreen #users-filter { margin: 0 1; height: 1; border: none; padding: 0 1; }
    UsersScreen #users { height: 1fr; min-height: 5; }
    UsersScreen #users-detail-box { height: auto; max-height: 40%; border-top: solid $primary; }
    UsersScreen #users-detail { height: auto; padding: 0 1; }
    UsersScreen #users-hint { height: auto; padding: 0 1; color: $text-muted; }
    """

    table = getters.query_one("#users", LineTable)
    filter_input = getters.query_one("#users-filter", Input)

    scan: var[ScanResult | None] = var(None, always_update=True)  # set only when it is another scan (never compared)
    overview: var[UsersOverview | None] = var(None)
    sort: var[UserSort] = var(UserSort.NAME)
    needle: var[str] = var("")  # what the filter holds

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[UserAtAGlance] = []
        self.rows: UserRows | None = None  # the overview's, made with it
        self.wanted: list[int] = []  # each column's widest cell over every user
        self._texts: dict[str, str] = {}  # what the summary and the detail show
        self.ready = False

    def compose_body(self) -> Iterable[Widget]:
        yield Static("", id="users-summary", markup=False)
        yield Static("", id="users-message", markup=False)
        yield Input(placeholder="/ filter by user name or group", id="users-filter")
        yield LineTable(USER_COLUMNS, self._cells, id="users")
        with VerticalScroll(id="users-detail-box", can_focus=False):
            yield Static("", id="users-detail", markup=False)
        yield Static(USER_KEYS, id="users-hint", markup=False)

    def on_mount(self) -> None:
        self.call_after_refresh(self._start)  # the detail panel (inside its scroll box) is mounted by then

    def _start(self) -> None:
        self.ready = True
        self.say("")
        self.scan = self.iam.last_scan
        self._fill()  # says there is no scan yet, when there is none
        self.watch(self.iam, "last_scan", self._scan_landed, init=False)  # after r, or any change iam-tui made

    def _scan_landed(self, scan: ScanResult | None) -> None:
        if scan is not self.scan:
            self.scan = scan

    # --- showing ---------------------------------------------------------------------------------------------

    def watch_scan(self, scan: ScanResult | None) -> None:
        if scan is None:
            self.overview = None
        else:
            self.build_overview(scan)

    @work(exclusive=True, group="users-overview")
    async def build_overview(self, scan: ScanResult) -> None:
        """Pure CPU but ~0.2 s for 10,000 users: off the event loop.

        The scan, the overview and the rows are millions of objects at 10,000 users that live as long as the scan:
        a full collection of the garbage collector walks them all (0.3-0.5 s, the UI frozen, at a key or while the
        rows are built). Frozen, it walks only newer objects. A frozen object is still freed when its last reference
        goes (a newer scan replaces this one), but ``gc.freeze`` takes every object alive at that moment, garbage in
        a reference cycle too (the widgets of a closed screen), and that garbage then stays for good: so only an
        account large enough for the pause to be felt is frozen, not at every scan of every account."""
        large = _large(scan)
        if large:
            gc.freeze()

        def build() -> tuple[UsersOverview, UserRows, list[int]]:
            overview = scan.users_overview()
            rows = UserRows.of(overview)
            for order in SORTS:  # each costs ~30 ms at 10,000 users: here, not at a key
                rows.order(order)
            return overview, rows, content_widths(USER_COLUMNS, rows.cells)

        overview, self.rows, self.wanted = await asyncio.to_thread(build)
        if large:
            gc.freeze()
        self.overview = overview

    def watch_overview(self) -> None:
        self._fill()

    def watch_sort(self) -> None:
        self._fill()

    def watch_needle(self) -> None:
        self._fill()

    def _fill(self) -> None:
        if not self.ready or not self.query("#users"):
            # The watchers run once before the screen is mounted; and the overview built in a thread can land as
            # the screen is taken down, its widgets already gone (it crashed with NoMatches).
            return
        overview, rows = self.overview, self.rows
        if overview is None or rows is None or rows.overview is not overview:
            self.shown = []
            self.table.show([])
            self._update("#users-summary",
                         "No scan yet, so no users to show: r scans the account (the users are read with the security "
                         "checks)." if self.scan is None else "Reading the users from the last scan…")
            self._update("#users-detail", "")
            return
        users = overview.users
        self.shown = [users[i] for i in rows.shown(self.sort, self.needle)]
        self.table.show([u.name for u in self.shown], self.wanted)
        summary = summary_text(overview, len(self.shown), self.sort.value, self.needle)
        notes = "".join(f"\n{note}" for note in overview.notes)
        self._update("#users-summary", summary + notes)
        self._show_detail()

    def _cells(self, name: str) -> list[Text]:
        """A row as the table draws it: the overview's strings as text (never markup, nothing hidden)."""
        rows = self.rows
        if rows is None or name not in rows.index:
            return []
        index = rows.index[name]
        failing = bool(rows.overview.users[index].failing)
        return [data_text(cell, style="bold red" if n == FAILING and failing else "")
                for n, cell in enumerate(rows.cells[index])]

    @property
    def highlighted(self) -> UserAtAGlance | None:
        rows, name = self.rows, self.table.highlighted_key
        if rows is None or name is None or name not in rows.index:
            return None
        return rows.overview.users[rows.index[name]]

    @on(LineTable.RowHighlighted, "#users")
    def _show_detail(self) -> None:
        user, overview = self.highlighted, self.overview
        if user is None or overview is None:
            text = "No user matches the filter." if overview is not None and overview.users else ""
        else:
            text = detail_text(user, overview.now)
        self._update("#users-detail", text)

    def _update(self, selector: str, text: str) -> None:
        """Only a change is drawn: each update lays the screen out again, and most filter keys keep the same
        highlighted user."""
        if self._texts.get(selector) != text:
            self._texts[selector] = text
            self.query_one(selector, Static).update(data_text(text, multiline=True))

    # --- sorting and searching -------------------------------------------------------------------------------

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]

    def action_filter(self) -> None:
        self.filter_input.focus()

    @on(Input.Changed, "#users-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.needle = event.value

    @on(Input.Submitted, "#users-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def on_key(self, event: events.Key) -> None:
        """esc in the filter goes back to the table (a second esc leaves the screen); printable keys typed in the
        filter never reach the bindings (the App drops them too)."""
        if self.focused is self.filter_input:
            if event.key == "escape":
                event.stop()
                event.prevent_default()
                self.table.focus()
            elif event.is_printable:
                event.stop()

    # --- per user ----------------------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """A line under the summary: why an action did nothing (cleared by the next action)."""
        message = self.query_one("#users-message", Static)
        message.update(data_text(text, multiline=True))
        message.display = bool(text)

    def _chosen(self) -> UserAtAGlance | None:
        user = self.highlighted
        self.say("" if user is not None else "No user is highlighted.")
        return user

    def action_open_step(self, step: str) -> None:
        """Open a guide step for the highlighted user: the step screens read the session's guide user when they
        open, so the choice goes to the App first and the step opens after the App handled it."""
        user = self._chosen()
        if user is None:
            return
        self.tell(GuideUserChosen(user.name))
        self.iam.call_later(self.iam.open_step, StepKey(step))

    def action_rotate_key(self) -> None:
        user = self._chosen()
        if user is None:
            return
        if not user.active_keys:
            self.say(f"{user.name} has no active access key to rotate.")
            return
        from .key_rotation import KeyRotationScreen

        self.app.push_screen(KeyRotationScreen(user.name))

    def action_remove_user(self) -> None:
        user = self._chosen()
        if user is not None:
            from .remove_user import open_user_removal

            open_user_removal(self, user.name, self.say)

    def action_rescan(self) -> None:
        self._update("#users-summary", "Scanning the account again…")
        self.tell(AwsChanged())  # not a write: r asks for everything to be read again, which an unnamed change does

    def action_back(self) -> None:
        self.dismiss(None)


def _large(scan: ScanResult) -> bool:
    authz = scan.inputs.authz if scan.inputs is not None else None
    return isinstance(authz, AuthorizationDetails) and len(authz.users) >= FREEZE_FROM_USERS
