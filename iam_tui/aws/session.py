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
from .data_loader import direct_loader
from .errors import mfa_code_needed
from .timestamps import parse_timestamp

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
        # Before any client exists: its parsers take the defaults set here.
        session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
        self.settings = settings
        self.region = settings.region or session.get_config_variable("region") or DEFAULT_REGION
        self._source = source
        self._clients: dict[str, Any] = {}
        self._page_sizes: dict[tuple[str, str], int | None] = {}
        self._lock = threading.Lock()
        self.call_listeners: list[Callable[[str, str], None]] = []

    @classmethod
    def create(cls, settings: ConnectionSettings) -> AwsContext:
        """Build a session from the standard credential chain (may raise ``ProfileNotFound``)."""
        session = botocore.session.Session(profile=settings.profile)
        session.register_component("data_loader", direct_loader(session.get_config_variable("data_path")))
        session.get_scoped_config()  # an unknown --profile fails here, before any call
        _never_prompt_on_the_terminal(session, settings.mfa_prompter)
        return cls(session, settings)

    @property
    def profile_name(self) -> str | None:
        return self.settings.profile or self.session.profile

    def credential_process(self) -> str | None:
        """The profile's ``credential_process`` command, if it has one (to name it when it fails)."""
        try:
            command = self.session.get_scoped_config().get("credential_process")
            return command if isinstance(command, str) else None
        except Exception:
            return None

    def access_key_id(self) -> str | None:
        """The access key ID the calls are signed with (resolves the credentials: call it off the UI thread)."""
        credentials = self.credentials()
        return getattr(credentials, "access_key", None) if credentials else None

    def credentials(self) -> Any:
        """The session's credentials, resolved once. Under the clients' lock: botocore's providers are not safe to
        run from two threads at once (an assume-role profile would ask for its MFA code twice, and its chain of
        source profiles is reported as a loop)."""
        with self._lock:
            credentials = self.session.get_credentials()
            if credentials is not None:
                credentials.get_frozen_credentials()  # a deferred (assume-role, SSO, login) fetch happens here, once
            return credentials

    def client(self, service: str, region: str | None = None) -> Any:
        """The client of ``service`` in ``region`` (the session's region by default: IAM and STS are global; Access
        Analyzer is read in every enabled region)."""
        key = service if region in (None, self.region) else f"{service}@{region}"
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.create_client(
                    service,
                    region_name=region or self.region,
                    endpoint_url=self.settings.endpoint_url,
                    config=client_config(),
                )
                self._clients[key] = client
            return client

    def largest_page(self, service: str, operation: str) -> int | None:
        """The most items one page of a list call may hold (AWS's own default is often 100: a 10,000-user
        account would take 100 sequential pages of GetAccountAuthorizationDetails instead of 10)."""
        key = (service, operation)
        if key not in self._page_sizes:
            limit_key = self.session.get_paginator_model(service).get_paginator(operation).get("limit_key")
            shape = self.client(service).meta.service_model.operation_model(operation).input_shape
            member = shape.members.get(limit_key) if limit_key and shape is not None else None
            self._page_sizes[key] = member.metadata.get("max") if member is not None else None
        return self._page_sizes[key]

    def note_call(self, service: str, operation: str) -> None:
        """Called for every request the app makes (each page of a list call counts), before it is sent."""
        for listener in self.call_listeners:
            listener(service, operation)

    def credential_source(self) -> str:
        """Where the credentials came from, in words (resolves them, so call it off the UI thread)."""
        if self._source:
            return self._source
        credentials = self.credentials()
        method = getattr(credentials, "method", None) if credentials else None
        text = _SOURCES.get(method or "", method or "unknown")
        profile = self.profile_name
        if method in {"env", "iam-role", "container-role"} or not profile:
            return text
        return f"profile {profile} ({text})"


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
