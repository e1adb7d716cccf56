"""The platform's own check for schemathesis (loaded through SCHEMATHESIS_HOOKS): every 4xx answer
is an RFC 9457 problem (``application/problem+json``) that says what was wrong."""

import json

import schemathesis


@schemathesis.check
def problem_details(ctx, response, case) -> None:  # type: ignore[no-untyped-def]
    """A 4xx is a problem with type, title, its own status and a detail in words."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/problem+json"):
        raise AssertionError(f"{response.status_code} answered as {content_type or 'no content type'}, not a problem")
    try:
        body = json.loads(response.content)
    except ValueError as error:
        raise AssertionError(f"{response.status_code} problem is not JSON: {error}") from error
    missing = [member for member in ("type", "title", "status", "detail") if not body.get(member)]
    if missing:
        raise AssertionError(f"{response.status_code} problem lacks {', '.join(missing)}: {body}")
    if body["status"] != response.status_code:
        raise AssertionError(f"problem says status {body['status']} but the answer is {response.status_code}")
    if not isinstance(body["detail"], str) or len(body["detail"].strip()) < 5:
        raise AssertionError(f"{response.status_code} problem does not say what was wrong: {body['detail']!r}")
    return None
