"""Golden frames shared with the Rust codec (net/proto/src/golden_hex.rs): both sides must
produce and accept the same bytes. If the Rust test `golden_frames_match` prints new values,
paste them here too."""

import os
import struct
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from corevec import protocol as p  # noqa: E402
from corevec.protocol import Opcode, Metric, CollectionInfo, ShardInfo, WriteAck, HelloAck  # noqa: E402

GOLDEN = {
    "hello_request": "43564543010001000100000000000000160000001152469d000000000d340dfb01000100060000000000000000000000736563726574",
    "hello_response": "4356454301000101010000000000000018000000db0d9a00000000009ce86768010000008000000000000000000000000000000400000000",
    "ping_request": "43564543010002000200000000000000000000000000000000000000274d9498",
    "ping_response": "43564543010002010200000000000000000000000000000000000000ca309e95",
    "create_request": "435645430100100003000000000000001800000076f6a24800000000aa7dde98030000000000010010000000c800000004646f6373000000",
    "upsert_request": "4356454301002000040000000000000038000000b711e6190000000057a566aa020000000300000004646f6373000000010000000000000002000000000000000000003f000080bf0000004000004040000080400000a040",
    "upsert_response": "4356454301002001040000000000000010000000150ab15e000000006137310d02000000010000006300000000000000",
    "get_request": "4356454301002100050000000000000020000000274d9009000000008d628a46020000000000000004646f637300000001000000000000000700000000000000",
    "get_response": "435645430100210105000000000000001c000000a547346000000000e5158be9020000000300000001000000000000000000003f000080bf00000040",
    "search_request": "435645430100300006000000000000002c000000eb0cdfba000000001cab3ede02000000400000000200000001000000030000000000000004646f63730000000000003f000080bf00000040",
    "search_response": "4356454301003001060000000000000028000000760c399600000000038f954c0100000000000000020000000000000001000000000000000200000000000000000000000000da41",
    "delete_request": "43564543010022000700000000000000180000008751aa0300000000107a8b6c010000000000000004646f63730000000200000000000000",
    "delete_response": "435645430100220107000000000000001000000014977cb00000000061a78d7701000000000000000000000000000000",
    "describe_request": "435645430100130008000000000000000800000040c489b1000000003dbbaa2904646f6373000000",
    "describe_response": "4356454301001301080000000000000050000000c71f061c000000005fa8c06e030000000100010010000000c800000002000000000000000010000000000000010000000000000004646f63730000000000000000000000020000000000000001000000000000000010000000000000",
    "list_request": "435645430100120009000000000000000000000000000000000000008cd8a0ad",
    "list_response": "435645430100120109000000000000005800000028124f31000000004b0cf0140100000000000000030000000100010010000000c800000002000000000000000010000000000000010000000000000004646f63730000000000000000000000020000000000000001000000000000000010000000000000",
    "stats_request": "43564543010040000a0000000000000000000000000000000000000091d975dd",
    "stats_response": "43564543010040010a00000000000000300000009fb39afb00000000d7bfd8380200000000000000020000000000000007766563746f7273050000000000000008757074696d655f7300000000000000",
    "snapshot_request": "43564543010041000b00000000000000080000008ab2288c00000000893f19f60000000000000000",
    "drop_request": "43564543010011000c000000000000000800000040c489b100000000a1b88e4c04646f6373000000",
    "error_response": "43564543010013030d000000000000001a000000f91c9e1000000000cb2ab34f0d001200000000006e6f20636f6c6c656374696f6e20646f6373",
    "upsert_payloads_request": "43564543010020000e000000000000005a000000389efee1000000006c65d4cd030000000200000004646f63730000000100000000000000020000000000000003000000000000000000003f000080bf0000004000004040000080400000a040070000000000000003000000000000007b2261223a317d78797a",
    "get_payloads_request": "43564543010021000f000000000000002000000013c685ab0000000052fd32a4020000000100000004646f637300000001000000000000000700000000000000",
    "get_payloads_response": "43564543010021010f0000000000000027000000060eccb9000000006a38fc6c020000000300000001000000000000000000003f000080bf00000040070000007b2261223a317d",
    "search_payloads_request": "435645430100300010000000000000003800000045ee876e000000007ebd12f902000000000000000400000002000000030000000000000004646f63730000000000003f000080bf0000004000004040000080400000a040",
    "search_payloads_response": "435645430100300110000000000000004a000000efb901bc00000000ad01ef1802000000020000000200000001000000010000000000000002000000000000000300000000000000000000000000da410000c03f0700000000000000030000007b2261223a317d78797a",
    "set_payload_request": "435645430100230011000000000000002f000000b9f12dad00000000d8dd644e020000000000000004646f63730000000100000000000000070000000000000007000000000000007b2261223a317d",
    "set_payload_response": "435645430100230111000000000000001000000014977cb00000000098981be201000000000000000000000000000000",
    "upsert_labels_request": "43564543010020001200000000000000880000004f050ef100000000fa35e42d030000000200000004646f63730000000100000000000000020000000000000003000000000000000000003f000080bf0000004000004040000080400000a040070000000000000003000000000000007b2261223a317d78797a00000000000002000000000000000100000000000000010000000000000005000000000000000700000000000000",
    "upsert_labels_only_request": "43564543010020001300000000000000580000009c842fa2000000002a8dbdd8020000000300000004646f6373000000010000000000000002000000000000000000003f000080bf0000004000004040000080400000a0400000000000000000020000000000000001000000000000000500000000000000",
    "get_labels_request": "4356454301002100140000000000000020000000be2d5748000000008b025b6c020000000200000004646f637300000001000000000000000700000000000000",
    "get_labels_response": "4356454301002101140000000000000038000000d19fc1f600000000f38a45c7020000000300000001000000000000000000003f000080bf0000004000000000020000000000000001000000000000000500000000000000",
    "get_payloads_labels_request": "43564543010021001500000000000000200000008aa642ea000000008a4ed468020000000300000004646f637300000001000000000000000700000000000000",
    "get_payloads_labels_response": "4356454301002101150000000000000040000000c6451d49000000007b0ef555020000000300000001000000000000000000003f000080bf00000040070000007b2261223a317d00020000000000000001000000000000000500000000000000",
    "search_filter_request": "435645430100300016000000000000005800000029122a59000000007b039f3502000000000000000900000001000000030000000000000004646f63730000000000003f000080bf000000400000000001000000020000000000000000000000010000000000000002000000000000000300000000000000",
    "search_filter_groups_request": "43564543010030001b00000000000000780000006b5e5c39000000009c6a0d4502000000000000000900000001000000030000000000000004646f63730000000000003f000080bf0000004000000000010000000300000001000000020000000200000000000000010000000000000001000000000000000200000000000000030000000000000004000000000000000500000000000000",
    "search_max_distance_request": "43564543010030001c000000000000002c000000b1d0dc69000000000b3d656902000000000000001100000001000000030000000000003f04646f63730000000000003f000080bf00000040",
    "set_labels_request": "4356454301002400170000000000000050000000ffcd49d50000000011dd9287030000000000000004646f637300000001000000000000000700000000000000090000000000000002000000000000000100000000000000010000000000000005000000000000000700000000000000",
    "set_labels_response": "4356454301002401170000000000000010000000e7f784a30000000088672a0b02000000000000000000000000000000",
    "scroll_request": "435645430100250018000000000000001800000095e16d16000000004e4c6e3d0200000005000000050000000000000004646f6373000000",
    "scroll_filter_request": "43564543010025001900000000000000380000006125fe1a000000008f8db7596400000008000000000000000000000004646f63730000000100000000000000010000000000000001000000000000000900000000000000",
    "scroll_response": "4356454301002501180000000000000048000000690c51840000000045c25ebe020000000b0000000200000000000000050000000000000008000000000000000000003f000080bf0000004000004040020000000000000001000000000000000500000000000000",
    "create_read_replicas_request": "43564543010010001d00000000000000180000008e82a81500000000c3807f6b0300000001000101000000000000000004646f6373000000",
    "describe_read_replicas_response": "43564543010013011e00000000000000500000008ad736a800000000b6243809030000000100010110000000c800000002000000000000000010000000000000010000000000000004646f63730000000000000000000000020000000000000001000000000000000010000000000000",
    "scroll_payloads_response": "43564543010025011a000000000000004200000096caa8140000000043fa30e003000000040000000200000000000000050000000000000008000000000000000b00000000000000070000000000000003000000000000007b2261223a317d78797a",
}

# The payloads of the golden payload frames (GOLDEN_PAYLOADS in net/proto/src/tests.rs).
GOLDEN_PAYLOADS = [b'{"a":1}', b"", b"xyz"]
# The labels and filter of the golden label frames (GOLDEN_LABELS, GOLDEN_FILTER there).
GOLDEN_LABELS = [[1, 5], [], [7]]
GOLDEN_FILTER = {"all_of": [1], "any_of": [2, 3]}
# The filter of the golden search_filter_groups_request (GOLDEN_GROUPS_FILTER there).
GOLDEN_GROUPS_FILTER = {"all_of": [1], "any_of_groups": [[2, 3], [4]], "none_of": [5]}
# The filter of the golden scroll_filter_request (GOLDEN_SCROLL_FILTER there).
GOLDEN_SCROLL_FILTER = {"all_of": [1], "none_of": [9]}


