from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from iam_tui.core.csv_formats import access_key_csv, default_access_keys_filename, user_credentials_csv
from iam_tui.core.secret import Secret
from iam_tui.files import NotARegularFile, TargetExists, existing_target, file_mode, write_private_file


def test_new_file_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = write_private_file(tmp_path / "a.csv", b"secret")
    finally:
        os.umask(old)
    assert path.read_bytes() == b"secret" and file_mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]  # no temporary left behind


def test_never_overwrites_silently(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_bytes(b"keep me")
    with pytest.raises(TargetExists):
        write_private_file(target, b"new")
    assert target.read_bytes() == b"keep me"
    write_private_file(target, b"new", overwrite=True)
    assert target.read_bytes() == b"new" and file_mode(target) == 0o600


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_private_file(tmp_path / "nope" / "a.csv", b"x")


def test_a_failed_write_leaves_the_old_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "config"
    target.write_bytes(b"old")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        write_private_file(target, b"new", overwrite=True)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["config"]


def test_console_user_csv_bytes() -> None:
    data = user_credentials_csv("alice", Secret("p,a\"ss"), "https://123456789012.signin.aws.amazon.com/console")
    assert data == (b'User name,Password,Console sign-in URL\r\n'
                    b'alice,"p,a""ss",https://123456789012.signin.aws.amazon.com/console\r\n')
    assert not data.startswith(b"\xef\xbb\xbf")


def test_access_key_csv_bytes_with_and_without_user_name() -> None:
    assert access_key_csv("AKIAX", Secret("s3cr3t")) == b"Access key ID,Secret access key\r\nAKIAX,s3cr3t\r\n"
    assert access_key_csv("AKIAX", Secret("s3cr3t"), "alice") == (
        b"User name,Access key ID,Secret access key\r\nalice,AKIAX,s3cr3t\r\n")
    assert default_access_keys_filename("alice") == "alice_accessKeys.csv"


def test_only_regular_files_are_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    to_device = tmp_path / "null.csv"
    to_device.symlink_to(os.devnull)
    for target, kind in ((fifo, "a FIFO"), (to_device, "a device"), (tmp_path, "a folder")):
        for overwrite in (False, True):
            with pytest.raises(NotARegularFile, match=kind):
                write_private_file(target, b"secret", overwrite=overwrite)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and to_device.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null.csv", "pipe.csv"]


def test_a_dangling_symlink_is_replaced_only_when_asked(tmp_path: Path) -> None:
    link = tmp_path / "a.csv"
    link.symlink_to(tmp_path / "gone" / "a.csv")
    assert existing_target(link) == "dangling link"
    with pytest.raises(TargetExists):
        write_private_file(link, b"new")
    assert link.is_symlink()
    write_private_file(link, b"new", overwrite=True)
    assert not link.is_symlink() and link.read_bytes() == b"new" and file_mode(link) == 0o600


def test_keep_mode_keeps_an_existing_files_mode_and_a_new_file_is_0600(tmp_path: Path) -> None:
    target = tmp_path / "credentials"
    target.write_bytes(b"old")
    os.chmod(target, 0o400)
    write_private_file(target, b"new", overwrite=True, keep_mode=True)
    assert target.read_bytes() == b"new" and file_mode(target) == 0o400
    write_private_file(target, b"newer", overwrite=True)  # without it, 0600 as before
    assert file_mode(target) == 0o600
    assert file_mode(write_private_file(tmp_path / "fresh", b"x", keep_mode=True)) == 0o600
