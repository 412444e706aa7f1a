"""The first scan started while connecting (aws/early_scan.py): who-am-I asked once, the scan handed over only
while it still says how the account is."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import warnings

import pytest

from iam_tui.aws import early_scan
from iam_tui.aws.errors import AwsError
from iam_tui.aws.models import ScanResult
from iam_tui.aws.scan import SCAN_INPUTS
from iam_tui.aws.service import IamService
from iam_tui.core.authz import AuthorizationDetails
from iam_tui.core.scan_inputs import AccountSummary

from ..helpers import inject_error, operations


async def test_connecting_and_the_early_scan_ask_who_am_i_once_and_the_scan_is_handed_over(
        service: IamService) -> None:
    asked = operations(service)
    service.scan.start_early()
    identity = await service.account.identity()  # what connecting awaits
    progress: list[tuple[int, int, str]] = []
    result = await service.scan.scan(progress=lambda *event: progress.append(event))
    assert asked.count("GetCallerIdentity") == 1 and asked.count("ListAccountAliases") == 1
    assert asked.count("GetAccountSummary") == 1  # one scan, not two
    assert result.identity == identity
    assert [done for done, _, _ in progress] == list(range(1, SCAN_INPUTS + 1))  # told all of it, in order
    asked.clear()
    await service.scan.scan()  # the next one reads again
    assert asked.count("GetAccountSummary") == 1


async def test_identity_asked_twice_at_once_is_read_once(service: IamService) -> None:
    asked = operations(service)
    first, second = await asyncio.gather(service.account.identity(), service.account.identity())
    assert first == second and asked.count("GetCallerIdentity") == 1


async def test_a_change_made_meanwhile_makes_the_scan_read_again(service: IamService) -> None:
    service.scan.start_early()
    await service.account.identity()
    await service.aws.call("iam", "CreateUser", UserName="made-meanwhile")
    asked = operations(service)
    result = await service.scan.scan()
    assert asked.count("GetAccountSummary") == 1
    assert result.inputs is not None and isinstance(result.inputs.authz, AuthorizationDetails)
    assert "made-meanwhile" in {user.name for user in result.inputs.authz.users}


async def test_an_early_scan_older_than_its_freshness_is_not_used(service: IamService,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(early_scan, "FRESH_FOR_S", 0.0)
    service.scan.start_early()
    await service.account.identity()
    asked = operations(service)
    await service.scan.scan()
    assert asked.count("GetAccountSummary") == 1


async def test_a_failed_connection_cancels_the_early_scan_and_a_scan_after_it_works(service: IamService) -> None:
    inject_error(service, "sts", "GetCallerIdentity", "InvalidClientTokenId", "The security token is invalid.",
                 status=403, times=1)
    service.scan.start_early()
    assert service.scan._early is not None
    early = service.scan._early.task
    with pytest.raises(AwsError) as failed:
        await service.account.identity()
    assert failed.value.code == "InvalidClientTokenId"
    service.scan.drop_early()
    # Once the cancelled scan has unwound (waiting a fixed 10 ms for that failed once on a loaded machine):
    await asyncio.wait({early}, timeout=30)
    assert early.done() and service.ctx.call_listeners == []  # nothing left listening
    result = await service.scan.scan()  # asks who-am-I again, which now works
    assert result.identity.account_id


async def test_a_scan_cancelled_as_its_reads_start_leaves_no_coroutine_unawaited(
        service: IamService, monkeypatch: pytest.MonkeyPatch) -> None:
    """A newer scan, or quitting, cancels a scan at any point. Cancelled as it handed its reads to asyncio.gather,
    it left a coroutine per read that never ran: Python reports each on stderr ("coroutine ... was never awaited")
    when it is collected, under the shell prompt of a person who had quit."""
    await service.account.identity()
    summary = service.account.summary
    scans: list[asyncio.Future[ScanResult]] = []

    async def summary_then_cancelled() -> AccountSummary:
        scans[0].cancel()  # the summary's read starts just before the others: they are scheduled, none has run
        return await summary()

    monkeypatch.setattr(service.account, "summary", summary_then_cancelled)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scans.append(asyncio.ensure_future(service.scan.scan()))
        with contextlib.suppress(asyncio.CancelledError):
            await scans[0]
        assert scans.pop().cancelled()
        gc.collect()
    assert [str(w.message) for w in caught if "never awaited" in str(w.message)] == []
