"""The Textual application: connects (off the UI thread), then shows the guide's screens.

The service is built by a ``connector`` handed in at construction, so tests can pass a sandbox-backed or fake
service; screens reach it as ``app.service`` and never touch boto3.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import importlib
import signal
import sys
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import textual
from textual import events, on, work
from textual._context import active_message_pump
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import WorkerFailed, active_worker

from . import __version__
from .aws.errors import AwsError, mfa_code_needed
from .aws.models import AccountIdentity, ScanResult
from .aws.threads import use_daemon_threads
from .clipboard import CLEAR_AFTER_SECONDS, Clipboard
from .core.changes import Changed
from .core.checks import Status
from .core.crash_report import CrashReport, crash_report
from .core.display_text import visible
from .core.exit_status import EXIT_CRASHED, EXIT_ERROR, crash_line
from .core.secret import live_secrets
from .guide import STEPS, StepKey, StepState
from .preferences import Preferences, load_preferences, preferences_path, save_preferences
from .screens.base import AppScreen, TypedScreen
from .screens.crash import CrashScreen
from .screens.dashboard import DashboardScreen
from .screens.finish import FinishScreen
from .screens.help import HelpScreen
from .screens.messages import (
    AwsChanged,
    GuideUserChosen,
    IdentityChanged,
    Recorded,
    ScanFinished,
    ServiceChanged,
    StepDone,
)
from .screens.mfa_code import MfaCodeScreen
from .screens.password_policy import PasswordPolicyScreen
from .screens.startup import StartupErrorScreen
from .screens.user_screen import UserScreen
from .session import GuideSession
from .settings import ConnectionSettings
from .textual_fixes import (
    editing_keys_keep_their_order,
    handler_errors_go_to_the_app,
    input_that_fails_is_a_hang_up,
    keys_are_handled_one_at_a_time,
    never_negative_timers,
    scroll_keys_add_up,
    terminal_gets_only_printable_text,
    widgets_gone_are_freed,
    writes_to_a_gone_terminal_never_block,
)
from .widgets.guide_navigator import GuideNavigator
from .widgets.looks import marks_show_state
from .widgets.secret_field import SecretField
from .widgets.vim_keys import VIM_BINDINGS, arrow_action

if TYPE_CHECKING:
    from .aws.service import IamService

Connector = Callable[[ConnectionSettings], Awaitable["IamService"]]
MFA_CODE_WAIT_SECONDS = 600  # a forgotten question must not hold a thread (and the exit) for ever


def _import_service() -> ModuleType:
    from .aws.crt_gate import import_botocore

    import_botocore()
    return importlib.import_module("iam_tui.aws.service")


async def connect(settings: ConnectionSettings, *, scan_early: bool = False) -> IamService:
    """The default connector. botocore's session and client modules (~0.15 s to import) are imported here, in a
    worker thread, so that the first frame does not wait for them. ``scan_early``: see aws/early_scan.py."""
    service = await asyncio.to_thread(_import_service)
    gc.freeze()  # as after the first imports (see __main__): botocore's modules live until exit
    connected: IamService = await service.connect(settings, scan_early=scan_early)
    return connected

never_negative_timers()
marks_show_state()
terminal_gets_only_printable_text()
handler_errors_go_to_the_app()
writes_to_a_gone_terminal_never_block()
input_that_fails_is_a_hang_up()
widgets_gone_are_freed()
editing_keys_keep_their_order()
keys_are_handled_one_at_a_time()
scroll_keys_add_up()

# Signals that end the app the way quitting does: cleanups run, the terminal is restored.
EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
EXIT_CLEANUP_TIMEOUT = 10.0  # seconds for each exit cleanup (an AWS call: it may be slow or unreachable)
MAX_CRASHES = 20  # unexpected exceptions shown before the app gives up (one raised at every frame would loop)


class IamTuiApp(App[int]):
    TITLE = "iam-tui"
    CSS_PATH = "styles/app.tcss"
    ENABLE_COMMAND_PALETTE = True
    # Screens get -narrow below 110 columns (an 80x24 terminal) and lay out more compactly, and -tall from 40 rows
    # (a list can then show all its rows and the panels below it take the rest).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    # Every key that does something is in the footer for the focused part (no hidden one-letter or digit shortcuts:
    # typed into nothing, they used to jump steps). Guide steps open from the guide list (its digits) or ctrl+p.
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?", show=False),
        *VIM_BINDINGS,
    ]

    identity: var[AccountIdentity | None] = var(None)
    guide_state: var[dict[StepKey, StepState]] = var(dict, always_update=True)  # the session's, for the navigator
    # The account as last read: a scan, or a scan with the users iam-tui changed read again. Screens that show it
    # watch it (set on every scan that lands; never compared, a scan at 10,000 users is large).
    last_scan: var[ScanResult | None] = var(None, always_update=True)

    def __init__(self, settings: ConnectionSettings, *, connector: Connector | None = None,
                 exit_when_ready: str | None = None, start_at: StepKey | None = None,
                 preferences_file: Path | None = None) -> None:
        """``start_at`` opens that step as soon as connected, and the dashboard scans only once it is shown (tests
        start on the screen under test this way). ``preferences_file``: where the chosen theme is kept between runs
        (None: not kept, as in tests)."""
        super().__init__()
        self.preferences_file = preferences_file
        # A role profile's MFA code is asked in a modal, never on the terminal (see aws/session.py).
        self.settings = settings if settings.mfa_prompter else dataclasses.replace(settings,
                                                                                  mfa_prompter=self.ask_mfa_code)
        # Opening on the dashboard, the default connector starts its scan alongside connecting.
        self.connector = connector or partial(connect, scan_early=start_at is None)
        self.exit_when_ready = exit_when_ready  # benchmarks: "table" (scan shown) or "first-frame"
        self.start_at = start_at
        self.exit_message: str | None = None  # what is printed once the terminal is back (problems left behind)
        self._service: IamService | None = None
        self._connected: asyncio.Future[IamService] | None = None
        self.clipboard_service = Clipboard(self.copy_to_clipboard)
        self.session = GuideSession(on_busy_changed=self._busy_changed)
        self._leaving_for: int | None = None  # the signal the app is leaving for (SIGHUP: the terminal went away)
        self.crashes: list[CrashReport] = []  # unexpected exceptions of this session (see survive_crash)
        self._crash_report_saved: Path | None = None
        self.startup_error: AwsError | None = None  # connecting failed and nothing connected since

    @property
    def service(self) -> IamService:
        if self._service is None:
            raise RuntimeError("not connected yet")
        return self._service

    @property
    def connected(self) -> bool:
        return self._service is not None

    @property
    def is_demo(self) -> bool:
        return self.settings.demo

    # --- connecting -----------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        use_daemon_threads()  # quitting never waits for an AWS call still running in its thread
        if not self.is_headless:
            loop = asyncio.get_running_loop()
            for signum in EXIT_SIGNALS:
                loop.add_signal_handler(signum, self.exit_on_signal, signum)
        self._apply_preferences()
        self.action_reconnect()
        if self.exit_when_ready == "first-frame":
            self.call_after_refresh(self.exit, 0)

    def _apply_preferences(self) -> None:
        """The theme chosen in an earlier run; from now on every theme change is written back."""
        if self.preferences_file is None:
            return
        preferences, note = load_preferences(self.preferences_file)
        if preferences.theme in self.available_themes:
            self.theme = preferences.theme
        if note:
            self.notify(note, severity="warning", timeout=10)
        self.watch(self, "theme", self._theme_chosen, init=False)

    def _theme_chosen(self, theme: str) -> None:
        if self.preferences_file is not None:
            problem = save_preferences(self.preferences_file, Preferences(theme=theme))
            if problem:
                self.notify(problem, severity="warning", timeout=10)

    # --- keys ------------------------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        # A key created before the current dialog (or review) was drawn must not answer it (see TypedScreen's
        # KEYS_ONCE_DRAWN): neither when it arrives, nor when it comes back up to the app's bindings from a widget of
        # the screen below.
        if isinstance(event, events.Key) and self.screen_stack:
            screen = self.screen_stack[-1]
            if isinstance(screen, TypedScreen) and screen.typed_before_shown(event):
                return
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """A printable key that comes back up to the app while a text field has the focus is one the field let
        through (Textual's Input keeps them all; a subclass may not, as the password policy's number fields once
        did for letters). It is part of what the person is typing, never a command: it must not run a binding of
        the screen or the app (typing "90 days" there pressed d, remove the password policy, and y, yes)."""
        if event.is_printable and isinstance(self.focused, Input):
            event.prevent_default()

    def action_reconnect(self) -> None:
        """Show the dashboard at once (it says it is connecting) and connect in a worker."""
        self._connected = asyncio.get_running_loop().create_future()
        dashboard = DashboardScreen(scan_when_shown=self.start_at is not None)
        if self.screen_stack and len(self.screen_stack) > 1:
            self.switch_screen(dashboard)
        else:
            self.push_screen(dashboard)
        # After the dashboard is drawn: the worker imports botocore in a thread, which holds the GIL for ~0.15 s
        # and would otherwise delay the first frame by as much.
        self.call_after_refresh(self.start_connection)

    async def wait_for_service(self) -> IamService:
        """For screens: the connected service (waits while connecting)."""
        if self._service is not None:
            return self._service
        assert self._connected is not None
        return await asyncio.shield(self._connected)

    @work(exclusive=True, group="connect")
    async def start_connection(self) -> None:
        connected = self._connected
        try:
            service = await self.connector(self.settings)
        except AwsError as err:
            if connected is not None and not connected.done():
                connected.cancel()
            self.startup_error = err
            self.switch_screen(StartupErrorScreen(err, self.settings))
            return
        self.startup_error = None
        self._close_service()
        self._service = service
        self.identity = service.account._identity
        if connected is not None and not connected.done():
            connected.set_result(service)
        if self.start_at is not None:
            self.open_step(self.start_at)
            self.start_at = None
        else:
            from .screens.key_rotation import offer_unfinished_rotation

            self.run_worker(offer_unfinished_rotation(self, service), group="rotation-check")

    def ask_mfa_code(self, prompt: str) -> str:
        """botocore's MFA prompter: called from the worker thread that resolves a role profile's credentials, it
        has the UI thread show :class:`MfaCodeScreen` and waits (in its own thread) for the answer."""
        answer: Future[str | None] = Future()
        try:
            self.call_from_thread(self._ask, MfaCodeScreen(prompt, answer))
            code = answer.result(timeout=MFA_CODE_WAIT_SECONDS)
        except (RuntimeError, FutureTimeout):
            code = None  # the app is not running (or is the calling thread), or nobody answered
        if not code:
            raise mfa_code_needed(self.settings.profile, asked=True)
        return code

    def _ask(self, screen: MfaCodeScreen) -> None:
        self.push_screen(screen)

    def action_try_demo(self) -> None:
        self.settings = dataclasses.replace(self.settings, demo=True, profile=None, endpoint_url=None)
        self.action_reconnect()

    # --- what the screens tell the app (screens/messages.py) ---------------------------------------------------

    @on(ScanFinished)
    def _scan_finished(self, message: ScanFinished) -> None:
        self.last_scan = message.result
        self.identity = message.result.identity
        failing = any(r.status is Status.FAIL for r in message.result.results)
        self._mark(StepKey.SECURITY, StepState.ATTENTION if failing else StepState.DONE)
        if self.exit_when_ready == "table":
            self.exit(0)
        for screen in self.screen_stack:
            if isinstance(screen, FinishScreen):
                screen.refresh_summary()

    @on(StepDone)
    def _step_done(self, message: StepDone) -> None:
        self._mark(message.step, message.state)

    def _mark(self, step: StepKey, state: StepState) -> None:
        if self.session.mark(step, state):
            self.guide_state = self.session.steps

    @on(Recorded)
    def _recorded(self, message: Recorded) -> None:
        self.session.record(message.item)

    @on(GuideUserChosen)
    def _guide_user_chosen(self, message: GuideUserChosen) -> None:
        self.session.choose_guide_user(message.name, replace=message.replace)

    @on(IdentityChanged)
    def _identity_changed(self, message: IdentityChanged) -> None:
        self.identity = message.identity

    @on(AwsChanged)
    def _aws_changed(self, message: AwsChanged | None = None) -> None:
        """Re-read what changed (the users it names directly: the credential report lags by up to four hours) and
        rescan, so the recommendations, the users screen, the summary, the guide and the screens about one user
        reflect it; a removed user leaves the summary and, when it was the guide's, the guide's marks."""
        changed = message.changed if message is not None else Changed()
        if changed.shown_nowhere:
            return
        if self._service is not None:
            for user in changed.users:
                self._service.scan.touch(user)
        steps_changed = False
        for user in changed.removed_users:
            steps_changed |= self.session.user_removed(user)
        for key_id, owner in changed.removed_keys.items():
            if owner not in changed.removed_users:  # a removed user's line says its keys went with it
                self.session.key_deleted(key_id, owner)
        if steps_changed:
            self.guide_state = self.session.steps
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                if changed.users_only:
                    screen.reread_users(changed.users)
                else:
                    screen.rescan_after(changed)
            elif isinstance(screen, FinishScreen):
                screen.refresh_summary()
            elif isinstance(screen, UserScreen):
                screen.aws_changed(changed)

    @on(ServiceChanged)
    def _service_changed(self, message: ServiceChanged) -> None:
        """Go on with other credentials (e.g. the new profile once the root key is retired): the header, every
        screen (they ask ``app.service`` per call) and the dashboard follow."""
        service = message.service
        if self._service is not None:
            service.scan.touched |= self._service.scan.touched  # users changed here are still re-read directly
            self._service.hand_over_sandbox(service)
        self._service = service
        self.settings = service.settings
        self.identity = service.account._identity
        self._aws_changed()

    # --- opening steps ---------------------------------------------------------------------------------------

    def open_step(self, key: StepKey) -> None:
        from .screens.registry import screen_for_step

        if self.session.busy:  # leaving would cancel the screen's workers while their AWS call goes on
            self.notify(f"Not opened: {self.session.busy} is still running. Try again once it is done.",
                        title="Busy", severity="warning")
            return
        screen = screen_for_step(key)
        if screen is None:
            self.switch_to_dashboard()
        else:
            self.push_screen(screen)

    def action_open_step_number(self, number: int) -> None:
        chosen = next((s for s in STEPS if s.number == number), None)
        if chosen is not None and self._service is not None:
            self.open_step(chosen.key)

    def push_screen(self, screen: Any, callback: Any = None, wait_for_dismiss: bool = False, *,
                    mode: str | None = None) -> Any:
        """A screen pushed while the command palette or help is open closes it first. Work that ends with a screen
        (a password hand-over, a plan's progress) put it over the palette: esc then answered that screen, and the
        palette came back later over another one; ctrl+p there crashed (DuplicateIds: a palette was still open).
        Over help, the help of the screen before came back once the new one was left, and took the keys."""
        top = self.screen_stack[-1] if self.screen_stack else None
        if isinstance(top, CommandPalette) and not isinstance(screen, CommandPalette):
            top._action_escape()  # Textual's own way out: its search stops, then it is dismissed
        elif isinstance(top, HelpScreen) and not isinstance(screen, CommandPalette | HelpScreen):
            top.dismiss()
        return super().push_screen(screen, callback, wait_for_dismiss, mode=mode)  # type: ignore[call-overload]

    def switch_to_dashboard(self) -> None:
        """Back to the dashboard (the palette's "Guide step 1"). A screen above it that would drop something (a
        secret not taken yet, a half-done plan, a form's entries: what its esc asks about), or that was answered
        while the palette was open (a review run with enter: it goes on once shown), stays, and the person is told
        to leave it with esc. Otherwise the screens are popped (not answered: an answer's callback may dismiss
        another screen) and the dashboard's flows that waited for them end."""
        above = [s for s in self.screen_stack[2:] if isinstance(s, AppScreen)]
        drops = [drop for screen in reversed(above) if (drop := screen.leaving_drops())]
        drops += ["an answer given while the palette was open (it goes on once its screen is shown)"
                  for screen in self.screen_stack[2:] if isinstance(screen, TypedScreen) and screen.answer_pending]
        if drops:
            self.notify(f"Still open: {drops[0]}. Go back with esc, screen by screen: a screen asks before it "
                        "drops anything.", title="Not left", severity="warning", timeout=8)
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, AppScreen):
            self.screen.end_flows()

    def on_guide_navigator_step_chosen(self, message: GuideNavigator.StepChosen) -> None:
        self.open_step(message.key)

    # --- changes in flight -----------------------------------------------------------------------------------

    WAIT_WHILE_BUSY = frozenset({"quit", "open_step_number", "reconnect", "try_demo", "open_password_policy"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a change is in flight these are disabled (greyed in the footer): leaving a screen or quitting
        would cancel its worker while the AWS call goes on in its thread, and the UI would never learn what was
        made. SIGTERM and the like still end the app (see :meth:`exit_on_signal`)."""
        if action in self.WAIT_WHILE_BUSY and self.session.busy:
            return None
        if action != "quit" and self.screen_stack and isinstance(self.screen, AppScreen) and self.screen.preparing:
            return None  # keys typed while a flow reads AWS were meant for what it shows (AppScreen.start_flow)
        if action == "vim_move":  # only where the arrow does something
            return arrow_action(self.focused, str(parameters[0])) is not None
        return True

    async def action_vim_move(self, arrow: str) -> None:
        """j/k: whatever ↓/↑ does for the focused widget (see widgets/vim_keys.py)."""
        target = arrow_action(self.focused, arrow)
        if target is not None:
            await self.run_action(target[1], target[0])

    def _busy_changed(self) -> None:
        for screen in self.screen_stack:
            screen.refresh_bindings()

    async def action_quit(self) -> None:
        if self.session.busy:
            return  # disabled while a change is in flight (check_action)
        left = self._left_behind()
        if left:
            from .screens.confirm import ConfirmScreen

            lines = "\n".join(f"• {text}" for text in left)
            self.push_screen(ConfirmScreen(f"Quitting now drops or leaves behind:\n{lines}\nQuit anyway?",
                                           yes="Quit", no="Stay"), self._quit_if)
            return
        await self._quit()

    def _left_behind(self) -> list[str]:
        """What is unfinished in AWS (a half-done plan, a secret not taken) and what the open screens would drop (a
        form's entries, policy edits not applied), once each."""
        left = list(self.session.unfinished)
        for screen in reversed(self.screen_stack):
            drop = screen.quitting_drops() if isinstance(screen, AppScreen) else None
            if drop and drop not in left:
                left.append(drop)
        return left

    def _quit_if(self, quit_anyway: bool | None) -> None:
        if quit_anyway:
            self.run_worker(self._quit())

    def exit_on_signal(self, signum: int) -> None:
        """SIGTERM, SIGHUP (the terminal went away) or SIGINT: leave as quitting does, without asking (the exit
        cleanups run, what is left unfinished is printed, the terminal is restored). A second signal exits at
        once."""
        code = 128 + signum  # what a shell reports for a process ended by that signal
        if self._leaving_for is not None:
            if signum == self._leaving_for == signal.SIGHUP:
                return  # the same hang-up, seen twice: by the signal and by the input (see terminal_gone)
            self.exit(code, return_code=code)
            return
        self._leaving_for = signum
        self.run_worker(self._quit(code), group="exit")

    def terminal_gone(self) -> None:
        """Reading the terminal failed or ended: it hung up (see textual_fixes). Leave as on SIGHUP, which usually
        comes too, before or after."""
        self.exit_on_signal(signal.SIGHUP)

    async def _quit(self, code: int = 0) -> None:
        """Run the exit cleanups, then exit; what could not be cleaned up is printed after the app closes. A session
        that never connected exits 2 with the reason; one where a bug was shown exits 3 and says so (in one line
        each, before the problems)."""
        self.session.leave()
        problems = self.session.exit_problems()
        if self.crashes:
            saved = f" The report is in {self._crash_report_saved}." if self._crash_report_saved else ""
            problems.insert(0, self.crashes[0].line + saved)
            code = code or EXIT_CRASHED
        elif self._service is None and self.startup_error is not None:
            problems.insert(0, "iam-tui: " + " ".join(self.startup_error.text.split()))
            code = code or EXIT_ERROR
        for key, cleanup in self.session.exit_cleanups.items():
            self.notify(f"Cleaning up before exit: {key}…")
            try:
                problem = await asyncio.wait_for(cleanup(), EXIT_CLEANUP_TIMEOUT)
            except TimeoutError:
                problem = f"{key}: AWS did not answer within {EXIT_CLEANUP_TIMEOUT:.0f} s; check it in the AWS console."
            except Exception as exc:  # never block quitting on a cleanup bug
                problem = f"{key}: {type(exc).__name__}"
            if problem:
                problems.append(problem)
            self.session.remove_exit_cleanup(key)
        # run_app prints it once the terminal is back, as it is: Textual's console would read markup in it (names
        # from AWS are) and cut each line at the terminal's width.
        self.exit_message = "\n".join(problems) if problems else None
        self.exit(code, return_code=code)

    @property
    def exit_text(self) -> str | None:
        """What is printed once the terminal is back: the problems left behind, then each change that was about
        to start when quitting began (it never did: the session refuses changes from then on)."""
        lines = [self.exit_message] if self.exit_message else []
        lines += [f"Not started, iam-tui was quitting: {what}. Nothing of it was sent to AWS."
                  for what in self.session.not_started]
        return "\n".join(lines) or None

    # --- bugs ----------------------------------------------------------------------------------------------------

    def survive_crash(self, error: BaseException) -> bool:
        """An unexpected exception in a worker, a handler or a timer: show it on a :class:`CrashScreen` and keep
        the app running (True), so that the person can go on, or quit with the exit cleanups (an MFA device made
        for nothing is deleted). False when the app cannot go on: it is closing, or the bug keeps coming back.

        The exception is also kept where ``run_test`` re-raises it at the end of a test: a bug still fails the
        test that met it."""
        crash = error.error if isinstance(error, WorkerFailed) else error
        if self._exit or self._closing or self._closed or not self.is_running or not self.screen_stack:
            return False
        if len(self.crashes) >= MAX_CRASHES:
            return False
        report = crash_report(crash, where=self._what_failed(), when=datetime.now(UTC),
                              versions={"iam-tui": __version__, "textual": textual.__version__},
                              secrets=live_secrets())
        self.crashes.append(report)
        if self._exception is None and isinstance(crash, Exception):
            self._exception = crash
        if not isinstance(self.screen, CrashScreen):  # a bug again while one is shown: counted, not stacked
            self.push_screen(CrashScreen(report))
        return True

    def _what_failed(self) -> str:
        screen = type(self.screen).__name__ if self.screen_stack else "no screen"
        worker = active_worker.get(None)
        if worker is not None:
            return f"a background task ({worker.name or worker.group}) of {screen}"
        pump = active_message_pump.get(None)
        if pump is not None and pump is not self.screen:
            return f"{type(pump).__name__} on {screen}"
        return screen

    def crash_saved(self, path: Path) -> None:
        self._crash_report_saved = path

    def _handle_exception(self, error: Exception) -> None:
        """Textual calls this for an exception nothing handled (a worker's, a timer's, a widget's while composing
        or drawing); it would end the app and print a traceback with local variables (a revealed secret among
        them). Shown and survived when possible (:meth:`survive_crash`), else the app ends with one line and
        EXIT_CRASHED."""
        if self.survive_crash(error):
            return
        crash = error.error if isinstance(error, WorkerFailed) else error
        self._return_code = EXIT_CRASHED
        if self._exception is None:
            self._exception = crash if isinstance(crash, Exception) else error
        self._exception_event.set()  # a pilot waiting for the screen stops waiting (after a survived crash too)
        self.exit_message = crash_line(crash)
        self._close_messages_no_wait()

    # --- clipboard ---------------------------------------------------------------------------------------------

    def on_secret_field_copy_requested(self, message: SecretField.CopyRequested) -> None:
        outcome = self.clipboard_service.copy(message.secret)
        self.notify(outcome.message, title="Copied" if outcome.confirmed else "Copy sent", timeout=8)
        if outcome.will_clear:
            self.set_timer(CLEAR_AFTER_SECONDS, self._clear_clipboard)

    @work(thread=True, group="clipboard")
    def _clear_clipboard(self) -> None:
        if self.clipboard_service.clear_if_unchanged():
            self.call_from_thread(self.notify, "Cleared the copied secret from the clipboard.")

    # --- app-wide actions -------------------------------------------------------------------------------------

    def action_help_quit(self) -> None:
        """ctrl+c quits many terminal programs: name the key that quits here, the one the footer shows (Textual's
        own answer named ctrl+q)."""
        self.notify("Press q to quit (from a text field, tab out of it first).", title="Do you want to quit?")

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast (the screens' and widgets' ``notify`` come here) shows its text as it is: a message often
        holds a value from AWS or the user, so it is never markup (``[/]`` would raise, ``[EMEA]`` vanish) and its
        control and bidi characters are made visible. ``markup`` is taken and ignored, for Textual's callers."""
        super().notify(visible(message, multiline=True), title=visible(title), severity=severity, timeout=timeout,
                       markup=False)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_open_users(self) -> None:
        from .screens.users import UsersScreen

        if not isinstance(self.screen, UsersScreen):
            self.push_screen(UsersScreen())

    def action_open_password_policy(self) -> None:
        if not isinstance(self.screen, PasswordPolicyScreen):
            self.push_screen(PasswordPolicyScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "What this screen does and its keys", self.action_help)
        for guide_step in STEPS:
            yield SystemCommand(f"Guide step {guide_step.number}: {guide_step.title}", "Open this step of the guide",
                                lambda key=guide_step.key: self.open_step(key))
        if isinstance(screen, DashboardScreen):
            yield SystemCommand("Refresh security recommendations", "Run the scan again (r)",
                                screen.action_refresh)
        if self._service is not None and not isinstance(screen, PasswordPolicyScreen):
            yield SystemCommand("Password policy", "See and set the account password policy (p on the dashboard)",
                                self.action_open_password_policy)
            yield SystemCommand("IAM users", "Every user at a glance; remove a user, rotate a key (u on the "
                                "dashboard)", self.action_open_users)
        if isinstance(screen, StartupErrorScreen):
            yield SystemCommand("Retry connecting", "Try the AWS connection again (r)", self.action_reconnect)
            yield SystemCommand("Try the demo sandbox", "No AWS account needed (d)", self.action_try_demo)

    def _close_service(self) -> None:
        if self._service is not None:
            self._service.close()

    def on_unmount(self) -> None:
        if not self.is_headless:
            loop = asyncio.get_running_loop()
            for signum in EXIT_SIGNALS:
                loop.remove_signal_handler(signum)
        self._close_service()


def run_app(settings: ConnectionSettings, *, exit_when_ready: str | None = None) -> int:
    """The exit status is ``app.return_code`` (what ``exit`` was given, or Textual's status after a crash):
    ``run()`` returns the app's *result*, None after a crash, which once made a crash exit 0."""
    app = IamTuiApp(settings, exit_when_ready=exit_when_ready, preferences_file=preferences_path())
    app.run(headless=exit_when_ready is not None)
    if app.exit_text:
        with contextlib.suppress(OSError):  # the terminal is gone (a hang-up): nobody to tell
            print(app.exit_text, file=sys.stderr, flush=True)
    return app.return_code or 0
