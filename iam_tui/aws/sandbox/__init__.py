"""The demo sandbox: moto in-process (nothing leaves the machine) plus a fidelity layer that makes it behave
like a brand-new AWS account whose owner runs the setup as root.

Importing this package imports moto; only ``--demo`` and the tests do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache, partial
from typing import Any

import botocore.session
from moto import mock_aws

from ...core.secret import Secret
from ..data_loader import direct_loader
from ..sealed import sealed_session
from . import (
    rules_account,
    rules_alias,
    rules_authz,
    rules_deletes,
    rules_mfa,
    rules_mfa_sessions,
    rules_password_policy,
    rules_propagation,
    rules_service_credentials,
    rules_users,
)
from .faults import lose_answers
from .fidelity import Caller, register_root_rules
from .state import ACCOUNT_ID, REGION, Propagation, SandboxState

# Each rule module adds the AWS behaviour of its own operations: register(events, caller).
RuleRegistrar = Callable[[Any, Caller], None]
RULES: list[RuleRegistrar] = [register_root_rules, rules_users.register, rules_password_policy.register,
                              rules_mfa.register, rules_mfa_sessions.register, rules_alias.register,
                              rules_deletes.register, rules_service_credentials.register, rules_account.register,
                              rules_authz.register,
                              rules_propagation.register]


class Sandbox:
    account_id = ACCOUNT_ID
    region = REGION

    def __init__(self, state: SandboxState | None = None, propagation: Propagation | None = None) -> None:
        self.state = state or SandboxState.brand_new_account()
        self.propagation = propagation or Propagation()  # IAM's eventual consistency, on by default
        self.root_key_ids_ever: set[str] = set(self.state.root_keys)
        self.login_passwords: dict[str, Secret] = {}  # what AWS keeps server-side, for UpdateLoginProfile
        self.service_credentials: dict[str, list[dict[str, Any]]] = {}  # by user; moto has none
        self._plain: dict[str, Any] = {}
        self._plain_session: botocore.session.Session | None = None  # one for every plain client: ~10 ms each
        self._plain_lock = threading.RLock()  # the rules look things up from the service's worker threads
        self._mock = mock_aws(config={"iam": {"load_aws_managed_policies": True}})
        self._started = False

    def start(self) -> Sandbox:
        _seal_moto()
        self._mock.start()
        self._started = True
        return self

    def stop(self) -> None:
        if self._started:
            self._mock.stop()
            self._started = False

    def session(self, access_key_id: str | None = None, secret: Secret | None = None, *,
                credentials: Any = None) -> botocore.session.Session:
        """An SDK session signed with the given key (default: the root key the demo 'runs on'), with the
        fidelity rules installed. ``credentials``: botocore credentials instead (refreshable ones: an MFA session
        that asks the code again), whose current key the rules see at each request."""
        if credentials is not None:
            session = _session("", "")
            session._credentials = credentials  # what set_credentials sets, for a credentials object
            caller = Caller(self, "")
            session.get_component("event_emitter").register_first("before-parameter-build",
                                                                  partial(_current_key, caller, credentials))
        else:
            if access_key_id is None:
                root = self.state.first_root_key
                access_key_id, secret = root.access_key_id, root.secret
            session = _session(access_key_id, secret.reveal() if secret else "sandbox")
            caller = Caller(self, access_key_id)
        for register in RULES:
            register(session.get_component("event_emitter"), caller)
        return session

    def plain_client(self, service: str) -> Any:
        """A client with no fidelity rules, for the sandbox's own lookups and for tests that inspect state."""
        with self._plain_lock:
            client = self._plain.get(service)
            if client is None:
                if self._plain_session is None:
                    self._plain_session = _session("AKIASANDBOXADMIN0000", "sandbox")
                client = self._plain_session.create_client(service, region_name=REGION)
                if service == "iam":  # a test's own change invalidates what the MFA rule cached
                    client.meta.events.register("after-call.iam", rules_mfa_sessions.count_iam_write(self.state))
                self._plain[service] = client
            return client


def _current_key(caller: Caller, credentials: Any, **_: Any) -> None:
    """Before each request: the key the request is signed with (a refresh, asking the code, happens here)."""
    caller.access_key_id = credentials.get_frozen_credentials().access_key


def _session(access_key_id: str, secret: str) -> botocore.session.Session:
    """Sealed from the user's AWS setup (aws/sealed.py): the sandbox answers only AWS's own endpoints, so an
    endpoint, a profile or a region from the environment or ~/.aws would send the demo's calls elsewhere."""
    session = sealed_session(region=REGION)
    session.register_component("data_loader", _bundled_data())
    session.set_credentials(access_key_id, secret)
    session.register("before-sign", _name_the_account)
    return session


def _own_session() -> botocore.session.Session:
    """A sealed session for moto's own look-ups (service names, regions)."""
    session = sealed_session(region=REGION)
    session.register_component("data_loader", _bundled_data())
    return session


@cache
def _seal_moto() -> None:
    """moto builds botocore sessions of its own, from the environment and ~/.aws: to name the service of an error
    it serializes (``service_name_from_moto_package_name``) and to list regions. An unknown AWS_PROFILE made every
    AWS error of the sandbox (the credential report's first ReportNotPresent, for one) a ProfileNotFound. Give it
    sealed ones (a documented moto issue, getmoto/moto#5469, suggests removing AWS_PROFILE from the environment:
    that would change the environment of the whole process)."""
    import boto3  # type: ignore[import-untyped]
    from moto.core import base_backend
    from moto.core import utils as moto_utils

    moto_utils.Session = _own_session  # type: ignore[attr-defined]
    base_backend.Session = lambda: boto3.Session(botocore_session=_own_session())  # type: ignore[attr-defined]
    base_backend.AccountSpecificBackend.get_session.cache_clear()


@cache
def _bundled_data() -> Any:
    """botocore's loader of its bundled JSON (service models, endpoints), shared by every sandbox session: each
    new Session would read and parse it again for its first client (about 0.1 s a client, most of a test's CPU).
    botocore only reads what it loads. Never AWS_DATA_PATH's models: they can name other endpoints."""
    return direct_loader(None)


def _name_the_account(request: Any, **_: Any) -> None:
    """moto's documented multi-account header: says which account a request is for. Without it moto looks the
    access key up in every partition of every account, building six IAM backends of ~1,300 managed policies each
    (about a second on the first call)."""
    request.headers["x-moto-account-id"] = ACCOUNT_ID


def start_sandbox(state: SandboxState | None = None, propagation: Propagation | None = None) -> Sandbox:
    return Sandbox(state, propagation).start()


__all__ = ["Caller", "Propagation", "Sandbox", "SandboxState", "lose_answers", "start_sandbox"]
