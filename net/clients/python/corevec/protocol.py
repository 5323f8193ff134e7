"""Pure-Python codec for corevec wire protocol version 1 (net/proto/PROTOCOL.md).

Encoders return ``bytes`` for a whole frame; decoders take a body (``bytes``/``memoryview``)
and return plain Python values. Everything is little-endian and checked against the limits
before anything is allocated.
"""

import enum
import math
import numbers
import operator
import struct
import sys
from array import array
from collections import namedtuple

MAGIC = b"CVEC"
PROTOCOL_VERSION = 1
VERSION_MIN = 1
VERSION_MAX = 1
FRAME_HEADER_SIZE = 32
FLAG_RESPONSE = 0x01
FLAG_ERROR = 0x02

FRAME_BODY_BYTES_MAX = 64 * 1024 * 1024
DIMENSIONS_MAX = 4096
BATCH_VECTORS_MAX = 65536
BATCH_IDS_MAX = 65536
BATCH_QUERIES_MAX = 4096
K_MAX = 1024
EXPANSION_MAX = 65536
CONNECTIVITY_MAX = 256
SHARDS_MAX = 4096
COLLECTION_NAME_BYTES_MAX = 64
STAT_NAME_BYTES_MAX = 64
STATS_ENTRIES_MAX = 4096
COLLECTIONS_MAX = 65536
AUTH_TOKEN_BYTES_MAX = 1024
ERROR_MESSAGE_BYTES_MAX = 4096
PAYLOAD_BYTES_MAX = 65536
LABELS_PER_POINT_MAX = 64
FILTER_LABELS_MAX = 1024
# The limit of a server without FEATURE_FILTER_GROUPS.
FILTER_LABELS_MAX_V1 = 256
FILTER_GROUPS_MAX = 8
SCROLL_LIMIT_MAX = 4096

# HELLO feature bits (PROTOCOL.md section 3).
FEATURE_PAYLOADS = 1
FEATURE_LABELS = 2
FEATURE_FILTER_GROUPS = 4
FEATURE_MAX_DISTANCE = 8
# The CREATE flag READ_REPLICAS, and COLLECTION_INFO reporting it (PROTOCOL.md 5.2, 5.3).
FEATURE_READ_REPLICAS = 16
FEATURES_SUPPORTED = (
    FEATURE_PAYLOADS | FEATURE_LABELS | FEATURE_FILTER_GROUPS | FEATURE_MAX_DISTANCE | FEATURE_READ_REPLICAS
)
# The flags byte at offset 7 of CREATE_COLLECTION and of COLLECTION_INFO.
COLLECTION_READ_REPLICAS = 1

SEARCH_EXACT = 1
SEARCH_ALLOW_PARTIAL = 2
SEARCH_WITH_PAYLOADS = 4
SEARCH_HAS_FILTER = 8
SEARCH_HAS_MAX_DISTANCE = 16
SEARCH_PARTIAL = 1
SEARCH_HAS_PAYLOADS = 2
GET_WITH_PAYLOADS = 1
GET_WITH_LABELS = 2
WRITE_HAS_LSN = 1
SCROLL_WITH_VECTORS = 1
SCROLL_WITH_PAYLOADS = 2
SCROLL_WITH_LABELS = 4
SCROLL_HAS_FILTER = 8
SCROLL_MORE = 1
SCROLL_HAS_VECTORS = 2
SCROLL_HAS_PAYLOADS = 4
SCROLL_HAS_LABELS = 8
FILTER_KEYS = ("all_of", "any_of", "any_of_groups", "none_of")
_U64_MAX = (1 << 64) - 1


class Opcode(enum.IntEnum):
    HELLO = 0x01
    PING = 0x02
    CREATE_COLLECTION = 0x10
    DROP_COLLECTION = 0x11
    LIST_COLLECTIONS = 0x12
    DESCRIBE_COLLECTION = 0x13
    UPSERT = 0x20
    GET = 0x21
    DELETE = 0x22
    SET_PAYLOAD = 0x23
    SET_LABELS = 0x24
    SCROLL = 0x25
    SEARCH = 0x30
    STATS = 0x40
    SNAPSHOT = 0x41


IDEMPOTENT_READS = frozenset(
    [
        Opcode.PING,
        Opcode.LIST_COLLECTIONS,
        Opcode.DESCRIBE_COLLECTION,
        Opcode.GET,
        Opcode.SCROLL,
        Opcode.SEARCH,
        Opcode.STATS,
    ]
)


class ErrorCode(enum.IntEnum):
    OK = 0
    MALFORMED_FRAME = 1
    UNSUPPORTED_VERSION = 2
    UNKNOWN_OPCODE = 3
    CHECKSUM_MISMATCH = 4
    FRAME_TOO_LARGE = 5
    AUTH_REQUIRED = 6
    AUTH_FAILED = 7
    NOT_HELLO = 8
    BUSY = 9
    INVALID_ARGUMENT = 10
    DIMENSION_MISMATCH = 11
    INVALID_VECTOR = 12
    COLLECTION_NOT_FOUND = 13
    COLLECTION_EXISTS = 14
    BATCH_TOO_LARGE = 15
    STORAGE = 16
    NO_SPACE = 17
    SHUTTING_DOWN = 18
    TIMEOUT = 19
    UNAVAILABLE = 20
    PARTIAL = 21
    INTERNAL = 22
    UNKNOWN = 0xFFFF  # receiver-side only


class Metric(enum.IntEnum):
    L2 = 0
    COSINE = 1
    DOT = 2


