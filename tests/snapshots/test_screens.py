"""The screens as a person sees them (see conftest.py)."""

from __future__ import annotations

from iam_tui.screens.dashboard import DashboardScreen

from ..screens.waiting import until_screen


async def test_dashboard(make_app, admin, shoot) -> None:
    admin.create_user(UserName="alice")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, DashboardScreen)
        await shoot(pilot)
