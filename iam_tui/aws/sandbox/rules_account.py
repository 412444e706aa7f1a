"""The account-level answers moto 5.2 does not give: the account's contact information (AWS has it from sign-up;
moto answers 404), the account's regions (account:ListRegions), IAM Access Analyzer (not in moto at all; per
region, as in AWS: an analyzer lives in the region of the call that made it) and IAM's ListOrganizationsFeatures
(moto answers 500, which botocore retries). A fresh account has contact details, the regions AWS enables by default,
no analyzer, no security contact (moto keeps the alternate contacts itself) and no organization."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from moto.organizations.models import organizations_backends

from . import responses
from .fidelity import Caller, params_of
from .state import ACCOUNT_ID, REGION, REGIONS_OPT_IN

CONTACT_INFORMATION = {
    "FullName": "Demo Owner",
    "CompanyName": "Example Corp",
    "PhoneNumber": "+1 206-555-0100",
    "AddressLine1": "410 Terry Ave N",
    "City": "Seattle",
    "StateOrRegion": "WA",
    "PostalCode": "98109",
    "CountryCode": "US",
}
ANALYZER_TYPES = frozenset({"ACCOUNT", "ORGANIZATION", "ACCOUNT_UNUSED_ACCESS", "ORGANIZATION_UNUSED_ACCESS"})


def _region(context: dict[str, Any]) -> str:
    return str(context.get("client_region") or REGION)


def register(events: Any, caller: Caller) -> None:
    state = caller.state

    def contact_information(**_: Any) -> Any:
        return responses.ok({"ContactInformation": dict(CONTACT_INFORMATION)})

    def list_regions(context: dict[str, Any], **_: Any) -> Any:
        wanted = set(params_of(context).get("RegionOptStatusContains") or ())
        regions = [{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"} for r in state.regions]
        regions += [{"RegionName": r, "RegionOptStatus": "DISABLED"} for r in REGIONS_OPT_IN]
        return responses.ok({"Regions": [r for r in regions if not wanted or r["RegionOptStatus"] in wanted]})

    def list_analyzers(context: dict[str, Any], **_: Any) -> Any:
        wanted = params_of(context).get("type")
        here = state.analyzers.get(_region(context), {})
        return responses.ok({"analyzers": [dict(a) for a in here.values() if wanted in (None, a["type"])]})

    def create_analyzer(context: dict[str, Any], **_: Any) -> Any:
        params = params_of(context)
        name, kind, region = str(params.get("analyzerName", "")), str(params.get("type", "")), _region(context)
        if kind not in ANALYZER_TYPES:
            return responses.error("ValidationException", f"Invalid analyzer type {kind}.", 400)
        here = state.analyzers.setdefault(region, {})
        if name in here:
            return responses.error("ConflictException", f"Analyzer {name} already exists.", 409)
        arn = f"arn:aws:access-analyzer:{region}:{ACCOUNT_ID}:analyzer/{name}"
        here[name] = {"arn": arn, "name": name, "type": kind, "status": "ACTIVE", "createdAt": datetime.now(UTC)}
        return responses.ok({"arn": arn})

    def delete_analyzer(context: dict[str, Any], **_: Any) -> Any:
        name = str(params_of(context).get("analyzerName", ""))
        if state.analyzers.get(_region(context), {}).pop(name, None) is None:
            return responses.error("ResourceNotFoundException", f"Analyzer {name} not found.", 404)
        return responses.ok()

    def organizations_features(**_: Any) -> Any:
        organizations = organizations_backends[ACCOUNT_ID]["aws"]  # the sandbox is in the standard partition
        if organizations.org is not None:  # the management account; moto enables no IAM feature
            return responses.ok({"OrganizationId": organizations.org.id, "EnabledFeatures": []})
        if ACCOUNT_ID in organizations_backends.master_accounts:
            return responses.error("AccountNotManagementOrDelegatedAdministratorException",
                                   "The request failed because the account is not the management account or "
                                   "delegated administrator of the organization.", 400)
        return responses.error("OrganizationNotFoundException",
                               "The request failed because your credentials do not belong to an organization.", 400)

    events.register("before-call.account.GetContactInformation", contact_information)
    events.register("before-call.iam.ListOrganizationsFeatures", organizations_features)
    events.register("before-call.accessanalyzer.ListAnalyzers", list_analyzers)
    events.register("before-call.accessanalyzer.CreateAnalyzer", create_analyzer)
    events.register("before-call.accessanalyzer.DeleteAnalyzer", delete_analyzer)
    events.register("before-call.account.ListRegions", list_regions)