def golden(name):
    return bytes.fromhex(GOLDEN[name])


def body_of(name):
    header, body = p.split_frame(golden(name))
    return header, bytes(body)


def raw_frame(opcode, flags, request_id, body=b"", reserved=b"\0\0\0\0"):
    """A frame with any flags and reserved bytes (valid CRCs), as a peer might send it."""
    head = struct.pack(
        "<4sHBBQII4s", p.MAGIC, 1, opcode, flags, request_id, len(body), p.crc32c(body), reserved
    )
    return head + struct.pack("<I", p.crc32c(head)) + body


class CrcTest(unittest.TestCase):
    def test_check_value(self):
        self.assertEqual(p.crc32c(b"123456789"), 0xE3069283)
        self.assertEqual(p.crc32c(b""), 0)


class EncodeRequestsTest(unittest.TestCase):
    def test_requests_match_rust_bytes(self):
        cases = {
            "hello_request": p.encode_hello(1, b"secret"),
            "ping_request": p.encode_empty(Opcode.PING, 2),
            "create_request": p.encode_create(3, "docs", 3, "cosine", 0, 16, 200),
            "upsert_request": p.encode_upsert(4, "docs", [1, 2], [[0.5, -1.0, 2.0], [3.0, 4.0, 5.0]]),
            "get_request": p.encode_ids_request(Opcode.GET, 5, "docs", [1, 7]),
            "search_request": p.encode_search(6, "docs", [0.5, -1.0, 2.0], 2, 64, False, True),
            "delete_request": p.encode_ids_request(Opcode.DELETE, 7, "docs", [2]),
            "describe_request": p.encode_name_request(Opcode.DESCRIBE_COLLECTION, 8, "docs"),
            "list_request": p.encode_empty(Opcode.LIST_COLLECTIONS, 9),
            "stats_request": p.encode_empty(Opcode.STATS, 10),
            "snapshot_request": p.encode_name_request(Opcode.SNAPSHOT, 11, "", True),
            "drop_request": p.encode_name_request(Opcode.DROP_COLLECTION, 12, "docs"),
            "upsert_payloads_request": p.encode_upsert(
                14, "docs", [1, 2, 3], [[0.5, -1.0], [2.0, 3.0], [4.0, 5.0]], GOLDEN_PAYLOADS
            ),
            "get_payloads_request": p.encode_ids_request(Opcode.GET, 15, "docs", [1, 7], with_payloads=True),
            "search_payloads_request": p.encode_search(
                16, "docs", [[0.5, -1.0, 2.0], [3.0, 4.0, 5.0]], 2, with_payloads=True
            ),
            "set_payload_request": p.encode_set_payload(17, "docs", [1, 7], GOLDEN_PAYLOADS[:2]),
        }
        for name, frame in cases.items():
            with self.subTest(name=name):
                self.assertEqual(frame.hex(), GOLDEN[name])

    def test_flat_list_upsert_is_the_same(self):
        self.assertEqual(
            p.encode_upsert(4, "docs", [1, 2], [0.5, -1.0, 2.0, 3.0, 4.0, 5.0]).hex(), GOLDEN["upsert_request"]
        )

    def test_numpy_when_available(self):
        try:
            import numpy as np
        except ImportError:
            self.skipTest("numpy not installed")
        vectors = np.array([[0.5, -1.0, 2.0], [3.0, 4.0, 5.0]], dtype=np.float64)
        self.assertEqual(p.encode_upsert(4, "docs", np.array([1, 2]), vectors).hex(), GOLDEN["upsert_request"])
        self.assertEqual(
            p.encode_search(6, "docs", np.array([0.5, -1.0, 2.0]), 2, 64, False, True).hex(), GOLDEN["search_request"]
        )

    def test_ids_out_of_range_are_refused_not_wrapped(self):
        # CodecError (a ValueError), never OverflowError / TypeError from the array module.
        for bad in ([-1], [1 << 64], [1.5], [1.0], ["7"], [None]):
            with self.assertRaises(p.CodecError) as e:
                p.encode_upsert(4, "docs", bad, [[0.5, -1.0, 2.0]])
            self.assertIn("0..2**64-1", str(e.exception))
            with self.assertRaises(p.CodecError):
                p.encode_ids_request(Opcode.GET, 5, "docs", bad)
        ok = p.encode_ids_request(Opcode.GET, 5, "docs", [(1 << 64) - 1, 0])
        self.assertEqual(ok[-16:], b"\xff" * 8 + b"\0" * 8)

    def test_numpy_ids_are_refused_not_wrapped_when_available(self):
        try:
            import numpy as np
        except ImportError:
            self.skipTest("numpy not installed")
        vectors = np.array([[0.5, -1.0, 2.0], [3.0, 4.0, 5.0]])
        # np.array([-1]) used to become 2**64-1, and 1.9 to become 1.
        for bad in (np.array([1, -1]), np.array([1.0, 2.0]), np.array([1.9, 2.0]), np.array([True, False])):
            with self.assertRaises(p.CodecError) as e:
                p.encode_upsert(4, "docs", bad, vectors)
            self.assertIn("0..2**64-1", str(e.exception))
        for good in (np.array([1, 2], dtype=np.int32), np.array([1, 2], dtype=np.uint64), [np.int64(1), np.uint8(2)]):
            self.assertEqual(p.encode_upsert(4, "docs", good, vectors).hex(), GOLDEN["upsert_request"])
        big = np.array([(1 << 64) - 1], dtype=np.uint64)
        self.assertEqual(p.encode_ids_request(Opcode.GET, 5, "docs", big)[-8:], b"\xff" * 8)

    def test_upsert_of_no_points(self):
        # PROTOCOL.md 5.4 allows count 0 (the Rust encoder sends it): the body is count 0, the
        # dim and the NAME; payload and label sections are empty, so absent.
        frame = p.encode_upsert(4, "docs", [], [], dim=3)
        header, body = p.split_frame(frame)
        self.assertEqual(header.opcode, Opcode.UPSERT)
        self.assertEqual(bytes(body), struct.pack("<II", 0, 3) + b"\x04docs\0\0\0")
        self.assertEqual(p.encode_upsert(4, "docs", [], [], payloads=[], labels=[], dim=3), frame)
        self.assertEqual(p.encode_upsert(4, "docs", iter([]), [], [], dim=3), frame)
        # The dim cannot be inferred from no vectors, and must be in range and fit the vectors.
        with self.assertRaises(p.CodecError) as e:
            p.encode_upsert(4, "docs", [], [])
        self.assertIn("dim", str(e.exception))
        for bad in ({"dim": 0}, {"dim": p.DIMENSIONS_MAX + 1}):
            with self.assertRaises(p.CodecError):
                p.encode_upsert(4, "docs", [], [], **bad)
        with self.assertRaises(p.CodecError):
            p.encode_upsert(4, "docs", [], [1.0, 2.0, 3.0], dim=3)
        with self.assertRaises(p.CodecError):
            p.encode_upsert(4, "docs", [], [1.0, 2.0, 3.0])
        with self.assertRaises(p.CodecError):
            p.encode_upsert(4, "docs", [1, 2], [[0.5, -1.0, 2.0], [3.0, 4.0, 5.0]], dim=2)
        # A matching dim changes nothing.
        self.assertEqual(
            p.encode_upsert(4, "docs", [1, 2], [[0.5, -1.0, 2.0], [3.0, 4.0, 5.0]], dim=3).hex(),
            GOLDEN["upsert_request"],
        )
        self.assertEqual(
            p.encode_upsert(4, "docs", [1, 2], [0.5, -1.0, 2.0, 3.0, 4.0, 5.0], dim=3).hex(),
            GOLDEN["upsert_request"],
        )

    def test_local_validation(self):
        with self.assertRaises(p.CodecError):
            p.encode_search(1, "docs", [1.0], 0)
        with self.assertRaises(p.CodecError):
            p.encode_name_request(Opcode.DROP_COLLECTION, 1, "bad name")
        with self.assertRaises(p.CodecError):
            p.encode_upsert(1, "docs", [1, 2], [1.0, 2.0, 3.0])


