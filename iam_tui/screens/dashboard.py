"""Guide step 1, the home screen: who am I, and the live security recommendations."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from ..aws.errors import AwsError
from ..aws.models import AccountIdentity, ScanResult
from ..core.checks import CheckResult, Status
from ..core.credential_report import report_age
from ..guide import StepKey
from ..widgets.guide_navigator import GuideNavigator
from .base import AppScreen
from .messages import ScanFinished
from .security_contact import SecurityContactScreen
from .startup import connecting_text

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
        f"Account  {identity.account_id}",
        f"Alias    {identity.alias_text}",
        f"Caller   {kind}",
        f"ARN      {caller.arn}",
        f"Region   {identity.region}",
        f"Creds    {identity.source}",
    ])


def detail_text(result: CheckResult) -> str:
    spec = result.spec
    refs = ", ".join(x for x in (f"CIS {spec.cis}" if spec.cis else "",
                                 f"Security Hub {spec.security_hub}" if spec.security_hub else "",
                                 spec.security_hub_note or "") if x)
    lines = [f"{spec.title}  [{result.status.value}]" + (f"  ({refs})" if refs else ""), "",
             f"Now: {result.detail}"]
    if result.resources:
        lines.append("Affected: " + "; ".join(result.resources))
    lines += [f"Why: {spec.why}", f"Fix: {spec.fix}"]
    return "\n".join(lines)


class DashboardScreen(AppScreen):
    """Security recommendations, live. `r` refreshes; the table's cursor selects a check."""

    AUTO_FOCUS = "#checks"
    CSS_PATH = "../styles/dashboard.tcss"
    HELP = (
        "Step 1 of the guide: confirm the security recommendations for your account.\n\n"
        "Each row is a CIS AWS Foundations IAM check: pass, fail, warn, unknown (the call was denied: the "
        "detail names the permission) or n/a. Move with ↑/↓ or j/k; the panel below explains the highlighted "
        "check: why it matters, what is affected, and how to fix it.\n\n"
        "Root MFA and root keys are read live (GetAccountSummary). The per-user checks use the credential report, "
        "which AWS regenerates at most every 4 hours; users changed by iam-tui are re-read directly."
    )
    BINDINGS = [
        Binding("r", "refresh", "Refresh"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "focus_guide", "Guide"),
        Binding("p", "app.open_password_policy", "Password policy"),
        Binding("s", "security_contact", "Security contact"),
    ]
    WAIT_WHILE_BUSY = frozenset({"security_contact"})

    def __init__(self, *, scan_when_shown: bool = False) -> None:
        """``scan_when_shown``: the app opens a step at once (``IamTuiApp(start_at=...)``), so the first scan waits
        until the person comes back here."""
        super().__init__()
        self.scan: ScanResult | None = None
        self.scan_when_shown = scan_when_shown

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="dashboard"):
            with Vertical(id="side"):
                yield GuideNavigator(current=StepKey.SECURITY)
                yield Static(identity_panel_text(None), id="identity-panel")
            with Vertical(id="main"):
                yield Static("Scanning…", id="scan-status")
                table: DataTable[object] = DataTable(id="checks", cursor_type="row", zebra_stripes=True)
                yield table
                with VerticalScroll(id="detail-box"):
                    yield Static("", id="check-detail")

    def on_mount(self) -> None:
        table = self.query_one("#checks", DataTable)
        table.add_column("Status", key="status", width=9)
        table.add_column("CIS", key="cis", width=4)
        table.add_column("Recommendation", key="title")
        self.watch(self.app, "identity", self._show_identity, init=True)
        if not self.scan_when_shown:
            self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.scan_when_shown and self.iam.connected:
            self.scan_when_shown = False
            self.action_refresh()

    def _show_identity(self, identity: AccountIdentity | None) -> None:
        self.query_one("#identity-panel", Static).update(identity_panel_text(identity))

    # --- scanning -----------------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.run_scan()

    @work(exclusive=True, group="scan")
    async def run_scan(self) -> None:
        status = self.query_one("#scan-status", Static)
        table = self.query_one("#checks", DataTable)
        table.loading = True
        try:
            status.update(connecting_text(self.iam.settings))
            service = await self.iam.wait_for_service()
            status.update("Scanning: account summary, password policy, credential report, authorization details…")
            result = await service.scan.scan(progress=self._progress)
        except AwsError as err:
            status.update(f"Scan failed. {err.text}")
            return
        finally:
            if table.is_attached:
                table.loading = False
        self.scan = result
        self._fill(result)
        self.tell(ScanFinished(result))

    def _progress(self, done: int, total: int, what: str) -> None:
        self.query_one("#scan-status", Static).update(f"Scanning… {done}/{total} ({what} done)")

    def _fill(self, result: ScanResult) -> None:
        table = self.query_one("#checks", DataTable)
        previous = table.cursor_row
        table.clear()
        theme = self.app.current_theme
        for check in result.results:
            label, colour = STATUS_LABEL[check.status]
            style = getattr(theme, colour, None) or "default"
            table.add_row(Text(label, style=style), check.spec.cis or "-", check.title, key=check.id)
        table.move_cursor(row=min(previous, table.row_count - 1))
        counts = {s: sum(1 for r in result.results if r.status is s) for s in Status}
        summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
        self.query_one("#scan-status", Static).update(
            f"{summary} · {report_age(result.report_generated_at)} · {result.api_calls} API calls, "
            f"{result.seconds:.1f} s · r refreshes"
        )
        self._show_detail(table.cursor_row)

    @on(DataTable.RowHighlighted, "#checks")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, row: int) -> None:
        if self.scan is None or not 0 <= row < len(self.scan.results):
            return
        self.query_one("#check-detail", Static).update(Text(detail_text(self.scan.results[row])))

    # --- keys -----------------------------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.query_one("#checks", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#checks", DataTable).action_cursor_up()

    # --- fixes --------------------------------------------------------------------------------------------------

    @work(exclusive=True, group="security-contact")
    async def action_security_contact(self) -> None:
        """CIS 1.2: show the security contact in a form (filled in when one is set); save it, then rescan."""
        service = await self.iam.wait_for_service()
        try:
            current = await service.account_settings.security_contact()
        except AwsError as err:
            self.notify(f"Could not read the security contact. {err.text}", severity="error", timeout=10)
            return
        contact = await self.app.push_screen_wait(SecurityContactScreen(current))
        if contact is None:
            return
        try:
            async with self.session.mutating("setting the security contact"):
                await service.account_settings.set_security_contact(contact)
        except AwsError as err:
            self.notify(f"The security contact was not saved. {err.text}", severity="error", timeout=10)
            return
        self.notify(f"Security contact set: {contact.name} <{contact.email}>.")
        self.action_refresh()

    def action_focus_guide(self) -> None:
        self.query_one(GuideNavigator).focus()
