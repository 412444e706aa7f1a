"""Shared test helpers: AWS errors and lost answers injected through botocore's public event hooks, and a fake
clock for the bounded waits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App

from iam_tui.app import IamTuiApp
from iam_tui.aws.errors import AwsError
from iam_tui.aws.patience import Patience
from iam_tui.aws.plan_runner import PlanRun, StepProgress
from iam_tui.aws.sandbox import Propagation, responses
from iam_tui.aws.sandbox import faults as sandbox_faults
from iam_tui.aws.service import IamService
from iam_tui.core.mfa_gate import POLICY_NAME, policy_json

# botocore ships no type information: a client (the ``admin`` fixture's plain one, or a sandbox session's) is Any.
IamClient = Any
# The ``make_app`` fixture: keyword arguments go to ``IamTuiApp`` (``start_at=``, ``guide_user=``...).
MakeApp = Callable[..., IamTuiApp]


def inject_error(service: IamService, aws_service: str, operation: str, code: str, message: str = "injected",
                 status: int = 400, times: int | None = None) -> list[int]:
    """Make ``operation`` fail with ``code`` (every time, or the first ``times`` calls). Returns a list whose
    length counts the injected failures."""
    fired: list[int] = []

    def handler(**_: Any) -> Any:
        if times is not None and len(fired) >= times:
            return None
        fired.append(1)
        return responses.error(code, message, status)

    client = service.ctx.client(aws_service)
    client.meta.events.register_first(f"before-call.{aws_service}.{operation}", handler)
    return fired


def failed_step(run: PlanRun) -> StepProgress:
    """The step ``run`` stopped at (it must have stopped at one)."""
    assert run.failed_index is not None, "the run did not fail"
    return run.progress[run.failed_index]


def error_of(step: StepProgress) -> AwsError:
    """The error a step failed with (it must have failed)."""
    assert step.error is not None, f"{step.step.operation} did not fail"
    return step.error


def record_calls(service: IamService, aws_service: str, operation: str) -> list[dict[str, Any]]:
    """The parameters of every ``operation`` call the service makes from now on (the call still goes ahead)."""
    calls: list[dict[str, Any]] = []

    def handler(params: dict[str, Any], **_: Any) -> None:
        calls.append(dict(params))

    service.ctx.client(aws_service).meta.events.register(f"before-parameter-build.{aws_service}.{operation}", handler)
    return calls


def operations(service: IamService) -> list[str]:
    """The operation of every request the service sends from now on, to any AWS service, in order (each page of a
    list call counts)."""
    sent: list[str] = []
    service.ctx.call_listeners.append(lambda _service, operation: sent.append(operation))
    return sent


def count_calls(service: IamService, aws_service: str) -> Counter[str]:
    """How many calls of each operation the service makes from now on (one per call; each page of a list counts)."""
    counts: Counter[str] = Counter()

    def handler(model: Any, **_: Any) -> None:
        counts[model.name] += 1

    service.ctx.client(aws_service).meta.events.register(f"before-parameter-build.{aws_service}", handler)
    return counts


class FakeTime:
    """A clock that only moves when the code under test sleeps: bounds are proven without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def patience(self) -> Patience:
        return Patience(clock=self.clock, sleep=self.sleep)

    def install(self, service: IamService) -> None:
        """Every wait of ``service`` (its one Patience, shared by the scan, plans, MFA and verifications) on this
        clock."""
        service.patience.clock, service.patience.sleep = self.clock, self.sleep

    def propagation(self, *, new_entity: float = 0.0, new_key: float = 0.0, removed_dependent: float = 0.0,
                    new_login_profile: float = 0.0) -> Propagation:
        """Propagation delays off except those given (seconds), on this clock."""
        return Propagation(new_entity, new_key, removed_dependent, new_login_profile, clock=self.clock)


def lose_answers(service: IamService, operation: str, *, times: int = 1, then: sandbox_faults.Then = "resend",
                 aws_service: str = "iam") -> list[int]:
    """The next ``times`` successful ``operation`` calls of ``service`` (IAM's, or ``aws_service``'s) make their
    change, then lose the answer."""
    return sandbox_faults.lose_answers(service.ctx.client(aws_service).meta.events, aws_service, operation,
                                       times=times, then=then)


def admin_in_group(admin: IamClient, user: str, group: str, *, gated: bool) -> None:
    """``user`` made a member of ``group``, which has AdministratorAccess and, when ``gated``, the policy that
    refuses everything without MFA (core/mfa_gate.py)."""
    admin.create_user(UserName=user)
    admin.create_group(GroupName=group)
    admin.add_user_to_group(GroupName=group, UserName=user)
    admin.attach_group_policy(GroupName=group, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    if gated:
        arn = admin.create_policy(PolicyName=POLICY_NAME, PolicyDocument=policy_json())["Policy"]["Arn"]
        admin.attach_group_policy(GroupName=group, PolicyArn=arn)


KEY_CHARACTERS = {"enter": "\r", "tab": "\t"}


def send_at_once(app: App[Any], *keys: str) -> None:
    """Keys as a terminal delivers keys typed fast (or while the app was busy): all of them queued before the app
    handles the first (``pilot.press`` waits for each). A key is a character or a key name ("tab", "ctrl+s")."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else KEY_CHARACTERS.get(key)))
