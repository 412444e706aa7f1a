"""Guide step 1, the home screen: who am I, and the live security recommendations."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from rich.text import Text
from textual import getters, on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import DataTable

from ..aws.errors import AwsError
from ..aws.models import AccountIdentity, ScanResult
from ..core.account_settings import AlternateContact
from ..core.changes import Changed
from ..core.checks import CheckId, CheckResult, Status
from ..core.credential_report import CredentialReport, report_age
from ..core.display_text import visible
from ..core.finish import SECURITY_CONTACT, Made
from ..core.fixes import fix_for
from ..core.leftover_keys import LeftoverKey, leftover_keys, leftover_text
from ..guide import StepKey
from ..widgets.data_text import Static, data_text
from ..widgets.fitted_table import FitColumn, FittedTable
from ..widgets.guide_navigator import GuideNavigator
from ..widgets.looks import readable
from .base import REFUSED, AppScreen, failure_text
from .messages import Recorded, ScanFinished
from .security_contact import SecurityContactScreen
from .startup import connecting_text

STATUS_WIDTH = 9  # "? unknown"
CIS_WIDTH = 4  # "1.15"
STATUS_LABEL = {
    Status.PASS: ("✓ pass", "success"),
    Status.FAIL: ("✗ fail", "error"),
    Status.WARN: ("! warn", "warning"),
    Status.UNKNOWN: ("? unknown", "secondary"),
    Status.NOT_APPLICABLE: ("- n/a", "foreground"),
}


def identity_panel_text(identity: AccountIdentity | None) -> str:
    if identity is None:
        return "Connecting…"
    caller = identity.caller
    kind = "ROOT USER" if caller.is_root else caller.kind.value
    return "\n".join([
        f"Account  {visible(identity.account_id)}",
        f"Alias    {visible(identity.alias_text)}",
        f"Caller   {kind}",
        f"ARN      {visible(caller.arn)}",
        f"Region   {visible(identity.region)}",
        f"Creds    {visible(identity.source)}",
    ])


def detail_text(result: CheckResult) -> str:
    spec = result.spec
    refs = ", ".join(x for x in (f"CIS {spec.cis}" if spec.cis else "",
                                 f"Security Hub {spec.security_hub}" if spec.security_hub else "",
                                 spec.security_hub_note or "") if x)
    lines = [f"{spec.title}  [{result.status.value}]" + (f"  ({refs})" if refs else ""),
             f"Now: {visible(result.detail)}"]
    if result.acceptance is not None:  # the line iam-tui check prints, as a sentence
        said = visible(result.acceptance.text())
        lines.append(said[:1].upper() + said[1:])
    if result.resources:
        lines.append("Affected: " + "; ".join(visible(r) for r in result.resources))
    lines += [f"Fix: {spec.fix}", f"Why: {spec.why}"]  # what to do first: a short panel shows it without scrolling
    return "\n".join(lines)


# The checks that need the person's attention first: on an 80x24 terminal the table shows about ten rows.
ATTENTION_ORDER = (Status.FAIL, Status.WARN, Status.UNKNOWN, Status.PASS, Status.NOT_APPLICABLE)


def by_attention(results: Iterable[CheckResult]) -> list[CheckResult]:
    """Failing checks first, then warnings, unknowns, passes and n/a; in the benchmark's order within each."""
    return sorted(results, key=lambda r: ATTENTION_ORDER.index(r.status))


def summary_text(result: ScanResult, width: int) -> str:
    """One line: the counts, the credential report's age, and (when there is room) the scan's cost."""
    counts = {s: sum(1 for r in result.results if r.status is s) for s in ATTENTION_ORDER}
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    text = f"{summary} · {report_age(result.report_generated_at).split(' (')[0]}"  # the 4-hour note: in the help
    cost = f" · {result.api_calls} API calls, {result.seconds:.1f} s"
    return text + cost if len(text + cost) <= width else text


# Checks whose fix is another key of this screen rather than f.
OTHER_KEY_FIXES = {CheckId.SECURITY_CONTACT: "s sets the security contact here"}


