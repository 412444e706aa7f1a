"""The first-run scripts: which Python the Makefile picks, what it says when there is none, and a venv whose
interpreter is gone (AWS CloudShell keeps only $HOME across restarts)."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from iam_tui import __version__

ROOT = Path(__file__).resolve().parent.parent
FIND_PYTHON = ROOT / "scripts" / "find-python"
SH = shutil.which("sh") or "/bin/sh"


def stubs(folder: Path, **versions: tuple[int, int]) -> Path:
    """Stub interpreters that answer the version check as a Python of that version would."""
    folder.mkdir(exist_ok=True)
    for name, version in versions.items():
        ok = version >= (3, 11)
        stub = folder / name.replace("_", ".")
        stub.write_text(f"#!{SH}\n"
                        f'[ "$1" = --version ] && {{ echo "Python {version[0]}.{version[1]}.0"; exit 0; }}\n'
                        f"exit {0 if ok else 1}\n")
        stub.chmod(0o755)
    return folder


def find_python(path: Path, python: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(path)} | ({"PYTHON": python} if python else {})
    return subprocess.run([SH, str(FIND_PYTHON)], env=env, capture_output=True, text=True, check=False)


def test_the_newest_suitable_python_is_chosen(tmp_path: Path) -> None:
    path = stubs(tmp_path / "bin", python3=(3, 9), python3_11=(3, 11), python3_13=(3, 13))
    done = find_python(path)
    assert done.returncode == 0 and done.stdout.strip() == str(path / "python3.13")


def test_python3_when_it_is_new_enough(tmp_path: Path) -> None:
    path = stubs(tmp_path / "bin", python3=(3, 12))
    assert find_python(path).stdout.strip() == str(path / "python3")


def test_a_versioned_name_that_is_not_suitable_is_passed_over(tmp_path: Path) -> None:
    path = stubs(tmp_path / "bin", python3_12=(3, 10), python3_11=(3, 11))  # a stale shim, say
    assert find_python(path).stdout.strip() == str(path / "python3.11")


def test_none_suitable_says_how_to_install_one_here(tmp_path: Path) -> None:
    path = stubs(tmp_path / "bin", python3=(3, 9))  # Amazon Linux 2023 and CloudShell's python3
    done = find_python(path)
    assert done.returncode == 1 and done.stdout == ""
    assert f"python3 here is: {path / 'python3'}, Python 3.9.0." in done.stderr
    for command in ("sudo dnf install -y python3.11", "ppa:deadsnakes/ppa", "sudo apt install -y python3.11",
                    "brew install python@3.12", "make demo PYTHON="):
        assert command in done.stderr


def test_no_python_at_all(tmp_path: Path) -> None:
    done = find_python(stubs(tmp_path / "bin"))
    assert done.returncode == 1 and "python3 here is: none." in done.stderr


@pytest.mark.parametrize("version, chosen", [((3, 12), True), ((3, 10), False)])
def test_python_named_by_the_user(tmp_path: Path, version: tuple[int, int], chosen: bool) -> None:
    path = stubs(tmp_path / "bin", python3_13=(3, 13), mine=version)
    done = find_python(path, python="mine")
    if chosen:
        assert done.stdout.strip() == str(path / "mine")
    else:
        assert done.returncode == 1 and "PYTHON=mine is not a Python 3.11 or newer" in done.stderr


def a_clone_with_a_gone_venv(tmp_path: Path) -> Path:
    """The Makefile, scripts and locks in a folder whose .venv is installed but points at a vanished Python."""
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("Makefile", "pyproject.toml", "requirements.lock", "requirements-test.lock", "requirements-uv.lock"):
        shutil.copy(ROOT / name, clone / name)
    shutil.copytree(ROOT / "scripts", clone / "scripts")
    venv = clone / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /opt/gone/bin\nversion = 3.12.1\n")
    (venv / "bin" / "python").symlink_to("/opt/gone/bin/python3.12")
    for stamp in (".installed-run", ".installed"):
        (venv / stamp).touch()  # newer than the lock files: only the check can make make install again
    return clone


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_installs_again_when_the_venv_interpreter_is_gone(tmp_path: Path) -> None:
    clone = a_clone_with_a_gone_venv(tmp_path)
    dry = subprocess.run(["make", "-n", "demo"], cwd=clone, capture_output=True, text=True, check=True).stdout
    assert "scripts/venv run" in dry
    (clone / ".venv").joinpath("bin", "python").unlink()
    (clone / ".venv").joinpath("bin", "python").symlink_to(shutil.which("python3") or "/usr/bin/python3")
    healthy = subprocess.run(["make", "-n", "demo"], cwd=clone, capture_output=True, text=True, check=True).stdout
    assert "scripts/venv" not in healthy and ".venv/bin/iam-tui --demo" in healthy


def test_the_setup_script_says_the_venv_is_gone_and_makes_it_anew(tmp_path: Path) -> None:
    clone = a_clone_with_a_gone_venv(tmp_path)
    done = subprocess.run([SH, "scripts/venv", "check"], cwd=clone, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and not (clone / ".venv").exists()
    assert "The Python that .venv was made with (/opt/gone/bin) is gone" in done.stdout
    assert "making .venv again" in done.stdout


def test_the_package_version_is_the_one_the_app_shows() -> None:
    """pyproject.toml's version is static (uv_build reads no attribute): it must stay iam_tui.__version__."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == __version__ and "dynamic" not in project
