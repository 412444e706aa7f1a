"""What screens tell the App. Each is handled in one place, the App, which updates the session and the screens that
show it; screens post them with :meth:`AppScreen.tell` (straight to the App, so a screen that closes at once does not
take its message with it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

from ..core.changes import Changed
from ..core.finish import Made
from ..guide import StepKey, StepState

if TYPE_CHECKING:
    from ..aws.models import AccountIdentity, ScanResult
    from ..aws.service import IamService


@dataclass
class StepDone(Message):
    """A guide step reached ``state`` (done, unless the scan found something to attend to)."""

    step: StepKey
    state: StepState = StepState.DONE


@dataclass
class Recorded(Message):
    """iam-tui made something (a guide step or a fix: a user, a device, a key, a role, a profile, a file): listed in
    the summary."""

    item: Made


@dataclass
class GuideUserChosen(Message):
    """The IAM user the guide's later steps are about. ``replace=False``: only if none was chosen yet."""

    name: str
    replace: bool = True


@dataclass
class AwsChanged(Message):
    """Something changed in AWS: the app re-reads what ``changed`` names (users directly, not from the credential
    report) and every screen that shows it follows; a removed user leaves the summary and the guide's marks."""

    changed: Changed = field(default_factory=Changed)


@dataclass
class IdentityChanged(Message):
    """The account's identity as shown in the header changed (e.g. a new alias)."""

    identity: AccountIdentity


@dataclass
class ServiceChanged(Message):
    """Go on with other credentials (e.g. the new profile once the root key is retired)."""

    service: IamService


@dataclass
class ScanFinished(Message):
    result: ScanResult
