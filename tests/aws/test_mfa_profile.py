"""iam-tui started on a key profile with mfa_serial: the code is asked in the app, a GetSessionToken session signs
every call (in memory only), and an expired session asks again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber

from iam_tui.aws import mfa_profile
from iam_tui.aws.errors import AwsError
from iam_tui.aws.session import AwsContext
from iam_tui.settings import ConnectionSettings

SERIAL = "arn:aws:iam::123456789012:mfa/alice"


@pytest.fixture
def profile_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config").write_text(f"[profile alice-long-term]\nregion = us-east-1\nmfa_serial = {SERIAL}\n\n"
                                     "[profile plain]\nregion = us-east-1\n")
    (tmp_path / "credentials").write_text("[alice-long-term]\naws_access_key_id = AKIAALICE\n"
                                          "aws_secret_access_key = long-term-secret\n\n[plain]\n"
                                          "aws_access_key_id = AKIAPLAIN\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


def _stubbed(expirations: list[datetime], codes: list[str], keys_seen: list[str]) -> Callable[..., Any]:
    def creator(service: str, **kwargs: str) -> Any:
        keys_seen.append(kwargs["aws_access_key_id"])
        client = botocore.session.Session().create_client(service, region_name="us-east-1", **kwargs)
        stub = Stubber(client)
        expiry = expirations.pop(0)
        stub.add_response("get_session_token", {"Credentials": {
            "AccessKeyId": f"ASIASESSION{len(keys_seen):08d}", "SecretAccessKey": "session-secret",
            "SessionToken": "token", "Expiration": expiry}},
            {"SerialNumber": SERIAL, "TokenCode": codes[len(keys_seen) - 1], "DurationSeconds": 43_200})
        stub.activate()
        return client

    return creator


def test_the_code_is_asked_and_an_expired_session_asks_again(profile_files: None) -> None:
    asked: list[str] = []
    codes = ["123456", "654321"]

    def prompter(prompt: str) -> str:
        asked.append(prompt)
        return codes[len(asked) - 1]

    ctx = AwsContext.create(ConnectionSettings(profile="alice-long-term", mfa_prompter=prompter))
    keys_seen: list[str] = []
    now = datetime.now(UTC).replace(microsecond=0)
    provider = ctx.session.get_component("credential_provider").providers[0]
    provider._client_creator = _stubbed([now + timedelta(hours=1), now + timedelta(hours=12)], codes, keys_seen)
    credentials = ctx.credentials()
    assert credentials.method == "mfa-session" and asked and SERIAL in asked[0]
    assert keys_seen == ["AKIAALICE"]  # GetSessionToken signed with the long-term key
    assert credentials.get_frozen_credentials().access_key == "ASIASESSION00000001" and len(asked) == 1
    credentials._expiry_time = now - timedelta(minutes=1)  # time passes: the session has run out
    frozen = credentials.get_frozen_credentials()  # asked again
    assert len(asked) == 2 and frozen.access_key == "ASIASESSION00000002" and frozen.token == "token"
    assert ctx.credential_source().startswith("profile alice-long-term (MFA session (GetSessionToken, in memory) "
                                              f"until {now + timedelta(hours=12):%Y-%m-%d %H:%M} UTC")


def test_without_a_prompter_the_profile_is_refused_clearly(profile_files: None) -> None:
    ctx = AwsContext.create(ConnectionSettings(profile="alice-long-term"))
    with pytest.raises(AwsError) as err:
        ctx.credentials()
    assert err.value.code == "MfaCodeNeeded" and "mfa-login" in err.value.fix


def test_other_profiles_resolve_as_before(profile_files: None) -> None:
    ctx = AwsContext.create(ConnectionSettings(profile="plain", mfa_prompter=lambda _p: "never"))
    credentials = ctx.credentials()
    assert credentials.method == "shared-credentials-file" and credentials.access_key == "AKIAPLAIN"
    assert mfa_profile.key_needs_mfa(ctx.session) is None


def test_the_handed_over_session_starts_from_the_proof_and_asks_again_later(profile_files: None,
                                                                            tmp_path: Path) -> None:
    """Way 2's o: iam-tui goes on with the session made for the proof (no second question), and asks the code
    again once it runs out."""
    from iam_tui.aws.mfa_gate import MfaSession, handed_over
    from iam_tui.aws.service import IamService
    from iam_tui.core.aws_config import CliPaths
    from iam_tui.core.secret import Secret

    base = IamService(AwsContext(botocore.session.Session(), ConnectionSettings()))
    now = datetime.now(UTC).replace(microsecond=0)
    proof = MfaSession(base, now + timedelta(hours=12), "ASIAPROOFSESSION0001", Secret("s"), Secret("t"))
    asked: list[str] = []
    service = handed_over(base, CliPaths(tmp_path / "credentials", tmp_path / "config"), "alice-long-term", proof,
                          lambda p: asked.append(p) or "654321")  # type: ignore[func-returns-value]
    credentials = service.ctx.credentials()
    assert credentials.get_frozen_credentials().access_key == "ASIAPROOFSESSION0001" and asked == []
    keys_seen: list[str] = []
    provider = service.ctx.session.get_component("credential_provider").providers[0]
    provider._client_creator = _stubbed([now + timedelta(hours=12)], ["654321"], keys_seen)
    credentials._expiry_time = now - timedelta(minutes=1)
    assert credentials.get_frozen_credentials().access_key == "ASIASESSION00000001" and len(asked) == 1
    assert keys_seen == ["AKIAALICE"]
