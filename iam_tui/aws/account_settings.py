"""Reads for the account-level checks: contact details, the security contact, server certificates stored in IAM,
and IAM Access Analyzer. One call each (plus pages), never one per user."""

from __future__ import annotations

from typing import Any

from ..core.account_settings import (
    ANALYZER_NAME,
    AlternateContact,
    AnalyzerCoverage,
    ContactInformation,
    ServerCertificate,
)
from .calls import AwsCaller
from .errors import AwsError

# Access Analyzer's external-access kinds (CIS 1.19 / Security Hub IAM.28); the unused-access ones are another
# (paid) feature and do not count.
EXTERNAL_ACCESS_TYPES = frozenset({"ACCOUNT", "ORGANIZATION"})


async def _unless_not_found(awaitable: Any) -> Any:
    try:
        return await awaitable
    except AwsError as err:
        if err.code in {"ResourceNotFoundException", "ResourceNotFound"}:
            return None
        raise


async def read_contact_information(aws: AwsCaller) -> ContactInformation | None:
    data = await _unless_not_found(aws.call("account", "GetContactInformation"))
    info = (data or {}).get("ContactInformation")
    if not info:
        return None
    return ContactInformation(info.get("FullName", ""), info.get("PhoneNumber", ""), info.get("CompanyName"),
                              info.get("CountryCode"))


async def read_security_contact(aws: AwsCaller) -> AlternateContact | None:
    data = await _unless_not_found(aws.call("account", "GetAlternateContact", AlternateContactType="SECURITY"))
    contact = (data or {}).get("AlternateContact")
    if not contact:
        return None
    return AlternateContact(contact.get("Name", ""), contact.get("EmailAddress", ""), contact.get("PhoneNumber", ""),
                            contact.get("Title"))


async def read_server_certificates(aws: AwsCaller) -> tuple[ServerCertificate, ...]:
    pages = await aws.paginate("iam", "ListServerCertificates", ("ServerCertificateMetadataList",))
    return tuple(ServerCertificate(c["ServerCertificateName"], c.get("Arn", ""), c.get("Expiration"))
                 for c in pages["ServerCertificateMetadataList"])


async def read_analyzers(aws: AwsCaller) -> AnalyzerCoverage:
    """Active external-access analyzers in the session's region. Other regions would cost a call each, and
    which regions an account uses is not something IAM knows: the check says which region it looked at."""
    pages = await aws.paginate("accessanalyzer", "ListAnalyzers", ("analyzers",))
    names = tuple(a["name"] for a in pages["analyzers"]
                  if a.get("status") == "ACTIVE" and a.get("type") in EXTERNAL_ACCESS_TYPES)
    return AnalyzerCoverage({aws.ctx.region: names})


class AccountSettingsService:
    """The account-level changes the dashboard offers as fixes."""

    def __init__(self, caller: AwsCaller) -> None:
        self.aws = caller

    async def security_contact(self) -> AlternateContact | None:
        return await read_security_contact(self.aws)

    async def create_analyzer(self, name: str = ANALYZER_NAME) -> str:
        """CIS 1.19: an external-access analyzer (type ACCOUNT, free) in the session's region; returns the region.
        One of that name already there (a lost answer re-sent, or made elsewhere) counts as done once read back."""
        try:
            await self.aws.call("accessanalyzer", "CreateAnalyzer", analyzerName=name, type="ACCOUNT")
        except AwsError as err:
            if err.code != "ConflictException" or name not in (await read_analyzers(self.aws)).names():
                raise
        return self.aws.ctx.region

    async def set_security_contact(self, contact: AlternateContact) -> None:
        """PutAlternateContact requires all four fields: one left empty is refused here, before anything is sent
        (an empty Title would be sent as one and refused by AWS)."""
        missing = [label for label, value in (("Name", contact.name), ("Title", contact.title),
                                              ("EmailAddress", contact.email), ("PhoneNumber", contact.phone))
                   if not (value or "").strip()]
        if missing:
            raise AwsError("InvalidParameter", f"The security contact needs {', '.join(missing)}: "
                           "account:PutAlternateContact requires name, title, email address and phone number.",
                           "Fill in every field.", action="account:PutAlternateContact")
        await self.aws.call("account", "PutAlternateContact", AlternateContactType="SECURITY", Name=contact.name,
                            Title=contact.title, EmailAddress=contact.email, PhoneNumber=contact.phone)
