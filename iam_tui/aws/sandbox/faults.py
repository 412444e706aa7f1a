"""Lost answers: AWS made the change, but its answer never reached the app. Through botocore's public
``needs-retry`` hook, a successful answer is turned into what the network delivered instead:

* ``"resend"``: a 500 ``ServiceFailure`` (IAM failed while answering, or a proxy did); botocore's standard retry
  then sends the same write again, which meets the change its first attempt already made;
* ``"error"``: the same 500, but the SDK's retries are used up, so the app gets the error;
* ``"garbage"``: an unreadable answer; botocore raises ``ResponseParserError`` and does not retry.

The app must settle such writes by reading AWS; tests use this on every mutating call the app makes."""

from __future__ import annotations

from typing import Any, Literal

from botocore.parsers import ResponseParserError

Then = Literal["resend", "error", "garbage"]


def lose_answers(events: Any, service: str, operation: str, *, times: int = 1, then: Then = "resend") -> list[int]:
    """Lose the answer of the next ``times`` successful ``operation`` calls on the client or session whose event
    emitter is ``events``. Returns a list that grows by one per lost answer."""
    lost: list[int] = []

    def handler(response: Any, attempts: int, **_: Any) -> Any:
        if response is None or len(lost) >= times:
            return None
        http_response, parsed = response
        if http_response.status_code >= 300:
            return None
        lost.append(attempts)
        if then == "garbage":
            raise ResponseParserError("Unable to parse response: the body is not well-formed XML.")
        metadata = dict(parsed.get("ResponseMetadata") or {}, HTTPStatusCode=500)
        parsed.clear()
        parsed.update({"Error": {"Code": "ServiceFailure", "Message": "The request processing has failed because "
                                 "of an unknown error, exception or failure.", "Type": "Receiver"},
                       "ResponseMetadata": metadata})
        http_response.status_code = 500
        # resend: what botocore's standard retry does, without its real backoff sleep; error: False stops retries
        return 0 if then == "resend" else False

    events.register_first(f"needs-retry.{service}.{operation}", handler)
    return lost
