"""Seeded random-input robustness of the decoders in corevec/protocol.py (no server needed).

The property: ``check_frame``, ``decode_header``, ``split_frame``, ``decode_error`` and
``decode_response`` (for every opcode) either return a value or raise ``CodecError`` (the
documented decode error), never another exception (``struct.error``, ``IndexError``,
``UnicodeDecodeError``, a plain ``ValueError``, ``MemoryError``, ...) and never hang. Inputs
are random bytes and random truncations and byte mutations of valid frames and bodies (the
golden frames of test_protocol.py plus a few built here). Seeds are fixed: a failure names the
seed and the input, and reproduces.
"""

import contextlib
import os
import random
import signal
import struct
import sys
import threading
import traceback
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))

from corevec import protocol as p  # noqa: E402
from corevec.protocol import Opcode  # noqa: E402
from test_protocol import GOLDEN, scroll_response_body  # noqa: E402

# Per decoder call, not per test: one call on a few hundred bytes that runs this long is a hang.
HANG_GUARD_SECONDS = 20.0
# Byte values that hit limits and sign/flag bits more often than uniform random bytes do.
INTERESTING_BYTES = (0x00, 0x01, 0x02, 0x07, 0x08, 0x10, 0x3F, 0x40, 0x7F, 0x80, 0xFE, 0xFF)
UNKNOWN_OPCODE = 0x7E


class _Hung(BaseException):
    """Raised by the SIGALRM guard inside a decoder call that does not return."""


def _golden_frames():
    return {name: bytes.fromhex(text) for name, text in sorted(GOLDEN.items())}


def _response_bodies():
    """``[(name, opcode, body)]``: a valid success body for every opcode, several per response
    kind (GET plain / payloads / labels / both, SEARCH plain / payloads, SCROLL with each part
    and empty, ...)."""
    out = []
    for name, frame in _golden_frames().items():
        header, body = p.split_frame(frame)
        if header.flags & p.FLAG_RESPONSE and not header.flags & p.FLAG_ERROR:
            out.append((name, Opcode(header.opcode), bytes(body)))
    describe = dict((n, b) for n, _, b in out)
    out += [
        # Acks with an empty body.
        ("create_ack", Opcode.CREATE_COLLECTION, b""),
        ("drop_ack", Opcode.DROP_COLLECTION, b""),
        ("snapshot_ack", Opcode.SNAPSHOT, b""),
        # Two collection infos, one with READ_REPLICAS, one with two shards.
        (
            "list_two",
            Opcode.LIST_COLLECTIONS,
            struct.pack("<II", 2, 0)
            + describe["describe_read_replicas_response"]
            + describe["describe_response"],
        ),
        ("list_empty", Opcode.LIST_COLLECTIONS, struct.pack("<II", 0, 0)),
        ("stats_empty", Opcode.STATS, struct.pack("<II", 0, 0)),
        (
            "scroll_all_parts",
            Opcode.SCROLL,
            scroll_response_body(
                [1, 5, 9],
                more=True,
                dim=2,
                vectors=[[0.5, -1.0], [2.0, 3.0], [4.0, 5.0]],
                payloads=[b'{"a":1}', b"", b"xyz"],
                labels=[[1, 5], [], [7]],
            ),
        ),
        ("scroll_labels", Opcode.SCROLL, scroll_response_body([3], dim=1, labels=[[2, 4, 6]])),
        ("scroll_empty", Opcode.SCROLL, scroll_response_body([], dim=3, vectors=[], payloads=[], labels=[])),
        ("write_ack_lsn", Opcode.SET_LABELS, struct.pack("<IIQ", 4, p.WRITE_HAS_LSN, 77)),
    ]
    return out


def _error_bodies():
    def error_body(code, message):
        return struct.pack("<HHI", code, len(message), 0) + message

    _, body = p.split_frame(_golden_frames()["error_response"])
    return [bytes(body), error_body(13, "é".encode()), error_body(999, b""), error_body(9, b"busy" * 40)]


def _truncate(rng, data):
    return data[: rng.randrange(len(data))] if data else data


def _mutate(rng, data, count=1):
    """``data`` with ``count`` random bytes replaced (an interesting value, a random one or one
    bit flipped); empty data gets one random byte."""
    if not data:
        return bytes([rng.randrange(256)])
    out = bytearray(data)
    for _ in range(count):
        i = rng.randrange(len(out))
        kind = rng.randrange(3)
        if kind == 0:
            out[i] = rng.choice(INTERESTING_BYTES)
        elif kind == 1:
            out[i] = rng.randrange(256)
        else:
            out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def _random_bytes(rng, max_len):
    return bytes(rng.randrange(256) for _ in range(rng.randrange(max_len + 1)))


