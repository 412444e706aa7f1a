"""Guide step 5: the chosen user's access keys (status, age, last use), creating one the way the console does,
and the two-key limit: deactivate or delete a key, never the key iam-tui runs on without a second confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, RadioButton, RadioSet

from ..aws.errors import AwsError
from ..aws.keys import MAX_KEYS, NewAccessKey, SecretNeverReceived
from ..aws.models import AccessKeyInfo
from ..core.access_keys import USE_CASES, UseCase, last_use_text, validate_description
from ..core.changes import Changed
from ..core.finish import Made
from ..guide import StepKey
from ..widgets.data_text import Static
from ..widgets.fitted_table import FitColumn, FittedTable
from .base import REFUSED, Dialog, failure_text
from .confirm import ConfirmScreen, TypedConfirmScreen
from .key_profiles import offer_profile_removal, profiles_of
from .messages import AwsChanged, Recorded, StepDone
from .user_screen import UserScreen

CIS_NOTE = (
    "A key created at setup for a user who also signs in to the console fails CIS 1.10 "
    "(setup-keys-unused) until the key is used (writing and verifying the CLI profile uses it). If the key is for "
    "the AWS CLI, `aws login` (AWS CLI 2.32+) gives it short-lived credentials instead, and `aws login --remote` "
    "works over SSH on a host without a browser: no long-term key at all."
)


@dataclass(frozen=True)
class KeyRequest:
    use_case: UseCase
    description: str


class UseCaseChoice(RadioSet):
    """The use cases: ↑/↓ choose (the highlighted case is the chosen one, and its better alternative shows), enter
    creates the key, as the dialog's hint says (a plain RadioSet's enter only ticks the highlighted button)."""

    BINDINGS = [Binding("enter", "create", "Create", show=False)]

    @dataclass
    class CreateRequested(Message):
        use_case: UseCase

    def action_next_button(self) -> None:
        super().action_next_button()
        self._choose_highlighted()

    def action_previous_button(self) -> None:
        super().action_previous_button()
        self._choose_highlighted()

    def _choose_highlighted(self) -> None:
        if self._selected is not None:
            self.query(RadioButton)[self._selected].value = True

    def action_create(self) -> None:
        self._choose_highlighted()
        index = self._selected if self._selected is not None else self.pressed_index
        self.post_message(self.CreateRequested(USE_CASES[max(index, 0)]))


class CreateKeyScreen(Dialog[KeyRequest | None]):
    """The console's questions before a key: the use case (with AWS's better alternative) and a description."""

    DEFAULT_CSS = """
    CreateKeyScreen > Vertical { padding: 0 1; }
    CreateKeyScreen RadioSet { width: 1fr; }
    CreateKeyScreen #alternative { color: $warning; height: auto; min-height: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#use-case"

    def __init__(self, user_name: str) -> None:
        super().__init__()
        self.user_name = user_name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Create an access key for {self.user_name}: what is it for?")
            with UseCaseChoice(id="use-case"):
                for index, case in enumerate(USE_CASES):
                    yield RadioButton(case.label, value=index == 0, id=f"use-{case.key}")
            yield Static(USE_CASES[0].alternative, id="alternative")
            yield Input(placeholder="Description (optional, kept as a tag on the user)",
                        id="description", max_length=300)
            yield Static("", id="description-error", classes="field-error")
            yield Button("I understand; create the access key", id="create", variant="warning")
            yield Static("↑/↓ choose · tab next · enter creates · esc cancels", classes="muted")

    def _use_case(self) -> UseCase:
        pressed = self.query_one("#use-case", RadioSet).pressed_index
        return USE_CASES[max(pressed, 0)]

    @on(RadioSet.Changed, "#use-case")
    def _changed(self) -> None:
        self.query_one("#alternative", Static).update(self._use_case().alternative)

    @on(Input.Changed, "#description")
    def _check(self, event: Input.Changed) -> None:
        self.query_one("#description-error", Static).update(validate_description(event.value) or "")

    @on(UseCaseChoice.CreateRequested)
    def _create_from_list(self, event: UseCaseChoice.CreateRequested) -> None:
        self._create(event.use_case)

    @on(Input.Submitted, "#description")
    @on(Button.Pressed, "#create")
    def _submit(self) -> None:
        self._create(self._use_case())

    def _create(self, use_case: UseCase) -> None:
        description = self.query_one("#description", Input).value.strip()
        problem = validate_description(description)
        if problem:
            self.query_one("#description-error", Static).update(problem)
            return
        self.dismiss(KeyRequest(use_case, description))

    def action_cancel(self) -> None:
        self.dismiss(None)


