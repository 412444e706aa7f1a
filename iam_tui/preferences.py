"""The person's choices kept between runs (the theme), in a small JSON file under the XDG config folder:
``$XDG_CONFIG_HOME/iam-tui/settings.json`` (``~/.config/iam-tui/settings.json`` by default), mode 0600.

Never anything about AWS and never a secret. A file that cannot be read or understood is ignored with a one-line
note: the app starts as if there were none, and the next change writes a good one."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .files import write_private_file

FILE_NAME = "settings.json"
MAX_BYTES = 64 * 1024  # a settings file is a few dozen bytes: anything larger is not ours


@dataclass(frozen=True)
class Preferences:
    theme: str | None = None


def preferences_path(env: Mapping[str, str] = os.environ, home: Path | None = None) -> Path:
    """The XDG Base Directory rule: an absolute ``XDG_CONFIG_HOME``, else ``~/.config``."""
    base = env.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else (home or Path.home()) / ".config"
    return root / "iam-tui" / FILE_NAME


def load_preferences(path: Path) -> tuple[Preferences, str | None]:
    """The stored preferences and, when the file was there but unusable, a one-line note saying it is ignored."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Preferences(), None
    except OSError as exc:
        return Preferences(), f"Settings file {path} ignored: {exc.strerror or exc}."
    try:
        if len(raw) > MAX_BYTES:
            raise ValueError("too large")
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        theme = data.get("theme")
        if theme is not None and not isinstance(theme, str):
            raise ValueError("theme is not a string")
    except (ValueError, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc).split(":")[0]
        return Preferences(), f"Settings file {path} ignored ({reason}); it is rewritten when you change the theme."
    return Preferences(theme=theme), None


def save_preferences(path: Path, preferences: Preferences) -> str | None:
    """Write the file (its folder made 0700 if needed); on failure the one-line problem, never an exception."""
    data = json.dumps({"theme": preferences.theme}, indent=2).encode() + b"\n"
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_private_file(path, data, overwrite=True)
    except OSError as exc:
        return f"The theme was not saved to {path}: {exc.strerror or exc}."
    return None