def no_fix_text(result: CheckResult) -> str:
    """What f says on a check it has no fix for: the screen's key that fixes it, or the fix in words."""
    name = f"CIS {result.spec.cis}" if result.spec.cis else "This check"
    if result.status is Status.PASS:
        return f"{name} passes: nothing to fix."
    if result.id in OTHER_KEY_FIXES:
        return f"{name}: {OTHER_KEY_FIXES[result.id]}."
    if result.status is not Status.FAIL:
        return f"{name} is {result.status.value}, not failing: nothing to fix here. {result.spec.fix}"
    return f"{name} has no fix in iam-tui. {result.spec.fix}"


class ChecksTable(FittedTable):
    """The checks, one row each; the recommendation takes the width the status and CIS columns leave, and a long
    title wraps onto a second line."""

    def __init__(self, *, id: str) -> None:
        super().__init__([FitColumn("Status", "status", STATUS_WIDTH), FitColumn("CIS", "cis", CIS_WIDTH),
                          FitColumn("Recommendation", "title")], id=id)
        self.checks: list[CheckResult] = []

    def show_checks(self, checks: list[CheckResult]) -> None:
        self.checks = checks
        colours = {token: readable(self.app, token) for token in ("success", "error", "warning", "secondary",
                                                                  "foreground")}

        def status(check: CheckResult) -> Text:
            label, colour = STATUS_LABEL[check.status]
            text = Text(label, style=colours[colour])
            if check.acceptance is not None:  # a second line, as iam-tui check says it
                mark, colour = (("lapsed", "warning") if check.acceptance.lapsed else
                                ("accepted", "secondary") if check.acceptance.in_effect else ("partial", "warning"))
                text.append("\n" + mark, style=colours[colour])
            return text

        self.set_rows((c.id, (status(c), c.spec.cis or "-", c.title)) for c in checks)


