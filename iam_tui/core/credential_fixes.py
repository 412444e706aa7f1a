"""Fixes for the checks on credentials: unused keys and passwords (CIS 1.10, 1.11), a second active key (1.12) and
root's access keys (1.3). Pure plan builders over what the service read (``aws/fix_inputs.py``).

Deactivating a key can be undone (the plan's roll back reactivates it); deleting a key or a console password
cannot, so those steps come last in a plan and the review says so. Keys are deactivated first and deleted by a
separate, later plan (:func:`delete_keys_plan`): a deactivated key that something still needed shows up as a
failure there, and can be reactivated, while a deleted one is gone.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from .access_keys import last_use_text
from .checks import CheckId, UnusedCredential, setup_keys_unused, unused_credentials
from .credential_report import ReportRow
from .fix_plan import FixItem, FixPlan, FixProblem
from .plan import PlanStep, final_step
from .scan_inputs import LiveKey, LiveUser, key_slots

RUNNING_KEY_NOTE = ("iam-tui signs its own calls with access key {key}: once it is {done}, iam-tui cannot make "
                    "another call with it. Go on as another identity first (step 5 writes a profile for a new key), "
                    "or make this the last thing you do here.")


def _user(user_name: str | None) -> dict[str, Any]:
    return {"UserName": user_name} if user_name else {}


def _whose(user_name: str | None) -> str:
    return user_name or "root"


def _deactivate(user_name: str | None, key_id: str) -> PlanStep:
    params = {**_user(user_name), "AccessKeyId": key_id}
    return PlanStep(f"Deactivate {_whose(user_name)}'s access key {key_id}", "UpdateAccessKey",
                    {**params, "Status": "Inactive"}, "UpdateAccessKey", {**params, "Status": "Active"})


def _delete(user_name: str | None, key_id: str) -> PlanStep:
    return final_step(f"Delete {_whose(user_name)}'s access key {key_id}", "DeleteAccessKey",
                      {**_user(user_name), "AccessKeyId": key_id},
                      "a deleted access key is gone for good; a new key has a new ID and secret.")


def _key_facts(key: LiveKey) -> str:
    made = f"created {key.created:%Y-%m-%d}" if key.created else "creation date unknown"
    return f"{made}, last used {last_use_text(key.last_used, key.last_used_service, key.last_used_region)}"


def _running(keys: Sequence[str], running_key_id: str | None) -> tuple[str, ...]:
    return tuple(k for k in keys if k == running_key_id)


def _running_note(confirm: tuple[str, ...], done: str) -> tuple[str, ...]:
    return tuple(RUNNING_KEY_NOTE.format(key=key, done=done) for key in confirm)


def unused_findings(row: ReportRow, now: datetime) -> list[UnusedCredential]:
    """What CIS 1.10 and 1.11 find unused for this user (the same rules as the checks)."""
    return setup_keys_unused(row) + unused_credentials(row, now)


def unused_credentials_plan(live: LiveUser, row: ReportRow, now: datetime,
                            running_key_id: str | None = None) -> FixPlan:
    """Deactivate each of the user's unused access keys, and remove an unused console password (DeleteLoginProfile,
    the console's "disable console access": it cannot be undone, the user signs in again only once an admin sets
    a new password). ``row`` is the user's credential report row corrected by ``live`` (``effective_user_rows``):
    the report says when the password was last used, ``live`` which key ID is in which slot.

    The plan is empty when nothing is unused. Deleting the deactivated keys is a later plan
    (:func:`delete_keys_plan`)."""
    findings = unused_findings(row, now)
    slots = key_slots(live.keys)
    why: dict[int | None, list[str]] = {}
    for found in findings:
        reasons = why.setdefault(found.slot, [])
        text = f"{found.why} ({'CIS 1.10' if found.check_id == CheckId.SETUP_KEYS_UNUSED else 'CIS 1.11'})"
        if text not in reasons:
            reasons.append(text)
    steps: list[PlanStep] = []
    items: list[FixItem] = []
    keys: list[str] = []
    for slot, key in slots.items():
        if slot in why and key.active:
            steps.append(_deactivate(live.name, key.access_key_id))
            items.append(FixItem(f"access key {key.access_key_id} (key {slot}): deactivate", "; ".join(why[slot])))
            keys.append(key.access_key_id)
    notes: list[str] = []
    if keys:
        notes.append("A deactivated key can be reactivated. Once nothing has broken, delete it (the keys' fix "
                     "offers it as a separate step).")
    if None in why and live.password_enabled:
        steps.append(final_step(f"Remove {live.name}'s console password", "DeleteLoginProfile",
                                {"UserName": live.name},
                                "AWS never reveals a password: the user would need a new one."))
        items.append(FixItem("console password: remove", "; ".join(why[None])))
        notes.append(f"Removing the console password cannot be undone: {live.name} can sign in to the console "
                     "again only after an admin sets a new password.")
    confirm = _running(keys, running_key_id)
    return FixPlan(f"Disable {live.name}'s unused credentials",
                   tuple(steps), tuple(items), tuple(notes) + _running_note(confirm, "deactivated"), confirm,
                   (live.name,) if steps else ())


def one_active_key_plan(user_name: str, keys: Sequence[LiveKey], deactivate: str,
                        running_key_id: str | None = None) -> FixPlan:
    """CIS 1.12: deactivate the key the person chose (``deactivate``, one of the user's active keys); the other
    stays active. Raises FixProblem for a key that is not one of the user's active keys."""
    chosen = next((k for k in keys if k.access_key_id == deactivate), None)
    if chosen is None:
        raise FixProblem(f"{deactivate} is not one of {user_name}'s access keys: pick one of the listed keys.")
    if not chosen.active:
        raise FixProblem(f"{deactivate} is already inactive: nothing to do.")
    others = [k for k in keys if k.active and k.access_key_id != deactivate]
    slot = next(s for s, k in key_slots(keys).items() if k.access_key_id == deactivate)
    notes = [f"{', '.join(k.access_key_id for k in others)} stays active." if others else
             f"{user_name} will have no active access key left."]
    notes.append("A deactivated key can be reactivated; delete it once nothing has broken.")
    confirm = _running([deactivate], running_key_id)
    return FixPlan(f"Deactivate {user_name}'s access key {deactivate}",
                   (_deactivate(user_name, deactivate),),
                   (FixItem(f"access key {deactivate} (key {slot}): deactivate",
                            f"{len(others) + 1} active keys (CIS 1.12 allows one); {_key_facts(chosen)}"),),
                   tuple(notes) + _running_note(confirm, "deactivated"), confirm, (user_name,))


def delete_keys_plan(user_name: str | None, keys: Sequence[LiveKey], key_ids: Collection[str] | None = None,
                     described: Collection[str] = ()) -> FixPlan:
    """Delete inactive keys (``key_ids``, default every inactive key of the user): the step after deactivating.
    ``described``: key IDs that have the console's description tag, removed with the key (as the console does).
    Raises FixProblem for an active key (deactivate it first: its use then shows before it is gone)."""
    wanted = [k for k in keys if (k.access_key_id in key_ids if key_ids is not None else not k.active)]
    missing = set(key_ids or ()) - {k.access_key_id for k in keys}
    if missing:
        raise FixProblem(f"{', '.join(sorted(missing))} is not one of {_whose(user_name)}'s access keys.")
    active = [k.access_key_id for k in wanted if k.active]
    if active:
        raise FixProblem(f"{', '.join(active)} is still active: deactivate it first, then delete it once nothing "
                         "has broken.")
    steps: list[PlanStep] = []
    for key in wanted:
        steps.append(_delete(user_name, key.access_key_id))
        if user_name and key.access_key_id in described:
            steps.append(final_step(f"Remove the description tag of key {key.access_key_id}", "UntagUser",
                                    {"UserName": user_name, "TagKeys": [key.access_key_id]},
                                    "the description belongs to the key deleted just before."))
    items = tuple(FixItem(f"access key {k.access_key_id}: delete", f"inactive; {_key_facts(k)}") for k in wanted)
    return FixPlan(f"Delete {_whose(user_name)}'s inactive access keys", tuple(steps), items,
                   ("Deleting a key cannot be undone.",), (), (user_name,) if user_name and steps else ())


def root_keys_plan(keys: Sequence[LiveKey], running_key_id: str | None) -> FixPlan:
    """CIS 1.3: delete every root access key (``keys``: root's keys, read as root). The key iam-tui runs on, if
    it is one of them, is deleted last and listed in ``confirm_twice``: after it is gone iam-tui cannot make
    another call with it."""
    ordered = sorted(keys, key=lambda k: k.access_key_id == running_key_id)
    confirm = _running([k.access_key_id for k in ordered], running_key_id)
    items = tuple(FixItem(f"root access key {k.access_key_id}: delete",
                          f"a root access key is a password to everything that cannot be limited (CIS 1.3); "
                          f"{'active' if k.active else 'inactive'}, {_key_facts(k)}"
                          + ("; iam-tui is signing its calls with it now" if k.access_key_id == running_key_id
                             else "")) for k in ordered)
    return FixPlan("Delete the root user's access keys",
                   tuple(_delete(None, k.access_key_id) for k in ordered), items,
                   ("Deleting a key cannot be undone; root keeps its password (and MFA) for the console.",
                    *_running_note(confirm, "deleted")), confirm)
