"""Lost answers: AWS made the change, but its answer never reached the app. Through botocore's public
``needs-retry`` hook, a successful answer is turned into what the network delivered instead:

* a 500 ``InternalFailure`` (AWS failed while answering, or a proxy did): botocore's standard retry then sends the
  same write again, which meets the change its first attempt already made;
* an unreadable answer (``garbage=True``): botocore raises ``ResponseParserError`` and does not retry.

The app must settle such writes by reading AWS; tests use this on every mutating call the app makes."""

from __future__ import annotations

from typing import Any

from botocore.parsers import ResponseParserError


def lose_answers(events: Any, service: str, operation: str, *, times: int = 1, garbage: bool = False) -> list[int]:
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
        if garbage:
            raise ResponseParserError("Unable to parse response: the body is not well-formed XML.")
        metadata = dict(parsed.get("ResponseMetadata") or {}, HTTPStatusCode=500)
        parsed.clear()
        parsed.update({"Error": {"Code": "InternalFailure", "Message": "We encountered an internal error. Please "
                                 "try again.", "Type": "Receiver"}, "ResponseMetadata": metadata})
        http_response.status_code = 500
        return 0  # what botocore's standard retry would do, without its real backoff sleep

    events.register_first(f"needs-retry.{service}.{operation}", handler)
    return lost
