"""The account password policy: what it is now (or AWS's default), edit every field with AWS's bounds checked as
you type, the CIS preset on one key, the changes in words, and apply after a confirmation.

Opened from the dashboard (`p`), the command palette, and the create-user form: ``push_screen(
PasswordPolicyScreen())``; it pops itself (esc) and dismisses with None. Whoever opened it re-reads the policy
from the service when it resumes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterable

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Checkbox, Input

from ..aws.errors import AwsError
from ..aws.outcome import outcome_unknown
from ..core.changes import Changed
from ..core.finish import PASSWORD_POLICY, Made
from ..core.password_policy import DEFAULT_POLICY_TEXT, PasswordPolicy, policy_text
from ..core.policy_edit import (
    ALLOW_CHANGE,
    CIS_EXPIRY_NOTE,
    CLASS_FLAGS,
    FLAG_FIELDS,
    HARD_EXPIRY,
    HOW_IT_APPLIES,
    MAX_AGE,
    MINIMUM_LENGTH,
    NUMBER_FIELDS,
    REUSE,
    NumberField,
    cis_preset,
    describe_policy,
    diff_policy,
    form_text,
    policy_from_form,
    policy_notes,
    read_number,
    starting_form,
)
from ..widgets.data_text import Label, Static
from .base import REFUSED, AppScreen, failure_text
from .confirm import ConfirmScreen
from .messages import Recorded

FormValues = tuple[dict[str, str], dict[str, bool]]
PLACEHOLDERS = {MAX_AGE.key: "never", REUSE.key: "none"}


class NumberInput(Input):
    """A whole-number field: only digits go into it. Other letters typed into it are dropped, never run the
    screen's one-letter actions (the app sees to that for every text field)."""

    def __init__(self, field: NumberField) -> None:
        super().__init__(placeholder=PLACEHOLDERS.get(field.key, ""), restrict=r"[0-9]*", max_length=4,
                         compact=True, id=field.key)
        self.field = field


def _values_of(policy: PasswordPolicy) -> FormValues:
    return ({f.key: form_text(f, policy) for f in NUMBER_FIELDS}, {f.key: getattr(policy, f.key) for f in FLAG_FIELDS})


