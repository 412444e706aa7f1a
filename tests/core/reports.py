"""Build credential report CSV text for tests, column by column."""

from __future__ import annotations

from iam_tui.core.credential_report import COLUMNS

DEFAULTS = {
    "arn": "arn:aws:iam::123456789012:user/{user}",
    "user_creation_time": "2026-01-01T00:00:00+00:00",
    "password_enabled": "false",
    "password_last_used": "N/A",
    "password_last_changed": "N/A",
    "password_next_rotation": "N/A",
    "mfa_active": "false",
    "access_key_1_active": "false",
    "access_key_1_last_rotated": "N/A",
    "access_key_1_last_used_date": "N/A",
    "access_key_1_last_used_region": "N/A",
    "access_key_1_last_used_service": "N/A",
    "access_key_2_active": "false",
    "access_key_2_last_rotated": "N/A",
    "access_key_2_last_used_date": "N/A",
    "access_key_2_last_used_region": "N/A",
    "access_key_2_last_used_service": "N/A",
    "cert_1_active": "false",
    "cert_1_last_rotated": "N/A",
    "cert_2_active": "false",
    "cert_2_last_rotated": "N/A",
}


def row(user: str, **cells: str) -> str:
    values = {"user": user, **{k: v.format(user=user) for k, v in DEFAULTS.items()}, **cells}
    return ",".join(values[c] for c in COLUMNS)


def root_row(**cells: str) -> str:
    base = {"arn": "arn:aws:iam::123456789012:root", "password_enabled": "not_supported",
            "password_last_changed": "not_supported", "password_next_rotation": "not_supported"}
    return row("<root_account>", **{**base, **cells})


def report(*rows: str) -> str:
    return ",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n"
