"""RFC 6238 codes and the check on two codes before EnableMFADevice."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_tui.core.secret import MASK, Secret
from iam_tui.core.totp import (
    CodeProblem,
    check_codes,
    decode_seed,
    hotp,
    seconds_left,
    time_step,
    totp,
)

# RFC 6238 appendix B, SHA1 key "12345678901234567890"; 6-digit codes are the last six of the 8-digit values.
RFC_SEED = Secret(base64.b32encode(b"12345678901234567890").decode())
RFC_VECTORS = [(59, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924"),
               (2000000000, "279037"), (20000000000, "353130")]
SEED = Secret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
NOW = 1_699_999_995.0  # 15 s into a time step


@pytest.mark.parametrize("when, code", RFC_VECTORS)
def test_rfc_6238_vectors(when: int, code: str) -> None:
    assert totp(RFC_SEED, when) == code


def test_rfc_4226_hotp_vectors() -> None:
    key = b"12345678901234567890"
    assert [hotp(key, i) for i in range(4)] == ["755224", "287082", "359152", "969429"]


def test_seed_spelling_is_tolerated_and_errors_do_not_echo_it() -> None:
    raw = SEED.reveal()
    grouped = " ".join(raw[i:i + 4] for i in range(0, len(raw), 4)).lower()
    assert decode_seed(grouped) == decode_seed(raw)
    with pytest.raises(ValueError) as err:
        decode_seed("NOT-BASE32!")
    assert "NOT-BASE32" not in str(err.value)


def test_time_steps_and_countdown() -> None:
    assert time_step(59.9) == 1 and time_step(60) == 2
    assert seconds_left(60) == 30 and seconds_left(89.5) == 1 and seconds_left(NOW) == 15


def codes(offset: int, when: float = NOW) -> tuple[str, str]:
    """The codes of the step ``offset`` steps from ``when``'s and of the next one."""
    return totp(SEED, when + offset * 30), totp(SEED, when + (offset + 1) * 30)


@pytest.mark.parametrize("offset", [-2, -1, 0])
def test_consecutive_codes_within_the_window_pass(offset: int) -> None:
    verdict = check_codes(SEED, *codes(offset), NOW)
    assert verdict.ok and verdict.problem is None and verdict.first_step == time_step(NOW) + offset


@pytest.mark.parametrize("first, second, problem, fragment", [
    ("12345", "123456", CodeProblem.FORMAT, "first code must have 6 digits"),
    ("123456", "12a456", CodeProblem.FORMAT, "second code"),
    ("١٢٣٤٥٦", "123456", CodeProblem.FORMAT, "first"),  # Arabic-Indic digits are not ASCII digits
])
def test_format(first: str, second: str, problem: CodeProblem, fragment: str) -> None:
    verdict = check_codes(SEED, first, second, NOW)
    assert verdict.problem is problem and fragment in verdict.message


def test_repeated_code() -> None:
    first, _ = codes(0)
    assert check_codes(SEED, first, first, NOW).problem is CodeProblem.REPEATED


def test_typos_say_which_code() -> None:
    first, second = codes(-1)

    def typo(code: str) -> str:
        return code[:5] + str((int(code[5]) + 1) % 10)

    assert check_codes(SEED, typo(first), second, NOW).problem is CodeProblem.TYPO_FIRST
    assert check_codes(SEED, first, typo(second), NOW).problem is CodeProblem.TYPO_SECOND
    both = check_codes(SEED, typo(first), typo(second), NOW)
    assert both.problem is CodeProblem.TYPO_BOTH and "Neither" in both.message


def test_not_consecutive_and_wrong_order() -> None:
    first, _ = codes(-2)
    _, later = codes(-1)
    assert check_codes(SEED, first, later, NOW).problem is CodeProblem.NOT_CONSECUTIVE
    a, b = codes(-1)
    assert check_codes(SEED, b, a, NOW).problem is CodeProblem.WRONG_ORDER


@pytest.mark.parametrize("offset, seconds, words", [(4, 150, "2 min 30 s ahead of"), (-9, -240, "4 min behind"),
                                                    (1, 60, "1 min ahead of")])
def test_clock_skew_is_named(offset: int, seconds: int, words: str) -> None:
    verdict = check_codes(SEED, *codes(offset), NOW)
    assert verdict.problem is CodeProblem.CLOCK_SKEW and verdict.skew_seconds == seconds
    assert words in verdict.message


def test_far_off_codes_are_not_recognised() -> None:
    assert check_codes(SEED, *codes(200), NOW).problem is not CodeProblem.CLOCK_SKEW


def test_messages_never_hold_the_seed() -> None:
    for first, second in (codes(0), codes(5), ("000000", "000000"), ("1", "2")):
        verdict = check_codes(SEED, first, second, NOW)
        assert SEED.reveal() not in verdict.message and SEED.reveal() not in repr(verdict)
    assert MASK in repr(SEED)


@given(st.binary(min_size=10, max_size=40), st.integers(min_value=30, max_value=2**33))
def test_any_seed_accepts_its_own_consecutive_codes(key: bytes, when: int) -> None:
    seed = Secret(base64.b32encode(key).decode().rstrip("="))
    first, second = totp(seed, when - 30), totp(seed, when)
    verdict = check_codes(seed, first, second, when)
    assert verdict.ok or verdict.problem is CodeProblem.REPEATED  # two equal consecutive codes: 1 in a million
