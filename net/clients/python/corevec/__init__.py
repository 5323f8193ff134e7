"""corevec: pure-Python client for the corevec wire protocol (see net/proto/PROTOCOL.md)."""

from .protocol import (
    ErrorCode,
    Opcode,
    Metric,
    CollectionInfo,
    ShardInfo,
    WriteAck,
    HelloAck,
    Point,
    ScrollPage,
    crc32c,
    PROTOCOL_VERSION,
    PAYLOAD_BYTES_MAX,
    LABELS_PER_POINT_MAX,
    FILTER_LABELS_MAX,
    SCROLL_LIMIT_MAX,
    FEATURE_PAYLOADS,
    FEATURE_LABELS,
)
from .errors import (
    CorevecError,
    ServerError,
    ProtocolError,
    CorevecTimeout,
    CorevecConnectionError,
    error_class,
)
from .errors import *  # noqa: F401,F403  (one exception class per error code)
from .client import Client, with_range
from . import range_labels

__all__ = [
    "Client",
    "with_range",
    "range_labels",
    "ErrorCode",
    "Opcode",
    "Metric",
    "CollectionInfo",
    "ShardInfo",
    "WriteAck",
    "HelloAck",
    "Point",
    "ScrollPage",
    "crc32c",
    "PROTOCOL_VERSION",
    "PAYLOAD_BYTES_MAX",
    "LABELS_PER_POINT_MAX",
    "FILTER_LABELS_MAX",
    "SCROLL_LIMIT_MAX",
    "FEATURE_PAYLOADS",
    "FEATURE_LABELS",
    "CorevecError",
    "ServerError",
    "ProtocolError",
    "CorevecTimeout",
    "CorevecConnectionError",
    "error_class",
]
