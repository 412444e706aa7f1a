"""The app's screen bases: a typed way up to the App and its session, the identity header, the demo banner and the
footer of key bindings (full screens), and the modal dialog (questions and small forms)."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, TypeVar, cast, runtime_checkable

from rich.text import Text
from textual import _time, events
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import Worker

from ..aws.errors import AwsError
from ..aws.outcome import outcome_unknown
from ..core.changes import Changed
from ..core.fix_plan import FixProblem
from ..widgets.data_text import data_text
from ..widgets.demo_banner import DemoBanner
from ..widgets.identity_bar import IdentityBar
from ..widgets.key_footer import KeyFooter
from ..widgets.vim_keys import DIALOG_VIM_BINDINGS
from .messages import AwsChanged

if TYPE_CHECKING:
    from ..app import IamTuiApp
    from ..session import GuideSession

ResultT = TypeVar("ResultT")
T = TypeVar("T")


async def _start_change(in_flight: contextlib.AsyncExitStack, change: contextlib.AbstractAsyncContextManager[None],
                        call: Awaitable[Any]) -> None:
    """Enter ``change`` (see ``GuideSession.mutating``). A call whose change never starts (the app was quitting) is
    closed, rather than left for Python to report on stderr when it is collected ("was never awaited")."""
    try:
        await in_flight.enter_async_context(change)
    except BaseException:
        if inspect.iscoroutine(call):
            call.close()
        raise


class Refused(Enum):
    """What :meth:`TypedScreen.act` returns when AWS refused the change (its call may well return None)."""

    REFUSED = "refused"


REFUSED = Refused.REFUSED


@runtime_checkable
class StatusLine(Protocol):
    """Where a screen says how a call went: a ``Static`` (the app's, from widgets/data_text.py) or the like."""

    def update(self, content: Text) -> object: ...


Say = StatusLine | Callable[[Text], object]


def failure_text(err: AwsError, lead: str = "") -> Text:
    """An AWS error as every screen shows it: what did not happen (``lead``), then the code, the plain message and
    the fix. A ``Text``: the message often holds AWS's own words, never markup."""
    return data_text(f"{lead} {err.text}" if lead else err.text, multiline=True)


def say(where: Say, text: Text) -> None:
    if isinstance(where, StatusLine):
        where.update(text)
    else:
        where(text)


class TypedScreen(Screen[ResultT]):
    """The typed way up to the App (``cast`` at call time: importing the app here would be a cycle).

    ``KEYS_ONCE_DRAWN``: the screen takes a key only once it has been drawn (dialogs, the review that runs a plan).
    Keys typed in a burst (the rest of a word typed while the focus was not where the person thought, or keys
    queued while the app was busy) can open such a screen and then answer it before anyone saw it: "day" once
    pressed d (remove the password policy) and then y (yes). The app drops every key event created before the
    screen's first refresh after it became the current screen (each key carries its creation time)."""

    KEYS_ONCE_DRAWN: ClassVar[bool] = False
    shown_at: float | None = None  # when it was last drawn as the current screen (KEYS_ONCE_DRAWN screens)

    def _on_screen_resume(self, _: events.ScreenResume) -> None:
        if self._dismiss_when_shown is not None:
            self.call_later(self._dismiss_now)
            return
        if self.KEYS_ONCE_DRAWN:
            self.shown_at = None  # covered by a dialog and back: again only keys typed after it is drawn count
            self.call_after_refresh(self._drawn)

    def _drawn(self) -> None:
        self.shown_at = _time.get_time()  # the clock Textual stamps events with

    def typed_before_shown(self, event: events.Key) -> bool:
        """The app drops ``event`` (see ``KEYS_ONCE_DRAWN``)."""
        return self.KEYS_ONCE_DRAWN and (self.shown_at is None or event.time < self.shown_at)

    @property
    def iam(self) -> IamTuiApp:
        return cast("IamTuiApp", self.app)

    _dismiss_when_shown: tuple[ResultT | None] | None = None
    _answered = False

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        """Textual's ``dismiss`` pops whatever screen is on top. A screen that ended from a worker while the person
        had opened the palette or help over it popped that one instead (its own worker then crashed) and stayed,
        already answered: a plan's review offered to run a change already made, and leaving it crashed. Covered, it
        goes once it is shown again. A screen answers once: a second dismiss (an enter that came before it went, a
        screen no longer in the stack) does nothing."""
        if self._answered or self not in self.app.screen_stack:
            return AwaitComplete()
        self._answered = True
        if self.app.screen is not self:
            self._dismiss_when_shown = (result,)
            return AwaitComplete()
        return super().dismiss(result)

    @property
    def answer_pending(self) -> bool:
        """Answered while covered (see :meth:`dismiss`): it goes, with that answer, once it is shown again."""
        return self._dismiss_when_shown is not None

    def _dismiss_now(self) -> None:
        """Shown again: it goes with its answer (still pending until then: the palette's way back waits for it)."""
        pending = self._dismiss_when_shown
        if pending is not None and self.app.screen is self:  # else covered again meanwhile: when shown next
            self._dismiss_when_shown = None
            super().dismiss(pending[0])  # not returned: Textual forbids awaiting it from the screen's own handler

    def on_compose(self) -> None:
        """Take the app's breakpoint classes (``-narrow``/``-wide``, ``-short``/``-tall``) before the widgets are
        mounted, as the first resize will set them. Added by that resize, after the mount, they restyled the whole
        new screen once more, each time a screen was opened."""
        app, mine = self.app, (self.HORIZONTAL_BREAKPOINTS, self.VERTICAL_BREAKPOINTS)  # a screen's own: as Textual
        width, height = app.size
        wide = (app.HORIZONTAL_BREAKPOINTS if mine[0] is None else mine[0]) or []
        tall = (app.VERTICAL_BREAKPOINTS if mine[1] is None else mine[1]) or []
        classes = {name: False for _, name in (*wide, *tall)}
        for size, breakpoints in ((width, wide), (height, tall)):
            classes.update(dict.fromkeys(self._get_breakpoint_classes(size, breakpoints), True))
        self.update_classes(classes)

    @property
    def session(self) -> GuideSession:
        return self.iam.session

    @property
    def session_region(self) -> str:
        """The region iam-tui runs in, for a CLI profile's default (IAM is global: us-east-1 until known)."""
        identity = self.iam.identity
        return identity.region if identity else "us-east-1"

    async def confirm(self, question: Screen[bool]) -> bool:
        """Ask a yes/no question (from a worker): True only for yes."""
        answer: bool | None = await self.iam.push_screen_wait(question)
        return answer is True

    def tell(self, message: Message) -> None:
        """Send a change up to the App, where it is handled in one place (see ``screens/messages.py``)."""
        self.iam.post_message(message)

    async def act(self, doing: str, call: Awaitable[T], *, changed: Changed | Callable[[T], Changed | None] | None,
                  status: Say, failed: str = "",
                  on_error: Callable[[AwsError], object] | None = None) -> T | Literal[Refused.REFUSED]:
        """The one way a screen changes AWS: while ``call`` runs the change is in flight (leaving and quitting
        wait, see :meth:`GuideSession.mutating`); an ``AwsError`` goes to ``status`` as every screen shows it
        (``failed``, what did not happen, then :func:`failure_text`), then to ``on_error`` (for a code that needs
        more); a :class:`FixProblem` (it cannot be done as asked) is said there too. On success the app is told what
        ``changed`` (it re-reads those entities, the screens follow; a function of the result when only the result
        names them, or says that nothing changed: None).

        When the error leaves the outcome unknown (AWS's answer was lost: the change may have been made), the
        app is told what ``changed`` all the same, so that the screens show what AWS really holds, and ``status``
        says the change may have been made; so it is when the call ends any other way (cancelled, or a bug).
        Returns the call's result, or :data:`REFUSED` when AWS (or the service) refused, or AWS's answer was lost."""
        async with contextlib.AsyncExitStack() as in_flight:
            await _start_change(in_flight, self.session.mutating(doing), call)
            try:
                result = await call
            except AwsError as err:
                lost = outcome_unknown(err)
                if not lost:
                    say(status, failure_text(err, failed))
                if on_error is not None:
                    on_error(err)
                if lost:  # said last: what an on_error shows for its code is not the whole story here
                    say(status, failure_text(err, f"{doing.capitalize()}: AWS's answer was lost, so the change may "
                                                  "have been made; iam-tui reads it again and shows what AWS holds."))
                    if changed is not None:
                        # Only the result would have named the entities: everything is read again.
                        self.tell(AwsChanged(changed if isinstance(changed, Changed) else Changed()))
                return REFUSED
            except FixProblem as problem:  # the service found, before calling, that it cannot be done as asked
                say(status, data_text(f"{failed} {problem}" if failed else str(problem), multiline=True))
                return REFUSED
            except BaseException:  # cancelled (the app closing) or a bug: the call may have changed AWS all the same
                if changed is not None:
                    self.tell(AwsChanged(changed if isinstance(changed, Changed) else Changed()))
                raise
        what = changed(result) if callable(changed) else changed
        if what is not None:
            self.tell(AwsChanged(what))
        return result


class AppScreen(TypedScreen[ResultT]):
    """Base for the app's full screens: subclasses implement :meth:`compose_body`.

    Actions named in ``WAIT_WHILE_BUSY`` are disabled (greyed in the footer, the key does nothing) while a change is
    in flight (``session.busy``): leaving a screen cancels its workers while their AWS call goes on in its thread."""

    BINDINGS = [Binding("question_mark", "app.help", "Help", key_display="?")]

    DEFAULT_CSS = """
    #app-header { dock: top; height: auto; }
    """

    HELP = ""  # what this screen is for and what its keys do, shown by `?`
    WAIT_WHILE_BUSY: ClassVar[frozenset[str]] = frozenset()

    def compose(self) -> ComposeResult:
        with Vertical(id="app-header"):
            yield IdentityBar()
            if self.iam.is_demo:
                yield DemoBanner()
        yield from self.compose_body()
        yield KeyFooter()

    def compose_body(self) -> Iterable[Widget]:
        return ()

    def leaving_drops(self) -> str | None:
        """What leaving this screen now would drop or leave behind (what its esc asks about first), as a phrase; None
        when it can be left at once. The palette's way back to the dashboard goes only past screens that say None."""
        return None

    def quitting_drops(self) -> str | None:
        """What quitting the app now would drop here: quitting asks first (by default what leaving would drop)."""
        return self.leaving_drops()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.preparing or (action in self.WAIT_WHILE_BUSY and self.session.busy):
            return None
        return True

    # --- flows that read what they need before they show a dialog or a review ------------------------------------

    _flows: frozenset[Worker[Any]] = frozenset()

    def start_flow(self, flow: Coroutine[Any, Any, object], *, group: str) -> None:
        """Run ``flow`` in a worker. Until it has shown what it reads AWS for (its first dialog or review), this
        screen's keys and the app's (but quit) do nothing: keys typed meanwhile were meant for what it shows. x then
        "carol" typed on the users screen once opened step 5 for carol with its a while the removal was read."""
        self._flows = self._flows | {self.run_worker(flow, group=group, exclusive=True)}
        self._flow_groups = self._flow_groups | {group}
        self.refresh_bindings()

    _flow_groups: frozenset[str] = frozenset()

    def end_flows(self) -> None:
        """The screens above this one were popped without an answer (the palette's "Guide step 1"): a flow waiting
        for one of them would wait for good, so each is cancelled."""
        for group in self._flow_groups:
            self.app.workers.cancel_group(self, group)
        self._flows = frozenset()
        self.refresh_bindings()

    @property
    def preparing(self) -> bool:
        """A flow of this screen is running and has not shown anything yet."""
        return any(not worker.is_finished for worker in self._flows)

    def on_screen_suspend(self) -> None:
        """Covered: the flows have shown their first dialog or review, and the keys are the person's again once
        this screen is back (also when the flow waits on: see :meth:`end_flows`)."""
        self._flows = frozenset()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker in self._flows and event.worker.is_finished:
            self._flows = self._flows - {event.worker}
            self.refresh_bindings()


class Dialog(TypedScreen[ResultT], ModalScreen[ResultT]):
    """Base of the app's dialogs (one look: centred, bordered box; subclasses compose a ``Vertical``), and a key
    only counts once the dialog has been drawn (see ``TypedScreen.KEYS_ONCE_DRAWN``)."""

    BINDINGS: ClassVar[list[BindingType]] = [*DIALOG_VIM_BINDINGS]

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical {
        width: 80%;
        max-width: 90;
        height: auto;
        max-height: 100%;
        border: round $warning;
        padding: 1 2;
        background: $surface;
    }
    Dialog .buttons { height: auto; margin-top: 1; }
    Dialog Button { margin-right: 2; }
    """

    KEYS_ONCE_DRAWN = True