HelloAck = namedtuple("HelloAck", "version in_flight_max features frame_body_bytes_max")
ShardInfo = namedtuple("ShardInfo", "shard vectors_count deleted_count bytes")
# ``read_replicas`` comes last (with a default) so that positional code from before it keeps
# working; a server reports it only when FEATURE_READ_REPLICAS was enabled (else False).
CollectionInfo = namedtuple(
    "CollectionInfo",
    "name dim metric shards connectivity expansion_add vectors_count bytes shard_infos read_replicas",
    defaults=(False,),
)
WriteAck = namedtuple("WriteAck", "count lsn")


class Point(namedtuple("Point", "vector payload labels")):
    """A point from GET with ``with_payloads`` or ``with_labels``: ``vector`` (list of floats),
    ``payload`` (``bytes``, empty if none or not asked for) and ``labels`` (list of ints, sorted
    ascending without duplicates; empty if none or not asked for). ``Point(vector, payload)``
    has no labels."""

    __slots__ = ()

    def __new__(cls, vector, payload, labels=None):
        return super().__new__(cls, vector, payload, [] if labels is None else list(labels))


ScrollResponse = namedtuple("ScrollResponse", "ids more dim vectors payloads labels")
ScrollResponse.__doc__ = """What a SCROLL response decodes to: ``ids`` (list of ints, strictly
ascending), ``more`` (bool: more points may follow the last id), ``dim`` (the collection's), and
per id, in id order, ``vectors`` (lists of floats), ``payloads`` (``bytes``) and ``labels``
(sorted lists of ints), each ``None`` when the response does not carry that part."""


class ScrollPage(namedtuple("ScrollPage", "points next")):
    """One SCROLL page as :meth:`Client.scroll` returns it: ``points``, a list of ``(id, Point)``
    in ascending id order (the vector ``[]``, payload ``b""`` and labels ``[]`` unless asked
    for), and ``next``, the id the following page starts at (the last id plus one), or ``None``
    when the scroll is complete. A page may be shorter than the limit and still have a
    ``next``."""

    __slots__ = ()


class GetResult(list):
    """What GET decodes to: a list with one entry per requested id (see :func:`decode_response`),
    plus whether the response carried a payload section (``has_payloads``) and a label section
    (``has_labels``). Compares equal to a plain list with the same entries."""

    has_payloads = False
    has_labels = False


Header = namedtuple("Header", "version opcode flags request_id body_bytes body_crc")


class CodecError(ValueError):
    """Bytes that do not follow the protocol, or a value that breaks a limit."""

    def __init__(self, message, fatal=False):
        super().__init__(message)
        self.fatal = fatal


# ---- CRC32C (Castagnoli), table-driven; zlib.crc32 is a different polynomial ----

def _make_table():
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _make_table()


def crc32c(data, crc=0):
    """CRC32C of ``data``; ``crc32c(b"123456789") == 0xE3069283``."""
    table = _CRC_TABLE
    crc ^= 0xFFFFFFFF
    for b in bytes(data):
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


# ---- frame header ----

_HEADER = struct.Struct("<4sHBBQII4sI")


def encode_frame(opcode, flags, request_id, body):
    body = bytes(body)
    if len(body) > FRAME_BODY_BYTES_MAX:
        raise CodecError("frame body of %d bytes exceeds %d" % (len(body), FRAME_BODY_BYTES_MAX))
    head = struct.pack("<4sHBBQII4s", MAGIC, PROTOCOL_VERSION, opcode, flags, request_id, len(body), crc32c(body), b"\0" * 4)
    return head + struct.pack("<I", crc32c(head)) + body


def check_frame(buffer):
    """Length of the whole frame at the start of ``buffer``, or ``None`` if more bytes are
    needed. Raises a fatal :class:`CodecError` if the stream is unparseable (PROTOCOL.md
    section 2, steps 1-4). Reserved header bits are not checked here: they are a per-request
    error, found by :func:`split_frame` once the frame is delimited."""
    if len(buffer) >= 4 and bytes(buffer[:4]) != MAGIC:
        raise CodecError("bad magic", fatal=True)
    if len(buffer) < FRAME_HEADER_SIZE:
        return None
    header = decode_header(buffer[:FRAME_HEADER_SIZE])
    total = FRAME_HEADER_SIZE + header.body_bytes
    return total if len(buffer) >= total else None


def decode_header(data):
    """The :class:`Header` of the 32 bytes ``data``. Raises a fatal :class:`CodecError` for a
    bad magic, header checksum, version or body length (the frame cannot be delimited); the
    reserved bits and bytes are left to :func:`check_reserved`."""
    if len(data) != FRAME_HEADER_SIZE:
        raise CodecError("frame header of %d bytes, not %d" % (len(data), FRAME_HEADER_SIZE), fatal=True)
    magic, version, opcode, flags, request_id, body_bytes, body_crc, reserved, header_crc = _HEADER.unpack(bytes(data))
    if magic != MAGIC:
        raise CodecError("bad magic", fatal=True)
    if crc32c(bytes(data[:28])) != header_crc:
        raise CodecError("header checksum mismatch", fatal=True)
    if not VERSION_MIN <= version <= VERSION_MAX:
        raise CodecError("unsupported version %d" % version, fatal=True)
    if body_bytes > FRAME_BODY_BYTES_MAX:
        raise CodecError("frame too large: %d" % body_bytes, fatal=True)
    return Header(version, opcode, flags, request_id, body_bytes, body_crc)


def check_reserved(data):
    """Raise a non-fatal :class:`CodecError` (a per-request error: the frame is delimited, the
    connection stays usable) if the 32 header bytes ``data`` have reserved flag bits or
    reserved bytes set, or ``ERROR`` without ``RESPONSE`` (``FrameHeader::check_reserved`` in
    net/proto/src/frame.rs)."""
    flags = data[7]
    if flags & ~(FLAG_RESPONSE | FLAG_ERROR) or any(data[24:28]):
        raise CodecError("reserved header bits set")
    if flags & FLAG_ERROR and not flags & FLAG_RESPONSE:
        raise CodecError("reserved header bits set: ERROR flag without RESPONSE")


