"""Guide step 4: sign in as the IAM user. The sign-in URLs (by account ID and by alias), the steps the guide
lists, and the account alias (create or replace, validated as you type)."""

from __future__ import annotations

from collections.abc import Iterable

from textual import getters, on, work
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input

from ..aws.errors import AwsError
from ..aws.models import AccountIdentity
from ..aws.signin import SigninUser
from ..core.changes import Changed
from ..core.finish import Made
from ..core.signin import signin_url
from ..core.validation import validate_account_alias
from ..guide import StepKey
from ..widgets.data_text import Static
from .base import REFUSED, AppScreen, failure_text
from .confirm import ConfirmScreen
from .messages import GuideUserChosen, IdentityChanged, Recorded, StepDone
from .user_picker import UserPickerScreen

TAKEN_ELSEWHERE = ("EntityAlreadyExists: aliases are unique across all AWS accounts, and {alias!r} already belongs "
                   "to another account. Pick another alias (add your company or project name).")


def urls_text(identity: AccountIdentity | None) -> str:
    if identity is None:
        return "Connecting…"
    by_id = signin_url(identity.account_id, identity.caller.partition)
    lines = [f"By account ID  {by_id}"]
    if identity.alias:
        lines.append(f"By alias       {signin_url(identity.alias, identity.caller.partition)}")
    elif identity.alias_unknown:
        lines.append(f"By alias       ({identity.alias_text}: the account may have one)")
    else:
        lines.append("By alias       (no alias yet: create one below for a URL people can remember)")
    return "\n".join(lines)


def steps_text(identity: AccountIdentity | None, user: str | None) -> str:
    account = identity.account_id if identity else "<account ID>"
    alias = f" or the alias {identity.alias}" if identity and identity.alias else ""
    name = user or "<user name>"
    return "\n".join([
        "1. Sign out of the root user (account menu, top right: Sign out).",
        "2. Open the sign-in URL above (c copies it); or on the AWS sign-in page choose \"Sign in with IAM user\".",
        f"3. Account ID or alias: {account}{alias}",
        f"4. IAM user name: {name}",
        "5. Password: the temporary password from step 2 (iam-tui showed it once and did not keep it).",
        "6. MFA code: the 6 digits your authenticator app shows for this user (step 3).",
        "7. Choose a new password when asked (the account password policy applies). You are in as the IAM user.",
    ])


def user_text(user: SigninUser | None, name: str | None) -> str:
    if name is None:
        return "No IAM user chosen yet: u picks the user who will sign in (esc first, from the alias field)."
    if user is None:
        return f"IAM user {name}: reading…"
    password = "console password set" if user.has_password else "NO console password (step 2 creates one)"
    mfa = "MFA assigned" if user.has_mfa else "no MFA yet (step 3)"
    if user.password_last_used:
        used = f"last signed in {user.password_last_used:%Y-%m-%d %H:%M} UTC"
    else:
        used = ("has not signed in yet as far as AWS says (r re-checks; AWS records a sign-in with some delay, and "
                "the demo sandbox never does: m marks this step done once you have signed in)")
    return f"IAM user {user.name}: {password} · {mfa} · {used}"