class DecodeResponsesTest(unittest.TestCase):
    def decode(self, name):
        header, body = body_of(name)
        self.assertTrue(header.flags & p.FLAG_RESPONSE)
        return header, p.decode_response(header.opcode, body)

    def test_responses_match_rust_values(self):
        info = CollectionInfo("docs", 3, Metric.COSINE, 1, 16, 200, 2, 4096, [ShardInfo(0, 2, 1, 4096)])
        self.assertEqual(self.decode("hello_response")[1], HelloAck(1, 128, 0, p.FRAME_BODY_BYTES_MAX))
        self.assertIsNone(self.decode("ping_response")[1])
        self.assertEqual(self.decode("upsert_response")[1], WriteAck(2, 99))
        self.assertEqual(self.decode("delete_response")[1], WriteAck(1, None))
        self.assertEqual(self.decode("get_response")[1], [[0.5, -1.0, 2.0], None])
        self.assertEqual(self.decode("search_response")[1], ([[(1, 0.0), (2, 27.25)]], False))
        self.assertEqual(self.decode("describe_response")[1], info)
        self.assertEqual(self.decode("list_response")[1], [info])
        self.assertEqual(self.decode("stats_response")[1], [("vectors", 2), ("uptime_s", 5)])
        self.assertEqual(self.decode("get_payloads_response")[1], [p.Point([0.5, -1.0, 2.0], b'{"a":1}'), None])
        self.assertEqual(
            self.decode("search_payloads_response")[1],
            ([[(1, 0.0, b'{"a":1}'), (2, 27.25, b"")], [(3, 1.5, b"xyz")]], False),
        )
        header, ack = self.decode("set_payload_response")
        self.assertEqual((header.opcode, header.request_id), (Opcode.SET_PAYLOAD, 17))
        self.assertEqual(ack, WriteAck(1, None))

    def test_error_response(self):
        header, body = body_of("error_response")
        self.assertEqual(header.flags, p.FLAG_RESPONSE | p.FLAG_ERROR)
        self.assertEqual(header.request_id, 13)
        self.assertEqual(p.decode_error(body), (p.ErrorCode.COLLECTION_NOT_FOUND, "no collection docs"))

    def test_frame_checks(self):
        frame = golden("ping_request")
        self.assertIsNone(p.check_frame(frame[:31]))
        self.assertEqual(p.check_frame(frame + frame), len(frame))
        with self.assertRaises(p.CodecError) as e:
            p.check_frame(b"GET / HTTP/1.1")
        self.assertTrue(e.exception.fatal)
        bad = bytearray(frame)
        bad[9] ^= 1
        with self.assertRaises(p.CodecError) as e:
            p.check_frame(bytes(bad))
        self.assertTrue(e.exception.fatal)
        bad_body = bytearray(golden("describe_request"))
        bad_body[-1] ^= 1
        with self.assertRaises(p.CodecError) as e:
            p.split_frame(bytes(bad_body))
        self.assertFalse(e.exception.fatal)

    def test_reserved_header_bits_are_per_request(self):
        # PROTOCOL.md section 2, step 5: the frame is delimited, so check_frame accepts it (no
        # fatal error) and split_frame refuses it with a non-fatal error for its request.
        ping = golden("ping_response")
        for frame in (
            raw_frame(Opcode.PING, p.FLAG_RESPONSE | 0x04, 2),
            raw_frame(Opcode.PING, p.FLAG_RESPONSE | 0x80, 2),
            raw_frame(Opcode.PING, p.FLAG_RESPONSE, 2, reserved=b"\0\0\x01\0"),
            # ERROR only appears with RESPONSE (FrameHeader::check_reserved in frame.rs).
            raw_frame(Opcode.DESCRIBE_COLLECTION, p.FLAG_ERROR, 2, bytes(body_of("error_response")[1])),
        ):
            with self.subTest(frame=frame.hex()):
                self.assertEqual(p.check_frame(frame + ping), len(frame))
                self.assertEqual(p.decode_header(frame[:p.FRAME_HEADER_SIZE]).request_id, 2)
                with self.assertRaises(p.CodecError) as e:
                    p.split_frame(frame)
                self.assertFalse(e.exception.fatal)
                self.assertIn("reserved header bits", str(e.exception))
        # RESPONSE | ERROR, RESPONSE and no flag at all (a request) pass.
        for flags in (p.FLAG_RESPONSE | p.FLAG_ERROR, p.FLAG_RESPONSE, 0):
            header, _ = p.split_frame(raw_frame(Opcode.PING, flags, 2))
            self.assertEqual(header.flags, flags)

    def test_error_bodies(self):
        def error_body(code, message):
            return struct.pack("<HHI", code, len(message), 0) + message

        self.assertEqual(p.decode_error(error_body(13, "é".encode())), (p.ErrorCode.COLLECTION_NOT_FOUND, "é"))
        self.assertEqual(p.decode_error(error_body(999, b"")), (p.ErrorCode.UNKNOWN, ""))
        # PROTOCOL.md section 6: code 0 is never sent, the message is UTF-8.
        for body, message in (
            (error_body(0, b"ok?"), "code 0"),
            (error_body(13, b"bad \xff utf-8"), "UTF-8"),
            (error_body(13, "é".encode()[:1]), "UTF-8"),
        ):
            with self.subTest(message=message):
                with self.assertRaises(p.CodecError) as e:
                    p.decode_error(body)
                self.assertIn(message, str(e.exception))

    def test_reserved_count_fields(self):
        # LIST and STATS: count u32 | reserved u32; a non-zero reserved u32 is refused.
        for name, opcode in (("list_response", Opcode.LIST_COLLECTIONS), ("stats_response", Opcode.STATS)):
            _, body = body_of(name)
            p.decode_response(opcode, body)
            for at in (4, 7):
                with self.subTest(name=name, at=at):
                    bad = bytearray(body)
                    bad[at] = 1
                    with self.assertRaises(p.CodecError) as e:
                        p.decode_response(opcode, bytes(bad))
                    self.assertIn("reserved", str(e.exception))
        # Empty lists too.
        self.assertEqual(p.decode_response(Opcode.STATS, struct.pack("<II", 0, 0)), [])
        self.assertEqual(p.decode_response(Opcode.LIST_COLLECTIONS, struct.pack("<II", 0, 0)), [])
        for opcode in (Opcode.STATS, Opcode.LIST_COLLECTIONS):
            with self.assertRaises(p.CodecError):
                p.decode_response(opcode, struct.pack("<II", 0, 1))

    def test_empty_stat_name(self):
        # PROTOCOL.md 5.10: a stat name is 1..=64 bytes.
        entry = struct.pack("<Q", 7) + b"\0" * 8
        with self.assertRaises(p.CodecError) as e:
            p.decode_response(Opcode.STATS, struct.pack("<II", 1, 0) + entry)
        self.assertIn("empty stat name", str(e.exception))
        good = struct.pack("<Q", 7) + b"\x01x" + b"\0" * 6
        self.assertEqual(p.decode_response(Opcode.STATS, struct.pack("<II", 1, 0) + good), [("x", 7)])

    def test_write_ack_lsn_needs_has_lsn(self):
        # PROTOCOL.md 5.4: lsn is 0 unless HAS_LSN (decode_write_ack in response.rs).
        self.assertEqual(p.decode_response(Opcode.UPSERT, struct.pack("<IIQ", 2, 0, 0)), WriteAck(2, None))
        self.assertEqual(p.decode_response(Opcode.DELETE, struct.pack("<IIQ", 2, 1, 0)), WriteAck(2, 0))
        self.assertEqual(p.decode_response(Opcode.SET_LABELS, struct.pack("<IIQ", 2, 1, 9)), WriteAck(2, 9))
        for opcode in (Opcode.UPSERT, Opcode.DELETE, Opcode.SET_PAYLOAD, Opcode.SET_LABELS):
            with self.subTest(opcode=opcode):
                with self.assertRaises(p.CodecError) as e:
                    p.decode_response(opcode, struct.pack("<IIQ", 2, 0, 99))
                self.assertIn("lsn", str(e.exception))
                with self.assertRaises(p.CodecError):
                    p.decode_response(opcode, struct.pack("<IIQ", 2, 2, 0))

    def test_malformed_bodies(self):
        _, body = body_of("search_response")
        with self.assertRaises(p.CodecError):
            p.decode_response(Opcode.SEARCH, body + b"\0")
        with self.assertRaises(p.CodecError):
            p.decode_response(Opcode.SEARCH, body[:-1])
        with self.assertRaises(p.CodecError):
            p.decode_response(Opcode.LIST_COLLECTIONS, b"\xff\xff\x00\x00\x00\x00\x00\x00")


def upsert_body(payloads, ids=(1,), vectors=(1.0,)):
    _, body = p.split_frame(p.encode_upsert(1, "docs", list(ids), list(vectors), payloads))
    return bytes(body)


