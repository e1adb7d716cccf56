"""A request body over the service's limit is refused with 413, before any route reads it.

The ingress has a limit of its own; this one holds however the service is reached (a port-forward,
another pod, a benchmark). Register it inside the correlation and timing middlewares, so that a
refusal is correlated and counted like any other answer."""

from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mesh_runtime.problems import problem_response

DEFAULT_MAX_BODY_BYTES = 1024 * 1024  # the ingress's proxy-body-size (1m)


class BodyTooLarge(Exception):
    """The body grew past the limit while it was read."""


async def read_body(receive: Receive, limit: int | None = None) -> list[Message]:
    """The request's messages up to the body's last one (or a disconnect), as received; raises
    ``BodyTooLarge`` as soon as the body passes ``limit`` bytes."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages  # the client went away: the app learns it as it would have
        size += len(message.get("body", b""))
        if limit is not None and size > limit:
            raise BodyTooLarge
        if not message.get("more_body", False):
            return messages


def body_of(messages: Sequence[Message]) -> bytes:
    return b"".join(message.get("body", b"") for message in messages if message["type"] == "http.request")


def replaying(messages: Sequence[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives the messages already read, in order, and then reads on."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


class BodyLimitMiddleware:
    """Answers 413 (a problem of kind ``body-too-large``) to a request whose body is over
    ``max_bytes``: at once when its Content-Length says so, else as soon as that many bytes have
    come (a chunked body). A body within the limit reaches the app unchanged."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        if max_bytes < 1:
            raise ValueError("the body limit is at least one byte")
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        try:  # read whole before the app sees it: a refusal can only be answered before the app answers
            messages = await read_body(receive, self.max_bytes)
        except BodyTooLarge:
            await self._refuse(scope, receive, send)
            return
        await self.app(scope, replaying(messages, receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            f"the request body is larger than this service takes ({self.max_bytes:,} bytes)",
            kind="body-too-large",
            title="Content too large",
            max_bytes=self.max_bytes,
            headers={"Connection": "close"},
        )  # the rest of the body is not read
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses such a request before it gets here
    return None
