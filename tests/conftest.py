from __future__ import annotations

import functools
import gc
import json
import os
import types
import weakref
from collections.abc import Callable, Iterator

import botocore.client
import botocore.hooks
import botocore.model
import moto.core.responses
import moto.core.utils
import moto.iam.aws_managed_policies
import moto.iam.models
import pytest
import textual._wait
from hypothesis import settings
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

# Never let a test reach a real AWS account or the developer's own config.
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_SESSION_TOKEN"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ.pop("AWS_PROFILE", None)

from iam_tui.app import IamTuiApp
from iam_tui.aws import scan
from iam_tui.aws.sandbox import Propagation, Sandbox, start_sandbox
from iam_tui.aws.service import IamService
from iam_tui.aws.session import AwsContext
from iam_tui.settings import ConnectionSettings

from .helpers import IamClient, MakeApp

# Every sandbox (one per test) would load AWS's ~1,300 managed policies (0.3-0.5 s each); the tests use a few. The
# demo keeps them all. moto reads this module attribute whenever it builds an IAM backend.
TEST_MANAGED_POLICIES = frozenset({
    "AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit",
    "IAMUserChangePassword", "IAMFullAccess", "IAMReadOnlyAccess", "AWSSupportAccess", "SupportUser",
    "AWSCloudShellFullAccess", "AWSBillingReadOnlyAccess", "Billing", "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess", "AmazonEC2FullAccess", "AmazonEC2ReadOnlyAccess", "SignInLocalDevelopmentAccess",
})
_all_policies = json.loads(moto.iam.aws_managed_policies.aws_managed_policies_data)
moto.iam.models.aws_managed_policies_data = json.dumps(  # type: ignore[attr-defined]  # a name moto imported
    {name: body for name, body in _all_policies.items() if name in TEST_MANAGED_POLICIES})
del _all_policies

# The sandbox, as AWS, answers the first GenerateCredentialReport with STARTED: every first scan of a test waited
# 0.1 s before asking again (the poll's schedule is the same, only shorter).
scan.REPORT_FIRST_POLL_S = 0.001

# Pilot's press() waits for the app to go idle twice per key and pause() once, each at least one 20 ms step of
# textual._wait (idle: under 1 ms of CPU in a step): half of the pilot tests' time was spent there. The tests wait for
# what they need by condition (settle, waiting.until, until_screen), so idle is checked in 5 ms steps (same ratio).
textual._wait.SLEEP_GRANULARITY = 0.005
textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20


def _parse_once_per_process() -> None:
    """Every test's app parsed the same CSS again (each ``Stylesheet`` keeps its own parse cache): 5 % of the pilot
    tests' CPU. The parsed rules are only read once made, so apps share them, keyed as Textual keys its own cache
    plus the variables the CSS was parsed with (a theme's colours)."""
    parse = Stylesheet._parse_rules
    parsed: dict[tuple[object, ...], list[RuleSet]] = {}
    # A stylesheet's variables (~200) enter the key as a number standing for their values, worked out once per
    # variables dict: Textual replaces the dict to change them, never edits it. Sorting and hashing them at every
    # parse was 1 % of the pilot tests' CPU.
    numbers: dict[tuple[tuple[str, str], ...], int] = {}
    numbered: weakref.WeakKeyDictionary[Stylesheet, tuple[dict[str, str], int]] = weakref.WeakKeyDictionary()

    def variables_key(sheet: Stylesheet) -> int:
        known = numbered.get(sheet)
        if known is None or known[0] is not sheet._variables:
            values = tuple(sorted(sheet._variables.items()))
            known = numbered[sheet] = (sheet._variables, numbers.setdefault(values, len(numbers)))
        return known[1]

    def parse_once(self: Stylesheet, css: str, read_from: CSSLocation, is_default_rules: bool = False,
                   tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, variables_key(self))
        rules = parsed.get(key)
        if rules is None:
            rules = parsed[key] = parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        return rules

    Stylesheet._parse_rules = parse_once  # type: ignore[method-assign]


_parse_once_per_process()


def _handlers_inspected_once() -> None:
    """botocore inspects every handler it registers (``inspect.getfullargspec``, to refuse one without **kwargs),
    ~130 for each new session: with a sandbox and its sessions per test that was 9 % of tests/aws's CPU. A function's
    signature does not change, so each is inspected once per process (a bound method as its function; any other
    callable, a partial, each time)."""
    inspect = botocore.hooks.accepts_kwargs
    inspected: weakref.WeakKeyDictionary[Callable[..., object], bool] = weakref.WeakKeyDictionary()  # closures go

    def accepts_kwargs(handler: Callable[..., object]) -> bool:
        function = getattr(handler, "__func__", handler)
        if not isinstance(function, types.FunctionType):
            return bool(inspect(handler))
        accepts = inspected.get(function)
        if accepts is None:
            accepts = inspected[function] = bool(inspect(handler))
        return accepts

    botocore.hooks.accepts_kwargs = accepts_kwargs


_handlers_inspected_once()


def _event_names_aliased_once() -> None:
    """botocore rewrites the old names in every event name it registers or emits (``EventAliaser``), caching the
    answer per emitter, and each client gets a fresh emitter: with 20 and more clients per test that was 14 % of
    tests/aws's CPU. The answer depends only on the alias table; every emitter that has botocore's own shares one."""
    aliaser = botocore.hooks.EventAliaser
    init = aliaser.__init__
    shared: dict[str, str] = {}

    def shared_cache(self: botocore.hooks.EventAliaser, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)
        if self._event_aliases == botocore.hooks.EVENT_ALIASES:
            self._alias_name_cache = shared

    aliaser.__init__ = shared_cache


