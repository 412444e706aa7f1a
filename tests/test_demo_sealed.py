"""`--demo` reads nothing of the user's AWS setup: with every AWS setting of the environment and of the files
pointing at a local server that counts requests, the demo (check, a walk through its AWS calls, the TUI) sends it
none, and a profile named in the environment that does not exist changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .test_cli import CLEAN_ENV
from .test_signals import AppInPty


class Counting(BaseHTTPRequestHandler):
    count = 0

    def _answer(self) -> None:
        type(self).count += 1
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_CONNECT = _answer

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def trap() -> Iterator[tuple[str, type[Counting]]]:
    handler = type("Trap", (Counting,), {"count": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()


def hostile_env(url: str, tmp_path: Path) -> dict[str, str]:
    """Every AWS setting that could send a call elsewhere or resolve credentials, in the environment and in both
    files, pointing at ``url``; a credential_process that leaves a mark if it ever runs."""
    ran = tmp_path / "credential-process-ran"
    config = tmp_path / "config"
    config.write_text(
        f"[default]\nendpoint_url = {url}\nregion = eu-west-3\nca_bundle = {tmp_path / 'no-ca.pem'}\n"
        f"credential_process = /usr/bin/touch {ran}\nservices = trap\n\n"
        f"[profile trap]\nendpoint_url = {url}\nregion = eu-west-3\nservices = trap\n"
        f"credential_process = /usr/bin/touch {ran}\n\n"
        f"[services trap]\niam =\n  endpoint_url = {url}\nsts =\n  endpoint_url = {url}\n"
        f"account =\n  endpoint_url = {url}\naccessanalyzer =\n  endpoint_url = {url}\n"
        f"organizations =\n  endpoint_url = {url}\n\n"
        f"[sso-session trap]\nsso_start_url = {url}\nsso_region = eu-west-3\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[default]\naws_access_key_id = AKIAUSERSOWNKEY00001\naws_secret_access_key = x\n\n"
                           "[trap]\naws_access_key_id = AKIAUSERSOWNKEY00002\naws_secret_access_key = x\n")
    return {
        **CLEAN_ENV,
        "AWS_PROFILE": "trap", "AWS_DEFAULT_PROFILE": "trap",
        "AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_ENDPOINT_URL": url, "AWS_ENDPOINT_URL_IAM": url, "AWS_ENDPOINT_URL_STS": url,
        "AWS_ENDPOINT_URL_ACCOUNT": url, "AWS_ENDPOINT_URL_ACCESSANALYZER": url,
        "AWS_ENDPOINT_URL_ORGANIZATIONS": url,
        "AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "eu-west-3",
        "AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true", "AWS_STS_REGIONAL_ENDPOINTS": "regional",
        "AWS_DEFAULTS_MODE": "auto",
        "AWS_ACCESS_KEY_ID": "AKIAUSERSOWNKEY00003", "AWS_SECRET_ACCESS_KEY": "x", "AWS_SESSION_TOKEN": "t",
        "AWS_CA_BUNDLE": str(tmp_path / "no-ca.pem"), "AWS_DATA_PATH": str(tmp_path),
        "AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": url,
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{url}/credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "t",
        "HTTP_PROXY": url, "HTTPS_PROXY": url,
    }


# The demo's AWS calls as its screens make them: identity and the scan, the users, an MFA device made and
# deleted, the account alias (step 4), a new access key written to an AWS CLI profile and proved with STS (step 5).
WALK = """
import asyncio, sys
from iam_tui.aws import cli_profile
from iam_tui.aws.service import connect
from iam_tui.settings import ConnectionSettings

async def walk():
    service = await connect(ConnectionSettings(demo=True), scan_early=True)
    result = await service.scan.scan()
    assert result.identity.region == "us-east-1", result.identity.region
    await service.users.list_users()
    device = await service.mfa.create("walk")
    await service.mfa.delete(device.serial)
    await service.signin.set_alias("sealed-demo")
    key = await service.keys.create(None)
    paths = cli_profile.paths_for(service)
    await asyncio.to_thread(cli_profile.write_profile, paths, "walk", key.access_key_id, key.secret,
                            region="us-east-1")
    profile = await cli_profile.verify(lambda: cli_profile.service_for_profile(service, paths, "walk"),
                                       result.identity.caller.arn)
    assert profile.ctx.access_key_id() == key.access_key_id
    service.close()
    print("walked")

asyncio.run(walk())
"""


def test_check_in_the_demo_sends_nothing_to_the_users_aws_setup(trap: tuple[str, type[Counting]],
                                                                  tmp_path: Path) -> None:
    url, counter = trap
    env = hostile_env(url, tmp_path)
    for args in (["check", "--demo", "--json"], ["--demo", "check"]):
        proc = subprocess.run([sys.executable, "-m", "iam_tui", *args], capture_output=True, text=True, env=env,
                              timeout=120)
        assert proc.returncode == 1, proc.stderr  # a new account fails checks: the scan ran, in the sandbox
    assert "region us-east-1" in proc.stdout  # not AWS_REGION's
    assert counter.count == 0
    assert not (tmp_path / "credential-process-ran").exists()


def test_a_demo_walk_sends_nothing_to_the_users_aws_setup(trap: tuple[str, type[Counting]], tmp_path: Path) -> None:
    url, counter = trap
    proc = subprocess.run([sys.executable, "-c", WALK], capture_output=True, text=True,
                          env=hostile_env(url, tmp_path), timeout=180)
    assert proc.returncode == 0 and "walked" in proc.stdout, proc.stderr[-3000:]
    assert counter.count == 0
    assert not (tmp_path / "credential-process-ran").exists()


def test_the_demo_tui_sends_nothing_to_the_users_aws_setup(trap: tuple[str, type[Counting]], tmp_path: Path) -> None:
    url, counter = trap
    app = AppInPty([sys.executable, "-m", "iam_tui", "--demo"], hostile_env(url, tmp_path))
    try:
        app.wait_for(b"CIS")  # connected and scanned
        app.press(b"u")
        app.wait_for(b"users")
        app.press(b"q")
        assert app.exit_code() == 0
    finally:
        app.close()
    assert counter.count == 0
    assert not (tmp_path / "credential-process-ran").exists()


@pytest.mark.parametrize("setting", ["profile", "config"])
def test_a_broken_aws_setup_does_not_stop_the_demo(setting: str, tmp_path: Path) -> None:
    """An unknown AWS_PROFILE once crashed the demo with a traceback; an unreadable config file is as irrelevant."""
    broken = tmp_path / "config"
    broken.write_text("this is not = an ini file\n[\n")
    env = {**CLEAN_ENV, **({"AWS_PROFILE": "nosuch"} if setting == "profile" else {"AWS_CONFIG_FILE": str(broken)})}
    proc = subprocess.run([sys.executable, "-m", "iam_tui", "check", "--demo", "--json"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 1 and proc.stderr == "", proc.stderr
    unknown = {c["id"]: c["detail"] for c in json.loads(proc.stdout)["checks"] if c["status"] == "unknown"}
    assert unknown == {}  # every input read (moto's own error answers once said ProfileNotFound)
