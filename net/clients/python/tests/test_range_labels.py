"""Range labels (PROTOCOL.md section 11): the golden values shared with the Rust
`corevec_proto::range` tests (`labels_and_covers_are_frozen`), a seeded randomized check that a
cover matches exactly the keys in its range, and `with_range`. No server needed; test_client.py
loads these too, so the repository's test command (`cargo test`, which runs
`python3 -m unittest tests.test_client`) runs them."""

import math
import os
import random
import struct
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import corevec  # noqa: E402
from corevec.range_labels import (  # noqa: E402
    COVER_LABELS_MAX,
    KEY_MAX,
    LEVELS,
    TAG,
    cover,
    is_range_label,
    key_f32,
    key_i32,
    label,
    point_labels,
)

U32_MAX = 2**32 - 1


def meets(field, key, labels):
    """Whether a point with ``key`` in ``field`` carries one of ``labels`` (an any_of group)."""
    return not set(point_labels(field, key)).isdisjoint(labels)


def filter_matches(filter, labels):
    """The server's filter semantics (PROTOCOL.md), for checking ``with_range`` locally: every
    label of all_of, one label of every any_of group (any_of, when not empty, is one), none of
    none_of."""
    labels = set(labels)
    groups = ([filter["any_of"]] if filter.get("any_of") else []) + list(filter.get("any_of_groups") or [])
    return (
        labels.issuperset(filter.get("all_of") or [])
        and all(not labels.isdisjoint(group) for group in groups)
        and labels.isdisjoint(filter.get("none_of") or [])
    )