class PayloadsTest(unittest.TestCase):
    """The same payload rules as net/proto/src/tests.rs (the server checks requests; these
    check the encoder and the response decoder)."""

    def test_section_layout(self):
        # One point of dim 1: the vectors end at 28, the length at 32 (no padding).
        self.assertEqual(upsert_body([b"abc"])[28:], struct.pack("<I", 3) + b"abc")
        # One point of dim 2: the vectors end at 32, the length at 36, then 4 bytes of padding.
        self.assertEqual(upsert_body([b"abc"], vectors=(1.0, 2.0))[32:], struct.pack("<I", 3) + b"\0" * 4 + b"abc")
        # The golden upsert: 3 points of dim 2, lengths end at 76, 4 bytes of padding.
        _, golden_body = body_of("upsert_payloads_request")
        self.assertEqual(golden_body[64:80], struct.pack("<III", 7, 0, 3) + b"\0" * 4)
        self.assertEqual(golden_body[80:], b'{"a":1}xyz')
        # No section without payloads; an all-empty section is still there.
        self.assertEqual(len(upsert_body(None)), 28)
        self.assertEqual(upsert_body([b""])[28:], b"\0" * 4)
        # str is stored as UTF-8, None as no payload.
        self.assertEqual(upsert_body(["é"]), upsert_body(["é".encode("utf-8")]))
        self.assertEqual(upsert_body([None]), upsert_body([b""]))

    def test_encoder_limits(self):
        upsert_body([b"x" * p.PAYLOAD_BYTES_MAX])
        with self.assertRaises(p.CodecError) as e:
            upsert_body([b"", b"x" * (p.PAYLOAD_BYTES_MAX + 1)], ids=(1, 2), vectors=(1.0, 2.0))
        self.assertIn("point 1", str(e.exception))
        with self.assertRaises(p.CodecError):
            upsert_body([b"a", b"b"])
        with self.assertRaises(p.CodecError):
            p.encode_ids_request(Opcode.DELETE, 1, "docs", [1], with_payloads=True)

    def test_get_response_sections(self):
        _, body = body_of("get_payloads_response")
        _, plain = body_of("get_response")
        self.assertEqual(body[: len(plain)], plain)
        for cut in range(len(plain) + 1, len(body)):
            with self.assertRaises(p.CodecError):
                p.decode_response(Opcode.GET, body[:cut])
        with self.assertRaises(p.CodecError):
            p.decode_response(Opcode.GET, body + b"\0")
        too_long = bytearray(body)
        too_long[len(plain):len(plain) + 4] = struct.pack("<I", p.PAYLOAD_BYTES_MAX + 1)
        with self.assertRaises(p.CodecError) as e:
            p.decode_response(Opcode.GET, bytes(too_long))
        self.assertIn("point 0", str(e.exception))

    def test_search_response_sections(self):
        _, body = body_of("search_payloads_response")
        flags_off = bytearray(body)
        flags_off[4:8] = struct.pack("<I", 0)
        # A section without HAS_PAYLOADS, a flag without (all of) the section: refused.
        with self.assertRaises(p.CodecError):
            p.decode_response(Opcode.SEARCH, bytes(flags_off))
        section_start = 16 + 3 * 12
        for cut in range(section_start, len(body)):
            with self.assertRaises(p.CodecError):
                p.decode_response(Opcode.SEARCH, body[:cut])
        self.assertEqual(
            p.decode_response(Opcode.SEARCH, bytes(flags_off[:section_start])),
            ([[(1, 0.0), (2, 27.25)], [(3, 1.5)]], False),
        )
        # Reserved response flags.
        reserved = bytearray(body)
        reserved[4] |= 4
        with self.assertRaises(p.CodecError):
            p.decode_response(Opcode.SEARCH, bytes(reserved))
        # HAS_PAYLOADS with no hits: an empty section.
        empty = struct.pack("<IIII", 2, p.SEARCH_HAS_PAYLOADS, 0, 0)
        self.assertEqual(p.decode_response(Opcode.SEARCH, empty), ([[], []], False))

    def test_set_payload_layout(self):
        self.assertEqual(Opcode.SET_PAYLOAD, 0x23)
        self.assertNotIn(Opcode.SET_PAYLOAD, p.IDEMPOTENT_READS)
        # The golden request: count 2, reserved 0, NAME, ids end at 32, lengths at 40 (no
        # padding), then the first payload; the second is empty.
        _, body = body_of("set_payload_request")
        self.assertEqual(body[:8], struct.pack("<II", 2, 0))
        self.assertEqual(body[16:32], struct.pack("<QQ", 1, 7))
        self.assertEqual(body[32:], struct.pack("<II", 7, 0) + b'{"a":1}')

        def set_body(ids, payloads):
            return bytes(p.split_frame(p.encode_set_payload(1, "docs", ids, payloads))[1])

        # One id: the length ends at 28, 4 bytes of padding, then the bytes.
        self.assertEqual(set_body([9], [b"abc"])[24:], struct.pack("<I", 3) + b"\0" * 4 + b"abc")
        # Zero ids: the section is empty, the body ends after the NAME.
        self.assertEqual(len(set_body([], [])), 16)
        # The same payload value rules as upsert: str as UTF-8, None as empty.
        self.assertEqual(set_body([1, 2], ["é", None]), set_body([1, 2], ["é".encode("utf-8"), b""]))
        self.assertEqual(set_body([1], [bytearray(b"x")]), set_body([1], [b"x"]))
        # The ack is a WRITE_ACK, as for DELETE.
        _, delete_ack = body_of("delete_response")
        self.assertEqual(p.decode_response(Opcode.SET_PAYLOAD, delete_ack), WriteAck(1, None))
        _, ack = body_of("set_payload_response")
        for bad in (ack[:-1], ack + b"\0"):
            with self.assertRaises(p.CodecError):
                p.decode_response(Opcode.SET_PAYLOAD, bad)

    def test_set_payload_encoder_limits(self):
        p.encode_set_payload(1, "docs", [1], [b"x" * p.PAYLOAD_BYTES_MAX])
        with self.assertRaises(p.CodecError) as e:
            p.encode_set_payload(1, "docs", [1, 2], [b"", b"x" * (p.PAYLOAD_BYTES_MAX + 1)])
        self.assertIn("point 1", str(e.exception))
        with self.assertRaises(p.CodecError) as e:
            p.encode_set_payload(1, "docs", [1, 2], [b"one"])
        self.assertIn("one payload per id", str(e.exception))
        with self.assertRaises(p.CodecError):
            p.encode_set_payload(1, "bad name", [1], [b"x"])
        with self.assertRaises(p.CodecError):
            p.encode_set_payload(1, "docs", [0] * (p.BATCH_IDS_MAX + 1), [b""] * (p.BATCH_IDS_MAX + 1))

    def test_non_zero_padding_is_refused(self):
        # The GET response decoder is the one with a padded section reachable from Python:
        # found=[1], dim=2 -> vectors end at 24, the length at 28, 4 bytes of padding.
        body = struct.pack("<II", 1, 2) + b"\1" + b"\0" * 7 + struct.pack("<ff", 1.0, 2.0)
        body += struct.pack("<I", 2) + b"\0" * 4 + b"hi"
        self.assertEqual(p.decode_response(Opcode.GET, body), [p.Point([1.0, 2.0], b"hi")])
        bad = bytearray(body)
        bad[29] = 1
        with self.assertRaises(p.CodecError):
            p.decode_response(Opcode.GET, bytes(bad))


def search_body(queries, dim=None, filter=None):
    _, body = p.split_frame(p.encode_search(1, "docs", queries, 3, dim=dim, filter=filter))
    return bytes(body)


