"""Deleting an access key names the AWS CLI profiles that hold it and, once it is gone, offers to remove their
sections (``aws/key_profiles.py``): the keys screen's d, the plans that delete keys (the fixes, user removal)."""

from __future__ import annotations

from typing import Any

from ..aws import cli_profile
from ..aws.errors import AwsError
from ..aws.key_profiles import HeldProfile, held_note, profiles_holding, remove_profiles
from ..core.finish import Made
from .base import REFUSED, AppScreen, failure_text
from .confirm import ConfirmScreen
from .messages import Recorded


async def profiles_of(screen: AppScreen[Any], key_ids: list[str]) -> tuple[list[HeldProfile], str | None]:
    """The profiles holding any of ``key_ids``, and the review's line about them (None when there is none). A
    file that cannot be read is said in that line (the deletion itself does not depend on it)."""
    if not key_ids:
        return [], None
    service = screen.iam.service
    try:
        held = await profiles_holding(service, key_ids)
    except AwsError as err:
        return [], failure_text(err, "Could not look for AWS CLI profiles that hold the key.").plain
    return held, held_note(held, cli_profile.paths_for(service)) if held else None


async def offer_profile_removal(screen: AppScreen[Any], held: list[HeldProfile]) -> None:
    """After the keys are deleted: remove the sections that held them? (default: keep them)."""
    if not held:
        return
    names = ", ".join(f"{p.name} ({p.where})" for p in held)
    keys = ", ".join(dict.fromkeys(p.key_id for p in held))
    if not await screen.confirm(ConfirmScreen(
            f"{keys} is deleted. These AWS CLI profiles held it and no longer work: {names}. Remove their sections "
            "from the files? Every other line stays as it is.", yes="Remove the sections", no="Keep them")):
        return
    text = await screen.act("removing the AWS CLI profiles", remove_profiles(screen.iam.service, held), changed=None,
                            status=lambda failure: screen.notify(failure.plain, timeout=15, markup=False),
                            failed="The profiles were not removed.")
    if text is REFUSED:
        return
    screen.notify(text, timeout=15, markup=False)
    for profile in dict.fromkeys(p.name for p in held):
        screen.tell(Recorded(Made("AWS CLI profile", profile, "its key deleted, the profile removed", gone=True)))
