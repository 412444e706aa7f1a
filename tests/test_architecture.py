"""ARCHITECTURE.md names only what exists: every path it quotes (code paths under ``iam_tui/``, others at the
repository's root; a ``*`` matches at least one file), and every ``path::Name`` or ``path::Class.member`` is
defined in that file. Links to docs and the README's and docs/development.md's links to it resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "ARCHITECTURE.md"
# A quoted path: has a slash or a file ending; optionally ::Name or ::Class.member.
QUOTED = re.compile(r"`([\w*.-]+(?:/[\w*.-]*)*?(?:/|\.(?:py|md|toml|tcss))(?:::[\w.]+)?)`")


def _quoted() -> list[str]:
    return sorted(set(QUOTED.findall(PAGE.read_text())))


def _files(path: str) -> list[Path]:
    for base in (ROOT / "iam_tui", ROOT):
        found = sorted(base.glob(path)) if "*" in path else [base / path] if (base / path).exists() else []
        if found:
            return found
    return []


def _defines(source: str, name: str) -> bool:
    return re.search(rf"^\s*(?:async\s+def|def|class)\s+{name}\b|^\s*{name}\s*(?::|=)", source, re.MULTILINE) \
        is not None


def test_the_page_quotes_paths() -> None:
    assert len(_quoted()) > 40  # the pattern still finds them


@pytest.mark.parametrize("quoted", _quoted())
def test_every_path_and_name_exists(quoted: str) -> None:
    path, _, names = quoted.partition("::")
    files = _files(path)
    assert files, f"ARCHITECTURE.md names {path}, which does not exist"
    if names:
        source = files[0].read_text()
        for name in names.split("."):
            assert _defines(source, name), f"ARCHITECTURE.md names {quoted}: {name} is not defined in {path}"


def test_the_page_is_linked_and_its_links_resolve() -> None:
    for page in (ROOT / "README.md", ROOT / "docs" / "development.md"):
        assert "ARCHITECTURE.md" in page.read_text(), f"{page.name} does not link ARCHITECTURE.md"
    for link in re.findall(r"\]\(([\w./-]+)\)", PAGE.read_text()):
        assert (ROOT / link).exists(), link
