from __future__ import annotations

from textual.widgets import Static

from iam_tui.core.finish import Made
from iam_tui.guide import MAKING_STEPS, StepKey, StepState
from iam_tui.screens.finish import FinishScreen
from iam_tui.screens.messages import Recorded, StepDone
from iam_tui.widgets.guide_navigator import GuideNavigator

from ..helpers import MakeApp
from .pilot import settle


async def test_the_summary_lists_what_was_made_and_the_checks_and_is_done_with_the_guide(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.post_message(Recorded(Made("IAM user", "alice")))
        for step in MAKING_STEPS:
            app.post_message(StepDone(step))
        await pilot.pause()
        navigator = app.screen.query_one(GuideNavigator)
        assert "6 ○ Summary" in str(navigator.get_option_at_index(5).prompt)  # not ticked before it is seen
        assert app.session.state(StepKey.FINISH) is StepState.TODO
        await pilot.press("g", "6")  # the digits open steps from the guide list
        await settle(pilot)
        assert isinstance(app.screen, FinishScreen)
        assert app.session.state(StepKey.FINISH) is StepState.DONE
        text = str(app.screen.query_one("#finish-text", Static).render())
        assert "Guide steps done: 5 of 6." in text and "• IAM user: alice" in text  # as the six-step list counts
        assert "✗ 1.4 Root user has MFA (console only)" in text  # from the dashboard's scan
