from __future__ import annotations

from collections.abc import Callable

import pytest

from iam_tui.app import IamTuiApp
from iam_tui.aws.service import IamService
from iam_tui.settings import ConnectionSettings


@pytest.fixture
def make_app(service: IamService) -> Callable[..., IamTuiApp]:
    """An app wired to the test's sandbox-backed service (arrange the service before calling this). Pass
    ``start_at=StepKey.X`` to start on that step's screen: no scan first (the dashboard scans when it is shown)."""

    def factory(**kwargs: object) -> IamTuiApp:
        async def connector(_settings: ConnectionSettings) -> IamService:
            await service.account.identity()
            return service

        app = IamTuiApp(ConnectionSettings(demo=True), connector=connector, **kwargs)  # type: ignore[arg-type]
        return app

    return factory
