"""A cached `aws login` token (the format aws-cli v2's login command saves and botocore's LoginProvider reads) and
a stand-in ``aws`` executable, for the tests of step 5's way 1."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.sandbox.state import StsSession, new_secret_key, new_session_key_id

ALICE = "arn:aws:iam::123456789012:user/alice"


def cached_token(sandbox: Sandbox, cache: Path, arn: str = ALICE, *, hours: float = 1.0, mfa: bool = True) -> datetime:
    """Write the token a console sign-in as ``arn`` would leave in ``cache``; the sandbox knows its credentials as
    an aws login session of that user, MFA-authenticated unless ``mfa`` is False (AWS does not document whether
    such credentials carry aws:MultiFactorAuthPresent). Returns when the credentials expire."""
    key_id, secret = new_session_key_id(), new_secret_key()
    expires = (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0)
    name = arn.rsplit("/", 1)[-1]
    sandbox.state.sessions[key_id] = StsSession(name, arn, "AIDAALICE", expires, mfa, from_login=True)
    token = {
        "accessToken": {"accessKeyId": key_id, "secretAccessKey": secret.reveal(), "sessionToken": "token",
                        "accountId": "123456789012", "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ")},
        "tokenType": "urn:aws:params:oauth:token-type:access_token_sigv4",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": "refresh-token",
        "idToken": "x.y.z",
        "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
    }
    cache.mkdir(parents=True, exist_ok=True)
    (cache / f"{hashlib.sha256(arn.encode()).hexdigest()}.json").write_text(json.dumps(token))
    return expires


STAND_IN = """#!/bin/sh
# A stand-in for AWS CLI v2: --version, and `login` that records its arguments and does what the real one leaves
# behind after a console sign-in (login_session in the profile; the token is written by the test beforehand).
if [ "$*" = "--version" ]; then echo "{version}"; exit 0; fi
echo "$*" >> "$STAND_IN_ARGS"
if [ "$1" = "login" ]; then
    sed -i "/^\\[profile $3\\]$/a login_session = {arn}" "$AWS_CONFIG_FILE"
fi
exit "${{STAND_IN_STATUS:-0}}"
"""


def stand_in_aws(folder: Path, version: str = "aws-cli/2.32.7 Python/3.13.7 Linux/6.8 exe/x86_64") -> Path:
    """An ``aws`` in ``folder`` (put it first on PATH); returns the file it records its arguments in."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "aws"
    script.write_text(STAND_IN.format(version=version, arn=ALICE))
    script.chmod(0o755)
    return folder / "args.txt"
