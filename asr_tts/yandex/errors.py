"""gRPC status codes from SpeechKit mapped to the speech layer's exceptions."""

from __future__ import annotations

import grpc

from asr_tts.errors import (
    EngineAuthError,
    EngineError,
    EngineRequestError,
    EngineTimeoutError,
    EngineUnavailableError,
)

_AUTH = {grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED}
_UNAVAILABLE = {
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.ABORTED,
    grpc.StatusCode.CANCELLED,
}
_REQUEST = {
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.OUT_OF_RANGE,
    grpc.StatusCode.UNIMPLEMENTED,
    grpc.StatusCode.NOT_FOUND,
}


def map_rpc_error(error: grpc.aio.AioRpcError, engine: str, what: str) -> EngineError:
    """A clear exception naming the engine, the operation and the server's message."""
    code = error.code()
    message = f"Yandex SpeechKit {what} failed: {code.name}: {error.details() or 'no details'}"
    if code in _AUTH:
        return EngineAuthError(
            message + " (check the API key / IAM token and folder id)", engine=engine
        )
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return EngineTimeoutError(message, engine=engine)
    if code in _UNAVAILABLE:
        return EngineUnavailableError(message, engine=engine)
    if code in _REQUEST:
        return EngineRequestError(message, engine=engine)
    return EngineError(message, engine=engine)
