"""Secrets typed by the person (a custom password, MFA codes) never reach Textual's log (``TEXTUAL_LOG``), which
records every message and key event it dispatches."""

from __future__ import annotations

from pathlib import Path

import pytest
import textual.constants

from ..helpers import IamClient, MakeApp
from .pilot import settle
from .test_create_user import choose_custom_password, open_form, type_name
from .test_mfa import WIDE, create_device, open_mfa, two_codes, type_codes


@pytest.fixture
def textual_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """What ``TEXTUAL_LOG=<file>`` does: every log call appended to the file."""
    log = tmp_path / "textual.log"
    monkeypatch.setattr(textual.constants, "LOG_FILE", str(log))
    return log


async def test_a_custom_password_typed_in_stays_out_of_the_log(make_app: MakeApp, textual_log: Path) -> None:
    password = "Zq#7-Typed-Pw!x"
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot)
        await type_name(pilot, "bob")
        field = await choose_custom_password(form, pilot)
        await pilot.press(*password, "enter")
        await pilot.press("ctrl+v")  # pasting, copying and cutting do not log it either
        await pilot.press("ctrl+c", "ctrl+x")
        await settle(pilot)
        assert field.value == password  # the form still has it
        assert app.clipboard != password
    log = textual_log.read_text()
    assert "Input.Changed" in log and "value='bob'" in log  # the log does record what is typed elsewhere
    assert password not in log and password[:3] not in log
    for char in "Zq#7!x":
        assert f"key='{char}'" not in log and f"character='{char}'" not in log


async def test_mfa_codes_typed_in_stay_out_of_the_log(make_app: MakeApp, admin: IamClient, textual_log: Path) -> None:
    admin.create_user(UserName="alice")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        seed = await create_device(app, pilot, screen)
        first, second = two_codes(seed)
        await type_codes(app, pilot, screen, first, second, keys=True)
        assert screen.pending is None  # enabled: the codes went through
    log = textual_log.read_text()
    assert "Key(" in log  # key events are logged
    assert first not in log and second not in log
    for digit in set(first + second):
        assert f"character='{digit}'" not in log
