"""The base of the screens about one IAM user (their keys, MFA devices, AWS CLI access): the user's name (given,
else the guide's user, else the picker asks), the title line naming them, and following the app's changes: the
user's state is read again when the screen is back on top, and a user removed meanwhile makes the screen leave
instead of showing NoSuchEntity."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on

from ..core.changes import Changed
from ..widgets.data_text import Static
from .base import AppScreen, ResultT
from .messages import GuideUserChosen


class UserScreen(AppScreen[ResultT]):
    """``user_name``: whose screen this is; None: the guide's user when mounted (:meth:`take_guide_user`), or the
    person picks one. Subclasses yield :meth:`user_title` where the title line goes and say what to read again
    (:meth:`reread`)."""

    PICK_QUESTION: ClassVar[str] = "Which IAM user?"
    TITLE_ID: ClassVar[str] = "user-title"
    TITLE_CLASSES: ClassVar[str] = "section-title"
    NO_USER: ClassVar[str] = "No IAM user chosen: press u"

    def __init__(self, user_name: str | None = None) -> None:
        super().__init__()
        self.user_name = user_name
        self._user_stale = False  # the app changed the user while another screen was on top
        self._user_removed = False

    @property
    def named_user(self) -> str:
        """The user, on a screen that was opened for one (or once one is chosen)."""
        assert self.user_name is not None, "opened without a user"
        return self.user_name

    # --- the user and the title line --------------------------------------------------------------------------

    def title_text(self) -> str:
        """The title line while a user is chosen."""
        return f"IAM user {self.user_name}"

    def user_title(self) -> Static:
        return Static(self._title(), id=self.TITLE_ID, classes=self.TITLE_CLASSES, markup=False)

    def _title(self) -> str:
        return self.title_text() if self.user_name else self.NO_USER

    def show_title(self) -> None:
        for title in self.query(f"#{self.TITLE_ID}").results(Static):
            title.update(self._title())

    def take_guide_user(self) -> bool:
        """For ``on_mount``: without a user given, the guide's; without either, the picker opens. True when there is
        a user."""
        self.user_name = self.user_name or self.session.guide_user
        self.show_title()
        if self.user_name:
            return True
        self.action_choose_user()
        return False

    def action_choose_user(self) -> None:
        from .user_picker import UserPickerScreen  # it reads users through botocore: not before the first frame

        def chosen(name: str | None) -> None:
            if name:
                self.user_name = name
                self.tell(GuideUserChosen(name))
                self.show_title()
                self.reread()

        self.app.push_screen(UserPickerScreen(self.PICK_QUESTION), chosen)

    def need_user(self) -> bool:
        """False (and says so) while no user is chosen."""
        if not self.user_name:
            self.app.notify("Choose a user first (u).", severity="warning")
            return False
        return True

    def reread(self) -> None:
        """Read the user's state again (another user was chosen, or the app changed it meanwhile)."""

    # --- following the app's changes -----------------------------------------------------------------------------

    def aws_changed(self, changed: Changed) -> None:
        """The app changed AWS (told by the app, for every screen in the stack). Changes made while this screen is
        on top are its own, which it shows already; others are shown when it is back on top."""
        name = self.user_name
        if name is None:
            return
        if name in changed.removed_users:
            self._user_removed = True
        elif (name in changed.users or not changed.entities) and self.app.screen is not self:
            self._user_stale = True

    @on(events.ScreenResume)
    def _back_on_top(self) -> None:
        if self._user_removed:
            self._user_removed = False
            self.app.notify(f"IAM user {self.user_name} was removed: nothing is left to show here.",
                            severity="warning", markup=False)
            self.dismiss()
        elif self._user_stale:
            self._user_stale = False
            self.reread()