class DashboardScreen(AppScreen[None]):
    """Security recommendations, live, failing ones first. `r` refreshes; the table's cursor selects a check."""

    AUTO_FOCUS = "#checks"
    CSS_PATH = "../styles/dashboard.tcss"
    HELP = (
        "Step 1 of the guide: confirm the security recommendations for your account.\n\n"
        "Each row is a CIS AWS Foundations IAM check, those that fail first: fail, warn, unknown (the call was "
        "denied: the detail names the permission), pass or n/a. Move with ↑/↓ or j/k; the panel below explains "
        "the highlighted check: what is now, what is affected, how to fix it and why it matters. A finding "
        "accepted on purpose (CIS 1.15, the guide's admin group) says 'accepted' under its status, with the reason, "
        "who and when in the panel, as iam-tui check does; 'lapsed' once the group's members or policies changed, "
        "'partial' when another principal allows \"*:*\" too.\n\n"
        "g moves to the guide list: a step's digit opens it, or ↑/↓ (j/k) then enter (ctrl+p opens any step "
        "from anywhere).\n\n"
        "An inactive key older than an active key of the same user (what a rotation leaves: it passes CIS 1.12 "
        "and 1.13) is named above the table with its age; x opens the first on the keys screen to delete it.\n\n"
        "Root MFA and root keys are read live (GetAccountSummary). The per-user checks use the credential report, "
        "which AWS regenerates at most every 4 hours; users changed by iam-tui are re-read directly."
    )
    BINDINGS = [
        Binding("r", "refresh", "Refresh"),
        Binding("g", "focus_guide", "Guide"),
        Binding("p", "app.open_password_policy", "Policy"),
        Binding("f", "fix", "Fix"),
        Binding("u", "app.open_users", "Users"),
        Binding("s", "security_contact", "Contact"),
        Binding("x", "delete_leftover", "Old key"),
    ]
    WAIT_WHILE_BUSY = frozenset({"security_contact", "fix"})

    scan: var[ScanResult | None] = var(None)  # the last scan; watch_scan shows it
    leftovers: var[list[LeftoverKey]] = var(list)  # inactive keys a rotation left: x deletes the first

    status = getters.query_one("#scan-status", Static)
    table = getters.query_one("#checks", ChecksTable)
    detail = getters.query_one("#check-detail", Static)

    @property
    def checks(self) -> list[CheckResult]:
        """The scan's results in the table's order (failing first)."""
        return self.table.checks

    def __init__(self, *, scan_when_shown: bool = False) -> None:
        """``scan_when_shown``: the app opens a step at once (``IamTuiApp(start_at=...)``), so the first scan waits
        until the person comes back here."""
        super().__init__()
        self.scan_when_shown = scan_when_shown
        self.unsaved_contact: AlternateContact | None = None  # typed, then refused by AWS: s shows it again

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="dashboard"):
            yield Static("Scanning…", id="scan-status")
            yield Static("", id="leftover-keys", markup=False)
            yield ChecksTable(id="checks")
            with Horizontal(id="lower"):
                with Vertical(id="side"):
                    yield GuideNavigator(current=StepKey.SECURITY)
                    yield Static(identity_panel_text(None), id="identity-panel", markup=False)
                with VerticalScroll(id="detail-box"):
                    yield Static("", id="check-detail")

    def on_mount(self) -> None:
        self.watch(self.app, "identity", self._show_identity, init=True)
        if not self.scan_when_shown:
            self.action_refresh()

    def on_screen_resume(self) -> None:
        # Back from a step opened from the guide list: the checks table, where f and the checks' keys work.
        if isinstance(self.focused, GuideNavigator):
            self.table.focus()
        # On top: the step may already be open over it (a connection quicker than this event)
        if self.scan_when_shown and self.iam.connected and self.iam.screen is self:
            self.scan_when_shown = False
            self.action_refresh()

    def _show_identity(self, identity: AccountIdentity | None) -> None:
        self.query_one("#identity-panel", Static).update(data_text(identity_panel_text(identity), multiline=True))

    def watch_scan(self, scan: ScanResult | None) -> None:
        if scan is None or not self.query(ChecksTable):
            return  # a scan that ends while the app closes: the table is already gone
        self.table.show_checks(by_attention(scan.results))
        self._show_detail(self.table.cursor_row)
        self._show_summary()
        inputs = scan.inputs
        report = inputs.report if inputs is not None else None
        self.leftovers = (leftover_keys(inputs.user_rows(report))
                          if inputs is not None and isinstance(report, CredentialReport) else [])

    def watch_leftovers(self, leftovers: list[LeftoverKey]) -> None:
        line = self.query_one("#leftover-keys", Static)
        line.display = bool(leftovers)
        line.update(leftover_text(leftovers, self.scan.inputs.now if self.scan and self.scan.inputs else
                                  datetime.now(UTC)))
        self.refresh_bindings()

    def action_delete_leftover(self) -> None:
        """The first inactive key a rotation left: the keys screen opens on it and asks for its ID to delete it."""
        from .access_keys import AccessKeysScreen

        if self.leftovers:
            first = self.leftovers[0]
            self.app.push_screen(AccessKeysScreen(first.user, delete_leftover=True), lambda _: self.action_refresh())

    # --- scanning -----------------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.run_scan()

    def rescan_after(self, changed: Changed) -> None:
        """The app changed more than some users' keys or devices: scan again, keeping from the last scan what the
        change cannot have touched (the service decides what)."""
        self.run_scan(changed)

    @work(exclusive=True, group="scan")
    async def run_scan(self, changed: Changed | None = None) -> None:
        """Scan; after the app's own write (``changed``), a rescan that may keep what the write cannot change."""
        status, table = self.status, self.table
        table.loading = True
        try:
            status.update(data_text(connecting_text(self.iam.settings), multiline=True))
            service = await self.iam.wait_for_service()
            status.update("Scanning: account summary, password policy, credential report, authorization details…")
            if changed is None:
                result = await service.scan.scan(progress=self._progress)
            else:
                result = await service.scan.rescan(self.scan, changed, progress=self._progress)
        except AwsError as err:
            status.update(failure_text(err, "Scan failed."))
            return
        finally:
            if table.is_attached:
                table.loading = False
        self.scan = result
        self.tell(ScanFinished(result))

    def reread_users(self, users: frozenset[str]) -> None:
        """The app changed these users' keys or devices: read just them again, over the last scan. A scan still
        running goes on (it reads them too), and so does the full scan when there is no last scan yet."""
        scanning = any(w.group == "scan" and not w.is_finished for w in self.workers)
        if self.scan is None or scanning:
            self.action_refresh()
        else:
            self.run_reread(self.scan, users)

    @work(exclusive=True, group="scan")
    async def run_reread(self, last: ScanResult, users: frozenset[str]) -> None:
        service = await self.iam.wait_for_service()
        try:
            result = await service.scan.reread_users(last, users)
        except AwsError as err:
            self.status.update(failure_text(err, "Reading the changed users failed."))
            return
        self.scan = result
        self.tell(ScanFinished(result))

    def _show_summary(self) -> None:
        if self.scan is not None:
            width = self.status.content_size.width or self.size.width - 2
            self.status.update(data_text(summary_text(self.scan, width)))

    def on_resize(self) -> None:
        self._show_summary()

    def _progress(self, done: int, total: int, what: str) -> None:
        if not self.query("#scan-status"):
            return  # the scan goes on while the app closes: the screen's widgets are already gone
        self.status.update(data_text(f"Scanning… {done}/{total} ({what} done)"))

    @on(DataTable.RowHighlighted, "#checks")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)
        self.refresh_bindings()  # f shows only on a check the app can fix

    def _show_detail(self, row: int) -> None:
        if 0 <= row < len(self.checks):
            result = self.checks[row]
            fix = fix_for(result)
            other_key = OTHER_KEY_FIXES.get(result.id) if result.status is Status.FAIL else None
            offer = f"\n\nf or enter: {fix.title}" if fix else f"\n\n{other_key}" if other_key else ""
            self.detail.update(data_text(detail_text(result) + offer, multiline=True))

    def _highlighted(self) -> CheckResult | None:
        row = self.table.cursor_row
        return self.checks[row] if 0 <= row < len(self.checks) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_leftover" and not self.leftovers:
            return False
        if action == "fix" and not self.checks:
            return False  # nothing scanned yet; once there are checks, f is in the footer and always answers
        return super().check_action(action, parameters)

    def action_fix(self) -> None:
        """Fix the highlighted failing check in place: what it needs, a review of the exact calls, then the run.
        A check with no fix here says what its fix is instead of doing nothing."""
        from .fixes import open_fix  # the plan runner imports botocore: not before the first frame

        result = self._highlighted()
        if result is None:
            return
        if fix_for(result) is None:
            self.notify(no_fix_text(result), timeout=8)
            return
        open_fix(self, result)

    @on(DataTable.RowSelected, "#checks")
    def _row_selected(self) -> None:
        if self.check_action("fix", ()):
            self.action_fix()

    # --- fixes --------------------------------------------------------------------------------------------------

    def action_security_contact(self) -> None:
        """CIS 1.2: show the security contact in a form (filled in when one is set); save it, then rescan. A flow:
        keys typed while the contact is read do not run the dashboard's (see AppScreen.start_flow)."""
        self.start_flow(self._security_contact(), group="security-contact")

    async def _security_contact(self) -> None:
        service = await self.iam.wait_for_service()
        try:
            current = await service.account_settings.security_contact()
        except AwsError as err:
            self.notify(failure_text(err, "Could not read the security contact.").plain, severity="error", timeout=10)
            return
        contact = await self.iam.push_screen_wait(SecurityContactScreen(self.unsaved_contact or current))
        self.unsaved_contact = None
        if contact is None:
            return

        def refused(text: Text) -> None:
            self.unsaved_contact = contact
            self.notify(text.append(" s opens the form again as you typed it.").plain, severity="error", timeout=10)

        if await self.act("setting the security contact", service.account_settings.set_security_contact(contact),
                          changed=Changed.setting("security contact"), status=refused,
                          failed="The security contact was not saved.") is REFUSED:
            return
        self.notify(f"Security contact set: {contact.name} <{contact.email}>.")
        self.tell(Recorded(Made(SECURITY_CONTACT, f"{contact.name} <{contact.email}>")))

    def action_focus_guide(self) -> None:
        self.query_one(GuideNavigator).focus()