class LabelsTest(unittest.TestCase):
    """The label and filter rules of net/proto/src/tests.rs, for the encoders and the GET
    response decoder."""

    def test_requests_match_rust_bytes(self):
        vectors2 = [[0.5, -1.0], [2.0, 3.0], [4.0, 5.0]]
        vectors3 = [[0.5, -1.0, 2.0], [3.0, 4.0, 5.0]]
        cases = {
            "upsert_labels_request": p.encode_upsert(18, "docs", [1, 2, 3], vectors2, GOLDEN_PAYLOADS, GOLDEN_LABELS),
            "upsert_labels_only_request": p.encode_upsert(19, "docs", [1, 2], vectors3, labels=GOLDEN_LABELS[:2]),
            "get_labels_request": p.encode_ids_request(Opcode.GET, 20, "docs", [1, 7], with_labels=True),
            "get_payloads_labels_request": p.encode_ids_request(
                Opcode.GET, 21, "docs", [1, 7], with_payloads=True, with_labels=True
            ),
            "search_filter_request": p.encode_search(
                22, "docs", [0.5, -1.0, 2.0], 2, exact=True, filter=GOLDEN_FILTER
            ),
        }
        for name, frame in cases.items():
            with self.subTest(name=name):
                self.assertEqual(frame.hex(), GOLDEN[name])
        # Labels without payloads are the same bytes as labels with all-empty payloads.
        self.assertEqual(
            p.encode_upsert(19, "docs", [1, 2], vectors3, [None, b""], GOLDEN_LABELS[:2]).hex(),
            GOLDEN["upsert_labels_only_request"],
        )
        # Labels may be tuples, numpy ints, None (no labels); the filter may omit keys.
        self.assertEqual(
            p.encode_upsert(19, "docs", [1, 2], vectors3, labels=[(1, 5), None]).hex(),
            GOLDEN["upsert_labels_only_request"],
        )
        self.assertEqual(
            p.encode_search(22, "docs", [0.5, -1.0, 2.0], 2, exact=True, filter=dict(GOLDEN_FILTER, none_of=None)).hex(),
            GOLDEN["search_filter_request"],
        )

    def test_numpy_labels_when_available(self):
        try:
            import numpy as np
        except ImportError:
            self.skipTest("numpy not installed")
        labels = [np.array([1, 5], dtype=np.uint64), np.array([], dtype=np.int64)]
        self.assertEqual(
            p.encode_upsert(19, "docs", [1, 2], [[0.5, -1.0, 2.0], [3.0, 4.0, 5.0]], labels=labels).hex(),
            GOLDEN["upsert_labels_only_request"],
        )

    def test_label_section_layout(self):
        # The golden: payloads end at 90, 6 bytes of padding, counts end at 108, 4 bytes of
        # padding, then the labels 1, 5, 7 end the body at 136.
        _, body = body_of("upsert_labels_request")
        _, payloads_only = body_of("upsert_payloads_request")
        self.assertEqual(body[:90], payloads_only)
        self.assertEqual(body[90:96], b"\0" * 6)
        self.assertEqual(body[96:112], struct.pack("<IIII", 2, 0, 1, 0))
        self.assertEqual(body[112:], struct.pack("<QQQ", 1, 5, 7))
        # One point of dim 1, labels only: the all-empty payload section (its length ends at 32),
        # the count at 36, 4 bytes of padding, the labels.
        _, body = p.split_frame(p.encode_upsert(1, "docs", [1], [1.0], labels=[[3, 2**64 - 1]]))
        self.assertEqual(bytes(body[28:]), struct.pack("<III", 0, 2, 0) + struct.pack("<QQ", 3, 2**64 - 1))
        # No labels: no section (the golden payload frame is unchanged); all-empty lists: counts.
        self.assertEqual(p.encode_upsert(14, "docs", [1, 2, 3], [[0.5, -1.0], [2.0, 3.0], [4.0, 5.0]], GOLDEN_PAYLOADS).hex(),
                         GOLDEN["upsert_payloads_request"])
        _, body = p.split_frame(p.encode_upsert(1, "docs", [1, 2], [1.0, 2.0], labels=[[], None]))
        self.assertEqual(bytes(body[40:]), b"\0" * 8 + b"\0" * 8)

    def test_label_encoder_limits(self):
        ok = list(range(p.LABELS_PER_POINT_MAX))
        p.encode_upsert(1, "docs", [1], [1.0], labels=[ok])
        with self.assertRaises(ValueError) as e:
            p.encode_upsert(1, "docs", [1, 2], [1.0, 2.0], labels=[[], [7] * (p.LABELS_PER_POINT_MAX + 1)])
        self.assertIn("point 1 has 65 labels", str(e.exception))
        with self.assertRaises(ValueError) as e:
            p.encode_upsert(1, "docs", [1, 2], [1.0, 2.0], labels=[[1]])
        self.assertIn("one label list per id", str(e.exception))
        for bad in ([["a"]], [[1.5]], [[True]], [[-1]], [[2**64]], ["ab"], [b"ab"], [1], 5, "x"):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError):
                    p.encode_upsert(1, "docs", [1], [1.0], labels=bad)
        with self.assertRaises(ValueError):
            p.encode_ids_request(Opcode.DELETE, 1, "docs", [1], with_labels=True)

    def test_filter_encoding(self):
        # dim 3: the query ends at 44, 4 bytes of padding, the header, the labels.
        body = search_body([1.0, 2.0, 3.0], filter={"all_of": [1], "none_of": [9, 8]})
        self.assertEqual(struct.unpack("<I", body[8:12])[0], p.SEARCH_HAS_FILTER)
        self.assertEqual(body[44:48], b"\0" * 4)
        self.assertEqual(body[48:64], struct.pack("<IIII", 1, 0, 2, 0))
        self.assertEqual(body[64:], struct.pack("<QQQ", 1, 9, 8))
        # dim 2: the query ends at 40, no padding.
        body = search_body([1.0, 2.0], filter={"any_of": [4]})
        self.assertEqual(body[40:], struct.pack("<IIII", 0, 1, 0, 0) + struct.pack("<Q", 4))
        # An empty filter is still sent (it matches every point); no filter, no flag, no bytes.
        body = search_body([1.0, 2.0], filter={})
        self.assertEqual(body[40:], b"\0" * 16)
        self.assertEqual(len(search_body([1.0, 2.0])), 40)
        self.assertEqual(struct.unpack("<I", search_body([1.0, 2.0])[8:12])[0], 0)
        # The maximal filter fits; one more label does not.
        many = list(range(p.FILTER_LABELS_MAX))
        search_body([1.0], filter={"all_of": many[:100], "any_of": many[100:200], "none_of": many[200:]})
        with self.assertRaises(ValueError) as e:
            search_body([1.0], filter={"all_of": many, "none_of": [1]})
        self.assertIn("1025 labels", str(e.exception))

    def test_filter_validation(self):
        for bad, message in (
            ([1, 2], "must be a dict"),
            ({"all": [1]}, "unknown filter key"),
            ({"all_of": [1], "nope": []}, "nope"),
            ({"all_of": 1}, "filter all_of"),
            ({"any_of": "12"}, "filter any_of"),
            ({"none_of": [1.0]}, "filter none_of"),
            ({"none_of": [False]}, "not bool"),
            ({"all_of": [-1]}, "outside"),
            ({"any_of_groups": [[1], 2]}, "filter any_of_groups[1]"),
            ({"any_of_groups": [[1], []]}, "empty"),
        ):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError) as e:
                    p.normalize_filter(bad)
                self.assertIn(message, str(e.exception))
        self.assertEqual(p.normalize_filter({}), ([], [], []))
        self.assertEqual(p.normalize_filter({"any_of": (3, 4), "all_of": None}), ([], [[3, 4]], []))

    def test_get_response_labels(self):
        _, body = body_of("get_labels_response")
        value = p.decode_response(Opcode.GET, body)
        self.assertEqual(value, [p.Point([0.5, -1.0, 2.0], b"", [1, 5]), None])
        self.assertTrue(value.has_payloads and value.has_labels)
        _, body = body_of("get_payloads_labels_response")
        self.assertEqual(p.decode_response(Opcode.GET, body), [p.Point([0.5, -1.0, 2.0], b'{"a":1}', [1, 5]), None])
        # Without a label section, points have no labels (Point(vector, payload) as before).
        _, body = body_of("get_payloads_response")
        value = p.decode_response(Opcode.GET, body)
        self.assertEqual(value[0].labels, [])
        self.assertTrue(value.has_payloads and not value.has_labels)
        self.assertEqual(p.Point([1.0], b"x"), p.Point([1.0], b"x", []))

    def test_get_response_label_errors(self):
        _, body = body_of("get_payloads_labels_response")
        _, payloads_only = body_of("get_payloads_response")
        self.assertEqual(body[: len(payloads_only)], payloads_only)
        # The payload ends at 39: 1 byte of padding, the count at 44, 4 bytes of padding.
        for cut in range(len(payloads_only) + 1, len(body)):
            with self.assertRaises(p.CodecError):
                p.decode_response(Opcode.GET, body[:cut])
        with self.assertRaises(p.CodecError):
            p.decode_response(Opcode.GET, body + b"\0" * 8)
        for at in (39, 44, 45, 46, 47):
            bad = bytearray(body)
            bad[at] = 1
            with self.assertRaises(p.CodecError):
                p.decode_response(Opcode.GET, bytes(bad))
        too_many = bytearray(body)
        too_many[40:44] = struct.pack("<I", p.LABELS_PER_POINT_MAX + 1)
        with self.assertRaises(p.CodecError) as e:
            p.decode_response(Opcode.GET, bytes(too_many))
        self.assertIn("point 0", str(e.exception))
        # No id found: both sections are empty, the body ends after the vectors.
        empty = struct.pack("<II", 1, 3) + b"\0" * 8
        self.assertEqual(p.decode_response(Opcode.GET, empty), [None])


