"""Guided access key rotation (CIS 1.13): the plan (its steps, the AWS CLI profiles it edits, whether it
rotates the key iam-tui itself runs on), then the run (new key, profiles, STS check, old key deactivated), then the
typed confirmation to delete the old key. A rotation an earlier run left unfinished is found when the screen opens
(and when the app starts: :func:`offer_unfinished_rotation`), explained, and resumed with enter.

The work is :class:`~iam_tui.aws.key_rotation.KeyRotationService`'s; its journal makes every stop resumable."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual import getters, work
from textual.app import App
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import ContentSwitcher

from ..aws.errors import AwsError
from ..aws.key_rotation import KeyRotationService, RotationPlan, RotationResult, UnfinishedRotation
from ..core.changes import Changed
from ..core.finish import Made
from ..core.fix_plan import FixProblem
from ..core.key_rotation import Journal, Resume, Step
from ..widgets.data_text import Static
from .base import REFUSED, failure_text
from .confirm import TypedConfirmScreen
from .messages import AwsChanged, Recorded, ServiceChanged
from .user_screen import UserScreen

if TYPE_CHECKING:
    from ..aws.service import IamService

UNFINISHED_KEY = "key-rotation"


def plan_text(plan: RotationPlan) -> str:
    """The review: what will happen, in order, and what it touches."""
    lines = [f"Rotate access key {plan.old_key_id} of {plan.user_name}. Nothing changes until you press enter.", ""]
    lines += [f"{number}. {text}" for number, text in enumerate(plan.steps_text(), start=1)]
    lines += ["", f"Before the old key is deactivated: {plan.before_deactivating()}"]
    if plan.rotates_running_key:
        lines += ["", f"iam-tui itself signs its calls with {plan.old_key_id}: once the new key is verified, it goes "
                  "on with the new key through the first profile above."]
    lines += [line for note in plan.notes for line in ("", note)]
    lines += ["", "If iam-tui stops half-way, the next start finds the rotation and offers to resume it. The old "
              "key is only deactivated by the run, and kept inactive; deleting it is your choice."]
    return "\n".join(lines)


def finished_text(journal: Journal, deleted: bool) -> str:
    new = journal.new_key_id or "the new key"
    unique = list(dict.fromkeys(p.name for p in journal.profiles))
    names = ", ".join(unique)
    profiles = "profile" if len(unique) == 1 else "profiles"
    if deleted:
        return (f"✓ Rotated: {journal.user_name} now uses {new} ({profiles} {names}); the old key {journal.old_key_id} "
                "is deleted. esc returns.")
    return (f"✓ Rotated: {journal.user_name} now uses {new}, verified through the {profiles} ({names}). The old key "
            f"{journal.old_key_id} is inactive and kept: an inactive key passes CIS 1.12 and 1.13, and if something "
            "still used it, a reactivates it. It still counts as one of the user's two keys: d deletes it now (you "
            "type its ID), or later from the dashboard or the keys screen.")


class KeyRotationScreen(UserScreen[None]):
    """``user_name`` and ``key_id``: the key to rotate (without ``key_id``, the user's oldest active key that a
    profile uses). Without a user the screen only looks for an unfinished rotation. An unfinished rotation always
    comes first."""

    AUTO_FOCUS = "#review"
    HELP = ("Rotating an access key: iam-tui creates a new key, writes it into every AWS CLI profile that used the old "
            "one (only the key ID and secret change), checks with STS that it works, and deactivates the old key. "
            "The old key stays inactive (it can be reactivated) until you delete it, by typing its ID.\n"
            "enter starts (or resumes) · d deletes the deactivated old key · a reactivates it · esc returns (it stays "
            "inactive). If iam-tui stops half-way, the next start offers to resume where it stopped.")
    BINDINGS = [
        Binding("enter", "go", "Rotate / resume"),
        Binding("d", "delete_old", "Delete old key"),
        Binding("a", "reactivate_old", "Reactivate old key"),
        Binding("escape", "back", "Back"),
    ]
    WAIT_WHILE_BUSY = frozenset({"go", "delete_old", "reactivate_old", "back"})
    TITLE_ID = "rotation-title"
    TITLE_CLASSES = ""
    NO_USER = "Access key rotation"
    DEFAULT_CSS = """
    KeyRotationScreen #rotation-title { padding: 0 1; height: auto; text-style: bold; }
    KeyRotationScreen #rotation-pages { height: 1fr; }
    KeyRotationScreen #rotation-pages > VerticalScroll { height: 1fr; padding: 0 1; }
    KeyRotationScreen #rotation-status { padding: 0 1; height: auto; border-top: solid $primary; }
    """

    pages = getters.query_one("#rotation-pages", ContentSwitcher)
    status = getters.query_one("#rotation-status", Static)

    page: var[str] = var("review")
    plan: var[RotationPlan | None] = var(None)
    unfinished: var[UnfinishedRotation | None] = var(None)
    journal: var[Journal | None] = var(None)  # a rotation run up to the old key's deactivation: waits for d

    def __init__(self, user_name: str | None = None, key_id: str | None = None) -> None:
        super().__init__(user_name)
        self.key_id = key_id
        self.rotation: KeyRotationService | None = None
        self.progress_lines: list[str] = []

    def compose_body(self) -> Iterable[Widget]:
        yield self.user_title()
        with ContentSwitcher(id="rotation-pages", initial="review"):
            with VerticalScroll(id="review"):
                yield Static("Looking for an unfinished rotation and reading the key's profiles…", id="review-text",
                             markup=False)
            with VerticalScroll(id="progress"):
                yield Static("", id="progress-text", markup=False)
        yield Static("", id="rotation-status", markup=False)

    def on_mount(self) -> None:
        self.call_after_refresh(self.load)  # the pages' own children mount after this screen's Mount

    def title_text(self) -> str:
        return f"Rotate an access key of {self.user_name}"

    def watch_page(self, page: str) -> None:
        self.pages.current = page

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go" and self.plan is None and self.unfinished is None:
            return False
        if action in ("delete_old", "reactivate_old") and self.journal is None:
            return False
        return super().check_action(action, parameters)

    def _ways_changed(self) -> None:
        self.refresh_bindings()

    watch_plan = watch_unfinished = watch_journal = _ways_changed

    def _review(self, text: str, status: str) -> None:
        self.page = "review"
        self.query_one("#review-text", Static).update(text)
        self.status.update(status)

    # --- loading -----------------------------------------------------------------------------------------------

    @work(exclusive=True, group="rotation")
    async def load(self) -> None:
        service = await self.iam.wait_for_service()
        self.rotation = rotation = KeyRotationService(service)
        self.plan = self.unfinished = None
        try:
            unfinished = await rotation.unfinished()
            if unfinished is not None:
                self._offer_resume(unfinished)
                return
            if self.user_name is None:
                self._review("No key rotation is under way.", "esc returns.")
                return
            key_id = self.key_id or await self._key_to_rotate(service, self.user_name)
            if key_id is None:
                self._review(f"{self.user_name} has no active access key to rotate.", "esc returns.")
                return
            self.plan = await rotation.plan(self.user_name, key_id)
        except FixProblem as problem:
            self._review(str(problem), "esc returns.")
            return
        except AwsError as err:
            self._review(failure_text(err, "Could not prepare the rotation.").plain,
                         "esc returns; open it again to retry.")
            return
        self._review(plan_text(self.plan), "enter rotates the key · esc returns without changing anything")

    async def _key_to_rotate(self, service: IamService, user_name: str) -> str | None:
        """The user's oldest active key that an AWS CLI profile uses (the one a rotation can replace), else its
        oldest active key (the plan then says why it cannot)."""
        assert self.rotation is not None
        active = [k.access_key_id for k in await service.keys.list_keys(user_name) if k.active]  # oldest first
        for key_id in active:
            if await self.rotation.profiles_using(key_id):
                return key_id
        return active[0] if active else None

    def _offer_resume(self, unfinished: UnfinishedRotation, why: str = "") -> None:
        self.unfinished = unfinished
        journal = unfinished.journal
        text = why + (f"A key rotation was left unfinished: access key {journal.old_key_id} of {journal.user_name}, "
                f"started {journal.started_at:%Y-%m-%d %H:%M} UTC, reached “{journal.step.value}”.\n\n"
                f"{unfinished.explanation}")
        if unfinished.point in (Resume.OTHER_ACCOUNT, Resume.NO_ROOM):
            self.unfinished = None
            self._review(text, "esc returns.")
            return
        self._review(text, "enter resumes it · esc returns (it stays unfinished; the next start offers it again)")

    # --- running -------------------------------------------------------------------------------------------------

    def action_go(self) -> None:
        if self.session.busy or (self.plan is None and self.unfinished is None):
            return
        self.run_rotation()

    def _progress(self, _attempt: int, text: str) -> None:
        """The STS check's attempts (the new key may take a few seconds to work), under the steps."""
        self._show_progress(f"  {text}")

    def _show_progress(self, last: str = "") -> None:
        self.query_one("#progress-text", Static).update("\n".join([*self.progress_lines, last]))

    @work(exclusive=True, group="rotation")
    async def run_rotation(self) -> None:
        rotation, plan, unfinished = self.rotation, self.plan, self.unfinished
        assert rotation is not None
        journal = unfinished.journal if unfinished is not None else None
        old_key = plan.old_key_id if plan is not None else journal.old_key_id if journal is not None else ""
        user = plan.user_name if plan is not None else journal.user_name if journal is not None else ""
        self.page = "progress"
        steps = plan.steps_text() if plan is not None else [unfinished.explanation] if unfinished else []
        self.progress_lines = ["Running (new key, profiles, STS check, old key deactivated):",
                               *(f"• {s}" for s in steps[:4])]
        self._show_progress()
        self.status.update("Rotating… leaving waits until the running step ends.")
        self.plan = self.unfinished = None
        self.session.set_unfinished(UNFINISHED_KEY, f"the rotation of {user}'s access key {old_key} (the next "
                                    "start offers to resume it)")

        async def rotate() -> tuple[RotationResult, bool]:
            runs_on_old = await rotation.service.keys.running_access_key_id() == old_key
            if plan is not None:
                return await rotation.rotate(plan, progress=self._progress), runs_on_old
            assert unfinished is not None
            return await rotation.resume(unfinished, progress=self._progress), runs_on_old

        stopped: list[str] = []
        ran = await self.act(f"rotating access key {old_key}", rotate(), status=lambda text: stopped.append(text.plain),
                             failed="The rotation stopped.",
                             changed=lambda ran: self._keys_changed(ran[0].journal))
        if ran is REFUSED:
            self.tell(AwsChanged(Changed.key(user, old_key)))  # a step may have been done before the one that failed
            await self._stopped(stopped[0] if stopped else "The rotation stopped.")
            return
        result, runs_on_old = ran
        await self._ran(result, runs_on_old, finished=unfinished is not None and unfinished.point is Resume.FINISHED)

    @staticmethod
    def _keys_changed(journal: Journal, *, old_removed: bool = False) -> Changed:
        changed = Changed.key(journal.user_name, journal.old_key_id, removed=old_removed)
        return changed | Changed.key(journal.user_name, journal.new_key_id) if journal.new_key_id else changed

    async def _stopped(self, why: str) -> None:
        """After a failure: what the journal says now, so that enter resumes from there."""
        assert self.rotation is not None
        try:
            unfinished = await self.rotation.unfinished()
        except (AwsError, FixProblem) as err:
            reason = failure_text(err).plain if isinstance(err, AwsError) else str(err)
            self._review(f"{why}\n\nCould not read where it stopped: {reason}", "esc returns; open it again to "
                         "resume.")
            return
        if unfinished is None:
            self.session.set_unfinished(UNFINISHED_KEY, None)
            self._review(f"{why}\n\nNothing was changed.", "esc returns.")
            return
        self._offer_resume(unfinished, f"{why}\n\n")

    async def _ran(self, result: RotationResult, runs_on_old: bool, *, finished: bool) -> None:
        journal = result.journal
        self.user_name = journal.user_name  # a resumed rotation may be another user's
        self.show_title()
        if journal.new_key_id:
            self.tell(Recorded(Made("access key", journal.new_key_id, f"of {journal.user_name}, replacing "
                                    f"{journal.old_key_id}", user=journal.user_name)))
        if runs_on_old and result.new_service is not None:
            self.tell(ServiceChanged(result.new_service))  # the old key no longer signs: go on with the new one
        self.session.set_unfinished(UNFINISHED_KEY, None)  # at worst the old key is deactivated: nothing is broken
        if finished or journal.step is not Step.OLD_DEACTIVATED:
            self._review(f"✓ The rotation of {journal.user_name}'s key {journal.old_key_id} is complete.",
                         "esc returns.")
            return
        assert self.rotation is not None
        try:
            await self.rotation.keep_old(journal)  # the default: the rotation is complete, the old key inactive
        except (AwsError, FixProblem) as err:
            self.status.update(failure_text(err) if isinstance(err, AwsError) else str(err))
        self.journal = journal
        self._review(finished_text(journal, deleted=False),
                     "d deletes the old key · a reactivates it · esc returns (it stays inactive)")
        if runs_on_old and result.new_service is None:
            self.status.update(f"iam-tui ran on {journal.old_key_id}, now deactivated: restart it with one of the "
                               "rotated profiles to go on.")

    def action_delete_old(self) -> None:
        journal = self.journal
        if journal is None or self.session.busy:
            return
        question = (f"Delete the old access key {journal.old_key_id} of {journal.user_name}? It is deactivated and "
                    "the profiles use the new key; deleting cannot be undone.")
        self.app.push_screen(TypedConfirmScreen(question, journal.old_key_id), self._delete_confirmed)

    def action_reactivate_old(self) -> None:
        if self.journal is not None and not self.session.busy:
            self.reactivate_old()

    @work(exclusive=True, group="rotation")
    async def reactivate_old(self) -> None:
        journal, rotation = self.journal, self.rotation
        assert journal is not None and rotation is not None
        if await self.act(f"reactivating access key {journal.old_key_id}", rotation.reactivate_old(journal),
                          changed=Changed.key(journal.user_name, journal.old_key_id), status=self.status,
                          failed=f"Could not reactivate {journal.old_key_id}.") is REFUSED:
            return
        self.journal = None
        self._review(f"{journal.old_key_id} is active again: {journal.user_name} has two active keys (CIS 1.12 fails "
                     f"until one is deactivated). The profiles use {journal.new_key_id}. Once whatever needed the "
                     "old key has the new one, deactivate and delete the old key on the keys screen.", "esc returns.")

    def _delete_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.delete_old()

    @work(exclusive=True, group="rotation")
    async def delete_old(self) -> None:
        journal, rotation = self.journal, self.rotation
        assert journal is not None and rotation is not None
        self.status.update(f"Deleting {journal.old_key_id}…")
        if await self.act(f"deleting access key {journal.old_key_id}", rotation.delete_old(journal),
                          changed=self._keys_changed(journal, old_removed=True),
                          status=lambda text: self.status.update(text.append(" d tries again.")),
                          failed=f"Could not delete {journal.old_key_id}.") is REFUSED:
            return
        self.journal = None
        self._review(finished_text(journal, deleted=True), "esc returns.")

    def action_back(self) -> None:
        self.dismiss(None)

    def on_unmount(self) -> None:
        if self.rotation is not None:
            self.rotation.release()  # another instance may rotate now (an unfinished journal stays for it)


async def offer_unfinished_rotation(app: App[Any], service: IamService) -> None:
    """For the app's start (run it in a worker once connected): when an earlier run left a key rotation unfinished,
    open the rotation screen, which explains where it stopped and offers to resume it."""
    rotation = KeyRotationService(service)
    removed = await rotation.remove_stale_temps()
    if removed:
        files = ", ".join(map(str, removed))
        app.notify(f"Removed {len(removed)} temporary file{'s' if len(removed) > 1 else ''} that an interrupted "
                   f"write of the AWS CLI files or the rotation journal left (it could hold a secret): {files}",
                   title="Cleaned up", timeout=20, markup=False)
    try:
        unfinished = await rotation.unfinished()
    except (AwsError, FixProblem):
        return  # the screen says the same when opened (another instance rotating included); the start goes on
    if unfinished is not None and unfinished.point is not Resume.OTHER_ACCOUNT:
        app.push_screen(KeyRotationScreen())