def split_frame(frame):
    """(header, body memoryview) of one complete frame; checks the reserved header bits (see
    :func:`check_reserved`) and verifies the body CRC. Those failures are non-fatal
    :class:`CodecError`s: they concern this frame's request only."""
    frame = memoryview(frame)
    header = decode_header(frame[:FRAME_HEADER_SIZE])
    check_reserved(frame[:FRAME_HEADER_SIZE])
    body = frame[FRAME_HEADER_SIZE:FRAME_HEADER_SIZE + header.body_bytes]
    if len(body) != header.body_bytes:
        raise CodecError("truncated frame")
    if crc32c(body) != header.body_crc:
        raise CodecError("body checksum mismatch")
    return header, body


# ---- body helpers ----

def _pad8(out):
    out.extend(b"\0" * (-len(out) % 8))


def _name(out, name, allow_empty=False):
    raw = name.encode("utf-8") if isinstance(name, str) else bytes(name)
    if not (allow_empty and raw == b""):
        if not 1 <= len(raw) <= COLLECTION_NAME_BYTES_MAX or not all(
            c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-" for c in raw
        ):
            raise CodecError("collection name must be 1..=64 bytes of [A-Za-z0-9_-]: %r" % (name,))
    out.append(len(raw))
    out.extend(raw)
    _pad8(out)


def _floats_le(values):
    """Flat little-endian f32 bytes from a flat sequence of numbers or a numpy array."""
    if hasattr(values, "astype") and hasattr(values, "tobytes"):
        return values.astype("<f4").tobytes()
    a = array("f", values)
    if sys.byteorder == "big":
        a.byteswap()
    return a.tobytes()


def _ids_le(ids):
    """Flat little-endian u64 bytes from ids: an iterable of ints (numpy integers included) or a
    numpy integer array, every id in 0..2**64-1. Raises :class:`CodecError` (a ``ValueError``)
    for anything else: floats, negative or too large ids are refused, never wrapped or
    truncated."""
    dtype = getattr(ids, "dtype", None)
    if dtype is not None and getattr(dtype, "kind", None) == "O" and hasattr(ids, "tolist"):
        ids = ids.reshape(-1).tolist()  # Python objects: checked one by one below
    elif dtype is not None and hasattr(ids, "astype") and hasattr(ids, "tobytes"):
        if ids.size and dtype.kind not in "iu":
            raise CodecError("ids must be integers in 0..2**64-1, got a numpy array of dtype %s" % dtype)
        if dtype.kind == "i" and ids.size and ids.min() < 0:
            raise CodecError("ids must be in 0..2**64-1, got %d" % ids.min())
        return ids.astype("<u8").tobytes()
    if not isinstance(ids, (list, tuple, range)):
        ids = list(ids)  # a generator is read once; the error path reads the ids again
    try:
        a = array("Q", ids)
    except (OverflowError, TypeError):
        for x in ids:
            if isinstance(x, float) or not hasattr(x, "__index__"):
                raise CodecError("ids must be integers in 0..2**64-1, got %r" % (x,))
            value = operator.index(x)
            _check(0 <= value <= _U64_MAX, "ids must be in 0..2**64-1, got %d" % value)
        raise
    if sys.byteorder == "big":
        a.byteswap()
    return a.tobytes()


def _f32(value, what):
    """``value`` (an int, a float or a numpy scalar) as a little-endian f32. Raises
    :class:`CodecError` (a ``ValueError``) unless it is a finite number within the f32 range
    (magnitude up to about 3.4028235e38)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise CodecError("%s must be a finite number, got %r" % (what, value))
    x = float(value)
    _check(math.isfinite(x), "%s must be a finite number, got %r" % (what, value))
    try:
        return struct.pack("<f", x)
    except OverflowError:
        raise CodecError("%s = %r is not representable as an f32 (beyond +-3.4028235e38)" % (what, value))


def _check(cond, message):
    if not cond:
        raise CodecError(message)


def _payload_bytes(payload):
    """One point's payload as ``bytes``: bytes-like, ``str`` (UTF-8) or ``None`` (no payload)."""
    if payload is None:
        return b""
    if isinstance(payload, str):
        return payload.encode("utf-8")
    return bytes(payload)


def _payload_section(out, payloads):
    """Append a PAYLOAD_SECTION (lengths, zero padding to 8 from the body start, bytes) to
    ``out``, which holds the body so far. Raises :class:`CodecError` naming the first payload
    over ``PAYLOAD_BYTES_MAX``."""
    payloads = [_payload_bytes(x) for x in payloads]
    for i, x in enumerate(payloads):
        _check(
            len(x) <= PAYLOAD_BYTES_MAX,
            "payload of point %d is %d bytes, over the limit of %d" % (i, len(x), PAYLOAD_BYTES_MAX),
        )
    out += struct.pack("<%dI" % len(payloads), *[len(x) for x in payloads])
    _pad8(out)
    for x in payloads:
        out += x


def _label(value, what):
    """One label: an int (or anything with ``__index__``, e.g. a numpy integer) in 0..2**64-1;
    ``bool`` is refused."""
    if isinstance(value, bool):
        raise CodecError("%s: labels are ints, not bool (%r)" % (what, value))
    try:
        value = operator.index(value)
    except TypeError:
        raise CodecError("%s: labels are ints in 0..2**64-1, got %r" % (what, value))
    _check(0 <= value <= _U64_MAX, "%s: label %d is outside 0..2**64-1" % (what, value))
    return value


