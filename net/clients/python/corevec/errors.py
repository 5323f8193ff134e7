"""Exceptions. Server errors get one class per stable error code, e.g. ``CollectionNotFound``,
all subclasses of :class:`ServerError` carrying ``.code`` (an :class:`ErrorCode`) and
``.message``."""

from .protocol import ErrorCode


class CorevecError(Exception):
    """Base class of every error raised by this package."""


class ServerError(CorevecError):
    """The server answered with an ERROR frame."""

    code = ErrorCode.UNKNOWN

    def __init__(self, code, message):
        super().__init__("%s: %s" % (getattr(code, "name", code), message))
        self.code = code
        self.message = message

    @property
    def retryable(self):
        return self.code in _RETRYABLE


class ProtocolError(CorevecError):
    """The peer sent bytes that do not follow the protocol (or a local request breaks a limit)."""


class CorevecTimeout(CorevecError, TimeoutError):
    """No response within the timeout. The request may still execute on the server."""


class CorevecConnectionError(CorevecError, ConnectionError):
    """The connection failed or was closed while the request was in flight."""


_RETRYABLE = {
    ErrorCode.CHECKSUM_MISMATCH,
    ErrorCode.BUSY,
    ErrorCode.SHUTTING_DOWN,
    ErrorCode.TIMEOUT,
    ErrorCode.UNAVAILABLE,
    ErrorCode.PARTIAL,
}

_CLASSES = {}
__all__ = []
for _code in ErrorCode:
    if _code in (ErrorCode.OK,):
        continue
    _name = "".join(part.capitalize() for part in _code.name.split("_"))
    if _name in ("Timeout",):
        _name = "ServerTimeout"
    _cls = type(_name, (ServerError,), {"code": _code, "__doc__": "Server error %s." % _code.name})
    _CLASSES[_code] = _cls
    globals()[_name] = _cls
    __all__.append(_name)


def error_class(code):
    """The exception class for a wire error code (ServerError subclass)."""
    return _CLASSES.get(code, _CLASSES[ErrorCode.UNKNOWN])


def server_error(code, message):
    try:
        code = ErrorCode(code)
    except ValueError:
        code = ErrorCode.UNKNOWN
    return error_class(code)(code, message)
