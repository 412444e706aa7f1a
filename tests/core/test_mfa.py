"""The otpauth URI and device kinds."""

from __future__ import annotations

import urllib.parse

import pytest

from iam_tui.core.mfa import MfaKind, device_kind, device_name, free_device_name, otpauth_uri
from iam_tui.core.secret import Secret

SEED = Secret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")


def test_uri_exactly_as_aws_encodes_it() -> None:
    uri = otpauth_uri("alice", "123456789012", SEED)
    assert isinstance(uri, Secret) and SEED.reveal() not in repr(uri)
    assert uri.reveal() == (
        "otpauth://totp/Amazon%20Web%20Services:alice@123456789012"
        f"?secret={SEED.reveal()}&issuer=Amazon%20Web%20Services"
    )


def test_uri_without_the_issuer_in_its_label_names_the_issuer_once() -> None:
    uri = otpauth_uri("alice", "123456789012", SEED, issuer_in_label=False).reveal()
    assert uri == f"otpauth://totp/alice@123456789012?secret={SEED.reveal()}&issuer=Amazon%20Web%20Services"


def test_uri_uses_the_alias_and_encodes_the_device_name() -> None:
    uri = otpauth_uri("a+b=c,d.e@f_g-h", "my-company", SEED).reveal()
    assert uri.startswith("otpauth://totp/Amazon%20Web%20Services:a%2Bb%3Dc%2Cd.e@f_g-h@my-company?secret=")
    label = urllib.parse.unquote(urllib.parse.urlsplit(uri).path.removeprefix("/"))
    assert label == "Amazon Web Services:a+b=c,d.e@f_g-h@my-company"
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)
    assert query == {"secret": [SEED.reveal()], "issuer": ["Amazon Web Services"]}


def test_uri_seed_is_normalised() -> None:
    spaced = Secret("jbsw y3dp ehpk 3pxp====")
    assert "secret=JBSWY3DPEHPK3PXP&" in otpauth_uri("d", "123456789012", spaced).reveal()


@pytest.mark.parametrize("serial, kind, name", [
    ("arn:aws:iam::123456789012:mfa/alice", MfaKind.VIRTUAL, "alice"),
    ("arn:aws:iam::123456789012:mfa/team/ops/alice-phone", MfaKind.VIRTUAL, "alice-phone"),
    ("arn:aws-cn:iam::123456789012:mfa/bob", MfaKind.VIRTUAL, "bob"),
    ("arn:aws:iam::123456789012:u2f/user/alice/fidosecuritykey-ABCDEF", MfaKind.FIDO, "fidosecuritykey-ABCDEF"),
    ("GAHT12345678", MfaKind.HARDWARE, "GAHT12345678"),
])
def test_device_kinds(serial: str, kind: MfaKind, name: str) -> None:
    assert device_kind(serial) is kind and device_name(serial) == name


def test_a_spare_devices_name_is_a_free_one() -> None:
    assert free_device_name("alice", []) == "alice"
    assert free_device_name("alice", ["Alice"]) == "alice-2"
    assert free_device_name("alice", ["alice", "ALICE-2", "bob"]) == "alice-3"