class PasswordPolicyScreen(AppScreen[None]):
    """See, edit and apply the account password policy."""

    AUTO_FOCUS = None  # the form's first checkbox is focused once the current policy is loaded
    CSS_PATH = "../styles/password_policy.tcss"
    HELP = (
        "The account password policy: the rules every IAM user's console password must follow (not root's).\n\n"
        "'Now in AWS' shows the policy as it is, or that none is set and what AWS's default then is. Edit the "
        "fields: numbers are checked against AWS's bounds as you type (length 6-128, expiry 1-1095 "
        "days or empty for never, reuse prevention 1-24 or empty for none); space toggles a checkbox. 'If you "
        "apply' lists what would change, in words.\n\n"
        "c fills in the CIS recommendation (length 14 or more, the last 24 passwords remembered, every character "
        "class, users may change their own password); expiry stays as it is. Nothing is sent until you press a "
        "(or ctrl+s) and confirm: UpdateAccountPasswordPolicy replaces the whole policy, so every field is sent as "
        "shown. u undoes your edits, d removes the policy (AWS's default then applies), r re-reads it, esc goes "
        "back. While a number field has the focus, letters are typed into it (and refused), never taken as these "
        "keys: tab out of the field first, or press ctrl+s to apply."
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("c", "cis_preset", "CIS"),
        Binding("a,ctrl+s", "apply", "Apply…"),
        Binding("u", "undo_edits", "Undo"),
        Binding("d", "remove_policy", "Remove…"),
        Binding("r", "reload", "Reload"),
    ]
    WAIT_WHILE_BUSY = frozenset({"back", "reload", "apply", "cis_preset", "undo_edits", "remove_policy"})

    def __init__(self) -> None:
        super().__init__()
        self.current: PasswordPolicy | None = None
        self.loaded = False
        self._baseline: FormValues = _values_of(starting_form(None))

    # --- layout ---------------------------------------------------------------------------------------------------

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="policy-body"):
            yield Static("Reading the account password policy…", id="policy-status")
            with Horizontal(id="policy-columns"):
                with Vertical(id="policy-form", disabled=True):
                    yield Static("Edit (the whole policy is sent)", classes="section-title")
                    yield from self._number_row(MINIMUM_LENGTH)
                    for flag in CLASS_FLAGS:
                        yield Checkbox(Content(flag.label), id=flag.key, compact=True)
                    yield Checkbox(Content(ALLOW_CHANGE.label), id=ALLOW_CHANGE.key, compact=True)
                    yield from self._number_row(MAX_AGE)
                    yield Checkbox(Content(HARD_EXPIRY.label), id=HARD_EXPIRY.key, compact=True)
                    yield from self._number_row(REUSE)
                with Vertical(id="policy-side"):
                    current = Static("…", id="policy-current")
                    current.border_title = "Now in AWS"
                    yield current
                    diff = Static("", id="policy-diff")
                    diff.border_title = "If you apply"
                    yield diff
            yield Static("", id="policy-notes")

    def _number_row(self, field: NumberField) -> Iterable[Widget]:
        with Horizontal(classes="field-row"):
            yield Label(field.label, classes="field-label")
            yield NumberInput(field)
            yield Static(field.hint, id=f"{field.key}-message", classes="field-message")

    def on_mount(self) -> None:
        self.load(fill_form=True)

    # --- the form ----------------------------------------------------------------------------------------------

    def _form_values(self) -> FormValues:
        numbers = {f.key: self.query_one(f"#{f.key}", Input).value for f in NUMBER_FIELDS}
        flags = {f.key: self.query_one(f"#{f.key}", Checkbox).value for f in FLAG_FIELDS}
        return numbers, flags

    def _fill(self, values: FormValues) -> None:
        numbers, flags = values
        for key, text in numbers.items():
            self.query_one(f"#{key}", Input).value = text
        for key, value in flags.items():
            self.query_one(f"#{key}", Checkbox).value = value
        self._revalidate()

    @property
    def dirty(self) -> bool:
        """The form differs from what it was loaded with."""
        numbers, flags = self._form_values()
        return ({k: v.strip() for k, v in numbers.items()}, flags) != self._baseline

    def form_policy(self) -> tuple[PasswordPolicy | None, dict[str, str]]:
        return policy_from_form(*self._form_values())

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _edited(self) -> None:
        self._revalidate()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def _revalidate(self) -> None:
        """Messages next to the fields, the changes in words, and the notes, for what the form says now."""
        policy, errors = self.form_policy()
        for field in NUMBER_FIELDS:
            message = self.query_one(f"#{field.key}-message", Static)
            error = errors.get(field.key)
            message.update(error or field.hint)
            message.set_class(error is not None, "-error")
            self.query_one(f"#{field.key}", Input).set_class(error is not None, "-invalid")
        diff = self.query_one("#policy-diff", Static)
        notes = [HOW_IT_APPLIES, CIS_EXPIRY_NOTE]
        if not self.loaded:
            diff.update("")
        elif policy is None:
            diff.update(Content("Fix the highlighted field(s) to see what would change. Nothing is sent meanwhile."))
        else:
            changes = diff_policy(self.current, policy)
            text = "\n".join(changes) + "\n\na applies (after a confirmation)" if changes else (
                "No change: the form matches the policy in AWS.")
            diff.update(Content(text))
            notes = [*policy_notes(policy), *notes]
        self.query_one("#policy-notes", Static).update(Content("\n".join(f"• {n}" for n in notes)))
        diff.set_class(bool(self.loaded and policy is not None and diff_policy(self.current, policy)), "-pending")

    def _error(self, text: Text) -> None:
        self._status(text.plain, error=True)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#policy-status", Static)
        status.update(Content(text))
        status.set_class(error, "-error")

    # --- reading ------------------------------------------------------------------------------------------------

    @work(exclusive=True, group="policy-load")
    async def load(self, fill_form: bool) -> None:
        self._status("Reading the account password policy (GetAccountPasswordPolicy)…")
        try:
            service = await self.iam.wait_for_service()
            current = await service.password_policy.current()
        except AwsError as err:
            self._error(failure_text(err, "Could not read the current policy, so iam-tui cannot show what an update "
                                     "would change.").append(" Press r to retry."))
            self.query_one("#policy-current", Static).update(Content("Unknown (could not be read)."))
            return
        self._show_loaded(current, fill_form)

    def _show_loaded(self, current: PasswordPolicy | None, fill_form: bool) -> None:
        self.current = current
        self.loaded = True
        self.query_one("#policy-current", Static).update(Content("\n".join(describe_policy(current))))
        form = self.query_one("#policy-form")
        was_disabled = form.disabled
        form.disabled = False
        self._baseline = _values_of(starting_form(current))  # what u goes back to, and what "edited" compares with
        if fill_form:
            self._fill(self._baseline)
        else:
            self._revalidate()
        if current is None:
            self._status("No password policy is set: AWS's default applies. Edit below, or press c for the CIS "
                         "recommendation.")
        else:
            self._status("This is the policy in AWS. Edit below, or press c for the CIS recommendation.")
        if was_disabled:  # the first control that is not a text field: the keys the status names (c, a) work there
            self.query_one(f"#{CLASS_FLAGS[0].key}", Checkbox).focus()
        self.refresh_bindings()

    # --- actions ------------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"apply", "cis_preset", "undo_edits", "remove_policy"} and not self.loaded:
            return None  # shown, greyed out
        if action == "remove_policy" and self.current is None:
            return False  # nothing to remove
        return super().check_action(action, parameters)

    def action_cis_preset(self) -> None:
        numbers, _ = self._form_values()
        length, _error = read_number(MINIMUM_LENGTH, numbers[MINIMUM_LENGTH.key])
        preset = cis_preset(PasswordPolicy(minimum_length=length or MINIMUM_LENGTH.low))
        self.query_one(f"#{MINIMUM_LENGTH.key}", Input).value = str(preset.minimum_length)
        self.query_one(f"#{REUSE.key}", Input).value = str(preset.reuse_prevention)
        for flag in (*CLASS_FLAGS, ALLOW_CHANGE):
            self.query_one(f"#{flag.key}", Checkbox).value = getattr(preset, flag.key)
        self._revalidate()
        self._status("CIS recommendation filled in (not applied yet): review 'If you apply', then press a. Expiry "
                     "is left as it is.")

    def action_undo_edits(self) -> None:
        self._fill(self._baseline)
        self._status("Edits undone: the form shows the policy in AWS again.")

    def action_reload(self) -> None:
        self.load(fill_form=not self.dirty)

    def action_apply(self) -> None:
        policy, errors = self.form_policy()
        if policy is None:
            first = next(f for f in NUMBER_FIELDS if f.key in errors)
            self.query_one(f"#{first.key}", Input).focus()
            self._status(f"Not applied: {first.label}: {errors[first.key]}. Nothing was sent.", error=True)
            return
        changes = diff_policy(self.current, policy)
        if not changes:
            self._status("Nothing to apply: the form matches the policy in AWS.")
            return
        question = ("Replace the account password policy?\n\n" + "\n".join(changes) + "\n\n"
                    "UpdateAccountPasswordPolicy replaces the whole policy: every field is sent as shown.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.apply_policy(policy)

        self.app.push_screen(ConfirmScreen(question, yes="Apply"), answered)

    @work(exclusive=True, group="policy-apply")
    async def apply_policy(self, policy: PasswordPolicy) -> None:
        await self._change("updating the password policy", "UpdateAccountPasswordPolicy",
                           lambda: self.iam.service.password_policy.update(policy),
                           "Password policy updated.", Made(PASSWORD_POLICY, policy_text(policy)))

    def action_remove_policy(self) -> None:
        question = ("Remove the account password policy?\n\n" + DEFAULT_POLICY_TEXT + "; no reuse prevention; "
                    "passwords never expire. The CIS 1.7 and 1.8 checks will fail.\n\n"
                    "This calls DeleteAccountPasswordPolicy.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.remove_policy()

        self.app.push_screen(ConfirmScreen(question, yes="Remove"), answered)

    @work(exclusive=True, group="policy-apply")
    async def remove_policy(self) -> None:
        await self._change("removing the password policy", "DeleteAccountPasswordPolicy",
                           lambda: self.iam.service.password_policy.delete(),
                           "Password policy removed: AWS's default applies.",
                           Made(PASSWORD_POLICY, "removed", "AWS's default applies"))

    async def _change(self, what: str, operation: str, call: Callable[[], Awaitable[object]], done: str,
                      record: Made) -> None:
        """Run one change against AWS (quitting and leaving are refused meanwhile), then re-read the policy and
        rescan the dashboard."""
        self._status(f"{what.capitalize()} ({operation})…")
        refused: list[AwsError] = []
        if await self.act(what, call(), changed=Changed.setting("password policy"), status=self._error,
                          failed="Not changed.", on_error=refused.append) is REFUSED:
            if refused and outcome_unknown(refused[0]):  # it may have been made: show the policy AWS holds now
                said = str(self.query_one("#policy-status", Static).render())
                with contextlib.suppress(AwsError):  # unread, the form stays as it was; r reads again
                    self._show_loaded(await self.iam.service.password_policy.current(), fill_form=True)
                self._status(f"{said} The form shows the policy now in AWS.", error=True)
            return
        self.app.notify(done)
        self.tell(Recorded(record))
        try:
            current = await self.iam.service.password_policy.current()
        except AwsError as err:
            self._error(failure_text(err, f"{done} It could not be read back:").append(" Press r to retry."))
            return
        self._show_loaded(current, fill_form=True)
        self._status(f"{done} The form shows the policy now in AWS.")

    def leaving_drops(self) -> str | None:
        return "your password policy edits, not applied" if self.dirty and self.loaded else None

    def action_back(self) -> None:
        if self.leaving_drops() is None:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Leave without applying? Your edits are not sent to AWS.", yes="Leave",
                                           no="Stay"), answered)
