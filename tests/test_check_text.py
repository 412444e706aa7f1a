"""`iam-tui check`'s text output shows what AWS returned, never runs it: a contact name or an error message holding
escape sequences reaches the terminal as visible escapes; --json keeps JSON's own escaping."""

from __future__ import annotations

import json

import pytest

from iam_tui.aws.sandbox import rules_account
from iam_tui.aws.service import IamService
from iam_tui.check_command import as_table, to_json
from tests.helpers import inject_error
from tests.payloads import OSC52, RAW, TITLE, planted


async def test_error_messages_and_contacts_are_shown_not_run(service: IamService,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(rules_account.CONTACT_INFORMATION, "FullName", planted("Owner"))
    inject_error(service, "account", "GetAlternateContact", "ValidationException", f"denied {OSC52}{TITLE}", 400)
    result = await service.scan.scan()

    text = as_table(result)
    assert not any(raw in text for raw in RAW) and "\x1b" not in text and "\x07" not in text
    assert "denied \\x1b]52;c;ZXZpbA==\\x07\\x1b]0;pwn\\x07" in text  # the AWS error message, made visible
    assert "[ROOT]" in text  # plain text output: brackets are just brackets

    data = json.dumps(to_json(result), indent=2)
    assert "\x1b" not in data and "\\u001b]52;c;ZXZpbA==\\u0007" in data  # JSON's escaping, the value as AWS has it


async def test_a_web_page_instead_of_an_aws_error_is_named_not_printed(service: IamService) -> None:
    page = "<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1>" + "x" * 5000 + "</body></html>"
    inject_error(service, "account", "GetAlternateContact", "403", page, 403)
    text = as_table(await service.scan.scan())
    assert "<html" not in text and "xxxxx" not in text
    assert "The endpoint answered with a web page, not an AWS error (HTTP 403 Forbidden)" in text