def _label_list(labels, what):
    """A list of labels from ``None`` (none) or an iterable of ints (not a str or bytes)."""
    if labels is None:
        return []
    if isinstance(labels, (str, bytes, bytearray, memoryview, dict)) or not hasattr(labels, "__iter__"):
        raise CodecError("%s: expected a list of ints, got %r" % (what, labels))
    return [_label(x, what) for x in labels]


def point_labels(labels, count, what="upsert"):
    """Normalise UPSERT or SET_LABELS ``labels`` (one entry per point: an iterable of ints, or
    ``None`` for none) to a list of lists of ints. Raises :class:`CodecError` (a ``ValueError``)
    if the count differs from ``count`` or a point has more than ``LABELS_PER_POINT_MAX`` labels
    (counted as sent, duplicates included); ``what`` names the request in the message."""
    if isinstance(labels, (str, bytes, bytearray, dict)) or not hasattr(labels, "__iter__"):
        raise CodecError("labels must be a list with one list of ints per id, got %r" % (labels,))
    lists = [_label_list(x, "labels of point %d" % i) for i, x in enumerate(labels)]
    _check(
        len(lists) == count,
        "%s needs exactly one label list per id (%d ids, %d label lists)" % (what, count, len(lists)),
    )
    for i, x in enumerate(lists):
        _check(
            len(x) <= LABELS_PER_POINT_MAX,
            "point %d has %d labels, over the limit of %d" % (i, len(x), LABELS_PER_POINT_MAX),
        )
    return lists


def normalize_filter(filter):
    """A search filter as ``(all_of, groups, none_of)``: ``all_of`` and ``none_of`` lists of
    ints, ``groups`` a list of ``any_of`` groups (each a non-empty list of ints; ``[]`` for
    none). ``filter`` is a dict with optional keys ``all_of``, ``any_of`` and ``none_of`` (each
    an iterable of ints, or ``None``) and ``any_of_groups`` (an iterable of groups, each a
    non-empty iterable of ints, or ``None``). A non-empty ``any_of`` is the first group, the
    ``any_of_groups`` follow; an empty ``any_of`` is no group. A point matches iff it has every
    label of ``all_of``, at least one label of every group and none of ``none_of``; ``{}``
    matches every point. Raises :class:`CodecError` (a ``ValueError``) for anything else, an
    empty group (it would match no point), more than ``FILTER_LABELS_MAX`` labels in all or
    more than ``FILTER_GROUPS_MAX`` groups. Two or more groups need a server with
    ``FEATURE_FILTER_GROUPS``."""
    if not isinstance(filter, dict):
        raise CodecError(
            "filter must be a dict with optional keys all_of, any_of, any_of_groups, none_of, got %r"
            % (filter,)
        )
    unknown = sorted(str(k) for k in filter if k not in FILTER_KEYS)
    if unknown:
        raise CodecError(
            "unknown filter key(s) %s; expected all_of, any_of, any_of_groups, none_of" % ", ".join(unknown)
        )
    all_of = _label_list(filter.get("all_of"), "filter all_of")
    any_of = _label_list(filter.get("any_of"), "filter any_of")
    none_of = _label_list(filter.get("none_of"), "filter none_of")
    groups = [any_of] if any_of else []
    raw_groups = filter.get("any_of_groups")
    if raw_groups is not None:
        if isinstance(raw_groups, (str, bytes, bytearray, memoryview, dict)) or not hasattr(raw_groups, "__iter__"):
            raise CodecError("filter any_of_groups: expected a list of lists of ints, got %r" % (raw_groups,))
        for i, raw in enumerate(raw_groups):
            what = "filter any_of_groups[%d]" % i
            group = _label_list(raw, what)
            _check(group, "%s is empty: an empty any_of group matches no point" % what)
            groups.append(group)
    total = len(all_of) + sum(len(x) for x in groups) + len(none_of)
    _check(total <= FILTER_LABELS_MAX, "filter has %d labels, over the limit of %d" % (total, FILTER_LABELS_MAX))
    _check(
        len(groups) <= FILTER_GROUPS_MAX,
        "filter has %d any_of groups, over the limit of %d" % (len(groups), FILTER_GROUPS_MAX),
    )
    return all_of, groups, none_of


def _label_section(out, lists):
    """Append a LABEL_SECTION (zero padding to 8 from the body start, counts, zero padding to 8,
    labels) to ``out``, which holds the body so far. ``lists`` is already checked."""
    _pad8(out)
    out += struct.pack("<%dI" % len(lists), *[len(x) for x in lists])
    _pad8(out)
    for x in lists:
        out += _ids_le(x)


def _is_flat(vectors):
    if hasattr(vectors, "ndim"):
        return vectors.ndim == 1
    return len(vectors) == 0 or not hasattr(vectors[0], "__len__")


def matrix(vectors, dim=None):
    """Normalise vectors to (count, dim, little-endian f32 bytes). Accepts a numpy array
    (1-D = one vector, or rows of ``dim``; 2-D = rows), a list of lists, or a flat list (one
    vector, or rows of ``dim``)."""
    if hasattr(vectors, "shape") and hasattr(vectors, "astype"):
        if vectors.ndim == 1:
            d = len(vectors) if dim is None else dim
            _check(d >= 1 and len(vectors) % d == 0, "flat vectors are not a multiple of dim")
            return len(vectors) // d, d, _floats_le(vectors)
        _check(vectors.ndim == 2, "vectors must be 1-D or 2-D")
        return vectors.shape[0], vectors.shape[1], _floats_le(vectors.reshape(-1))
    if not isinstance(vectors, (list, tuple)):
        vectors = list(vectors)
    if _is_flat(vectors):
        d = len(vectors) if dim is None else dim
        _check(d >= 1 and len(vectors) % d == 0, "flat vectors are not a multiple of dim")
        return len(vectors) // d, d, _floats_le(vectors)
    d = len(vectors[0])
    flat = []
    for row in vectors:
        _check(len(row) == d, "all vectors must have the same dim")
        flat.extend(row)
    return len(vectors), d, _floats_le(flat)


