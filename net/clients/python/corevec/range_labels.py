"""Range labels: numeric range filters expressed with labels (net/proto/PROTOCOL.md, section 11).

The Python mirror of the Rust ``corevec_proto::range`` module, checked against the same golden
values. A point carries a 32-bit key of a numeric *field* (0..=255) as :data:`LEVELS` labels,
the key's prefixes of 32, 28, ..., 4 bits (level ``l`` keeps ``key >> 4*l``). A range
``lo..=hi`` is the union of at most :data:`COVER_LABELS_MAX` such prefixes (:func:`cover`); a
filter with the cover as one of its ``any_of`` groups matches exactly the points whose key lies
in the range (see :func:`corevec.with_range`, which adds one group per range). The server needs
nothing for this: range labels are labels.

Keys are ints in ``0..=2**32-1``; :func:`key_i32` and :func:`key_f32` map signed 32-bit ints and
floats to keys in the same order. Labels whose top 20 bits are ``0xFFFFE`` (:data:`TAG`) are
reserved for range labels: an application's own labels must stay outside that space.

Pure functions, standard library only.
"""

import math
import operator
import struct

__all__ = [
    "LEVELS",
    "TAG",
    "COVER_LABELS_MAX",
    "KEY_MAX",
    "label",
    "is_range_label",
    "point_labels",
    "cover",
    "key_i32",
    "key_f32",
]

#: Levels (labels per point per field): 32 bits in steps of 4.
LEVELS = 8
#: The top 20 bits of every range label (``0xFFFFE << 44``).
TAG = 0xFFFFE << 44
#: Most labels a cover holds: up to 15 edge prefixes per side on each of the seven finer levels
#: and at most 14 of the 16 top-level prefixes (7 * 30 + 14). ``cover(f, 1, 2**32 - 2)`` has it.
COVER_LABELS_MAX = 224
#: The largest key (keys are 32-bit unsigned).
KEY_MAX = 2**32 - 1

_FIELD_MAX = 255
_I32_MIN, _I32_MAX = -(2**31), 2**31 - 1
_U64_MAX = 2**64 - 1


def _int(value, what):
    """``value`` as an int (anything with ``__index__``, e.g. a numpy integer); ``bool`` and
    non-integers (floats included) raise ``TypeError``."""
    if isinstance(value, bool):
        raise TypeError("%s must be an int, not bool (%r)" % (what, value))
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError("%s must be an int, got %r" % (what, value)) from None


def _in_range(value, low, high, what):
    value = _int(value, what)
    if not low <= value <= high:
        raise ValueError("%s must be in %d..=%d, got %d" % (what, low, high, value))
    return value


def _field(field):
    return _in_range(field, 0, _FIELD_MAX, "range label field")


def _key(key, what="range key"):
    return _in_range(key, 0, KEY_MAX, what)


def _label(field, level, prefix):
    # Arguments already checked.
    return TAG | field << 36 | level << 32 | prefix


def label(field, level, prefix):
    """The label of ``prefix`` at ``level`` of ``field``: ``TAG | field << 36 | level << 32 |
    prefix``. Raises ``ValueError`` unless ``field`` is in 0..=255, ``level`` in 0..=7 and
    ``prefix`` in 0..=2**32-1 (``TypeError`` for non-ints)."""
    field = _field(field)
    level = _in_range(level, 0, LEVELS - 1, "range label level")
    prefix = _key(prefix, "range label prefix")
    return _label(field, level, prefix)


def is_range_label(label):
    """Whether ``label`` (a label, an int in 0..=2**64-1) is in the range-label space."""
    label = _in_range(label, 0, _U64_MAX, "label")
    return label >> 44 == TAG >> 44


def point_labels(field, key):
    """The :data:`LEVELS` labels a point with ``key`` in ``field`` carries, finest first: add
    them to the point's labels (they count against ``LABELS_PER_POINT_MAX``)."""
    field, key = _field(field), _key(key)
    return [_label(field, level, key >> (4 * level)) for level in range(LEVELS)]


def cover(field, lo, hi):
    """The labels of which a point carries one exactly when its key in ``field`` is in
    ``lo..=hi``, in the same order as the Rust client: use them as one any_of group of a
    filter. Empty when ``lo > hi`` (an empty range: never send it as an empty ``any_of``, which
    matches every point; an empty group in ``any_of_groups`` is refused). At most
    :data:`COVER_LABELS_MAX` labels, none repeated."""
    field, lo, hi = _field(field), _key(lo, "range lo"), _key(hi, "range hi")
    out = []
    if lo > hi:
        return out
    # Half-open [lo, hi) in units of 16**level.
    hi += 1
    for level in range(LEVELS):
        if lo >= hi:
            break
        if level == LEVELS - 1:
            out.extend(_label(field, level, prefix) for prefix in range(lo, hi))
            break
        while lo < hi and lo % 16 != 0:
            out.append(_label(field, level, lo))
            lo += 1
        while lo < hi and hi % 16 != 0:
            hi -= 1
            out.append(_label(field, level, hi))
        lo //= 16
        hi //= 16
    assert len(out) <= COVER_LABELS_MAX
    return out


def key_i32(value):
    """The key of a signed 32-bit int, in the same order (the sign bit flipped). Raises
    ``ValueError`` outside -2**31..=2**31-1, ``TypeError`` for non-ints."""
    value = _in_range(value, _I32_MIN, _I32_MAX, "key_i32 value")
    return (value & 0xFFFFFFFF) ^ 0x80000000


def key_f32(value):
    """The key of a float as an IEEE-754 single (a Python float is rounded to the nearest f32,
    as ``struct.pack("<f")`` does), in the same order; ``-0.0`` and ``0.0`` share one key, and
    ``None`` for NaN. Use the same function for stored values and for range bounds. Raises
    ``ValueError`` for a finite value beyond the f32 range, ``TypeError`` for non-numbers."""
    if isinstance(value, bool) or not hasattr(type(value), "__float__"):
        raise TypeError("key_f32 value must be a float, got %r" % (value,))
    try:
        value = float(value)
    except OverflowError:
        raise ValueError("key_f32 value %r is beyond the f32 range" % (value,)) from None
    if math.isnan(value):
        return None
    try:
        (bits,) = struct.unpack("<I", struct.pack("<f", value))
    except OverflowError:
        raise ValueError("key_f32 value %r is beyond the f32 range" % (value,)) from None
    if bits == 0x80000000:
        bits = 0  # -0.0 (also a tiny negative value rounded to it) takes the key of 0.0
    return (~bits & 0xFFFFFFFF) if bits >> 31 else bits | 0x80000000
