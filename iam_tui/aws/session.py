"""One AWS SDK session and one client per service, built once, with bounded standard retries and a user agent
that names iam-tui.

This uses botocore (the engine under boto3) directly: boto3 adds nothing the app needs and importing it costs
about 0.1 s of start-up (it pulls in s3transfer)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import botocore.session
from botocore.config import Config

from .. import __version__
from ..settings import ConnectionSettings
from .errors import AwsError

# botocore logs whole request and response bodies (passwords, secret access keys, MFA seeds) at DEBUG. Never let
# those records be created, whatever logging the host program sets up: the parents are pinned, and the two loggers
# that write bodies are pinned themselves in case someone lowers a parent again.
for _logger in ("botocore", "boto3", "urllib3", "s3transfer", "botocore.endpoint", "botocore.parsers"):
    logging.getLogger(_logger).setLevel(logging.INFO)

DEFAULT_REGION = "us-east-1"  # IAM and STS are global; fall back here rather than fail.
MAX_ATTEMPTS = 4  # the first try and three retries, with botocore's exponential backoff

_SOURCES = {
    "env": "environment variables",
    "shared-credentials-file": "shared credentials file",
    "config-file": "config file",
    "sso": "IAM Identity Center (SSO)",
    "assume-role": "assumed role",
    "assume-role-with-web-identity": "web identity",
    "iam-role": "EC2 instance role",
    "container-role": "container role",
    "process": "credential process",
    "login": "`aws login` session",
    "explicit": "explicit keys",
    "custom-process": "credential process",
}


def client_config() -> Config:
    return Config(
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        user_agent_extra=f"iam-tui/{__version__}",
        connect_timeout=5,
        read_timeout=30,
    )


class AwsContext:
    """Holds the SDK session and caches one client per service. Thread-safe: clients are created under a lock
    (sessions are not thread-safe; clients are)."""

    def __init__(self, session: botocore.session.Session, settings: ConnectionSettings, *,
                 source: str | None = None) -> None:
        self.session = session
        self.settings = settings
        self.region = settings.region or session.get_config_variable("region") or DEFAULT_REGION
        self._source = source
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.call_listeners: list[Callable[[str, str], None]] = []

    @classmethod
    def create(cls, settings: ConnectionSettings) -> AwsContext:
        """Build a session from the standard credential chain (may raise ``ProfileNotFound``)."""
        session = botocore.session.Session(profile=settings.profile)
        session.get_scoped_config()  # an unknown --profile fails here, before any call
        _never_prompt_on_the_terminal(session, settings.mfa_prompter)
        return cls(session, settings)

    @property
    def profile_name(self) -> str | None:
        return self.settings.profile or self.session.profile

    def credential_process(self) -> str | None:
        """The profile's ``credential_process`` command, if it has one (to name it when it fails)."""
        try:
            return self.session.get_scoped_config().get("credential_process")
        except Exception:
            return None

    def access_key_id(self) -> str | None:
        """The access key ID the calls are signed with (resolves the credentials: call it off the UI thread)."""
        credentials = self.session.get_credentials()
        return getattr(credentials, "access_key", None) if credentials else None

    def client(self, service: str) -> Any:
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                client = self.session.create_client(
                    service,
                    region_name=self.region,
                    endpoint_url=self.settings.endpoint_url,
                    config=client_config(),
                )
                client.meta.events.register("before-call", self._notify)
                self._clients[service] = client
            return client

    def _notify(self, model: Any, **_: Any) -> None:
        for listener in self.call_listeners:
            listener(model.service_model.service_name, model.name)

    def credential_source(self) -> str:
        """Where the credentials came from, in words (resolves them, so call it off the UI thread)."""
        if self._source:
            return self._source
        credentials = self.session.get_credentials()
        method = getattr(credentials, "method", None) if credentials else None
        text = _SOURCES.get(method or "", method or "unknown")
        profile = self.profile_name
        if method in {"env", "iam-role", "container-role"} or not profile:
            return text
        return f"profile {profile} ({text})"


def mfa_code_needed(profile: str | None, *, asked: bool = False) -> AwsError:
    """The profile's role wants an MFA code and none was given: nobody could be asked (``iam-tui check``), or the
    person cancelled the question (``asked``)."""
    name = profile or "default"
    export = (f'export temporary credentials first (eval "$(aws configure export-credentials --profile {name} '
              '--format env)"), then run iam-tui without --profile.')
    if asked:
        return AwsError("MfaCodeNeeded", f"No MFA code was entered for profile {name}'s role (role_arn with "
                        "mfa_serial).", f"Press r and enter the code from your MFA device, or {export}")
    return AwsError("MfaCodeNeeded", f"Profile {name} assumes a role that asks for an MFA code (role_arn with "
                    "mfa_serial), and iam-tui cannot ask for it here (botocore would prompt on the terminal).",
                    export[0].upper() + export[1:])


def _never_prompt_on_the_terminal(session: botocore.session.Session,
                                  prompter: Callable[[str], str] | None) -> None:
    """botocore asks for a role's MFA code with ``getpass`` on the terminal, from whichever thread resolves the
    credentials: under Textual that thread is a worker and the prompt would block unseen. Ask through
    ``prompter`` (the app's modal) instead, or refuse with a clear error when there is none. botocore's
    assume-role provider takes its prompter at construction, hence the attribute."""
    profile = session.profile

    def ask(prompt: str = "") -> str:
        if prompter is None:
            raise mfa_code_needed(profile)
        return prompter(prompt)

    try:
        provider = session.get_component("credential_provider").get_provider("assume-role")
    except Exception:
        return
    if hasattr(provider, "_prompter"):
        provider._prompter = ask
