"""A Textual ``Validator`` over one of ``core``'s rules, so every field shows its problem the same way."""

from __future__ import annotations

from collections.abc import Callable

from textual.validation import ValidationResult, Validator

Rule = Callable[[str], str | None]  # what is wrong with the value, in words, or None when it is fine


class CoreRule(Validator):
    """The one validator of the app's fields: ``rule(value)`` (one of ``core``'s rules) says what is wrong."""

    def __init__(self, rule: Rule) -> None:
        super().__init__()
        self.rule = rule

    def validate(self, value: str) -> ValidationResult:
        problem = self.rule(value)
        return self.failure(problem, value) if problem else self.success()


def first_problem(result: ValidationResult | None) -> str | None:
    """The problem to show under a field, or None when it is valid (or was not validated)."""
    if result is None or result.is_valid:
        return None
    return result.failure_descriptions[0] if result.failure_descriptions else "not valid"