class FilterGroupsTest(unittest.TestCase):
    """Several any_of groups in one filter (FEATURE_FILTER_GROUPS): the rules of
    net/proto/src/tests.rs `filter_groups` for the encoders."""

    QUERY = [0.5, -1.0, 2.0]

    def search(self, filter, request_id=27):
        return p.encode_search(request_id, "docs", self.QUERY, 2, exact=True, filter=filter).hex()

    def test_constants(self):
        import corevec

        self.assertEqual(p.FEATURE_FILTER_GROUPS, 4)
        self.assertEqual(
            p.FEATURES_SUPPORTED,
            p.FEATURE_PAYLOADS
            | p.FEATURE_LABELS
            | p.FEATURE_FILTER_GROUPS
            | p.FEATURE_MAX_DISTANCE
            | p.FEATURE_READ_REPLICAS,
        )
        self.assertEqual(p.FEATURES_SUPPORTED, 31)
        self.assertEqual(p.FILTER_LABELS_MAX, 1024)
        self.assertEqual(p.FILTER_GROUPS_MAX, 8)
        self.assertEqual(corevec.FEATURE_FILTER_GROUPS, 4)
        self.assertEqual(corevec.FILTER_GROUPS_MAX, 8)
        self.assertEqual(corevec.FILTER_LABELS_MAX, 1024)
        self.assertIn("FEATURE_FILTER_GROUPS", corevec.__all__)
        self.assertIn("FILTER_GROUPS_MAX", corevec.__all__)
        # The client asks for every feature it implements.
        self.assertEqual(p.encode_hello(1, b"", features=p.FEATURES_SUPPORTED)[32:48], struct.pack("<HHIQ", 1, 1, 0, 31))

    def test_golden_frame(self):
        self.assertEqual(self.search(GOLDEN_GROUPS_FILTER), GOLDEN["search_filter_groups_request"])
        # A non-empty any_of is the first group, the any_of_groups follow it.
        self.assertEqual(
            self.search({"all_of": [1], "any_of": [2, 3], "any_of_groups": [[4]], "none_of": [5]}),
            GOLDEN["search_filter_groups_request"],
        )
        # An empty any_of (or None) is no group; groups may be tuples or any iterables of ints.
        for any_of in ([], None, ()):
            with self.subTest(any_of=any_of):
                self.assertEqual(
                    self.search(dict(GOLDEN_GROUPS_FILTER, any_of=any_of)), GOLDEN["search_filter_groups_request"]
                )
        self.assertEqual(
            self.search({"all_of": (1,), "any_of_groups": ((2, 3), iter([4])), "none_of": [5]}),
            GOLDEN["search_filter_groups_request"],
        )

    def test_layout(self):
        # The query ends at 44, 4 bytes of padding, the header (1, 3, 1, any_groups 2) ends at
        # 64, the group sizes 2 and 1 (u64) at 80, the labels 1, 2 3 4, 5 end the body at 120.
        _, body = body_of("search_filter_groups_request")
        self.assertEqual(struct.unpack("<I", body[8:12])[0], p.SEARCH_EXACT | p.SEARCH_HAS_FILTER)
        self.assertEqual(body[44:48], b"\0" * 4)
        self.assertEqual(body[48:64], struct.pack("<IIII", 1, 3, 1, 2))
        self.assertEqual(body[64:80], struct.pack("<QQ", 2, 1))
        self.assertEqual(body[80:], struct.pack("<5Q", 1, 2, 3, 4, 5))
        # SCROLL: the filter follows the NAME without padding, the same header and sizes.
        body = scroll_body(filter={"any_of_groups": [[7], [8, 9], [10]]})
        self.assertEqual(body[24:40], struct.pack("<IIII", 0, 4, 0, 3))
        self.assertEqual(body[40:64], struct.pack("<3Q", 1, 2, 1))
        self.assertEqual(body[64:], struct.pack("<4Q", 7, 8, 9, 10))
        # The most groups, and the most labels.
        groups = [[i] for i in range(p.FILTER_GROUPS_MAX - 1)] + [list(range(100, 100 + p.FILTER_LABELS_MAX - 7))]
        body = scroll_body(filter={"any_of_groups": groups})
        self.assertEqual(body[24:40], struct.pack("<IIII", 0, p.FILTER_LABELS_MAX, 0, p.FILTER_GROUPS_MAX))
        self.assertEqual(body[40:104], struct.pack("<8Q", 1, 1, 1, 1, 1, 1, 1, p.FILTER_LABELS_MAX - 7))
        self.assertEqual(len(body), 104 + 8 * p.FILTER_LABELS_MAX)

    def test_one_group_is_the_original_form(self):
        # One group via any_of_groups encodes exactly as the same labels in any_of
        # (any_groups 0, no sizes), so servers without FEATURE_FILTER_GROUPS take it.
        self.assertEqual(
            self.search({"all_of": [1], "any_of_groups": [[2, 3]]}, 22), GOLDEN["search_filter_request"]
        )
        self.assertEqual(
            self.search({"all_of": [1], "any_of": [], "any_of_groups": [[2, 3]], "none_of": None}, 22),
            GOLDEN["search_filter_request"],
        )
        self.assertEqual(scroll_body(filter={"any_of_groups": [[3]]}), scroll_body(filter={"any_of": [3]}))
        self.assertEqual(scroll_body(filter={"any_of_groups": []}), scroll_body(filter={}))
        self.assertEqual(scroll_body(filter={"any_of_groups": None}), scroll_body(filter={}))

    def test_normalize(self):
        self.assertEqual(p.normalize_filter(GOLDEN_GROUPS_FILTER), ([1], [[2, 3], [4]], [5]))
        self.assertEqual(
            p.normalize_filter({"any_of": (9,), "any_of_groups": [(2, 3), [4]]}), ([], [[9], [2, 3], [4]], [])
        )
        self.assertEqual(p.normalize_filter({"any_of": [], "any_of_groups": [[4]]}), ([], [[4]], []))
        # Labels travel as sent (not sorted or deduplicated), in every group.
        self.assertEqual(p.normalize_filter({"any_of_groups": [[3, 3, 1], [2]]})[1], [[3, 3, 1], [2]])
        # The most groups and labels fit, counting any_of as a group.
        p.normalize_filter({"any_of": [0], "any_of_groups": [[i] for i in range(1, p.FILTER_GROUPS_MAX)]})
        p.normalize_filter({"all_of": [1], "any_of_groups": [list(range(p.FILTER_LABELS_MAX - 2)), [5]]})

    def test_errors(self):
        nine = [[i] for i in range(p.FILTER_GROUPS_MAX + 1)]
        for bad, message in (
            ({"any_of_groups": [[1], []]}, "filter any_of_groups[1] is empty"),
            ({"any_of_groups": [()]}, "an empty any_of group matches no point"),
            ({"any_of_groups": nine}, "9 any_of groups, over the limit of 8"),
            ({"any_of": [9], "any_of_groups": nine[1:]}, "9 any_of groups"),
            ({"any_of_groups": [list(range(1000)), list(range(25))]}, "1025 labels, over the limit of 1024"),
            ({"all_of": list(range(500)), "any_of_groups": [[1], list(range(524))]}, "1025 labels"),
            ({"any_of_groups": [[1], 2]}, "filter any_of_groups[1]: expected a list of ints"),
            ({"any_of_groups": [[1], "23"]}, "filter any_of_groups[1]"),
            ({"any_of_groups": [{1: 2}]}, "filter any_of_groups[0]"),
            ({"any_of_groups": [[1.5]]}, "filter any_of_groups[0]"),
            ({"any_of_groups": [[True]]}, "not bool"),
            ({"any_of_groups": [[2**64]]}, "outside"),
            ({"any_of_groups": [1, 2]}, "filter any_of_groups[0]"),
            ({"any_of_groups": 5}, "filter any_of_groups: expected a list of lists"),
            ({"any_of_groups": "12"}, "filter any_of_groups: expected a list of lists"),
            ({"any_of_groups": {"a": [1]}}, "filter any_of_groups: expected a list of lists"),
            ({"any_of_group": [[1]]}, "unknown filter key(s) any_of_group"),
            ({"any_of_groups": [[1]], "groups": [[2]]}, "any_of_groups, none_of"),
        ):
            with self.subTest(bad=bad):
                with self.assertRaises(p.CodecError) as e:
                    p.normalize_filter(bad)
                self.assertIn(message, str(e.exception))
                with self.assertRaises(ValueError):
                    p.encode_search(1, "docs", self.QUERY, 2, filter=bad)
                with self.assertRaises(ValueError):
                    p.encode_scroll(1, "docs", filter=bad)


def set_labels_body(ids, labels):
    return bytes(p.split_frame(p.encode_set_labels(1, "docs", ids, labels))[1])


