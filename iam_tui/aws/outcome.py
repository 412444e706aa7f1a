"""Whether a write that failed may still have been made: AWS failed while answering, or its answer was lost and
botocore's re-send met the change its own first attempt made. No botocore here, so that screens can ask it."""

from __future__ import annotations

from .errors import AwsError

# Errors after which the write may or may not have been made: AWS failed while answering, or the answer was lost
# (unreadable, or the connection dropped once the request was on its way: botocore's and Python's names for it).
UNKNOWN_OUTCOME = frozenset({"InternalFailure", "InternalError", "ServiceFailure", "ServiceUnavailable", "Timeout",
                             "ResponseParserError", "ConnectionClosedError", "ResponseStreamingError",
                             "ConnectionResetError", "ConnectionAbortedError", "BrokenPipeError"})


def resend_answer(operation: str) -> str | None:
    """What AWS answers when botocore re-sends ``operation`` after the first attempt already made the change."""
    if operation == "CreateAccessKey":  # the first attempt's key may fill the user's two
        return "LimitExceeded"
    if operation == "CreateAnalyzer":  # Access Analyzer's word for it
        return "ConflictException"
    if operation == "DeleteAnalyzer":
        return "ResourceNotFoundException"
    if operation.startswith(("Create", "Enable")):
        return "EntityAlreadyExists"
    if operation.startswith(("Delete", "Detach", "Remove", "Deactivate")):
        return "NoSuchEntity"
    return None


def may_have_happened(err: AwsError, operation: str, resent: bool = False) -> bool:
    """True when, despite ``err``, AWS may have made the change (so only a read can tell). ``resent``: the write was
    sent again after an earlier attempt whose answer was lost, so AWS's answer to a re-send means what it means
    after botocore's own. An analyzer of the name already there is always read back: another run may have made it a
    moment ago, for the same fix."""
    if operation == "CreateAnalyzer" and err.code == "ConflictException":
        return True
    return err.code in UNKNOWN_OUTCOME or ((err.retried > 0 or resent) and err.code == resend_answer(operation))


def outcome_unknown(err: AwsError) -> bool:
    """:func:`may_have_happened` for the call ``err`` names (its ``action``); an error of no call (a local check)
    changed nothing."""
    if err.action is None:
        return err.code in UNKNOWN_OUTCOME
    return may_have_happened(err, err.action.rsplit(":", 1)[-1])
