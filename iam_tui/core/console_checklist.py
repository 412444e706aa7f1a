"""The fixes that have no API (root MFA, CIS 1.4 and 1.5): the check's own fix text as a checklist of console clicks,
and whether ``GetAccountSummary`` shows it done."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Checklist:
    intro: str  # "Console only (no API exists)"
    clicks: tuple[str, ...]  # each place to click, in order
    after: tuple[str, ...] = ()  # what follows the clicks ("then remove root's virtual device ...")


def console_checklist(fix_text: str) -> Checklist:
    """``"Console only: sign in as root > account menu > ... > Assign MFA device; then remove ..."`` as its intro,
    its clicks and what comes after them."""
    intro, _, path = fix_text.partition(": ")
    if not path:
        intro, path = "", fix_text
    clicks_text, *after = [part.strip() for part in path.split("; ")]
    clicks = tuple(click.strip().rstrip(".") for click in clicks_text.split(" > ") if click.strip())
    return Checklist(intro, clicks, tuple(a.removeprefix("then ").rstrip(".") + "." for a in after if a))


def checklist_text(checklist: Checklist) -> str:
    lines = [f"{checklist.intro}:" if checklist.intro else "In the AWS console:"]
    lines += [f"  {number}. {click}" for number, click in enumerate(checklist.clicks, start=1)]
    lines += [f"  Then: {after}" for after in checklist.after]
    return "\n".join(lines)