def _frame_with_random_header(rng):
    """A frame whose header has a valid header CRC (so decoding goes past it) but random
    version, opcode, flags, body length, body CRC and reserved bytes, and a random body."""
    body = _random_bytes(rng, 48)
    version = rng.choice((1, 1, 1, 0, 2, rng.randrange(1 << 16)))
    body_bytes = rng.choice((len(body), len(body), len(body) + 1, max(0, len(body) - 1), rng.randrange(1 << 32)))
    body_crc = p.crc32c(body) if rng.randrange(2) else rng.randrange(1 << 32)
    reserved = b"\0\0\0\0" if rng.randrange(2) else bytes(rng.randrange(256) for _ in range(4))
    flags = rng.choice((0, p.FLAG_RESPONSE, p.FLAG_RESPONSE | p.FLAG_ERROR, p.FLAG_ERROR, rng.randrange(256)))
    head = struct.pack(
        "<4sHBBQII4s",
        p.MAGIC,
        version,
        rng.choice(list(Opcode) + [rng.randrange(256)]),
        flags,
        rng.randrange(1 << 64),
        body_bytes,
        body_crc,
        reserved,
    )
    return head + struct.pack("<I", p.crc32c(head)) + body


def _frame_with_mutated_header(rng, frame):
    """``frame`` with header bytes 4..27 mutated and the header CRC recomputed to match."""
    head = bytearray(frame[:28])
    for _ in range(rng.randrange(1, 3)):
        i = rng.randrange(4, 28)
        head[i] = rng.choice(INTERESTING_BYTES) if rng.randrange(2) else rng.randrange(256)
    return bytes(head) + struct.pack("<I", p.crc32c(bytes(head))) + frame[32:]


class DecoderFuzzTest(unittest.TestCase):
    """Random inputs to every decoder: a value or CodecError, nothing else."""

    def setUp(self):
        # A per-call hang guard where SIGALRM exists and we are on the main thread (unittest's);
        # elsewhere the calls run unguarded (a hang then hangs the run, as any test would).
        self.guarded = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        if self.guarded:

            def on_alarm(signum, frame):
                raise _Hung()

            previous = signal.signal(signal.SIGALRM, on_alarm)
            self.addCleanup(signal.signal, signal.SIGALRM, previous)
        self.calls = 0

    @contextlib.contextmanager
    def guard(self, seed, decoder, args):
        """Fail the test if ``decoder(*args)``, run in the block, does not return within the
        hang guard."""
        if self.guarded:
            signal.setitimer(signal.ITIMER_REAL, HANG_GUARD_SECONDS)
        try:
            yield
        except _Hung:
            self.fail("%s did not return (seed %r, args %s)" % (decoder.__name__, seed, self._show(args)))
        finally:
            if self.guarded:
                signal.setitimer(signal.ITIMER_REAL, 0)

    def decode(self, seed, decoder, *args):
        """``decoder(*args)``: its value, or None after a CodecError; any other exception (or
        no return within the hang guard) fails the test, naming the seed and the input."""
        self.calls += 1
        with self.guard(seed, decoder, args):
            try:
                return decoder(*args)
            except p.CodecError:
                return None
            except Exception:  # noqa: B902 (any other exception is the failure being looked for)
                self.fail(
                    "%s raised a non-CodecError (seed %r, args %s):\n%s"
                    % (decoder.__name__, seed, self._show(args), traceback.format_exc())
                )

    def valid(self, decoder, *args):
        """``decoder(*args)`` on a valid input: its value (a CodecError fails the test)."""
        with self.guard("valid", decoder, args):
            return decoder(*args)

    @staticmethod
    def _show(args):
        return ", ".join(bytes(a).hex() if isinstance(a, (bytes, bytearray, memoryview)) else repr(a) for a in args)

    def check_framing(self, seed, data):
        """check_frame / decode_header / split_frame on ``data``, with the properties their
        values must have."""
        n = self.decode(seed, p.check_frame, data)
        if n is not None:
            self.assertIsInstance(n, int)
            self.assertTrue(p.FRAME_HEADER_SIZE <= n <= len(data), (seed, n, data.hex()))
            # A frame check_frame delimits is never refused fatally by split_frame: what is left
            # (reserved bits, body CRC) concerns this frame's request only.
            try:
                p.split_frame(data[:n])
            except p.CodecError as e:
                self.assertFalse(e.fatal, (seed, str(e), data.hex()))
        for header_bytes in (data[: p.FRAME_HEADER_SIZE], data[: p.FRAME_HEADER_SIZE + 3], data[:5]):
            header = self.decode(seed, p.decode_header, header_bytes)
            if header is not None:
                self.assertIsInstance(header, p.Header)
                self.assertLessEqual(header.body_bytes, p.FRAME_BODY_BYTES_MAX)
        split = self.decode(seed, p.split_frame, data)
        if split is not None:
            header, body = split
            self.assertIsInstance(header, p.Header)
            self.assertEqual(len(body), header.body_bytes, (seed, data.hex()))
            self.assertEqual(p.crc32c(body), header.body_crc, (seed, data.hex()))

    def test_framing_decoders_on_random_frames(self):
        rng = random.Random(0xC0E7EC1)
        frames = list(_golden_frames().values())
        for frame in frames:  # the unmutated frames decode
            self.valid(p.split_frame, frame)
            self.assertEqual(self.valid(p.check_frame, frame), len(frame))
        for case in range(1500):
            seed = ("framing", case)
            frame = rng.choice(frames)
            kind = case % 6
            if kind == 0:
                data = _random_bytes(rng, 80)
            elif kind == 1:
                data = p.MAGIC + _random_bytes(rng, 80)
            elif kind == 2:
                data = _truncate(rng, frame)
            elif kind == 3:
                data = _mutate(rng, frame, rng.randrange(1, 3))
            elif kind == 4:
                data = _frame_with_random_header(rng)
            else:
                data = _frame_with_mutated_header(rng, frame)
            self.check_framing(seed, data)
            # A valid frame followed by the case: check_frame delimits the first one.
            self.assertEqual(self.decode(seed, p.check_frame, frame + data), len(frame))

    def test_decode_error_on_random_bodies(self):
        rng = random.Random(0xE7707)
        bodies = _error_bodies()
        for body in bodies:
            code, message = self.valid(p.decode_error, body)
            self.assertIsInstance(code, p.ErrorCode)
        for case in range(1500):
            seed = ("decode_error", case)
            body = rng.choice(bodies)
            kind = case % 4
            if kind == 0:
                data = _random_bytes(rng, 40)
            elif kind == 1:
                data = _truncate(rng, body)
            elif kind == 2:
                data = _mutate(rng, body, rng.randrange(1, 3))
            else:
                data = body[:8] + _random_bytes(rng, 24)
            for view in (data, memoryview(data)):
                value = self.decode(seed, p.decode_error, view)
                if value is not None:
                    code, message = value
                    self.assertIsInstance(code, p.ErrorCode)
                    self.assertNotEqual(code, p.ErrorCode.OK)
                    self.assertIsInstance(message, str)

    def test_decode_response_on_random_bodies_for_every_opcode(self):
        rng = random.Random(0x5E5B0D1)
        bases = _response_bodies()
        # Every opcode has a valid body to start from, and each decodes as it is.
        self.assertEqual({opcode for _, opcode, _ in bases}, set(Opcode))
        for name, opcode, body in bases:
            with self.subTest(base=name):
                self.valid(p.decode_response, opcode, body)
        opcodes = list(Opcode) + [UNKNOWN_OPCODE]
        for case in range(2400):
            seed = ("decode_response", case)
            name, opcode, body = rng.choice(bases)
            kind = case % 5
            if kind == 0:
                data = _random_bytes(rng, 96)
            elif kind == 1:
                data = _truncate(rng, body)
            elif kind == 2:
                data = _mutate(rng, body)
            elif kind == 3:
                data = _mutate(rng, body, rng.randrange(2, 5))
            else:  # a valid start (counts, flags) and a random rest
                data = body[: rng.randrange(4, 17)] + _random_bytes(rng, 64)
            # Decoded as the opcode it was built for, and as one other (chosen at random).
            self.decode(seed + (name,), p.decode_response, opcode, data)
            self.decode(seed + (name,), p.decode_response, rng.choice(opcodes), memoryview(data))
        self.assertEqual(self.calls, 2 * 2400)


