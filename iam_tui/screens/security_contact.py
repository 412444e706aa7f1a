"""The account's security contact (CIS 1.2): who AWS writes to about security issues, besides the root email."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from ..core.account_settings import AlternateContact
from ..core.display_text import visible
from ..core.validation import CONTACT_FIELDS, validate_contact_field
from ..widgets.data_text import Label, Static
from .base import Dialog

PLACEHOLDERS = {"name": "Security team", "title": "Security lead", "email": "security@example.com",
                "phone": "+1 206 555 0100"}


class SecurityContactScreen(Dialog[AlternateContact | None]):
    """Four fields checked with AWS's rules as you type; enter on the last one (or ctrl+s) saves, esc cancels.
    Dismisses with the contact to set, or None.

    A value AWS holds is shown with its control and bidi characters made visible (``\\x1b``); a field the person
    leaves as shown is written back exactly as AWS holds it (not as its visible form), and only edited fields are
    checked."""

    DEFAULT_CSS = """
    SecurityContactScreen .field { height: 1; margin-top: 1; }
    SecurityContactScreen .field Label { width: 15; }
    SecurityContactScreen .field Input { width: 1fr; }
    SecurityContactScreen .field-error { color: $error; height: auto; padding-left: 15; display: none; }
    SecurityContactScreen .muted { margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]
    AUTO_FOCUS = "#contact-name"

    def __init__(self, current: AlternateContact | None) -> None:
        super().__init__()
        self.current = current
        self.held = {"name": current.name, "title": current.title or "", "email": current.email,
                     "phone": current.phone} if current else {}
        self.shown = {field: visible(value) for field, value in self.held.items()}

    def _value(self, field: str) -> tuple[str, bool]:
        """The field's value to save, and whether the person edited it."""
        typed = self.query_one(f"#contact-{field}", Input).value
        if field in self.held and typed == self.shown[field]:
            return self.held[field], False
        return typed.strip(), True

    def compose(self) -> ComposeResult:
        values = self.shown
        with Vertical():
            yield Static("Security contact: AWS writes here about security issues in this account (as well as to "
                         "the root user's email address). Use a watched team mailbox.")
            for field, (label, _) in CONTACT_FIELDS.items():
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Input(values.get(field, ""), placeholder=PLACEHOLDERS[field], id=f"contact-{field}",
                                compact=True)
                yield Static("", id=f"contact-{field}-error", classes="field-error", markup=False)
            yield Static("enter next field / save · ctrl+s save · esc cancel", classes="muted")

    def _problem(self, field: str, *, show: bool) -> str | None:
        value, edited = self._value(field)
        problem = validate_contact_field(field, value) if edited else None
        if show:
            error = self.query_one(f"#contact-{field}-error", Static)
            error.update(problem or "")
            error.display = bool(problem)
        return problem

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        field = (event.input.id or "").removeprefix("contact-")
        if field in CONTACT_FIELDS:
            self._problem(field, show=bool(event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        fields = list(CONTACT_FIELDS)
        field = (event.input.id or "").removeprefix("contact-")
        if field != fields[-1]:
            self.query_one(f"#contact-{fields[fields.index(field) + 1]}", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        problems = {field: self._problem(field, show=True) for field in CONTACT_FIELDS}
        first = next((field for field, problem in problems.items() if problem), None)
        if first is not None:
            self.query_one(f"#contact-{first}", Input).focus()
            return
        value = {field: self._value(field)[0] for field in CONTACT_FIELDS}
        self.dismiss(AlternateContact(value["name"], value["email"], value["phone"], value["title"]))

    def action_cancel(self) -> None:
        self.dismiss(None)
