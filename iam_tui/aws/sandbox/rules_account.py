"""The account-level answers moto 5.2.5 does not give: the account's contact information (AWS has it from
sign-up; moto answers 404), IAM Access Analyzer (not in moto at all) and IAM's ListOrganizationsFeatures (moto
answers 500, which botocore retries). A fresh account has contact details, no analyzer, no security contact (moto
keeps the alternate contacts itself) and no organization."""

from __future__ import annotations

from typing import Any

from moto.organizations.models import organizations_backends

from . import responses
from .fidelity import Caller, params_of
from .state import ACCOUNT_ID

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


def register(events: Any, caller: Caller) -> None:
    state = caller.state

    def contact_information(**_: Any) -> Any:
        return responses.ok({"ContactInformation": dict(CONTACT_INFORMATION)})

    def list_analyzers(context: dict[str, Any], **_: Any) -> Any:
        wanted = params_of(context).get("type")
        found = [a for a in state.analyzers.values() if wanted in (None, a["type"])]
        return responses.ok({"analyzers": found})

    def create_analyzer(context: dict[str, Any], **_: Any) -> Any:
        params = params_of(context)
        name, kind = str(params.get("analyzerName", "")), str(params.get("type", ""))
        if kind not in ANALYZER_TYPES:
            return responses.error("ValidationException", f"Invalid analyzer type {kind}.", 400)
        if name in state.analyzers:
            return responses.error("ConflictException", f"Analyzer {name} already exists.", 409)
        arn = f"arn:aws:access-analyzer:{caller.sandbox.region}:{ACCOUNT_ID}:analyzer/{name}"
        state.analyzers[name] = {"arn": arn, "name": name, "type": kind, "status": "ACTIVE"}
        return responses.ok({"arn": arn})

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