class SetLabelsTest(unittest.TestCase):
    """SET_LABELS (0x24): the rules of net/proto/src/tests.rs for the encoder and the ack."""

    def test_golden_frames(self):
        self.assertEqual(Opcode.SET_LABELS, 0x24)
        self.assertNotIn(Opcode.SET_LABELS, p.IDEMPOTENT_READS)
        self.assertEqual(p.encode_set_labels(23, "docs", [1, 7, 9], GOLDEN_LABELS).hex(), GOLDEN["set_labels_request"])
        # None, tuples and numpy-like ints are the same lists.
        self.assertEqual(
            p.encode_set_labels(23, "docs", [1, 7, 9], [(1, 5), None, [7]]).hex(), GOLDEN["set_labels_request"]
        )
        header, body = body_of("set_labels_response")
        self.assertTrue(header.flags & p.FLAG_RESPONSE)
        self.assertEqual((header.opcode, header.request_id), (Opcode.SET_LABELS, 23))
        self.assertEqual(p.decode_response(Opcode.SET_LABELS, body), WriteAck(2, None))

    def test_layout(self):
        # The golden: count 3, reserved 0, NAME, ids end at 40 (8-aligned: no leading padding),
        # counts end at 52, 4 bytes of padding, then the labels 1, 5, 7 end the body at 80.
        _, body = body_of("set_labels_request")
        self.assertEqual(body[:8], struct.pack("<II", 3, 0))
        self.assertEqual(body[16:40], struct.pack("<QQQ", 1, 7, 9))
        self.assertEqual(body[40:56], struct.pack("<IIII", 2, 0, 1, 0))
        self.assertEqual(body[56:], struct.pack("<QQQ", 1, 5, 7))
        # One id: the count ends at 28, 4 bytes of padding, the labels.
        self.assertEqual(set_labels_body([9], [[4, 2**64 - 1]])[24:], struct.pack("<II", 2, 0) + struct.pack("<QQ", 4, 2**64 - 1))
        # Zero ids: the section is empty, the body ends after the NAME.
        self.assertEqual(len(set_labels_body([], [])), 16)
        # All lists empty (= clear): counts and padding, no labels.
        self.assertEqual(set_labels_body([1, 2, 3], [[], None, ()])[40:], b"\0" * 16)
        # Lists travel as sent: not sorted or deduplicated by the codec.
        self.assertEqual(set_labels_body([1], [[9, 3, 9]])[32:], struct.pack("<QQQ", 9, 3, 9))
        # The ack is a WRITE_ACK, as for SET_PAYLOAD.
        _, payload_ack = body_of("set_payload_response")
        self.assertEqual(p.decode_response(Opcode.SET_LABELS, payload_ack), WriteAck(1, None))
        _, ack = body_of("set_labels_response")
        for bad in (ack[:-1], ack + b"\0"):
            with self.assertRaises(p.CodecError):
                p.decode_response(Opcode.SET_LABELS, bad)

    def test_numpy_labels_when_available(self):
        try:
            import numpy as np
        except ImportError:
            self.skipTest("numpy not installed")
        labels = [np.array([1, 5], dtype=np.uint64), np.array([], dtype=np.int64), [np.int32(7)]]
        self.assertEqual(p.encode_set_labels(23, "docs", np.array([1, 7, 9]), labels).hex(), GOLDEN["set_labels_request"])

    def test_encoder_limits(self):
        p.encode_set_labels(1, "docs", [1], [list(range(p.LABELS_PER_POINT_MAX))])
        with self.assertRaises(ValueError) as e:
            p.encode_set_labels(1, "docs", [1, 2], [[], [7] * (p.LABELS_PER_POINT_MAX + 1)])
        self.assertIn("point 1 has 65 labels", str(e.exception))
        with self.assertRaises(ValueError) as e:
            p.encode_set_labels(1, "docs", [1, 2], [[1]])
        self.assertIn("set_labels needs exactly one label list per id", str(e.exception))
        for bad in ([["a"]], [[1.5]], [[True]], [[-1]], [[2**64]], ["ab"], [b"ab"], [1], 5, "x"):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError):
                    p.encode_set_labels(1, "docs", [1], bad)
        with self.assertRaises(p.CodecError):
            p.encode_set_labels(1, "bad name", [1], [[1]])
        with self.assertRaises(p.CodecError):
            p.encode_set_labels(1, "docs", [0] * (p.BATCH_IDS_MAX + 1), [[]] * (p.BATCH_IDS_MAX + 1))


def scroll_body(**kwargs):
    return bytes(p.split_frame(p.encode_scroll(1, "docs", **kwargs))[1])


def scroll_response_body(ids, more=False, dim=2, vectors=None, payloads=None, labels=None):
    """A SCROLL response body built by hand (the Python client only decodes responses)."""
    flags = (
        (p.SCROLL_MORE if more else 0)
        | (p.SCROLL_HAS_VECTORS if vectors is not None else 0)
        | (p.SCROLL_HAS_PAYLOADS if payloads is not None else 0)
        | (p.SCROLL_HAS_LABELS if labels is not None else 0)
    )
    out = bytearray(struct.pack("<IIII", len(ids), flags, dim, 0))
    out += struct.pack("<%dQ" % len(ids), *ids)
    if vectors is not None:
        out += struct.pack("<%df" % (len(ids) * dim), *[x for v in vectors for x in v])
    if payloads is not None:
        p._payload_section(out, payloads)
    if labels is not None:
        p._label_section(out, labels)
    return bytes(out)


class ScrollTest(unittest.TestCase):
    """SCROLL (0x25): the rules of net/proto/src/tests.rs for the request encoder and the
    response decoder."""

    def test_golden_frames(self):
        self.assertEqual(Opcode.SCROLL, 0x25)
        self.assertIn(Opcode.SCROLL, p.IDEMPOTENT_READS)
        self.assertEqual(p.SCROLL_LIMIT_MAX, 4096)
        self.assertEqual(
            p.encode_scroll(24, "docs", 5, 2, with_vectors=True, with_labels=True).hex(), GOLDEN["scroll_request"]
        )
        self.assertEqual(
            p.encode_scroll(25, "docs", 0, 100, filter=GOLDEN_SCROLL_FILTER).hex(), GOLDEN["scroll_filter_request"]
        )
        self.assertEqual(
            p.encode_scroll(25, "docs", limit=100, filter=dict(GOLDEN_SCROLL_FILTER, any_of=None)).hex(),
            GOLDEN["scroll_filter_request"],
        )
        header, body = body_of("scroll_response")
        self.assertTrue(header.flags & p.FLAG_RESPONSE)
        self.assertEqual((header.opcode, header.request_id), (Opcode.SCROLL, 24))
        self.assertEqual(
            p.decode_response(Opcode.SCROLL, body),
            p.ScrollResponse([5, 8], True, 2, [[0.5, -1.0], [2.0, 3.0]], None, [[1, 5], []]),
        )
        header, body = body_of("scroll_payloads_response")
        self.assertEqual(
            p.decode_response(Opcode.SCROLL, body), p.ScrollResponse([5, 8, 11], False, 2, None, GOLDEN_PAYLOADS, None)
        )
        # The hand-built bodies are the Rust encoder's bytes.
        self.assertEqual(
            scroll_response_body([5, 8], True, 2, [[0.5, -1.0], [2.0, 3.0]], None, [[1, 5], []]),
            body_of("scroll_response")[1],
        )
        self.assertEqual(scroll_response_body([5, 8, 11], payloads=GOLDEN_PAYLOADS), body)

    def test_request_layout(self):
        # limit, flags, start_id, then the NAME ends the body at 24.
        _, body = body_of("scroll_request")
        self.assertEqual(body[:16], struct.pack("<IIQ", 2, p.SCROLL_WITH_VECTORS | p.SCROLL_WITH_LABELS, 5))
        self.assertEqual(body[16:], b"\x04docs\0\0\0")
        # Each flag; all of them; start_id up to 2**64-1 and the largest limit.
        for kwargs, bits in (
            ({}, 0),
            ({"with_vectors": True}, 1),
            ({"with_payloads": True}, 2),
            ({"with_labels": True}, 4),
            ({"filter": {}}, 8),
        ):
            with self.subTest(kwargs=kwargs):
                self.assertEqual(struct.unpack("<I", scroll_body(**kwargs)[4:8])[0], bits)
        body = scroll_body(
            start_id=2**64 - 1, limit=p.SCROLL_LIMIT_MAX, with_vectors=True, with_payloads=True, with_labels=True,
            filter={"any_of": [3]},
        )
        self.assertEqual(body[:16], struct.pack("<IIQ", p.SCROLL_LIMIT_MAX, 15, 2**64 - 1))
        # The filter follows the NAME without padding: the header, then the labels.
        self.assertEqual(body[24:], struct.pack("<IIII", 0, 1, 0, 0) + struct.pack("<Q", 3))
        _, body = body_of("scroll_filter_request")
        self.assertEqual(body[24:40], struct.pack("<IIII", 1, 0, 1, 0))
        self.assertEqual(body[40:], struct.pack("<QQ", 1, 9))
        # An empty filter is still sent (it matches every point); no filter, no bytes.
        self.assertEqual(scroll_body(filter={})[24:], b"\0" * 16)
        self.assertEqual(len(scroll_body()), 24)
        # Defaults: start_id 0, limit 1000.
        self.assertEqual(scroll_body()[:16], struct.pack("<IIQ", 1000, 0, 0))

    def test_encoder_limits(self):
        for bad in ({"limit": 0}, {"limit": p.SCROLL_LIMIT_MAX + 1}, {"limit": True}, {"limit": 1.0},
                    {"start_id": -1}, {"start_id": 2**64}, {"start_id": "0"}):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError) as e:
                    p.encode_scroll(1, "docs", **bad)
                self.assertIn("scroll", str(e.exception))
        with self.assertRaises(ValueError) as e:
            p.encode_scroll(1, "docs", filter={"all_of": list(range(p.FILTER_LABELS_MAX + 1))})
        self.assertIn("1025 labels", str(e.exception))
        with self.assertRaises(ValueError):
            p.encode_scroll(1, "docs", filter={"all": [1]})
        with self.assertRaises(ValueError) as e:
            p.encode_scroll(1, "docs", filter={"any_of_groups": [[i] for i in range(p.FILTER_GROUPS_MAX + 1)]})
        self.assertIn("9 any_of groups", str(e.exception))
        with self.assertRaises(ValueError):
            p.encode_scroll(1, "docs", filter={"any_of_groups": [[1], []]})
        with self.assertRaises(p.CodecError):
            p.encode_scroll(1, "bad name")

    def test_empty_pages(self):
        # Every part asked for, no point: each section is 0 bytes, the body is the header alone.
        body = scroll_response_body([], vectors=[], payloads=[], labels=[])
        self.assertEqual(body, struct.pack("<IIII", 0, 14, 2, 0))
        self.assertEqual(p.decode_response(Opcode.SCROLL, body), p.ScrollResponse([], False, 2, [], [], []))
        self.assertEqual(
            p.decode_response(Opcode.SCROLL, scroll_response_body([])), p.ScrollResponse([], False, 2, None, None, None)
        )
        # The last page may end at 2**64-1 (without MORE).
        self.assertEqual(
            p.decode_response(Opcode.SCROLL, scroll_response_body([0, 2**64 - 1])).ids, [0, 2**64 - 1]
        )
        # Payloads and labels together: the labels are padded to 8 after the payload bytes.
        body = scroll_response_body([1], more=True, payloads=[b"abc"], labels=[[7]])
        self.assertEqual(body[24:40], struct.pack("<I", 3) + b"\0" * 4 + b"abc" + b"\0" * 5)
        self.assertEqual(
            p.decode_response(Opcode.SCROLL, body), p.ScrollResponse([1], True, 2, None, [b"abc"], [[7]])
        )

    def test_decode_errors(self):
        full = scroll_response_body(
            [5, 8], True, 2, [[0.5, -1.0], [2.0, 3.0]], [b"abc", b""], [[1, 5], []]
        )
        self.assertEqual(len(full), 88)
        p.decode_response(Opcode.SCROLL, full)
        for cut in range(len(full)):
            with self.assertRaises(p.CodecError):
                p.decode_response(Opcode.SCROLL, full[:cut])
        with self.assertRaises(p.CodecError):
            p.decode_response(Opcode.SCROLL, full + b"\0")

        def with_u32(at, value, body=full):
            bad = bytearray(body)
            bad[at:at + 4] = struct.pack("<I", value)
            return bytes(bad)

        cases = [
            (with_u32(4, 15 | 16), "reserved scroll response flags"),
            (with_u32(4, 15 | 1 << 31), "reserved scroll response flags"),
            (with_u32(12, 1), "reserved"),
            (with_u32(0, p.SCROLL_LIMIT_MAX + 1), "SCROLL_LIMIT_MAX"),
            (with_u32(8, 0), "dim"),
            (with_u32(8, p.DIMENSIONS_MAX + 1), "dim"),
            (with_u32(24, 5), "strictly ascending"),
            (with_u32(24, 4), "strictly ascending"),
            (with_u32(4, p.SCROLL_MORE, scroll_response_body([])), "MORE"),
            (with_u32(4, p.SCROLL_MORE, scroll_response_body([3, 2**64 - 1])), "MORE"),
            (with_u32(48, p.PAYLOAD_BYTES_MAX + 1), "payload of point 0"),
            (with_u32(68, p.LABELS_PER_POINT_MAX + 1), "point 1 has 65 labels"),
        ]
        for bad, message in cases:
            with self.subTest(message=message):
                with self.assertRaises(p.CodecError) as e:
                    p.decode_response(Opcode.SCROLL, bad)
                self.assertIn(message, str(e.exception))
        # A flag without its part is truncated; a part without its flag is trailing bytes (or
        # read as the next part).
        plain = scroll_response_body([5, 8])
        for flag in (p.SCROLL_HAS_VECTORS, p.SCROLL_HAS_PAYLOADS, p.SCROLL_HAS_LABELS):
            with self.subTest(flag=flag):
                with self.assertRaises(p.CodecError):
                    p.decode_response(Opcode.SCROLL, with_u32(4, flag, plain))
        for flags in (0, 1, 3, 5, 9, 13):
            with self.subTest(flags=flags):
                with self.assertRaises(p.CodecError):
                    p.decode_response(Opcode.SCROLL, with_u32(4, flags))
        # Non-zero padding between the payload bytes and the label counts.
        bad = bytearray(full)
        bad[60] = 1
        with self.assertRaises(p.CodecError):
            p.decode_response(Opcode.SCROLL, bytes(bad))