class DecoderFuzzRegressionTest(unittest.TestCase):
    """Inputs the random test found crashing a decoder before its fix."""

    def test_a_frame_shorter_than_a_header_is_a_codec_error(self):
        # split_frame raised struct.error ("unpack requires a buffer of 32 bytes").
        frame = bytes.fromhex(GOLDEN["ping_request"])
        for data in (b"", b"CVEC", frame[:10], frame[:31], bytes.fromhex("3c344c4189eb2f1e")):
            with self.subTest(data=data.hex()):
                with self.assertRaises(p.CodecError) as e:
                    p.split_frame(data)
                self.assertTrue(e.exception.fatal)
                with self.assertRaises(p.CodecError):
                    p.decode_header(data)
        # check_frame still waits for more bytes of a short frame.
        self.assertIsNone(p.check_frame(frame[:31]))
        with self.assertRaises(p.CodecError):
            p.decode_header(frame + b"\0")

    def test_an_unknown_metric_in_a_collection_info_is_a_codec_error(self):
        # decode_response raised a plain ValueError ("119 is not a valid Metric").
        _, describe = p.split_frame(bytes.fromhex(GOLDEN["describe_response"]))
        _, listing = p.split_frame(bytes.fromhex(GOLDEN["list_response"]))
        for opcode, body, at in ((Opcode.DESCRIBE_COLLECTION, describe, 6), (Opcode.LIST_COLLECTIONS, listing, 14)):
            for metric in (3, 55, 0x77, 0xA6, 0xFF):
                with self.subTest(opcode=opcode.name, metric=metric):
                    bad = bytearray(body)
                    self.assertEqual(bad[at], p.Metric.COSINE)
                    bad[at] = metric
                    with self.assertRaises(p.CodecError) as e:
                        p.decode_response(opcode, bytes(bad))
                    self.assertIn("metric", str(e.exception))


if __name__ == "__main__":
    unittest.main()