_event_names_aliased_once()


def _client_classes_made_once() -> None:
    """botocore makes a new class for every client (a method per operation, about 170 for IAM), and each test makes
    its sandbox's clients anew: 8 % of tests/aws's CPU. A client class depends only on the service's model and on
    the session's ``creating-client-class`` handlers, which are botocore's own in every session the tests make (boto3
    adds some for S3 and DynamoDB, which no test calls): each service's class is made once per process."""
    make = botocore.client.ClientCreator._create_client_class
    made: dict[tuple[str, str], type] = {}

    def create_client_class(self: botocore.client.ClientCreator, service_name: str,
                            service_model: botocore.model.ServiceModel) -> type:
        key = (service_name, service_model.api_version)
        cls = made.get(key)
        if cls is None:
            cls = made[key] = make(self, service_name, service_model)
        return cls

    botocore.client.ClientCreator._create_client_class = create_client_class


_client_classes_made_once()

# moto lists its response class's methods (inspect.getmembers) at every request to find the action's: 2 % of
# tests/aws's CPU. A class's methods do not change; the list is only read.
moto.core.responses.method_names_from_class = (  # type: ignore[attr-defined]  # a name moto imported
    functools.cache(moto.core.utils.method_names_from_class))

# Textual allocates a great many short-lived objects while it styles and lays out a screen, and with moto's and
# botocore's large, long-lived data in the heap every full collection walks it all: pilot tests spent a third of
# their CPU in the garbage collector. Freeze what the imports made and collect the young generation less often
# (measured: a test's boot and scan 0.62 -> 0.42 s CPU, opening a screen 0.25 -> 0.18 s).
gc.freeze()
gc.set_threshold(10_000, 10, 10)

# The same examples in every run: a suite that passes once passes again (HYPOTHESIS_PROFILE=explore draws new ones,
# more of them, for a deliberate search).
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore", max_examples=1_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than the CPUs this process may use. Pilot tests spend part of their time waiting
    for the app between keys, so a third worker keeps 2 CPUs busy (measured, 2 CPUs, interleaved: 105-112 s with 2
    workers, 95-96 s with 3)."""
    return len(os.sched_getaffinity(0)) + 1


def _late_dialogs(delay: float) -> None:
    """A race probe: every dialog counts as drawn ``delay`` s late. A dialog drops keys typed before it is drawn, so
    a test that answers one without waiting for it (``until_shown``, or ``settle``) then fails every time instead
    of once in a while in CI. Run ``IAM_TUI_TEST_LATE_DIALOGS=0.15 make test`` after changing pilot tests."""
    from iam_tui.screens.base import Dialog

    drawn = Dialog._drawn

    def late(self: Dialog[object]) -> None:
        self.set_timer(delay, lambda: drawn(self))

    Dialog._drawn = late  # type: ignore[method-assign, assignment]


if os.environ.get("IAM_TUI_TEST_LATE_DIALOGS"):
    _late_dialogs(float(os.environ["IAM_TUI_TEST_LATE_DIALOGS"]))


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """The demo sandbox with IAM's propagation delays off; the tests of eventual consistency set their own."""
    box = start_sandbox(propagation=Propagation.off())
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def service(sandbox: Sandbox) -> IamService:
    ctx = AwsContext(sandbox.session(), ConnectionSettings(demo=True), source="demo sandbox")
    return IamService(ctx, sandbox)


@pytest.fixture
def admin(sandbox: Sandbox) -> IamClient:
    """A plain IAM client (no fidelity rules) to arrange and inspect sandbox state."""
    return sandbox.plain_client("iam")


@pytest.fixture
def make_app(service: IamService) -> MakeApp:
    """An app wired to the test's sandbox-backed service (arrange the service before calling this). Pass
    ``start_at=StepKey.X`` to start on that step's screen: no scan first (the dashboard scans when it is shown).
    ``guide_user``: the guide's user from the start (a step opened on connecting reads it as it mounts; set later,
    it would race the connection)."""

    def factory(*, guide_user: str | None = None, **kwargs: object) -> IamTuiApp:
        async def connector(_settings: ConnectionSettings) -> IamService:
            await service.account.identity()
            return service

        app = IamTuiApp(ConnectionSettings(demo=True), connector=connector, **kwargs)  # type: ignore[arg-type]
        app.session.guide_user = guide_user
        return app

    return factory


# Slow tests first, the quick unit tests last: xdist hands out tests in collection order, and a run used to end with
# the tests that start iam-tui in a process of their own (seconds of waiting each) running one by one on a single
# worker while the others sat idle. The tests' order within a module is kept. xdist's worksteal (pyproject.toml)
# then evens out the end: a worker with nothing left takes half of another's (measured: the three workers finished
# within 2 s of each other, against 20 s apart with xdist's default).
PROCESS_MODULES = frozenset({"test_cli.py", "test_demo_sealed.py", "test_exit_status.py", "test_hangup.py",
                             "test_signals.py"})
PILOT_FOLDERS = frozenset({"screens", "snapshots"})


def _slow_first(item: pytest.Item) -> int:
    if item.path.name in PROCESS_MODULES:
        return 0
    return 1 if item.path.parent.name in PILOT_FOLDERS else 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_slow_first)