class SigninScreen(AppScreen[None]):
    """Step 4: the sign-in URL and steps, and the account alias."""

    CSS_PATH = "../styles/signin.tcss"
    AUTO_FOCUS = "#alias-input"  # the one field: what is typed goes there, never to the letter keys
    HELP = (
        "Step 4 of the guide: sign in to the console as the new IAM user instead of root.\n\n"
        "The sign-in URL works with the account ID or, once you create one, with the account alias. The alias is "
        "public (it is part of a URL) and unique across all AWS accounts. An account has one alias: a new one "
        "replaces the old one, and the old alias's URL stops working at once (the account ID URL always works).\n\n"
        "The screen opens in the alias field: type an alias and press enter: 3 to 63 characters, lowercase "
        "letters, digits and single hyphens, not all digits, starting and ending with a letter or digit. esc leaves "
        "the field; then c copies the sign-in URL (by alias when there is one), u picks the user, r re-checks "
        "whether they signed in, a goes back to the alias field, and esc goes back."
    )
    # While the alias field has the focus, Textual leaves the letter keys to it (they are typed, not run, and the
    # footer does not show them); esc leaves the field first, and says so.
    BINDINGS = [
        Binding("escape", "leave_field", "Leave field"),
        Binding("escape", "back", "Back"),
        Binding("c", "copy_url", "Copy URL"),
        Binding("u", "choose_user", "User"),
        Binding("a", "edit_alias", "Alias"),
        Binding("r", "refresh", "Refresh"),
        Binding("m", "mark_signed_in", "Mark signed in"),
    ]
    WAIT_WHILE_BUSY = frozenset({"back", "choose_user"})

    alias_input = getters.query_one("#alias-input", Input)

    def __init__(self) -> None:
        super().__init__()
        self.user_name: str | None = None
        self.user: SigninUser | None = None

    def compose_body(self) -> Iterable[Widget]:
        # The alias right under the URLs it changes: the screen opens in its field, and the URLs stay in view with
        # it at 80x24; the steps follow.
        with VerticalScroll(id="signin-body"):
            yield Static("Sign-in URL", classes="section-title")
            yield Static(urls_text(None), id="urls")
            yield Static("Account alias", classes="section-title")
            yield Static("", id="alias-current")
            with Horizontal(id="alias-row"):
                yield Input(placeholder="e.g. my-company", id="alias-input", max_length=63)
                yield Button("Create alias", id="alias-save", variant="primary", disabled=True)
            hint = Static("enter creates the alias · esc leaves the field (then c copies the URL, u picks the user)",
                          id="alias-hint")
            hint.display = False  # only while the alias field has the focus (see _alias_focus)
            yield hint
            yield Static("", id="alias-error", classes="field-error")
            yield Static("", id="alias-warning", classes="warning")
            yield Static("Sign in with the IAM user", classes="section-title")
            yield Static("", id="user-state")
            yield Static(steps_text(None, None), id="steps")

    def on_mount(self) -> None:
        self.user_name = self.session.guide_user
        self.watch(self.iam, "identity", self._show_identity, init=True)
        self.action_refresh()

    # --- showing --------------------------------------------------------------------------------------------

    def _identity(self) -> AccountIdentity | None:
        return self.iam.identity

    def _show_identity(self, identity: AccountIdentity | None) -> None:
        self.query_one("#urls", Static).update(urls_text(identity))
        self.query_one("#steps", Static).update(steps_text(identity, self.user_name))
        current = identity.alias if identity else None
        self.query_one("#alias-current", Static).update(
            f"Current alias: {current}" if current else "This account has no alias.")
        self.query_one("#alias-save", Button).label = "Replace alias" if current else "Create alias"
        self._check_alias(self.alias_input.value)

    def _show_user(self) -> None:
        self.refresh_bindings()  # m (mark signed in) depends on what AWS says of the user
        self.query_one("#user-state", Static).update(user_text(self.user, self.user_name))
        self.query_one("#steps", Static).update(steps_text(self._identity(), self.user_name))

    def action_refresh(self) -> None:
        self._show_user()
        if self.user_name:
            self.load_user(self.user_name)

    @work(exclusive=True, group="signin-user")
    async def load_user(self, name: str) -> None:
        self.user = None
        self._show_user()
        try:
            service = await self.iam.wait_for_service()
            self.user = await service.signin.user(name)
        except AwsError as err:
            self.query_one("#user-state", Static).update(failure_text(err, f"IAM user {name}:"))
            return
        self._show_user()
        if self.user.password_last_used is not None:
            self.tell(StepDone(StepKey.SIGN_IN))

    def action_choose_user(self) -> None:
        def chosen(name: str | None) -> None:
            if name:
                self.user_name = name
                self.tell(GuideUserChosen(name))
                self.action_refresh()

        self.iam.push_screen(UserPickerScreen("Who signs in?"), chosen)

    # --- copy -----------------------------------------------------------------------------------------------

    def action_copy_url(self) -> None:
        identity = self._identity()
        if identity is None:
            return
        url = identity.signin_url  # by alias when there is one
        outcome = self.iam.clipboard_service.copy(url)
        self.iam.notify(f"{url}\n{outcome.message}", title="Sign-in URL")

    # --- alias ----------------------------------------------------------------------------------------------

    def _check_alias(self, value: str) -> str | None:
        """Validate as you type; returns the problem (shown next to the field) or None."""
        alias = value.strip()
        identity = self._identity()
        current = identity.alias if identity else None
        problem = validate_account_alias(alias) if alias else None
        if alias and problem is None and alias == current:
            problem = f"{alias} is already this account's alias."
        self.query_one("#alias-error", Static).update(problem or "")
        warning = ""
        if current and alias and problem is None and identity is not None:
            warning = (f"Replacing {current}: {signin_url(current, identity.caller.partition)} stops working at once "
                       "(bookmarks, password managers, colleagues). The account ID URL keeps working.")
        elif alias and problem is None and identity is not None and identity.alias_unknown:
            warning = (f"The current alias is unknown ({identity.alias_unknown}). An account has one alias: if it "
                       "has one, this replaces it and its URL stops working at once. The account ID URL keeps "
                       "working.")
        self.query_one("#alias-warning", Static).update(warning)
        self.query_one("#alias-save", Button).disabled = bool(problem) or not alias or bool(self.session.busy)
        return problem if alias else "Enter an alias."

    @on(Input.Changed, "#alias-input")
    def _alias_changed(self, event: Input.Changed) -> None:
        self._check_alias(event.value)

    @on(Input.Submitted, "#alias-input")
    @on(Button.Pressed, "#alias-save")
    def _alias_submit(self) -> None:
        if self.session.busy:
            return
        alias = self.alias_input.value.strip()
        if self._check_alias(alias) is None:
            self.save_alias(alias)

    @work(exclusive=True, group="alias")
    async def save_alias(self, alias: str) -> None:
        identity = self._identity()
        current = identity.alias if identity else None
        if current and identity is not None:
            old_url = signin_url(current, identity.caller.partition)
            replace = await self.iam.push_screen_wait(ConfirmScreen(
                f"Replace the alias {current} with {alias}?\n\n{old_url} stops working at once; anyone who uses it "
                f"must switch to the new URL.", yes="Replace", no="Keep it"))
            if not replace:
                return
        error = self.query_one("#alias-error", Static)
        self.query_one("#alias-save", Button).disabled = True
        error.update(f"Creating the alias {alias}…")

        def refused(err: AwsError) -> None:
            if err.code == "EntityAlreadyExists":
                error.update(TAKEN_ELSEWHERE.format(alias=alias))

        try:
            new_identity = await self.act("setting the account alias", self.iam.service.signin.set_alias(alias),
                                          changed=Changed.alias(alias), status=error, on_error=refused)
        finally:
            self.query_one("#alias-save", Button).disabled = False
        if new_identity is REFUSED:
            return
        self.tell(IdentityChanged(new_identity))
        self.tell(Recorded(Made("account alias", alias, new_identity.signin_url)))
        self.alias_input.value = ""
        self.query_one("#signin-body").focus()
        error.update("")
        self.iam.notify(f"Account alias is now {alias}: {new_identity.signin_url}", title="Alias saved")

    def action_edit_alias(self) -> None:
        self.alias_input.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        in_field = isinstance(self.focused, Input)
        if action == "leave_field":
            return in_field
        if action == "back" and in_field:
            return False  # esc leaves the field first (leave_field), then the screen
        if action == "mark_signed_in":
            # Only while AWS has no record of a sign-in by a user who can sign in (else the step marks itself).
            user = self.user
            return user is not None and user.has_password and user.password_last_used is None
        return super().check_action(action, parameters)

    def action_mark_signed_in(self) -> None:
        """AWS records PasswordLastUsed with a delay (and moto never does): the person says they signed in."""
        if self.user is not None:
            self.tell(StepDone(StepKey.SIGN_IN))
            self.iam.notify(f"Step 4 marked done: you said {self.user.name} has signed in. AWS has no record of it "
                            "yet; r shows it once AWS does.")

    def on_descendant_focus(self) -> None:
        self._alias_focus()

    def on_descendant_blur(self) -> None:
        self._alias_focus()

    def _alias_focus(self) -> None:
        """The field's keys are said while it has the focus; once it is left they no longer apply."""
        self.query_one("#alias-hint").display = self.focused is self.alias_input

    def action_leave_field(self) -> None:
        self.query_one("#signin-body").focus()

    def action_back(self) -> None:
        self.dismiss()