if __name__ == "__main__":
    unittest.main()


class ReadReplicasTest(unittest.TestCase):
    """The CREATE and COLLECTION_INFO flags byte (offset 7), as net/proto/src/tests.rs
    `read_replicas_flags_layout_and_errors` checks it."""

    INFO = CollectionInfo("docs", 3, Metric.COSINE, 1, 16, 200, 2, 4096, [ShardInfo(0, 2, 1, 4096)])

    def test_golden_frames(self):
        frame = p.encode_create(29, "docs", 3, "cosine", 1, read_replicas=True)
        self.assertEqual(frame.hex(), GOLDEN["create_read_replicas_request"])
        self.assertEqual(p.split_frame(frame)[1][7], p.COLLECTION_READ_REPLICAS)
        # Without the flag the byte stays zero: the original golden frame.
        self.assertEqual(p.encode_create(3, "docs", 3, "cosine", 0, 16, 200, False).hex(), GOLDEN["create_request"])
        header, body = body_of("describe_read_replicas_response")
        info = p.decode_response(header.opcode, body)
        self.assertEqual(info, self.INFO._replace(read_replicas=True))
        self.assertTrue(info.read_replicas)
        # Infos from before the flag (and servers that do not report it) read False.
        self.assertFalse(self.INFO.read_replicas)
        header, body = body_of("describe_response")
        self.assertFalse(p.decode_response(header.opcode, body).read_replicas)

    def test_unknown_flag_bits_are_refused(self):
        _, body = body_of("describe_read_replicas_response")
        for bits in (2, 0x80, 0xFF):
            bad = bytearray(body)
            bad[7] = bits
            with self.assertRaises(p.CodecError) as e:
                p.decode_response(Opcode.DESCRIBE_COLLECTION, bytes(bad))
            self.assertIn("flag", str(e.exception))
        with self.assertRaises(p.CodecError):
            p.encode_create(1, "docs", 3, read_replicas=1)

    def test_constants(self):
        import corevec

        self.assertEqual(p.FEATURE_READ_REPLICAS, 16)
        self.assertEqual(corevec.FEATURE_READ_REPLICAS, 16)
        self.assertIn("FEATURE_READ_REPLICAS", corevec.__all__)


class MaxDistanceTest(unittest.TestCase):
    def test_golden_frame(self):
        frame = p.encode_search(28, "docs", [[0.5, -1.0, 2.0]], 2, exact=True, max_distance=0.5)
        self.assertEqual(frame.hex(), GOLDEN["search_max_distance_request"])

    def test_without_a_bound_the_field_is_zero(self):
        frame = p.encode_search(6, "docs", [[0.5, -1.0, 2.0]], 2, ef=64, allow_partial=True)
        self.assertEqual(frame.hex(), GOLDEN["search_request"])

    def test_a_bound_must_be_finite(self):
        for bad in (float("nan"), float("inf"), "0.5", None.__class__, True):
            with self.assertRaises(p.CodecError):
                p.encode_search(1, "docs", [[1.0]], 1, max_distance=bad)
        self.assertEqual(p.FEATURE_MAX_DISTANCE, 8)

    def test_a_bound_beyond_the_f32_range_is_a_codec_error(self):
        # struct.pack("<f", 1e39) raises OverflowError; the client names the f32 range instead.
        for bad in (1e39, -1e39, 10**40):
            with self.assertRaises(p.CodecError) as e:
                p.encode_search(1, "docs", [[1.0]], 1, max_distance=bad)
            self.assertIn("f32", str(e.exception))
        # The largest f32 is fine, and so is an int.
        p.encode_search(1, "docs", [[1.0]], 1, max_distance=3.4028234663852886e38)
        frame = p.encode_search(28, "docs", [[0.5, -1.0, 2.0]], 2, exact=True, max_distance=0.5)
        self.assertEqual(frame.hex(), GOLDEN["search_max_distance_request"])

    def test_numpy_scalar_bounds_when_available(self):
        try:
            import numpy as np
        except ImportError:
            self.skipTest("numpy not installed")
        for bound in (np.float32(0.5), np.float64(0.5), np.float16(0.5)):
            frame = p.encode_search(28, "docs", [[0.5, -1.0, 2.0]], 2, exact=True, max_distance=bound)
            self.assertEqual(frame.hex(), GOLDEN["search_max_distance_request"])
        for bad in (np.float32("nan"), np.float64(1e39)):
            with self.assertRaises(p.CodecError):
                p.encode_search(1, "docs", [[1.0]], 1, max_distance=bad)
