"""Guide step 5: the keys list, creating a key, the two-key limit, deactivate/delete, the running key, and the
new secret (masked, copied, saved as the console's .csv, never on screen or in logs unless revealed)."""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

import pytest
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, RadioSet, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.aws.session import AwsContext
from iam_tui.clipboard import Clipboard
from iam_tui.core.csv_formats import access_key_csv
from iam_tui.core.secret import Secret
from iam_tui.files import file_mode
from iam_tui.guide import StepKey
from iam_tui.screens.access_keys import AccessKeysScreen, CreateKeyScreen
from iam_tui.screens.confirm import ConfirmScreen, TypedConfirmScreen
from iam_tui.screens.new_key import NewKeyScreen
from iam_tui.screens.save_file import SaveFileScreen
from iam_tui.screens.user_picker import UserPickerScreen
from iam_tui.settings import ConnectionSettings
from iam_tui.widgets.secret_field import SecretField
from tests.helpers import inject_error, lose_answers

from ..helpers import IamClient, MakeApp
from .pilot import current, notifications_into, open_step, settle
from .waiting import until, until_screen


def _text(app: IamTuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _app(make_app: MakeApp, user: str | None = "alice") -> IamTuiApp:
    """An app that opens the keys of ``user`` on connecting (no scan first)."""
    return make_app(start_at=StepKey.ACCESS_KEYS, guide_user=user)


async def _open(pilot: Pilot[int], app: IamTuiApp) -> AccessKeysScreen:
    screen = await open_step(pilot, StepKey.ACCESS_KEYS, AccessKeysScreen)
    assert app.screen is screen
    return screen


def _statuses(admin: IamClient) -> dict[str, str]:
    return {k["AccessKeyId"]: k["Status"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]}


async def _confirm_typed(pilot: Pilot[int], app: IamTuiApp, text: str) -> None:
    await until_screen(pilot, TypedConfirmScreen)
    field = app.screen.query_one("#typed", Input)
    assert app.focused is field
    await pilot.press(*text, "enter")


async def _create(pilot: Pilot[int], app: IamTuiApp, *, down: int = 0, description: str = "",
                  from_list: bool = False) -> NewKeyScreen:
    """n, then ↓ ``down`` times in the use-case list; enter there (``from_list``), or in the description field."""
    await pilot.press("n")
    await until_screen(pilot, CreateKeyScreen)
    assert app.focused is app.screen.query_one("#use-case", RadioSet)
    for _ in range(down):
        await pilot.press("down")  # chooses the highlighted use case
    if not from_list:
        await pilot.press("tab")
        assert app.screen.query_one("#description", Input).has_focus
        if description:
            await pilot.press(*description)
    await pilot.press("enter")
    await until_screen(pilot, NewKeyScreen)
    await settle(pilot)
    return current(app, NewKeyScreen)


async def test_enter_in_the_use_case_list_creates_the_key_for_the_highlighted_case(
        make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        screen = await _create(pilot, app, down=2, from_list=True)  # the hint: "↑/↓ choose · enter creates"
        assert screen.use_case.key == "aws-compute"
        assert len(admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 1


async def test_choosing_the_user_when_the_guide_has_none(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = _app(make_app, user=None)
    async with app.run_test(size=(100, 32)) as pilot:
        await until_screen(pilot, UserPickerScreen)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("k")  # step 5 asks how the CLI is used: the plain key (way 3) is the keys list
        await until_screen(pilot, AccessKeysScreen)
        await settle(pilot)
        assert isinstance(app.screen, AccessKeysScreen) and app.session.guide_user == "alice"
        assert "alice has no access keys" in _text(app, "#keys-status")
        assert "CIS 1.10" in _text(app, "#keys-note") and "aws login --remote" in _text(app, "#keys-note")


async def test_create_with_use_case_and_description(make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        await pilot.press("n")
        await until_screen(pilot, CreateKeyScreen)
        assert "aws login" in _text(app, "#alternative")
        await pilot.press("down", "down")
        assert "IAM role" in _text(app, "#alternative")  # application on AWS compute
        await pilot.press("tab", *"bad!", "enter")
        assert "A description may contain" in _text(app, "#description-error")
        assert isinstance(app.screen, CreateKeyScreen)  # nothing created
        assert admin.list_access_keys(UserName="alice")["AccessKeyMetadata"] == []
        app.screen.query_one("#description", Input).value = "build server"
        await pilot.press("enter")
        await until_screen(pilot, NewKeyScreen)
        await settle(pilot)
        screen = current(app, NewKeyScreen)
        (meta,) = admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]
        assert meta["AccessKeyId"] == screen.new_key.access_key_id
        assert admin.list_user_tags(UserName="alice")["Tags"] == [{"Key": meta["AccessKeyId"], "Value": "build server"}]
        assert meta["AccessKeyId"] in _text(app, "#key-id")
        assert "alice" in service.scan.touched
        assert "Application running on an AWS compute service" in str(app.screen.query(".note").first().render())


async def test_the_secret_is_masked_copied_saved_and_never_logged(make_app: MakeApp, admin: IamClient, tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.chdir(tmp_path)
    admin.create_user(UserName="alice")
    app = _app(make_app)
    shown: list[Notification] = []
    async with app.run_test(size=(100, 32), message_hook=notifications_into(shown)) as pilot:
        await _open(pilot, app)
        screen = await _create(pilot, app)
        secret = screen.new_key.secret.reveal()
        key_id = screen.new_key.access_key_id
        field = app.screen.query_one("#secret", SecretField)
        assert app.focused is field
        assert secret not in app.export_screenshot()
        sent: list[str] = []
        app.clipboard_service = Clipboard(sent.append, env={"SSH_CONNECTION": "x"})
        await pilot.press("c")
        await pilot.pause()
        assert sent == [secret] and "copied" in screen.taken
        await pilot.press("s")
        await until_screen(pilot, SaveFileScreen)
        path_input = app.screen.query_one("#path", Input)
        assert path_input.value == str(tmp_path / "alice_accessKeys.csv")
        await pilot.press("enter")
        await settle(pilot)
        target = tmp_path / "alice_accessKeys.csv"
        assert target.read_bytes() == (b"Access key ID,Secret access key\r\n" + f"{key_id},{secret}\r\n".encode())
        assert file_mode(target) == 0o600 and "saved" in screen.taken
        app.screen.query_one("#with-user-name", Checkbox).value = True
        await pilot.press("s")
        await until_screen(pilot, SaveFileScreen)
        app.screen.query_one("#path", Input).value = str(tmp_path / "import.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert (tmp_path / "import.csv").read_bytes() == access_key_csv(key_id, Secret(secret), "alice")
        assert (tmp_path / "import.csv").read_bytes().startswith(b"User name,Access key ID,Secret access key\r\n")
        for note in shown:
            assert secret not in str(note.message)
    assert secret not in caplog.text


async def test_leaving_without_taking_the_secret_asks(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        screen = await _create(pilot, app)
        footer = html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")
        assert "esc Done" in footer  # an 80-column footer cuts the keys at its end: leaving comes first
        await pilot.press("escape")
        await until_screen(pilot, ConfirmScreen)
        assert screen.new_key.access_key_id in str(app.screen.query_one("#question", Static).render())
        await pilot.press("n")
        await until_screen(pilot, NewKeyScreen)
        await pilot.press("v")  # revealing counts as taking it
        assert "revealed" in screen.taken
        assert screen.new_key.secret.reveal() in app.export_screenshot()
        field = screen.query_one("#secret", SecretField)
        await pilot.press("escape")
        await until_screen(pilot, AccessKeysScreen)
        await settle(pilot)
        assert app.screen.query_one("#keys", DataTable).row_count == 1
        assert not field.secret  # wiped


async def test_leaving_anyway_after_the_warning(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        await _create(pilot, app)
        await pilot.press("escape")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await until_screen(pilot, AccessKeysScreen)


async def test_two_keys_block_creation_and_offer_deactivate_or_delete(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    first = admin.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    admin.create_access_key(UserName="alice")
    app = _app(make_app)
    shown: list[Notification] = []
    async with app.run_test(size=(100, 32), message_hook=notifications_into(shown)) as pilot:
        await _open(pilot, app)
        assert "2 access keys, the most AWS allows" in _text(app, "#keys-status")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, AccessKeysScreen)
        assert any("already has 2 access keys" in str(n.message) for n in shown)
        assert app.focused is app.screen.query_one("#keys", DataTable)
        await pilot.press("a")  # deactivate the first (highlighted) key
        await _confirm_typed(pilot, app, first)
        await until_screen(pilot, AccessKeysScreen)
        await settle(pilot)
        assert _statuses(admin)[first] == "Inactive"
        assert "inactive keys count too" in _text(app, "#keys-status")
        await pilot.press("n")  # an inactive key still counts toward the two
        await pilot.pause()
        assert isinstance(app.screen, AccessKeysScreen)
        await pilot.press("a")  # activating needs no typed confirmation
        await settle(pilot)
        assert _statuses(admin)[first] == "Active"
        await pilot.press("d")
        await until_screen(pilot, TypedConfirmScreen)
        await pilot.press(*"AKIAWRONG", "enter")
        assert isinstance(app.screen, TypedConfirmScreen)
        await pilot.press("escape")
        await until_screen(pilot, AccessKeysScreen)
        await settle(pilot)
        assert len(admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 2
        await pilot.press("d")
        await _confirm_typed(pilot, app, first)
        await until_screen(pilot, AccessKeysScreen)
        await settle(pilot)
        remaining = [k["AccessKeyId"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]]
        assert first not in remaining and len(remaining) == 1
        assert "1 of 2 access keys" in _text(app, "#keys-status")


async def test_limit_exceeded_from_aws_is_shown(make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        inject_error(service, "iam", "CreateAccessKey", "LimitExceeded",
                     "Cannot exceed quota for AccessKeysPerUser: 2", 409)
        await pilot.press("n")
        await until_screen(pilot, CreateKeyScreen)
        await pilot.press("tab", "enter")
        await until_screen(pilot, AccessKeysScreen)
        await settle(pilot)
        assert "LimitExceeded" in _text(app, "#keys-status")


async def test_the_running_key_needs_a_second_confirmation(make_app: MakeApp, admin: IamClient,
                                                           sandbox: Sandbox) -> None:
    admin.create_user(UserName="alice")
    key = admin.create_access_key(UserName="alice")["AccessKey"]
    running = key["AccessKeyId"]
    alice = IamService(AwsContext(sandbox.session(running, Secret(key["SecretAccessKey"])),
                                  ConnectionSettings(demo=True), source="test"), sandbox)

    async def connector(_settings: ConnectionSettings) -> IamService:
        await alice.account.identity()
        return alice

    from iam_tui.app import IamTuiApp

    app = IamTuiApp(ConnectionSettings(demo=True), connector=connector, start_at=StepKey.ACCESS_KEYS)
    app.session.guide_user = "alice"
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        assert "(app)" in str(app.screen.query_one("#keys", DataTable).get_row_at(0)[1])
        await pilot.press("d")
        await _confirm_typed(pilot, app, running)
        await until_screen(pilot, ConfirmScreen)
        assert "iam-tui itself is running on" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("n")
        await until_screen(pilot, AccessKeysScreen)
        await settle(pilot)
        assert [k["AccessKeyId"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]] == [running]
        await pilot.press("d")
        await _confirm_typed(pilot, app, running)
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: not admin.list_access_keys(UserName="alice")["AccessKeyMetadata"])


async def test_aws_errors_on_change_are_shown(make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    admin.create_user(UserName="alice")
    first = admin.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        inject_error(service, "iam", "DeleteAccessKey", "AccessDenied", status=403)
        await pilot.press("d")
        await _confirm_typed(pilot, app, first)
        await until_screen(pilot, AccessKeysScreen)
        await settle(pilot)
        assert "AccessDenied" in _text(app, "#keys-status") and "iam:DeleteAccessKey" in _text(app, "#keys-status")
        assert len(admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 1


async def test_quitting_with_an_untaken_secret_asks_first(make_app: MakeApp, admin: IamClient) -> None:
    from iam_tui.screens.confirm import ConfirmScreen

    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        screen = await _create(pilot, app)
        key_id = screen.new_key.access_key_id
        await pilot.press("q")
        await until_screen(pilot, ConfirmScreen)
        question = str(app.screen.query_one("#question").render())
        assert key_id in question and "never revealed" in question
        await pilot.press("n")
        assert app.screen is screen and app.is_running
        await app.action_quit()
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
    assert key_id in str(app.exit_message) and "never revealed" in str(app.exit_message)


async def test_a_description_that_fails_still_shows_the_new_key(make_app: MakeApp, admin: IamClient,
                                                                service: IamService) -> None:
    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        inject_error(service, "iam", "TagUser", "LimitExceeded", "Cannot exceed quota for TagsPerUser: 50", 409)
        screen = await _create(pilot, app, description="laptop")
        assert screen.new_key.access_key_id in _text(app, "#key-id")
        problem = str(app.screen.query_one(".field-error", Static).render())
        assert "description was not saved" in problem and "LimitExceeded" in problem


async def test_a_key_made_by_a_lost_answer_is_shown_and_offered_for_deletion(make_app: MakeApp, admin: IamClient,
                                                                             service: IamService) -> None:
    """The answer of the first CreateAccessKey is lost and the SDK sends it again: AWS made two keys. The
    one whose secret never arrived is named and deleted on request; the other is shown as usual."""
    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        lose_answers(service, "CreateAccessKey")
        await pilot.press("n")
        await until_screen(pilot, CreateKeyScreen)
        await pilot.press("tab", "enter")
        await until_screen(pilot, ConfirmScreen)
        unseen = set(_statuses(admin))
        assert len(unseen) == 2
        question = _text(app, "#question")
        named = {key for key in unseen if key in question}
        assert len(named) == 1 and "never received" in question
        await pilot.press("y")
        await until_screen(pilot, NewKeyScreen)
        shown = current(app, NewKeyScreen).new_key.access_key_id
        assert named == unseen - {shown}
        assert set(_statuses(admin)) == {shown}  # the key nobody can use is gone; the shown one stays
