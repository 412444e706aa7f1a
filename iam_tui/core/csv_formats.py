"""The CSV files the AWS console offers for download, byte for byte (UTF-8, no byte-order mark)."""

from __future__ import annotations

import csv
import io

from .secret import Secret

USER_CREDENTIALS_HEADER = ("User name", "Password", "Console sign-in URL")
ACCESS_KEY_HEADER = ("Access key ID", "Secret access key")
ACCESS_KEY_IMPORT_HEADER = ("User name", "Access key ID", "Secret access key")


def _csv(header: tuple[str, ...], row: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def user_credentials_csv(user_name: str, password: Secret, signin_url: str) -> bytes:
    """The console's new-user file: ``User name,Password,Console sign-in URL``."""
    return _csv(USER_CREDENTIALS_HEADER, (user_name, password.reveal(), signin_url))


def access_key_csv(access_key_id: str, secret_key: Secret, user_name: str | None = None) -> bytes:
    """The console's access key file; with ``user_name`` it also has the ``User name`` column that
    ``aws configure import --csv`` needs."""
    if user_name is None:
        return _csv(ACCESS_KEY_HEADER, (access_key_id, secret_key.reveal()))
    return _csv(ACCESS_KEY_IMPORT_HEADER, (user_name, access_key_id, secret_key.reveal()))


def default_credentials_filename(user_name: str) -> str:
    return f"{user_name}_credentials.csv"


def default_access_keys_filename(user_name: str) -> str:
    return f"{user_name}_accessKeys.csv"