def f32(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


class GoldenTest(unittest.TestCase):
    """The values frozen in net/proto/src/range.rs `labels_and_covers_are_frozen`."""

    def test_constants(self):
        self.assertEqual(LEVELS, 8)
        self.assertEqual(TAG, 0xFFFFE << 44)
        self.assertEqual(TAG, 0xFFFF_E000_0000_0000)
        self.assertEqual(COVER_LABELS_MAX, 224)
        self.assertEqual(KEY_MAX, U32_MAX)
        # Four covers fit in a filter with room for 128 more labels.
        self.assertEqual(corevec.FILTER_LABELS_MAX - 4 * COVER_LABELS_MAX, 128)

    def test_labels(self):
        self.assertEqual(label(0, 0, 0), 0xFFFF_E000_0000_0000)
        self.assertEqual(label(3, 7, 0xF), 0xFFFF_E037_0000_000F)
        self.assertEqual(label(255, 7, U32_MAX), 0xFFFF_EFF7_FFFF_FFFF)
        self.assertEqual(
            point_labels(1, 0x1234_5678),
            [
                0xFFFF_E010_1234_5678,
                0xFFFF_E011_0123_4567,
                0xFFFF_E012_0012_3456,
                0xFFFF_E013_0001_2345,
                0xFFFF_E014_0000_1234,
                0xFFFF_E015_0000_0123,
                0xFFFF_E016_0000_0012,
                0xFFFF_E017_0000_0001,
            ],
        )

    def test_covers(self):
        self.assertEqual(cover(2, 5, 5), [label(2, 0, 5)])
        self.assertEqual(
            cover(2, 14, 33),
            [label(2, 0, 14), label(2, 0, 15), label(2, 0, 33), label(2, 0, 32), label(2, 1, 1)],
        )
        self.assertEqual(cover(0, 0, U32_MAX), [label(0, 7, p) for p in range(16)])
        self.assertEqual(len(cover(0, 1, U32_MAX - 1)), COVER_LABELS_MAX)
        self.assertEqual(cover(0, 9, 8), [])
        self.assertEqual(cover(0, U32_MAX, 0), [])
        # One whole block of 16 at level 1; the single largest key.
        self.assertEqual(cover(4, 16, 31), [label(4, 1, 1)])
        self.assertEqual(cover(4, U32_MAX, U32_MAX), [label(4, 0, U32_MAX)])

    def test_keys(self):
        self.assertEqual(key_i32(-(2**31)), 0)
        self.assertEqual(key_i32(-1), 0x7FFF_FFFF)
        self.assertEqual(key_i32(0), 0x8000_0000)
        self.assertEqual(key_i32(2**31 - 1), U32_MAX)
        self.assertEqual(key_f32(-0.0), key_f32(0.0))
        self.assertEqual(key_f32(0.0), 0x8000_0000)
        self.assertEqual(key_f32(1.0), 0xBF80_0000)
        self.assertEqual(key_f32(-1.0), 0x407F_FFFF)
        self.assertIsNone(key_f32(float("nan")))
        self.assertIsNone(key_f32(-float("nan")))
        self.assertEqual(key_f32(float("inf")), 0xFF80_0000)
        self.assertEqual(key_f32(float("-inf")), 0x007F_FFFF)
        # A Python float is rounded to f32; a tiny negative one rounds to -0.0, the key of 0.0.
        self.assertEqual(key_f32(0.1), key_f32(f32(0x3DCC_CCCD)))
        self.assertEqual(key_f32(-1e-50), key_f32(0.0))
        self.assertEqual(key_f32(2), key_f32(2.0))

    def test_is_range_label(self):
        self.assertTrue(is_range_label(label(255, 7, U32_MAX)))
        self.assertTrue(is_range_label(label(0, 0, 0)))
        self.assertFalse(is_range_label(0xFFFF_F000_0000_0000))
        self.assertFalse(is_range_label(0xFFFF_DFFF_FFFF_FFFF))
        self.assertFalse(is_range_label(42))
        self.assertFalse(is_range_label(0))


class ValidationTest(unittest.TestCase):
    def test_out_of_range_arguments_are_value_errors(self):
        for call in (
            lambda: label(256, 0, 0),
            lambda: label(-1, 0, 0),
            lambda: label(0, 8, 0),
            lambda: label(0, -1, 0),
            lambda: label(0, 0, 2**32),
            lambda: label(0, 0, -1),
            lambda: point_labels(256, 0),
            lambda: point_labels(0, 2**32),
            lambda: point_labels(0, -1),
            lambda: cover(256, 0, 1),
            lambda: cover(0, -1, 5),
            lambda: cover(0, 0, 2**32),
            lambda: cover(0, 2**32, 0),
            lambda: key_i32(2**31),
            lambda: key_i32(-(2**31) - 1),
            lambda: key_f32(1e39),
            lambda: key_f32(-3.5e38),
            lambda: key_f32(10**400),
            lambda: is_range_label(-1),
            lambda: is_range_label(2**64),
        ):
            with self.assertRaises(ValueError):
                call()

    def test_non_ints_are_type_errors(self):
        for call in (
            lambda: label(0.0, 0, 0),
            lambda: label(0, "1", 0),
            lambda: label(0, 0, True),
            lambda: point_labels(None, 0),
            lambda: point_labels(0, 1.5),
            lambda: cover(0, 1.0, 2),
            lambda: cover(0, 1, "2"),
            lambda: cover(False, 1, 2),
            lambda: key_i32(1.0),
            lambda: key_i32(True),
            lambda: key_f32("1.0"),
            lambda: key_f32(None),
            lambda: key_f32(True),
            lambda: is_range_label(1.0),
        ):
            with self.assertRaises(TypeError):
                call()

    def test_index_types_are_ints(self):
        class Index:
            def __init__(self, n):
                self.n = n

            def __index__(self):
                return self.n

        self.assertEqual(cover(Index(2), Index(14), Index(33)), cover(2, 14, 33))
        self.assertEqual(point_labels(Index(1), Index(7)), point_labels(1, 7))
        self.assertEqual(key_i32(Index(-1)), 0x7FFF_FFFF)


class RandomizedTest(unittest.TestCase):
    """Seeded: the same cases on every run."""

    CASES = 3000

    def bound(self, rng):
        kind = rng.randrange(3)
        if kind == 0:
            return rng.randrange(2**32)
        if kind == 1:
            return rng.randrange(300)
        return U32_MAX - rng.randrange(301)

    def test_a_cover_matches_exactly_the_keys_in_its_range(self):
        rng = random.Random(0x5EED_2A6E)
        for case in range(self.CASES):
            field = rng.randrange(256)
            a, b = self.bound(rng), self.bound(rng)
            lo, hi = min(a, b), max(a, b)
            labels = cover(field, lo, hi)
            where = "case %d: cover(%d, %d, %d)" % (case, field, lo, hi)
            self.assertTrue(0 < len(labels) <= COVER_LABELS_MAX, where)
            self.assertEqual(len(set(labels)), len(labels), where)
            self.assertTrue(all(is_range_label(x) for x in labels), where)
            self.assertTrue(all(x >> 36 & 0xFF == field for x in labels), where)
            # The reversed range is empty.
            if lo < hi:
                self.assertEqual(cover(field, hi, lo), [], where)
            edges = [lo, hi, (lo - 1) & U32_MAX, (hi + 1) & U32_MAX, lo // 2 + hi // 2, 0, U32_MAX]
            keys = [rng.randrange(2**32) for _ in range(8)] + [rng.randint(lo, hi) for _ in range(2)]
            for key in keys + edges:
                self.assertEqual(meets(field, key, labels), lo <= key <= hi, "%s, key %d" % (where, key))
            # Another field's labels never meet it.
            self.assertFalse(meets((field + 1) % 256, lo, labels), where)

    def test_small_ranges_exhaustively(self):
        # Every range within 0..=70 and every key near it, and the same at the top of the keys.
        for base in (0, U32_MAX - 70):
            for lo in range(base, base + 71):
                for hi in range(lo, base + 71):
                    labels = set(cover(9, lo, hi))
                    for key in range(max(0, base - 2), min(U32_MAX, base + 72) + 1):
                        self.assertEqual(meets(9, key, labels), lo <= key <= hi, (lo, hi, key))

    def test_keys_keep_the_order_of_their_values(self):
        rng = random.Random(0x0DE4)
        ints = [-(2**31), -(2**31) + 1, -1, 0, 1, 2**31 - 1] + [rng.randint(-(2**31), 2**31 - 1) for _ in range(2000)]
        ints.sort()
        self.assertEqual([key_i32(v) for v in ints], sorted(key_i32(v) for v in ints))
        for a, b in zip(ints, ints[1:]):
            self.assertEqual(a < b, key_i32(a) < key_i32(b), (a, b))
        # Every f32 (random bit patterns, NaNs left out) and the special values.
        floats = [f32(rng.randrange(2**32)) for _ in range(3000)]
        floats += [0.0, -0.0, float("inf"), float("-inf"), f32(1), f32(0x8000_0001), f32(0x7F7F_FFFF), f32(0xFF7F_FFFF)]
        floats = [x for x in floats if not math.isnan(x)]
        floats.sort()
        for x, y in zip(floats, floats[1:]):
            kx, ky = key_f32(x), key_f32(y)
            self.assertEqual((x < y, x == y), (kx < ky, kx == ky), (x, y))
        # A float key and its f32 are one value: the key gives back the bits.
        for x in floats:
            k = key_f32(x)
            bits = k & 0x7FFF_FFFF if k >> 31 else ~k & U32_MAX
            self.assertEqual(f32(bits), x)


def search_hex(filter):
    return corevec.protocol.encode_search(1, "docs", [1.0], 1, filter=filter).hex()


class WithRangeTest(unittest.TestCase):
    def test_the_cover_is_a_new_group(self):
        self.assertEqual(
            corevec.with_range(None, 2, 14, 33),
            {"all_of": [], "any_of": [], "any_of_groups": [cover(2, 14, 33)], "none_of": []},
        )
        given = {"all_of": (7,), "none_of": [8], "any_of": []}
        f = corevec.with_range(given, 2, 14, 33)
        self.assertEqual(f, {"all_of": [7], "any_of": [], "any_of_groups": [cover(2, 14, 33)], "none_of": [8]})
        self.assertEqual(given, {"all_of": (7,), "none_of": [8], "any_of": []}, "not modified")
        self.assertEqual(corevec.with_range({}, 0, 0, U32_MAX)["any_of_groups"], [cover(0, 0, U32_MAX)])
        # A valid filter: the client accepts it as is. One group is sent as a plain any_of.
        self.assertEqual(corevec.protocol.normalize_filter(f), ([7], [cover(2, 14, 33)], [8]))
        self.assertEqual(search_hex(f), search_hex({"all_of": [7], "any_of": cover(2, 14, 33), "none_of": [8]}))

    def test_an_existing_any_of_is_kept(self):
        given = {"all_of": [7], "any_of": (1, 2), "none_of": [8]}
        f = corevec.with_range(given, 2, 14, 33)
        self.assertEqual(
            f, {"all_of": [7], "any_of": [1, 2], "any_of_groups": [cover(2, 14, 33)], "none_of": [8]}
        )
        self.assertEqual(given, {"all_of": [7], "any_of": (1, 2), "none_of": [8]}, "not modified")
        self.assertEqual(corevec.protocol.normalize_filter(f), ([7], [[1, 2], cover(2, 14, 33)], [8]))
        # Existing groups are kept in order, the range goes last.
        f = corevec.with_range({"any_of": [1], "any_of_groups": [(3, 4)]}, 0, 5, 9)
        self.assertEqual(f["any_of"], [1])
        self.assertEqual(f["any_of_groups"], [[3, 4], cover(0, 5, 9)])

    def test_two_ranges(self):
        one = corevec.with_range({"all_of": [7], "none_of": [8]}, 0, 10, 20)
        two = corevec.with_range(one, 1, 5, 9)
        self.assertEqual(
            two,
            {"all_of": [7], "any_of": [], "any_of_groups": [cover(0, 10, 20), cover(1, 5, 9)], "none_of": [8]},
        )
        self.assertEqual(one["any_of_groups"], [cover(0, 10, 20)], "not modified")
        self.assertEqual(
            corevec.protocol.normalize_filter(two), ([7], [cover(0, 10, 20), cover(1, 5, 9)], [8])
        )
        # The encoded frame (the query of dim 1 ends at 36, padding to 40): the header with
        # any_groups 2, the two covers' sizes, then all_of, the covers, none_of.
        body = bytes(corevec.protocol.split_frame(bytes.fromhex(search_hex(two)))[1])
        a, b = cover(0, 10, 20), cover(1, 5, 9)
        self.assertEqual(body[36:40], b"\0" * 4)
        self.assertEqual(body[40:56], struct.pack("<IIII", 1, len(a) + len(b), 1, 2))
        self.assertEqual(body[56:72], struct.pack("<QQ", len(a), len(b)))
        self.assertEqual(body[72:], struct.pack("<%dQ" % (2 + len(a) + len(b)), 7, *(a + b + [8])))
        self.assertEqual(
            search_hex(two),
            search_hex({"all_of": [7], "any_of_groups": [a, b], "none_of": [8]}),
        )
        # Both ranges (and all_of / none_of) must hold; the same field twice is the intersection.
        for x, y, want in ((10, 5, True), (20, 9, True), (15, 4, False), (9, 7, False), (21, 7, False)):
            point = point_labels(0, x) + point_labels(1, y)
            self.assertEqual(filter_matches(two, point + [7]), want, (x, y))
            self.assertFalse(filter_matches(two, point), (x, y))
            self.assertFalse(filter_matches(two, point + [7, 8]), (x, y))
        same = corevec.with_range(corevec.with_range(None, 3, 10, 20), 3, 15, 30)
        for key in range(0, 40):
            self.assertEqual(filter_matches(same, point_labels(3, key)), 15 <= key <= 20, key)

    def test_matches_in_range_points_with_the_other_labels(self):
        price = 3
        f = corevec.with_range({"all_of": [7], "none_of": [8]}, price, key_f32(-1.5), key_f32(10.0))
        for value in (-2.0, -1.5, -1.0, -0.0, 0.0, 9.99, 10.0, 10.01, float("inf")):
            point = point_labels(price, key_f32(value))
            inside = -1.5 <= value <= 10.0
            self.assertEqual(filter_matches(f, point + [7]), inside, value)
            self.assertFalse(filter_matches(f, point), value)
            self.assertFalse(filter_matches(f, point + [7, 8]), value)
            # The same key in another field does not match.
            self.assertFalse(filter_matches(f, point_labels(price + 1, key_f32(value)) + [7]), value)

    def test_refusals(self):
        with self.assertRaisesRegex(ValueError, "empty range"):
            corevec.with_range(None, 0, 9, 8)
        with self.assertRaisesRegex(ValueError, "empty range"):
            corevec.with_range({"any_of_groups": [[1]]}, 0, 9, 8)
        # 224 + 800 = 1024 fits exactly; one more label does not.
        f = corevec.with_range({"all_of": list(range(400)), "none_of": list(range(1000, 1400))}, 0, 1, U32_MAX - 1)
        self.assertEqual(len(f["any_of_groups"][0]), COVER_LABELS_MAX)
        with self.assertRaisesRegex(ValueError, "FILTER_LABELS_MAX"):
            corevec.with_range({"all_of": list(range(401)), "none_of": list(range(1000, 1400))}, 0, 1, U32_MAX - 1)
        # Four largest covers fit; a fifth does not (labels), counting other groups' labels too.
        f = None
        for field in range(4):
            f = corevec.with_range(f, field, 1, U32_MAX - 1)
        self.assertEqual(len(f["any_of_groups"]), 4)
        with self.assertRaisesRegex(ValueError, "FILTER_LABELS_MAX"):
            corevec.with_range(f, 4, 1, U32_MAX - 1)
        with self.assertRaisesRegex(ValueError, "FILTER_LABELS_MAX"):
            corevec.with_range({"any_of": list(range(801))}, 0, 1, U32_MAX - 1)
        # FILTER_GROUPS_MAX (8) ranges fit; a ninth does not, counting any_of as a group.
        f = None
        for field in range(corevec.FILTER_GROUPS_MAX):
            f = corevec.with_range(f, field, 5, 5)
        self.assertEqual(len(f["any_of_groups"]), corevec.FILTER_GROUPS_MAX)
        corevec.protocol.normalize_filter(f)
        with self.assertRaisesRegex(ValueError, "FILTER_GROUPS_MAX"):
            corevec.with_range(f, 9, 5, 5)
        with self.assertRaisesRegex(ValueError, "FILTER_GROUPS_MAX"):
            corevec.with_range({"any_of": [1], "any_of_groups": [[i] for i in range(7)]}, 0, 5, 5)
        for bad in ([1], {"all": [1]}, {"all_of": ["x"]}, {"any_of_groups": [[]]}, {"any_of_groups": [1]}):
            with self.assertRaises(ValueError):
                corevec.with_range(bad, 0, 1, 2)
        for args in ((256, 1, 2), (0, -1, 2), (0, 1, 2**32)):
            with self.assertRaises(ValueError):
                corevec.with_range(None, *args)
        with self.assertRaises(TypeError):
            corevec.with_range(None, 0, 1.0, 2)


if __name__ == "__main__":
    unittest.main()
