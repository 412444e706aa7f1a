"""Virtual MFA, pure parts: the otpauth URI that AWS's QR code encodes, and what kind of device a serial names."""

from __future__ import annotations

import re
import urllib.parse
from enum import StrEnum

from .secret import Secret

ISSUER = "Amazon Web Services"
MAX_DEVICES_PER_USER = 8  # IAM quota: MFA devices per user
SEED_GROUP = 4  # the secret key is shown in groups of four characters, as AWS's console does

_MFA_ARN = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:(?P<kind>mfa|u2f)/(?P<rest>.+)$")


def otpauth_uri(device_name: str, account: str, seed: Secret, *, issuer_in_label: bool = True) -> Secret:
    """The URI AWS encodes in a virtual device's QR code (``aws-facts.md``, "Virtual MFA"):
    ``otpauth://totp/Amazon%20Web%20Services:<device>@<alias-or-account-id>?secret=<seed>&issuer=...``.

    ``account`` is the account alias when there is one, else the account ID. The result holds the seed, so it is
    a Secret too.

    Without ``issuer_in_label`` the label is only ``<device>@<account>``: 24 bytes shorter, a QR code one version
    smaller (one that fits an 80x24 terminal). Authenticator apps name the account the same, from the ``issuer``
    parameter (the key URI format: the label's prefix is recommended, the parameter strongly recommended)."""
    quote = urllib.parse.quote
    label = f"{quote(device_name, safe='@')}@{quote(account, safe='')}"
    if issuer_in_label:
        label = f"{quote(ISSUER, safe='')}:{label}"
    seed_text = "".join(seed.reveal().split()).upper().rstrip("=")
    return Secret(f"otpauth://totp/{label}?secret={seed_text}&issuer={quote(ISSUER, safe='')}")


class MfaKind(StrEnum):
    VIRTUAL = "virtual (authenticator app)"
    FIDO = "passkey or security key"
    HARDWARE = "hardware TOTP token"


def device_kind(serial: str) -> MfaKind:
    """Virtual devices have an ``...:mfa/<name>`` ARN, passkeys and FIDO security keys an ``...:u2f/...`` ARN;
    a hardware TOTP token's serial is the token's own serial number (not an ARN)."""
    match = _MFA_ARN.match(serial)
    if match is None:
        return MfaKind.HARDWARE
    return MfaKind.FIDO if match["kind"] == "u2f" else MfaKind.VIRTUAL


def device_name(serial: str) -> str:
    """The name part of a device serial (``arn:...:mfa/path/alice`` -> ``alice``); the serial itself otherwise."""
    match = _MFA_ARN.match(serial)
    return match["rest"].rsplit("/", 1)[-1] if match else serial


def seed_secret(raw: bytes | str) -> Secret:
    """``Base32StringSeed`` as it arrives (bytes from boto3, text elsewhere), wrapped at once."""
    return Secret(raw.decode("ascii") if isinstance(raw, bytes) else str(raw))


def free_device_name(base: str, taken: list[str]) -> str:
    """``base``, or the first of ``base-2``, ``base-3``, ... no device uses (IAM names ignore case): the name the
    form proposes for a user's spare device is never one AWS then refuses."""
    used = {name.lower() for name in taken}
    if base.lower() not in used:
        return base
    number = 2
    while f"{base}-{number}".lower() in used:
        number += 1
    return f"{base}-{number}"