# ---- request encoders (whole frames) ----

def encode_hello(request_id, token=b"", version_min=VERSION_MIN, version_max=VERSION_MAX, features=0):
    """HELLO; a client asks for ``features=FEATURES_SUPPORTED``."""
    token = token.encode("utf-8") if isinstance(token, str) else bytes(token or b"")
    _check(len(token) <= AUTH_TOKEN_BYTES_MAX, "auth token too long")
    body = struct.pack("<HHHHQ", version_min, version_max, len(token), 0, features) + token
    return encode_frame(Opcode.HELLO, 0, request_id, body)


def encode_empty(opcode, request_id):
    return encode_frame(opcode, 0, request_id, b"")


def encode_name_request(opcode, request_id, name, allow_empty=False):
    out = bytearray()
    _name(out, name, allow_empty)
    return encode_frame(opcode, 0, request_id, out)


def encode_create(
    request_id, name, dim, metric=Metric.L2, shards=0, connectivity=0, expansion_add=0, read_replicas=False
):
    """CREATE_COLLECTION; ``read_replicas=True`` sets the ``READ_REPLICAS`` flag (needs
    ``FEATURE_READ_REPLICAS``: a server from before it answers MALFORMED_FRAME)."""
    if isinstance(metric, str):
        metric = Metric[metric.upper()]
    _check(1 <= dim <= DIMENSIONS_MAX, "dim must be 1..=4096")
    _check(0 <= shards <= SHARDS_MAX, "shards out of range")
    _check(connectivity == 0 or 2 <= connectivity <= CONNECTIVITY_MAX, "connectivity must be 0 or 2..=256")
    _check(0 <= expansion_add <= EXPANSION_MAX, "expansion_add out of range")
    _check(isinstance(read_replicas, bool), "read_replicas must be a bool")
    flags = COLLECTION_READ_REPLICAS if read_replicas else 0
    out = bytearray(struct.pack("<IHBBHHI", dim, shards, int(metric), flags, connectivity, 0, expansion_add))
    _name(out, name)
    return encode_frame(Opcode.CREATE_COLLECTION, 0, request_id, out)


def encode_upsert(request_id, collection, ids, vectors, payloads=None, labels=None, dim=None):
    """UPSERT; ``payloads`` is ``None`` (no payload section) or one payload per id (bytes-like,
    ``str`` as UTF-8, or ``None`` for none); ``labels`` is ``None`` (no label section) or one
    label list per id (an iterable of ints, or ``None`` for none). With labels but no payloads
    an all-empty payload section is sent (the label section must follow one).

    ``dim`` (optional) is the vectors' dimension, checked against them; it is needed only for
    an UPSERT of 0 points (which the protocol allows: it writes nothing, and the server
    answers a WRITE_ACK of count 0, or DIMENSION_MISMATCH if ``dim`` is not the collection's)
    when ``vectors`` does not tell it, as an empty list does not (a numpy array of shape
    ``(0, dim)`` does). Such an UPSERT carries no payload or label section (both are empty)."""
    ids_bytes = _ids_le(ids)
    count = len(ids_bytes) // 8
    if not isinstance(vectors, (list, tuple)) and not hasattr(vectors, "shape"):
        vectors = list(vectors)
    flat_dim = dim
    if _is_flat(vectors) and dim is None:
        size = len(vectors)
        if count == 0:
            _check(size == 0, "upsert needs exactly one vector per id (0 ids, %d floats)" % size)
            raise CodecError(
                "an upsert of 0 points needs dim= (the collection's) or vectors of shape (0, dim): "
                "an empty list does not tell the dimension"
            )
        _check(size % count == 0, "flat vectors are not ids * dim long")
        flat_dim = size // count
    n, vectors_dim, floats = matrix(vectors, flat_dim)
    _check(n == count, "upsert needs exactly one vector per id (%d ids, %d vectors)" % (count, n))
    _check(
        dim is None or vectors_dim == dim, "upsert vectors have dim %d, not the dim %r passed" % (vectors_dim, dim)
    )
    dim = vectors_dim
    _check(count <= BATCH_VECTORS_MAX, "batch of %d exceeds %d" % (count, BATCH_VECTORS_MAX))
    _check(1 <= dim <= DIMENSIONS_MAX, "dim must be 1..=4096")
    if payloads is not None:
        payloads = list(payloads)
        _check(
            len(payloads) == count,
            "upsert needs exactly one payload per id (%d ids, %d payloads)" % (count, len(payloads)),
        )
    if labels is not None:
        labels = point_labels(labels, count)
        if payloads is None:
            payloads = [b""] * count
    out = bytearray(struct.pack("<II", count, dim))
    _name(out, collection)
    out += ids_bytes
    out += floats
    if payloads is not None:
        _payload_section(out, payloads)
    if labels is not None:
        _label_section(out, labels)
    return encode_frame(Opcode.UPSERT, 0, request_id, out)


def encode_ids_request(opcode, request_id, collection, ids, with_payloads=False, with_labels=False):
    """GET or DELETE; ``with_payloads`` / ``with_labels`` (GET only) ask for the found ids'
    payloads / labels."""
    ids_bytes = _ids_le(ids)
    count = len(ids_bytes) // 8
    _check(count <= BATCH_IDS_MAX, "batch of %d exceeds %d" % (count, BATCH_IDS_MAX))
    flags = (GET_WITH_PAYLOADS if with_payloads else 0) | (GET_WITH_LABELS if with_labels else 0)
    _check(not (flags and opcode == Opcode.DELETE), "DELETE takes no flags")
    out = bytearray(struct.pack("<II", count, flags))
    _name(out, collection)
    out += ids_bytes
    return encode_frame(opcode, 0, request_id, out)


