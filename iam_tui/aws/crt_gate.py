"""botocore imports awscrt as soon as botocore itself is imported: ~35 ms, a fifth of importing botocore, paid by
``iam-tui check`` and by the TUI before its first scan. Of what iam-tui does, only an `aws login` profile
(``login_session``) needs awscrt: IAM, STS, Organizations, Account and Access Analyzer requests are signed in Python.

So when no profile of the AWS config file mentions ``login_session``, botocore is imported with awscrt hidden and
runs as it does when the ``crt`` extra is not installed (``botocore.compat.HAS_CRT`` is false). The test is
deliberately coarse: any mention of ``login_session`` anywhere in the file, or a file that cannot be read, imports
awscrt as usual. Imports nothing heavy itself; call it before anything imports botocore.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from ..core.aws_config import cli_paths

LOGIN_KEY = b"login_session"


def may_need_crt(env: Mapping[str, str], home: Path) -> bool:
    """Whether a profile of the config file could use `aws login` (which needs awscrt)."""
    path = cli_paths(env, home).config
    try:
        with open(path, "rb") as config:
            return LOGIN_KEY in config.read()
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return True  # unreadable here means unknown: keep what botocore would do


def import_botocore(env: Mapping[str, str] | None = None, home: Path | None = None) -> bool:
    """Import botocore, without awscrt when no profile may need it. Returns whether awscrt was left out. Does
    nothing when botocore (or awscrt) is already imported: it is too late, or someone wants awscrt."""
    if "botocore" in sys.modules or "awscrt" in sys.modules:
        return False
    if may_need_crt(os.environ if env is None else env, Path.home() if home is None else home):
        import botocore.compat
        return False
    sys.modules["awscrt"] = None  # type: ignore[assignment]  # `import awscrt` raises ImportError while set
    try:
        import botocore.compat  # noqa: F401  (decides HAS_CRT once, now)
    finally:
        if sys.modules.get("awscrt", 0) is None:
            del sys.modules["awscrt"]  # anything else may import it normally later
    return True
