"""A plan as the equivalent AWS CLI commands (``aws iam ...``), shell-quoted, for people who want to keep a record
of what was done or repeat it elsewhere. Never with a secret: a password (or any :class:`Secret`) is a placeholder,
and a note says so."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .plan import PlanStep
from .secret import Secret

# Parameters that hold a secret even if a plan ever carried them as plain text.
SECRET_PARAMS = frozenset({"Password", "NewPassword", "OldPassword", "SecretAccessKey", "AuthenticationCode1",
                           "AuthenticationCode2", "ServicePassword"})


def kebab(name: str) -> str:
    """An API name as the AWS CLI spells it: ``DeleteSSHPublicKey`` -> ``delete-ssh-public-key``,
    ``ListMFADevices`` -> ``list-mfa-devices``, ``AccessKeyId`` -> ``access-key-id``."""
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", name)
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", spaced)
    return spaced.lower()


def placeholder(param: str) -> str:
    return f"<{kebab(param).upper()}>"


@dataclass(frozen=True)
class CliScript:
    commands: tuple[str, ...]
    notes: tuple[str, ...] = ()  # what the commands leave out (secrets), as shell comments in ``text()``

    def text(self) -> str:
        """The script to copy: the notes as ``#`` comments, then one command per line."""
        return "\n".join([*(f"# {note}" for note in self.notes), *self.commands]) + "\n"


def _value(value: Any) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def step_as_cli(step: PlanStep, profile: str | None = None) -> tuple[str, list[str]]:
    """One step as an ``aws iam`` (or its service's) command, and the notes on what it leaves out."""
    words = ["aws", step.service, kebab(step.operation)]
    notes = []
    for name, value in step.params.items():
        option = f"--{kebab(name)}"
        if isinstance(value, Secret) or name in SECRET_PARAMS:
            words += [option, placeholder(name)]
            notes.append(f"{step.operation}: the {kebab(name).replace('-', ' ')} is a secret and is not shown; "
                         f"replace {placeholder(name)} with it.")
        elif isinstance(value, bool):
            words.append(option if value else f"--no-{kebab(name)}")
        else:
            words += [option, _value(value)]
    if step.region:
        words += ["--region", step.region]
    if profile:
        words += ["--profile", profile]
    return " ".join(shlex.quote(w) for w in words), notes


def plan_as_cli(plan: Iterable[PlanStep], profile: str | None = None) -> CliScript:
    """Every step of ``plan`` as AWS CLI commands, in order (``--profile`` added when given)."""
    commands: list[str] = []
    notes: list[str] = []
    for step in plan:
        command, step_notes = step_as_cli(step, profile)
        commands.append(command)
        notes += [n for n in step_notes if n not in notes]
    return CliScript(tuple(commands), tuple(notes))
