"""The guide/session state on its own, without Textual."""

import asyncio
import contextlib

from iam_tui.guide import StepKey, StepState
from iam_tui.session import GuideSession


def test_steps_start_todo_and_marking_says_whether_anything_changed() -> None:
    session = GuideSession()
    assert session.state(StepKey.MFA) is StepState.TODO
    assert session.mark(StepKey.MFA, StepState.DONE)
    assert not session.mark(StepKey.MFA, StepState.DONE)
    assert session.steps == {StepKey.MFA: StepState.DONE}


def test_a_guide_user_is_kept_unless_replaced() -> None:
    session = GuideSession()
    session.choose_guide_user("alice", replace=False)
    session.choose_guide_user("bob", replace=False)  # MFA for someone else does not change whose guide it is
    assert session.guide_user == "alice"
    session.choose_guide_user("bob")
    assert session.guide_user == "bob"


def test_busy_names_the_change_in_flight_and_tells_each_change() -> None:
    told: list[str | None] = []
    session = GuideSession(on_busy_changed=lambda: told.append(session.busy))

    async def run() -> None:
        async with session.mutating("creating alice"):
            async with session.mutating("creating alice"):
                assert session.busy == "creating alice"
            assert session.busy == "creating alice"  # counted: the outer change still runs
        assert session.busy is None

    asyncio.run(run())
    assert told == ["creating alice", "creating alice", "creating alice", None]


def test_a_failed_change_is_no_longer_in_flight() -> None:
    session = GuideSession()

    async def run() -> None:
        async with session.mutating("deleting a key"):
            raise RuntimeError("AWS said no")

    with contextlib.suppress(RuntimeError):
        asyncio.run(run())
    assert session.busy is None


def test_once_quitting_has_begun_no_change_starts() -> None:
    session = GuideSession()
    started: list[str] = []

    async def change() -> None:
        async with session.mutating("creating the support role"):
            started.append("creating the support role")

    async def run() -> None:
        session.leave()
        asking = asyncio.ensure_future(change())
        for _ in range(5):
            await asyncio.sleep(0)
        assert not asking.done()  # waits until the app's exit cancels it
        asking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asking

    asyncio.run(run())
    assert started == [] and session.busy is None
    assert session.not_started == ["creating the support role"]


def test_exit_problems_name_unfinished_work_and_the_change_in_flight() -> None:
    session = GuideSession()
    session.set_unfinished("create:alice", "user alice is half-created")
    session.set_unfinished("key", "a new key's secret was not taken")
    session.set_unfinished("key", None)

    async def run() -> list[str]:
        async with session.mutating("creating bob"):
            return session.exit_problems()

    assert asyncio.run(run()) == [
        "Left unfinished: user alice is half-created",
        "Still running against AWS when iam-tui stopped: creating bob. Check the result in the AWS console.",
    ]


def test_exit_cleanups_are_kept_by_key() -> None:
    session = GuideSession()

    async def cleanup() -> str | None:
        return None

    session.add_exit_cleanup("mfa", cleanup)
    session.add_exit_cleanup("mfa", cleanup)
    assert list(session.exit_cleanups) == ["mfa"]
    session.remove_exit_cleanup("mfa")
    assert session.exit_cleanups == {}


def test_the_summary_step_is_done_once_every_making_step_is() -> None:
    session = GuideSession()
    session.mark(StepKey.SECURITY, StepState.ATTENTION)  # checks failing do not hold the summary back
    for step in (StepKey.CREATE_USER, StepKey.MFA, StepKey.SIGN_IN):
        session.mark(step, StepState.DONE)
    assert session.state(StepKey.FINISH) is StepState.TODO and session.steps_done == 3
    session.mark(StepKey.ACCESS_KEYS, StepState.DONE)
    assert session.state(StepKey.FINISH) is StepState.TODO and session.steps_done == 4  # not seen yet
    assert session.summary_seen()
    assert session.state(StepKey.FINISH) is StepState.DONE and session.steps_done == 5


def test_a_summary_seen_early_is_ticked_once_the_making_steps_are_done() -> None:
    session = GuideSession()
    assert not session.summary_seen()
    for step in (StepKey.CREATE_USER, StepKey.MFA, StepKey.SIGN_IN, StepKey.ACCESS_KEYS):
        session.mark(step, StepState.DONE)
    assert session.state(StepKey.FINISH) is StepState.DONE


def test_removing_the_guides_user_clears_it_and_the_steps_made_for_it() -> None:
    session = GuideSession()
    session.choose_guide_user("bob")
    for step in (StepKey.SECURITY, StepKey.CREATE_USER, StepKey.MFA, StepKey.SIGN_IN, StepKey.ACCESS_KEYS):
        session.mark(step, StepState.DONE)
    assert session.summary_seen()
    assert session.state(StepKey.FINISH) is StepState.DONE
    assert session.user_removed("someone-else") is False and session.guide_user == "bob"
    assert session.user_removed("bob") is True
    assert session.guide_user is None
    assert session.state(StepKey.SECURITY) is StepState.DONE  # the account's checks are not the user's
    assert all(session.state(s) is StepState.TODO for s in (StepKey.CREATE_USER, StepKey.MFA, StepKey.SIGN_IN,
                                                             StepKey.ACCESS_KEYS, StepKey.FINISH))
