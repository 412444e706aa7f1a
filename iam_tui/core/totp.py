"""Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps), as AWS virtual MFA devices
and every authenticator app use them, and the check iam-tui runs on two codes before ``EnableMFADevice``.

``EnableMFADevice`` wants two *consecutive* codes. Checking them here first lets the app say what is wrong (a typo,
the same code twice, codes that are not consecutive, a phone clock that is off) instead of AWS's one
``InvalidAuthenticationCode``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from dataclasses import dataclass
from enum import StrEnum

from .secret import Secret

STEP_SECONDS = 30
DIGITS = 6
# The first code's time step may be this many steps before the current one, or the current one: the person reads
# a code, waits for the next, types both; a slow typist is one step late, a phone a little ahead is one step early.
EARLIEST_STEP = -2
LATEST_STEP = 0
# How far apart the phone's clock and this computer's may be for the app to still recognise the codes (and so
# name the problem "clock" rather than "typo"): 60 steps = 30 minutes either way.
SKEW_SEARCH_STEPS = 60


def decode_seed(seed: Secret | str) -> bytes:
    """The key bytes of a base32 seed (spaces, lowercase and missing padding tolerated, as authenticator apps do).

    Raises ValueError when it is not base32; the message never echoes the seed, and the raw seed is never a local
    of the raising frame (a traceback that prints locals would show it)."""
    try:
        return _b32(seed if isinstance(seed, Secret) else Secret(seed))
    except (binascii.Error, ValueError):
        raise ValueError("the MFA seed is not valid base32") from None


def _b32(seed: Secret) -> bytes:
    return base64.b32decode(_padded("".join(seed.reveal().split()).upper()))


def _padded(text: str) -> str:
    return text + "=" * (-len(text) % 8)


def time_step(when: float) -> int:
    return int(when // STEP_SECONDS)


def seconds_left(when: float) -> int:
    """Whole seconds until the code shown at ``when`` changes (1..30)."""
    return STEP_SECONDS - int(when % STEP_SECONDS)


def hotp(key: bytes, counter: int) -> str:
    """RFC 4226 HOTP value for ``counter`` (TOTP is HOTP of the time step)."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def totp(seed: Secret, when: float) -> str:
    """The code an authenticator app shows at ``when`` (seconds since the epoch)."""
    return hotp(decode_seed(seed), time_step(when))


class CodeProblem(StrEnum):
    FORMAT = "format"
    REPEATED = "repeated"
    TYPO_FIRST = "typo-first"
    TYPO_SECOND = "typo-second"
    TYPO_BOTH = "typo-both"
    WRONG_ORDER = "wrong-order"
    NOT_CONSECUTIVE = "not-consecutive"
    CLOCK_SKEW = "clock-skew"


@dataclass(frozen=True)
class CodeCheck:
    """The verdict on two codes: ``problem`` is None when they are fine, else ``message`` says what to do."""

    problem: CodeProblem | None
    message: str
    first_step: int | None = None  # the time step the first code belongs to, when recognised
    skew_seconds: int = 0  # for CLOCK_SKEW: how far the phone's clock is ahead (+) or behind (-) this one

    @property
    def ok(self) -> bool:
        return self.problem is None


def is_code(text: str) -> bool:
    return len(text) == DIGITS and text.isascii() and text.isdigit()


def _describe_skew(seconds: int) -> str:
    minutes, rest = divmod(abs(seconds), 60)
    amount = f"{minutes} min {rest} s" if minutes and rest else f"{minutes} min" if minutes else f"{rest} s"
    return f"{amount} {'ahead of' if seconds > 0 else 'behind'}"


def check_codes(seed: Secret, first: str, second: str, when: float, *,
                search_steps: int = SKEW_SEARCH_STEPS) -> CodeCheck:
    """Check two codes typed for ``EnableMFADevice`` against the device's seed at time ``when``."""
    bad = [label for label, code in (("first", first), ("second", second)) if not is_code(code)]
    if bad:
        return CodeCheck(CodeProblem.FORMAT, f"The {' and '.join(bad)} code must have {DIGITS} digits.")
    if first == second:
        return CodeCheck(CodeProblem.REPEATED, "You entered the same code twice. Wait until the app shows the next "
                         "code and enter that one second.")
    key = decode_seed(seed)
    now = time_step(when)
    steps = range(max(0, now - search_steps), now + search_steps + 1)
    codes = {step: hotp(key, step) for step in range(steps.start, steps.stop + 1)}
    pairs = [s for s in steps if codes[s] == first and codes[s + 1] == second]
    in_window = [s for s in pairs if now + EARLIEST_STEP <= s <= now + LATEST_STEP]
    if in_window:
        return CodeCheck(None, "The codes match this device.", first_step=max(in_window))
    if pairs:
        nearest = min(pairs, key=lambda s: abs(s + 1 - now))
        skew = (nearest + 1 - now) * STEP_SECONDS
        return CodeCheck(CodeProblem.CLOCK_SKEW,
                         f"The codes are right for a clock about {_describe_skew(skew)} this computer's. Set the "
                         "phone's date and time to automatic (or fix this computer's clock), then enter two new "
                         "codes.", first_step=nearest, skew_seconds=skew)
    first_steps = [s for s in steps if codes[s] == first]
    second_steps = [s for s in steps if codes[s] == second]
    if first_steps and second_steps:
        if any(f - 1 in second_steps for f in first_steps):
            return CodeCheck(CodeProblem.WRONG_ORDER, "The codes are in the wrong order: enter the older code "
                             "first, then the next one.")
        return CodeCheck(CodeProblem.NOT_CONSECUTIVE, "Both codes are from this device but not consecutive: enter "
                         "a code, wait for the very next one (about 30 s), and enter that.")
    if first_steps:
        return CodeCheck(CodeProblem.TYPO_SECOND, "The second code does not match this device: check it for a "
                         "typo.")
    if second_steps:
        return CodeCheck(CodeProblem.TYPO_FIRST, "The first code does not match this device: check it for a typo.")
    return CodeCheck(CodeProblem.TYPO_BOTH, "Neither code matches this device. Check for typos, and that the codes "
                     "come from the entry you just added (not an older one with the same name).")