def encode_set_payload(request_id, collection, ids, payloads):
    """SET_PAYLOAD: replace the payloads of existing points, keeping their vectors. One payload
    per id (bytes-like, ``str`` as UTF-8, or ``None`` for none); the PAYLOAD_SECTION is always
    sent (empty for zero ids)."""
    ids_bytes = _ids_le(ids)
    count = len(ids_bytes) // 8
    _check(count <= BATCH_IDS_MAX, "batch of %d exceeds %d" % (count, BATCH_IDS_MAX))
    payloads = list(payloads)
    _check(
        len(payloads) == count,
        "set_payload needs exactly one payload per id (%d ids, %d payloads)" % (count, len(payloads)),
    )
    out = bytearray(struct.pack("<II", count, 0))
    _name(out, collection)
    out += ids_bytes
    _payload_section(out, payloads)
    return encode_frame(Opcode.SET_PAYLOAD, 0, request_id, out)


def encode_set_labels(request_id, collection, ids, labels):
    """SET_LABELS: replace the labels of existing points, keeping their vectors and payloads. One
    label list per id (an iterable of ints in 0..2**64-1, or ``None`` for none), at most
    ``LABELS_PER_POINT_MAX`` each; the LABEL_SECTION is always sent (empty for zero ids). It
    starts 8-aligned after the ids, so it has no leading padding."""
    ids_bytes = _ids_le(ids)
    count = len(ids_bytes) // 8
    _check(count <= BATCH_IDS_MAX, "batch of %d exceeds %d" % (count, BATCH_IDS_MAX))
    lists = point_labels(labels, count, "set_labels")
    out = bytearray(struct.pack("<II", count, 0))
    _name(out, collection)
    out += ids_bytes
    _label_section(out, lists)
    return encode_frame(Opcode.SET_LABELS, 0, request_id, out)


def encode_search(
    request_id,
    collection,
    queries,
    k,
    ef=0,
    exact=False,
    allow_partial=False,
    dim=None,
    with_payloads=False,
    filter=None,
    max_distance=None,
):
    """SEARCH; ``filter`` is ``None`` or a dict with optional keys ``all_of``, ``any_of``,
    ``any_of_groups`` and ``none_of`` (see :func:`normalize_filter`), sent with the
    ``HAS_FILTER`` flag. One ``any_of`` group is sent in the original form (``any_groups`` 0),
    which every server with ``FEATURE_LABELS`` takes; two or more need
    ``FEATURE_FILTER_GROUPS``. ``max_distance`` (a finite number within the f32 range: an
    int, a float or a numpy scalar; needs ``FEATURE_MAX_DISTANCE``) goes as an f32 after
    ``dim`` with the ``HAS_MAX_DISTANCE`` flag; anything else raises :class:`CodecError`."""
    lists = None if filter is None else normalize_filter(filter)
    max_distance_f32 = None if max_distance is None else _f32(max_distance, "max_distance")
    count, dim, floats = matrix(queries, dim)
    _check(1 <= k <= K_MAX, "k must be 1..=1024")
    _check(0 <= ef <= EXPANSION_MAX, "ef out of range")
    _check(1 <= count <= BATCH_QUERIES_MAX, "1..=4096 queries per search")
    _check(1 <= dim <= DIMENSIONS_MAX, "dim must be 1..=4096")
    flags = (
        (SEARCH_EXACT if exact else 0)
        | (SEARCH_ALLOW_PARTIAL if allow_partial else 0)
        | (SEARCH_WITH_PAYLOADS if with_payloads else 0)
        | (SEARCH_HAS_FILTER if lists is not None else 0)
        | (SEARCH_HAS_MAX_DISTANCE if max_distance is not None else 0)
    )
    out = bytearray(struct.pack("<IIIII", k, ef, flags, count, dim))
    out += max_distance_f32 if max_distance_f32 is not None else bytes(4)
    _name(out, collection)
    out += floats
    if lists is not None:
        _filter(out, lists)
    return encode_frame(Opcode.SEARCH, 0, request_id, out)


def _filter(out, lists):
    """Append a FILTER (zero padding to 8, the three counts, ``any_groups``, the group sizes,
    the labels) to ``out``; ``lists`` is ``(all_of, groups, none_of)`` from
    :func:`normalize_filter`. A single group goes in the original form: ``any_groups`` 0 and no
    sizes; two or more set ``any_groups`` to their number and send their sizes (u64 each)."""
    all_of, groups, none_of = lists
    any_count = sum(len(x) for x in groups)
    any_groups = len(groups) if len(groups) >= 2 else 0
    _pad8(out)
    out += struct.pack("<IIII", len(all_of), any_count, len(none_of), any_groups)
    if any_groups:
        out += _ids_le([len(x) for x in groups])
    out += _ids_le(all_of)
    for x in groups:
        out += _ids_le(x)
    out += _ids_le(none_of)


def check_scroll(start_id, limit):
    """Raise :class:`CodecError` (a ``ValueError``) unless ``start_id`` is an int in
    0..2**64-1 and ``limit`` an int in 1..=``SCROLL_LIMIT_MAX``."""
    for what, value, low, high in (("start_id", start_id, 0, _U64_MAX), ("limit", limit, 1, SCROLL_LIMIT_MAX)):
        _check(
            not isinstance(value, bool) and isinstance(value, int) and low <= value <= high,
            "scroll %s must be an int in %d..=%d, got %r" % (what, low, high, value),
        )