KEY_COLUMNS = (  # at 80 columns every heading fits; "Inactive (app)" and a long last use wrap
    FitColumn("Access key ID", "id", 20),
    FitColumn("Status", "status", 8),
    FitColumn("Created", "created", 10),
    FitColumn("Age", "age", 4),
    FitColumn("Last used", "used"),
    FitColumn("Description", "description"),
)


def _age(key: AccessKeyInfo) -> str:
    days = key.age_days()
    return "-" if days is None else f"{days} d"


class AccessKeysScreen(UserScreen[None]):
    """Step 5: the user's access keys."""

    CSS_PATH = "../styles/keys.tcss"
    AUTO_FOCUS = "#keys"
    HELP = (
        "Step 5 of the guide: access keys for the IAM user (for the AWS CLI and SDKs).\n\n"
        "A user has at most two access keys (so that one can be rotated). The table shows each key's status, "
        "creation date, age and last use (date, service, region). n creates a key: first the use case, with AWS's "
        "better alternative for it, then an optional description (the console stores it as a user tag named after "
        "the key ID). The secret is shown once, on the next screen: save it, copy it, or write an AWS CLI profile "
        "with it.\n\n"
        "Inactive keys count toward the two. a deactivates (or activates) the highlighted key, which is the safe "
        "way to find out whether something still uses it; d deletes it; both ask you to type the key ID. The key "
        "iam-tui itself runs on needs one more explicit confirmation: without it iam-tui stops working."
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("n", "new_key", "New"),
        Binding("a", "toggle_active", "On/off"),
        Binding("d", "delete_key", "Delete"),
        Binding("u", "choose_user", "User"),
        Binding("r", "refresh", "Refresh"),
    ]
    WAIT_WHILE_BUSY = frozenset({"back", "new_key", "toggle_active", "delete_key", "choose_user"})
    PICK_QUESTION = "Whose access keys?"
    TITLE_ID = "keys-user"

    def __init__(self, user_name: str | None = None, *, delete_leftover: bool = False) -> None:
        """``delete_leftover``: once the keys are read, ask to delete the user's inactive key that is older than an
        active one (what a rotation leaves; the dashboard's x)."""
        super().__init__(user_name)
        self.delete_leftover = delete_leftover
        self.keys: list[AccessKeyInfo] = []
        self.running_key: str | None = None
        self.notice = ""  # shown above the status after the next refresh

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="keys-body"):
            yield self.user_title()
            yield FittedTable(KEY_COLUMNS, id="keys")
            yield Static("", id="keys-status")
            yield Static(CIS_NOTE, id="keys-note", classes="note")

    def on_mount(self) -> None:
        if self.take_guide_user():
            self.load_keys()

    # --- loading ----------------------------------------------------------------------------------------------

    def title_text(self) -> str:
        return f"Access keys of {self.user_name}  (u: another user)"

    def action_refresh(self) -> None:
        if self.user_name:
            self.load_keys()

    def reread(self) -> None:
        self.action_refresh()

    @work(exclusive=True, group="keys")
    async def load_keys(self) -> None:
        status = self.query_one("#keys-status", Static)
        table = self.query_one("#keys", DataTable)
        table.loading = True
        try:
            service = await self.iam.wait_for_service()
            self.running_key = await service.keys.running_access_key_id()
            assert self.user_name is not None
            self.keys = await service.keys.list_keys(self.user_name)
        except AwsError as err:
            status.update(failure_text(err, "The access keys were not read."))
            return
        finally:
            if table.is_attached:
                table.loading = False
        self._fill()

    def _fill(self) -> None:
        rows = []
        for key in self.keys:
            state = key.status + (" (app)" if key.access_key_id == self.running_key else "")
            created = f"{key.created:%Y-%m-%d}" if key.created else "-"
            used = last_use_text(key.last_used, key.last_used_service, key.last_used_region)
            rows.append((key.access_key_id, (key.access_key_id, state, created, _age(key), used,
                                             key.description or "")))
        self.query_one("#keys", FittedTable).set_rows(rows)
        notice, self.notice = self.notice, ""
        self.query_one("#keys-status", Static).update(f"{notice}\n{self._status_text()}" if notice
                                                      else self._status_text())
        if any(k.active and k.last_used for k in self.keys):
            self.tell(StepDone(StepKey.ACCESS_KEYS))
        if self.delete_leftover:
            self.delete_leftover = False
            self._offer_leftover()

    def _offer_leftover(self) -> None:
        # oldest first (list_keys): an inactive key listed before an active one was made before it
        last_active = max((i for i, k in enumerate(self.keys) if k.active), default=-1)
        old = next((i for i, k in enumerate(self.keys) if not k.active and i < last_active), None)
        if old is None:
            self.notify("No inactive key older than an active one is left: nothing to delete.")
            return
        self.query_one("#keys", DataTable).move_cursor(row=old)
        self.change_key(self.keys[old], "delete")

    def _status_text(self) -> str:
        count = len(self.keys)
        running = " (app) marks the key iam-tui itself runs on." if any(
            k.access_key_id == self.running_key for k in self.keys) else ""
        if count >= MAX_KEYS:
            return (f"{self.user_name} has {count} access keys, the most AWS allows (inactive keys count too). To "
                    "create another, delete one (d, the highlighted key); not sure it is unused? Deactivate it first "
                    f"(a), check that nothing breaks, then delete it.{running}")
        if count == 0:
            return f"{self.user_name} has no access keys. n creates one.{running}"
        return f"{count} of {MAX_KEYS} access keys. n creates another; a (de)activates, d deletes.{running}"

    def _highlighted(self) -> AccessKeyInfo | None:
        table = self.query_one("#keys", DataTable)
        if not self.keys or not 0 <= table.cursor_row < len(self.keys):
            return None
        return self.keys[table.cursor_row]

    # --- changes ----------------------------------------------------------------------------------------------

    def action_new_key(self) -> None:
        if not self.need_user():
            return
        if len(self.keys) >= MAX_KEYS:
            self.app.notify(f"{self.user_name} already has {MAX_KEYS} access keys, the AWS limit (inactive keys "
                            "count too): delete one first (d), after deactivating it (a) if you are not sure it is "
                            "unused.", severity="warning", timeout=8)
            return
        self.create_key()

    @work(exclusive=True, group="keys-change")
    async def create_key(self) -> None:
        user = self.user_name
        assert user is not None
        request = await self.iam.push_screen_wait(CreateKeyScreen(user))
        if request is None:
            return
        status = self.query_one("#keys-status", Static)
        status.update(f"Creating an access key for {user}…")
        refused: list[AwsError] = []
        made = await self.act("creating an access key", self._create(user, request.description),
                              changed=lambda made: Changed.key(user, made[0].access_key_id), status=status,
                              on_error=refused.append)
        if made is REFUSED:
            err = refused[0] if refused else None
            if isinstance(err, SecretNeverReceived):  # AWS made the key all the same
                for key_id in err.access_key_ids:
                    self.tell(AwsChanged(Changed.key(user, key_id)))
                await self._offer_to_delete_unseen(user, err.access_key_ids)
            elif err is not None and err.code == "LimitExceeded":  # keys were added elsewhere: show them
                self.notice = failure_text(err).plain
                self.action_refresh()
            return
        new, problem = made
        if new.unseen:
            await self._offer_to_delete_unseen(user, new.unseen)
        self.show_new_key(new, request.use_case, problem)

    async def _create(self, user: str, description: str) -> tuple[NewAccessKey, str]:
        """The key, then its description (a tag): a description AWS refused is said, the key is kept."""
        service = self.iam.service
        new = await service.keys.create(user)
        problem = ""
        if description:
            try:
                await service.keys.set_description(user, new.access_key_id, description)
            except AwsError as err:
                problem = failure_text(err, "The key was created, but its description was not saved.").plain
        return new, problem

    async def _offer_to_delete_unseen(self, user: str, key_ids: tuple[str, ...]) -> None:
        """Keys AWS made whose answer was lost: active, with a secret nobody will ever see. Offer to delete them."""
        names = ", ".join(key_ids)
        if await self.iam.push_screen_wait(ConfirmScreen(
                f"AWS's answer to creating the access key was lost, and the request was sent again: AWS also made "
                f"{names} for {user}. It is active, but its secret was never received and cannot be recovered, so "
                f"nobody can use it.\n\nDelete {names} now?", yes="Yes, delete it", no="No, keep it")):
            for key_id in key_ids:
                deleted = await self.act(f"deleting {key_id}", self.iam.service.keys.delete(user, key_id),
                                         changed=Changed.key(user, key_id, removed=True),
                                         status=self._set_notice, failed=f"{key_id} was not deleted:")
                if deleted is REFUSED:
                    self.notice += " Delete it with d."
                    break
            else:
                self.notice = f"Deleted {names}, the key whose secret was never received."
        else:
            self.notice = f"{names} is kept: its secret was never received; delete it with d when you like."
        self.action_refresh()

    def _set_notice(self, text: object) -> None:
        self.notice = str(text)

    def show_new_key(self, new: NewAccessKey, use_case: UseCase, problem: str) -> None:
        from .new_key import NewKeyScreen

        self.tell(Recorded(Made("access key", new.access_key_id, f"of {new.user_name}")))
        self.app.push_screen(NewKeyScreen(new, use_case, problem), lambda _: self.action_refresh())

    def action_toggle_active(self) -> None:
        key = self._highlighted()
        if key is None or not self.need_user():
            return
        self.change_key(key, "deactivate" if key.active else "activate")

    def action_delete_key(self) -> None:
        key = self._highlighted()
        if key is None or not self.need_user():
            return
        self.change_key(key, "delete")

    async def _confirmed(self, key: AccessKeyInfo, verb: str, profiles: str | None = None) -> bool:
        if verb == "activate":
            return True
        effect = ("Programs that use it get errors until it is activated again." if verb == "deactivate" else
                  "This cannot be undone: anything that uses it stops working, for good.")
        if profiles:
            effect += f"\n\n{profiles}"
        if not await self.iam.push_screen_wait(TypedConfirmScreen(
                f"{verb.capitalize()} access key {key.access_key_id} of {self.user_name}? {effect}",
                key.access_key_id)):
            return False
        if key.access_key_id != self.running_key:
            return True
        return await self.confirm(ConfirmScreen(
            f"{key.access_key_id} is the key iam-tui itself is running on. Once you {verb} it, every call iam-tui "
            "makes fails: you will have to restart iam-tui with other credentials (another key or profile).\n\n"
            f"{verb.capitalize()} the key iam-tui runs on anyway?",
            yes=f"Yes, {verb} it", no="No, keep it"))

    @work(exclusive=True, group="keys-change")
    async def change_key(self, key: AccessKeyInfo, verb: str) -> None:
        held, note = await profiles_of(self, [key.access_key_id]) if verb == "delete" else ([], None)
        if not await self._confirmed(key, verb, note):
            self.app.notify(f"{key.access_key_id} was not changed.")
            return
        user = self.user_name
        status = self.query_one("#keys-status", Static)
        what = f"{verb[:-1]}ing {key.access_key_id}"
        status.update(f"{what.capitalize()}…")
        keys = self.iam.service.keys
        assert user is not None
        call = (keys.delete(user, key.access_key_id) if verb == "delete" else
                keys.set_active(user, key.access_key_id, verb == "activate"))
        if await self.act(what, call, status=status,
                          changed=Changed.key(user, key.access_key_id, removed=verb == "delete")) is REFUSED:
            return
        past = {"delete": "deleted", "deactivate": "deactivated", "activate": "activated"}[verb]
        self.app.notify(f"Access key {key.access_key_id} {past}.")
        self.action_refresh()
        await offer_profile_removal(self, held)

    def action_back(self) -> None:
        self.dismiss()
