"""The README and docs/ show only commands that exist: make targets in the Makefile, iam-tui's subcommands and
options in its argument parser."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from iam_tui.__main__ import build_parser

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _command_lines(page: Path) -> list[str]:
    """Each line of the page's fenced code blocks, without its comment."""
    lines = re.findall(r"^```[a-z]*\n(.*?)^```", page.read_text(), flags=re.DOTALL | re.MULTILINE)
    return [line.split("  #")[0].split(" # ")[0].strip() for block in lines for line in block.splitlines()]


def _parser_words() -> tuple[set[str], set[str]]:
    """The subcommands and every option string of iam-tui and of its subcommands."""
    parser = build_parser()
    options, commands = set(parser._option_string_actions), set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                commands.add(name)
                options |= set(sub._option_string_actions)
    return commands, options


def _make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w.-]*):", (ROOT / "Makefile").read_text(), flags=re.MULTILINE))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_shown_exists(page: Path) -> None:
    commands, options = _parser_words()
    targets = _make_targets()
    shown = [line for line in _command_lines(page) if line]
    for line in shown:
        words = line.split()
        if "make" in words[:2] and words.index("make") + 1 < len(words):  # make X, or VAR=value make X
            target = words[words.index("make") + 1]
            assert target in targets, f"{page.name}: make {target} is not a Makefile target"
        if any(w.endswith("iam-tui") for w in words):
            start = next(i for i, w in enumerate(words) if w.endswith("iam-tui"))
            rest = words[start + 1:]
            if rest and not rest[0].startswith(("-", "[")):
                assert rest[0] in commands, f"{page.name}: iam-tui {rest[0]} is not a subcommand"
            for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]*", " ".join(rest)):
                assert flag in options, f"{page.name}: {flag} is not an option of iam-tui"


def test_the_readme_leads_with_the_picture_and_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    picture = re.search(r"!\[[^]]*\]\((docs/[\w.-]+\.svg)\)", text)
    assert picture and (ROOT / picture.group(1)).is_file()
    assert text.index(picture.group(0)) < text.index("make demo") < text.index("make test")
    for link in re.findall(r"\]\((docs/[\w.-]+)\)", text):
        assert (ROOT / link).is_file(), link