def encode_scroll(
    request_id,
    collection,
    start_id=0,
    limit=1000,
    with_vectors=False,
    with_payloads=False,
    with_labels=False,
    filter=None,
):
    """SCROLL: up to ``limit`` points with ``id >= start_id`` in ascending id order, with the
    parts asked for; ``filter`` is ``None`` or a dict as for :func:`encode_search` (``all_of``,
    ``any_of``, ``any_of_groups``, ``none_of``; see :func:`normalize_filter`), sent with the
    ``HAS_FILTER`` flag right after the NAME (which ends 8-aligned, so without padding)."""
    check_scroll(start_id, limit)
    lists = None if filter is None else normalize_filter(filter)
    flags = (
        (SCROLL_WITH_VECTORS if with_vectors else 0)
        | (SCROLL_WITH_PAYLOADS if with_payloads else 0)
        | (SCROLL_WITH_LABELS if with_labels else 0)
        | (SCROLL_HAS_FILTER if lists is not None else 0)
    )
    out = bytearray(struct.pack("<IIQ", limit, flags, start_id))
    _name(out, collection)
    if lists is not None:
        _filter(out, lists)
    return encode_frame(Opcode.SCROLL, 0, request_id, out)


# ---- response decoders ----

class _Reader:
    def __init__(self, body):
        self.body = memoryview(body)
        self.pos = 0

    def take(self, n):
        _check(0 <= n <= len(self.body) - self.pos, "truncated body")
        out = self.body[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt):
        s = struct.Struct("<" + fmt)
        return s.unpack(self.take(s.size))

    def zero(self, n):
        _check(not any(self.take(n)), "non-zero reserved bytes or padding")

    def pad8(self):
        self.zero(-self.pos % 8)

    def payloads(self, n):
        """A PAYLOAD_SECTION for ``n`` points, as a list of ``bytes``."""
        lengths = self.unpack("%dI" % n) if n else ()
        for i, length in enumerate(lengths):
            _check(
                length <= PAYLOAD_BYTES_MAX,
                "payload of point %d is %d bytes, over the limit of %d" % (i, length, PAYLOAD_BYTES_MAX),
            )
        self.pad8()
        _check(sum(lengths) <= self.remaining(), "payload bytes truncated")
        return [bytes(self.take(length)) for length in lengths]

    def labels(self, n):
        """A LABEL_SECTION for ``n`` points, as a list of lists of ints."""
        self.pad8()
        counts = self.unpack("%dI" % n) if n else ()
        for i, count in enumerate(counts):
            _check(
                count <= LABELS_PER_POINT_MAX,
                "point %d has %d labels, over the limit of %d" % (i, count, LABELS_PER_POINT_MAX),
            )
        self.pad8()
        total = sum(counts)
        _check(8 * total <= self.remaining(), "labels truncated")
        flat = array("Q")
        flat.frombytes(bytes(self.take(8 * total)))
        if sys.byteorder == "big":
            flat.byteswap()
        out, at = [], 0
        for count in counts:
            out.append(list(flat[at:at + count]))
            at += count
        return out

    def short_str(self, limit):
        (n,) = self.unpack("B")
        _check(n <= limit, "string too long")
        raw = bytes(self.take(n))
        self.pad8()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CodecError("string is not UTF-8")

    def remaining(self):
        return len(self.body) - self.pos

    def finish(self):
        _check(self.remaining() == 0, "trailing bytes after body")


def _floats_from(mv):
    a = array("f")
    a.frombytes(bytes(mv))
    if sys.byteorder == "big":
        a.byteswap()
    return a


def decode_error(body):
    r = _Reader(body)
    code, n = r.unpack("HH")
    r.zero(4)
    _check(n <= ERROR_MESSAGE_BYTES_MAX, "error message too long")
    try:
        message = bytes(r.take(n)).decode("utf-8")
    except UnicodeDecodeError:
        raise CodecError("error message is not UTF-8")
    r.finish()
    _check(code != ErrorCode.OK, "error body with code 0 (OK)")
    try:
        code = ErrorCode(code)
    except ValueError:
        code = ErrorCode.UNKNOWN
    return code, message


def _collection_info(r):
    dim, shards, metric, flags = r.unpack("IHBB")
    _check(flags & ~COLLECTION_READ_REPLICAS == 0, "reserved collection info flag bits set")
    connectivity, _ = r.unpack("HH")
    _check(_ == 0, "reserved")
    (expansion_add, vectors_count, nbytes, shard_count) = r.unpack("IQQI")
    r.zero(4)
    name = r.short_str(COLLECTION_NAME_BYTES_MAX)
    _check(shard_count <= SHARDS_MAX and shard_count * 32 <= r.remaining(), "bad shard count")
    shard_infos = []
    for _i in range(shard_count):
        shard, _r, v, d, b = r.unpack("IIQQQ")
        _check(_r == 0, "reserved")
        shard_infos.append(ShardInfo(shard, v, d, b))
    read_replicas = bool(flags & COLLECTION_READ_REPLICAS)
    try:
        metric = Metric(metric)
    except ValueError:
        raise CodecError("unknown metric %d in collection info" % metric)
    return CollectionInfo(
        name, dim, metric, shards, connectivity, expansion_add, vectors_count, nbytes, shard_infos, read_replicas
    )


def decode_response(opcode, body):
    """Decode a success body for ``opcode`` into Python values."""
    r = _Reader(body)
    if opcode == Opcode.HELLO:
        version, _r, in_flight_max, features, body_max, _r2 = r.unpack("HHIQII")
        _check(_r == 0 and _r2 == 0, "reserved")
        out = HelloAck(version, in_flight_max, features, body_max)
    elif opcode in (Opcode.PING, Opcode.CREATE_COLLECTION, Opcode.DROP_COLLECTION, Opcode.SNAPSHOT):
        out = None
    elif opcode == Opcode.LIST_COLLECTIONS:
        (count,) = r.unpack("I")
        r.zero(4)
        _check(count <= COLLECTIONS_MAX and count * 48 <= r.remaining(), "bad collection count")
        out = [_collection_info(r) for _i in range(count)]
    elif opcode == Opcode.DESCRIBE_COLLECTION:
        out = _collection_info(r)
    elif opcode in (Opcode.UPSERT, Opcode.DELETE, Opcode.SET_PAYLOAD, Opcode.SET_LABELS):
        count, flags, lsn = r.unpack("IIQ")
        _check(flags in (0, WRITE_HAS_LSN), "bad write ack flags")
        _check(flags or lsn == 0, "write ack without HAS_LSN has a non-zero lsn")
        out = WriteAck(count, lsn if flags & WRITE_HAS_LSN else None)
    elif opcode == Opcode.GET:
        count, dim = r.unpack("II")
        _check(count <= BATCH_IDS_MAX and dim <= DIMENSIONS_MAX, "bad get header")
        found = bytes(r.take(count))
        r.pad8()
        _check(all(f in (0, 1) for f in found), "found flag not 0/1")
        nfound = sum(found)
        _check(nfound == 0 or dim > 0, "get dim is 0 with vectors found")
        floats = _floats_from(r.take(4 * nfound * dim))
        # The payload section is present iff the body continues after the vectors, the label
        # section iff it continues after the payload section; with either, each found id
        # decodes as Point(vector, payload, labels) instead of a bare vector.
        payloads = r.payloads(nfound) if r.remaining() else None
        labels = r.labels(nfound) if payloads is not None and r.remaining() else None
        out, j = GetResult(), 0
        out.has_payloads, out.has_labels = payloads is not None, labels is not None
        for f in found:
            if f:
                vector = list(floats[j * dim:(j + 1) * dim])
                if payloads is None:
                    out.append(vector)
                else:
                    out.append(Point(vector, payloads[j], None if labels is None else labels[j]))
                j += 1
            else:
                out.append(None)
    elif opcode == Opcode.SEARCH:
        count, flags = r.unpack("II")
        _check(
            count <= BATCH_QUERIES_MAX and flags & ~(SEARCH_PARTIAL | SEARCH_HAS_PAYLOADS) == 0,
            "bad search header",
        )
        has_payloads = bool(flags & SEARCH_HAS_PAYLOADS)
        hits = r.unpack("%dI" % count) if count else ()
        r.pad8()
        _check(all(h <= K_MAX for h in hits), "hit count over K_MAX")
        total = sum(hits)
        if has_payloads:
            _check(total * 16 <= r.remaining(), "hits do not match counts")
        else:
            _check(total * 12 == r.remaining(), "hits do not match counts")
        ids = array("Q")
        ids.frombytes(bytes(r.take(8 * total)))
        if sys.byteorder == "big":
            ids.byteswap()
        dists = _floats_from(r.take(4 * total))
        # With HAS_PAYLOADS every hit is (id, distance, payload), else (id, distance).
        payloads = r.payloads(total) if has_payloads else None
        results, at = [], 0
        for h in hits:
            if payloads is None:
                results.append([(ids[i], dists[i]) for i in range(at, at + h)])
            else:
                results.append([(ids[i], dists[i], payloads[i]) for i in range(at, at + h)])
            at += h
        out = (results, bool(flags & SEARCH_PARTIAL))
    elif opcode == Opcode.SCROLL:
        count, flags, dim = r.unpack("III")
        r.zero(4)
        _check(
            flags & ~(SCROLL_MORE | SCROLL_HAS_VECTORS | SCROLL_HAS_PAYLOADS | SCROLL_HAS_LABELS) == 0,
            "reserved scroll response flags",
        )
        _check(count <= SCROLL_LIMIT_MAX, "scroll count %d exceeds SCROLL_LIMIT_MAX" % count)
        _check(1 <= dim <= DIMENSIONS_MAX, "scroll dim %d is not 1..=4096" % dim)
        ids = array("Q")
        ids.frombytes(bytes(r.take(8 * count)))
        if sys.byteorder == "big":
            ids.byteswap()
        ids = list(ids)
        _check(all(a < b for a, b in zip(ids, ids[1:])), "scroll ids are not strictly ascending")
        more = bool(flags & SCROLL_MORE)
        _check(
            not more or (ids and ids[-1] < _U64_MAX), "scroll MORE set on an empty page or after id 2**64-1"
        )
        # Each part is present iff its flag is set (on an empty page every part is 0 bytes).
        vectors = None
        if flags & SCROLL_HAS_VECTORS:
            floats = _floats_from(r.take(4 * count * dim))
            vectors = [list(floats[i * dim:(i + 1) * dim]) for i in range(count)]
        payloads = r.payloads(count) if flags & SCROLL_HAS_PAYLOADS else None
        labels = r.labels(count) if flags & SCROLL_HAS_LABELS else None
        out = ScrollResponse(ids, more, dim, vectors, payloads, labels)
    elif opcode == Opcode.STATS:
        (count,) = r.unpack("I")
        r.zero(4)
        _check(count <= STATS_ENTRIES_MAX and count * 16 <= r.remaining(), "bad stats count")
        out = []
        for _i in range(count):
            (value,) = r.unpack("Q")
            name = r.short_str(STAT_NAME_BYTES_MAX)
            _check(name, "empty stat name")
            out.append((name, value))
    else:
        raise CodecError("unknown opcode 0x%02x" % opcode)
    r.finish()
    return out
