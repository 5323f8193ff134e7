"""End-to-end tests against a running server. Set COREVEC_TEST_ADDR=host:port, e.g. with the
Rust reference server: `cargo run -p corevec-client --example mock_server -- 127.0.0.1:7700`.
Skipped when the variable is unset."""

import itertools
import os
import socket
import struct
import sys
import threading
import time
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import corevec  # noqa: E402

ADDR = os.environ.get("COREVEC_TEST_ADDR")


@unittest.skipUnless(ADDR, "COREVEC_TEST_ADDR not set")
class ClientTest(unittest.TestCase):
    def setUp(self):
        host, port = ADDR.rsplit(":", 1)
        self.client = corevec.Client(host, int(port), timeout=10.0)
        self.name = "py_%d_%s" % (os.getpid(), self._testMethodName[-20:])
        self.client.create_collection(self.name, dim=3, metric="l2")

    def tearDown(self):
        try:
            self.client.drop_collection(self.name)
        finally:
            self.client.close()

    def test_every_opcode(self):
        c, name = self.client, self.name
        c.ping()
        self.assertEqual(c.hello.version, 1)
        with self.assertRaises(corevec.CollectionExists) as e:
            c.create_collection(name, dim=3)
        self.assertEqual(e.exception.code, corevec.ErrorCode.COLLECTION_EXISTS)
        ack = c.upsert(name, [1, 2, 3], [[0, 0, 0], [1, 0, 0], [5, 5, 5]])
        self.assertEqual(ack.count, 3)
        self.assertEqual(c.get(name, [2, 99]), [[1.0, 0.0, 0.0], None])
        hits, partial = c.search(name, [0.9, 0, 0], k=2)
        self.assertEqual([h[0] for h in hits], [2, 1])
        self.assertFalse(partial)
        results, _ = c.search_batch(name, [[0, 0, 0], [5, 5, 5]], k=1, exact=True)
        self.assertEqual([r[0][0] for r in results], [1, 3])
        info = c.describe_collection(name)
        self.assertEqual((info.dim, info.vectors_count), (3, 3))
        self.assertIn(name, [i.name for i in c.list_collections()])
        self.assertEqual(c.delete(name, [1, 42]).count, 1)
        self.assertIn("vectors", c.stats())
        c.snapshot()
        c.snapshot(name)
        with self.assertRaises(corevec.DimensionMismatch):
            c.upsert(name, [7], [1.0, 2.0])
        with self.assertRaises(corevec.CollectionNotFound):
            c.describe_collection("missing_collection")
        c.ping()

    def test_payloads(self):
        c, name = self.client, self.name
        self.assertTrue(c.supports_payloads)
        big = b"\xee" * corevec.PAYLOAD_BYTES_MAX
        ack = c.upsert(name, [1, 2, 3], [[0, 0, 0], [1, 0, 0], [5, 5, 5]], payloads=[b'{"n":1}', None, big])
        self.assertEqual(ack.count, 3)
        self.assertEqual(
            c.get(name, [3, 99, 1, 2], with_payloads=True),
            [corevec.Point([5.0, 5.0, 5.0], big), None, corevec.Point([0.0, 0.0, 0.0], b'{"n":1}'),
             corevec.Point([1.0, 0.0, 0.0], b"")],
        )
        self.assertEqual(c.get(name, [42], with_payloads=True), [None])
        self.assertEqual(c.get(name, [1]), [[0.0, 0.0, 0.0]])
        hits, partial = c.search(name, [0.9, 0, 0], k=2, with_payloads=True)
        self.assertEqual([(h[0], h[2]) for h in hits], [(2, b""), (1, b'{"n":1}')])
        self.assertFalse(partial)
        hits, _ = c.search(name, [0.9, 0, 0], k=2)
        self.assertEqual([len(h) for h in hits], [2, 2])
        results, _ = c.search_batch(name, [[0, 0, 0], [5, 5, 5]], k=1, exact=True, with_payloads=True)
        self.assertEqual([r[0][2] for r in results], [b'{"n":1}', big])
        rid = c.submit_get(name, [1], with_payloads=True)
        self.assertEqual(c.result(rid), [corevec.Point([0.0, 0.0, 0.0], b'{"n":1}')])
        # An upsert without payloads replaces the point, payload included.
        c.upsert(name, [1], [[0, 0, 0]])
        self.assertEqual(c.get(name, [1], with_payloads=True), [corevec.Point([0.0, 0.0, 0.0], b"")])
        # Local validation: nothing sent.
        with self.assertRaises(ValueError):
            c.upsert(name, [7, 8], [[1, 2, 3], [4, 5, 6]], payloads=[b"one"])
        with self.assertRaises(ValueError):
            c.upsert(name, [7], [[1, 2, 3]], payloads=[big + b"!"])
        self.assertEqual(c.get(name, [7, 8]), [None, None])

    def test_set_payload(self):
        c, name = self.client, self.name
        vectors = [[0, 0, 0], [1, 0, 0], [5, 5, 5]]
        c.upsert(name, [1, 2, 3], vectors, payloads=[b"one", b"two", "three"])
        # Two existing ids and one absent id: the ack counts the two.
        ack = c.set_payload(name, [2, 99, 3], [b'{"n":2}', b"absent", "drei"])
        self.assertIsInstance(ack, corevec.WriteAck)
        self.assertEqual(ack.count, 2)
        self.assertEqual(
            c.get(name, [1, 2, 3, 99], with_payloads=True),
            [
                corevec.Point([0.0, 0.0, 0.0], b"one"),
                corevec.Point([1.0, 0.0, 0.0], b'{"n":2}'),
                corevec.Point([5.0, 5.0, 5.0], b"drei"),
                None,
            ],
        )
        # SET_PAYLOAD never creates a point; the vectors are unchanged.
        self.assertEqual(c.describe_collection(name).vectors_count, 3)
        self.assertEqual(c.get(name, [1, 2, 3]), [[float(x) for x in v] for v in vectors])
        hits, _ = c.search(name, [0.9, 0, 0], k=1, with_payloads=True)
        self.assertEqual(hits[0][0::2], (2, b'{"n":2}'))
        # None clears a payload; pipelined through submit_set_payload/result.
        rid = c.submit_set_payload(name, [1], [None])
        self.assertEqual(c.result(rid).count, 1)
        self.assertEqual(c.get(name, [1], with_payloads=True), [corevec.Point([0.0, 0.0, 0.0], b"")])
        # Local validation: nothing sent.
        with self.assertRaises(ValueError):
            c.set_payload(name, [2, 3], [b"only one"])
        with self.assertRaises(ValueError):
            c.set_payload(name, [2], [b"x" * (corevec.PAYLOAD_BYTES_MAX + 1)])
        self.assertEqual(c.get(name, [2], with_payloads=True), [corevec.Point([1.0, 0.0, 0.0], b'{"n":2}')])
        with self.assertRaises(corevec.CollectionNotFound):
            c.set_payload("missing_collection", [1], [b"x"])

    def test_labels(self):
        c, name = self.client, self.name
        self.assertTrue(c.supports_labels)
        # Point i at [i, 0, 0]; label 1 = even, 2 = odd, 3 = multiple of 3. Point 0's list is
        # unsorted with a duplicate: stored sorted and deduplicated.
        ids = list(range(6))
        vectors = [[float(i), 0, 0] for i in ids]
        labels = [[3, 1, 3]] + [[1 if i % 2 == 0 else 2] + ([3] if i % 3 == 0 else []) for i in ids[1:]]
        payloads = [str(i) for i in ids]
        self.assertEqual(c.upsert(name, ids, vectors, payloads=payloads, labels=labels).count, 6)
        self.assertEqual(
            c.get(name, [0, 99, 1], with_labels=True),
            [corevec.Point([0.0, 0.0, 0.0], b"", [1, 3]), None, corevec.Point([1.0, 0.0, 0.0], b"", [2])],
        )
        self.assertEqual(
            c.get(name, [3], with_payloads=True, with_labels=True),
            [corevec.Point([3.0, 0.0, 0.0], b"3", [2, 3])],
        )
        self.assertEqual(c.get(name, [3], with_payloads=True), [corevec.Point([3.0, 0.0, 0.0], b"3")])
        self.assertEqual(c.get(name, [3]), [[3.0, 0.0, 0.0]])
        self.assertEqual(c.get(name, [42], with_labels=True), [None])

        def ids_of(hits):
            return [h[0] for h in hits]

        query = [0.0, 0.0, 0.0]
        for exact in (False, True):
            hits, _ = c.search(name, query, k=2, exact=exact, filter={"all_of": [2]})
            self.assertEqual(ids_of(hits), [1, 3])
            hits, _ = c.search(name, query, k=6, exact=exact, filter={"all_of": [1], "none_of": [3]})
            self.assertEqual(ids_of(hits), [2, 4])
            hits, _ = c.search(name, query, k=3, exact=exact, filter={"any_of": [2, 3]})
            self.assertEqual(ids_of(hits), [0, 1, 3])
        # Fewer than k match; nothing matches; the empty filter matches everything.
        hits, _ = c.search(name, query, k=10, filter={"all_of": [1, 3]})
        self.assertEqual(ids_of(hits), [0])
        self.assertEqual(c.search(name, query, k=10, filter={"all_of": [1, 2]})[0], [])
        self.assertEqual(ids_of(c.search(name, query, k=2, filter={})[0]), [0, 1])
        # One filter for every query of a batch; with payloads too.
        results, _ = c.search_batch(name, [[0, 0, 0], [5, 0, 0]], k=1, exact=True, filter={"all_of": [1]})
        self.assertEqual([ids_of(r) for r in results], [[0], [4]])
        hits, _ = c.search(name, query, k=2, with_payloads=True, filter={"none_of": [1]})
        self.assertEqual([(h[0], h[2]) for h in hits], [(1, b"1"), (3, b"3")])
        # Pipelined.
        rid = c.submit_search(name, query, k=1, filter={"all_of": [2]})
        self.assertEqual(ids_of(c.result(rid)[0]), [1])
        rid = c.submit_get(name, [1], with_labels=True)
        self.assertEqual(c.result(rid), [corevec.Point([1.0, 0.0, 0.0], b"", [2])])
        # SET_PAYLOAD keeps the labels; an upsert without labels clears them.
        c.set_payload(name, [1], [b"new"])
        self.assertEqual(c.get(name, [1], with_payloads=True, with_labels=True),
                         [corevec.Point([1.0, 0.0, 0.0], b"new", [2])])
        c.upsert(name, [1], [[1, 0, 0]])
        self.assertEqual(c.get(name, [1], with_payloads=True, with_labels=True), [corevec.Point([1.0, 0.0, 0.0], b"")])
        self.assertEqual(ids_of(c.search(name, query, k=1, filter={"all_of": [2]})[0]), [3])
        # Labels without payloads: the point has no payload afterwards.
        c.upsert(name, [3], [[3, 0, 0]], labels=[[7]])
        self.assertEqual(c.get(name, [3], with_payloads=True, with_labels=True),
                         [corevec.Point([3.0, 0.0, 0.0], b"", [7])])
        # Local validation: nothing sent.
        with self.assertRaises(ValueError):
            c.upsert(name, [7, 8], [[1, 2, 3], [4, 5, 6]], labels=[[1]])
        with self.assertRaises(ValueError):
            c.upsert(name, [7], [[1, 2, 3]], labels=[[5] * (corevec.LABELS_PER_POINT_MAX + 1)])
        with self.assertRaises(ValueError):
            c.search(name, query, filter={"all": [1]})
        with self.assertRaises(ValueError):
            c.search_batch(name, [query], filter={"none_of": list(range(corevec.FILTER_LABELS_MAX + 1))})
        self.assertEqual(c.get(name, [7, 8]), [None, None])

    def test_set_labels(self):
        c, name = self.client, self.name
        self.assertTrue(c.supports_labels)
        vectors = [[0, 0, 0], [1, 0, 0], [5, 5, 5]]
        c.upsert(name, [1, 2, 3], vectors, payloads=[b"one", b"two", "three"], labels=[[1], [2], [3]])
        # Two existing ids and one absent id: the ack counts the two. Lists are stored sorted and
        # deduplicated; None clears a point's labels.
        ack = c.set_labels(name, [2, 99, 3], [[9, 4, 9], [5], None])
        self.assertIsInstance(ack, corevec.WriteAck)
        self.assertEqual(ack.count, 2)
        # Labels changed; vectors and payloads kept.
        self.assertEqual(
            c.get(name, [1, 2, 3, 99], with_payloads=True, with_labels=True),
            [
                corevec.Point([0.0, 0.0, 0.0], b"one", [1]),
                corevec.Point([1.0, 0.0, 0.0], b"two", [4, 9]),
                corevec.Point([5.0, 5.0, 5.0], b"three", []),
                None,
            ],
        )
        # SET_LABELS never creates a point.
        self.assertEqual(c.describe_collection(name).vectors_count, 3)
        # Filters see the new labels, exact and indexed.
        for exact in (False, True):
            hits, _ = c.search(name, [0, 0, 0], k=3, exact=exact, filter={"all_of": [9]})
            self.assertEqual([h[0] for h in hits], [2])
            hits, _ = c.search(name, [0, 0, 0], k=3, exact=exact, filter={"any_of": [1, 3, 4]})
            self.assertEqual([h[0] for h in hits], [1, 2])
        # Pipelined through submit_set_labels/result; tuples are lists too.
        rid = c.submit_set_labels(name, [1], [(8, 7)])
        self.assertEqual(c.result(rid).count, 1)
        self.assertEqual(c.get(name, [1], with_payloads=True, with_labels=True),
                         [corevec.Point([0.0, 0.0, 0.0], b"one", [7, 8])])
        # Zero ids: nothing changes.
        self.assertEqual(c.set_labels(name, [], []).count, 0)
        # Local validation: nothing sent.
        with self.assertRaises(ValueError):
            c.set_labels(name, [2, 3], [[1]])
        with self.assertRaises(ValueError):
            c.set_labels(name, [2], [[5] * (corevec.LABELS_PER_POINT_MAX + 1)])
        with self.assertRaises(ValueError):
            c.set_labels(name, [2], [["x"]])
        self.assertEqual(c.get(name, [2], with_labels=True), [corevec.Point([1.0, 0.0, 0.0], b"", [4, 9])])
        with self.assertRaises(corevec.CollectionNotFound):
            c.set_labels("missing_collection", [1], [[1]])

    def test_scroll(self):
        c, name = self.client, self.name
        Point, Page = corevec.Point, corevec.ScrollPage
        # An empty collection: one empty page, no next.
        self.assertEqual(c.scroll(name), Page([], None))
        self.assertEqual(list(c.scroll_all(name)), [])
        # Ids 0, 3, ..., 57 at [id, 0, 0]; label 0 = even, 1 = odd; payload "p<id>".
        ids = [i * 3 for i in range(20)]
        vectors = [[float(i), 0.0, 0.0] for i in ids]
        labels = [[i % 2] for i in ids]
        payloads = [b"p%d" % i for i in ids]
        c.upsert(name, ids, vectors, payloads=payloads, labels=labels)
        full = {i: Point(v, pl, lb) for i, v, pl, lb in zip(ids, vectors, payloads, labels)}
        # From start_id (inclusive; 4 is not an id), ascending, at most limit, next = last + 1.
        page = c.scroll(name, start_id=4, limit=3, with_vectors=True, with_payloads=True, with_labels=True)
        self.assertEqual(page, Page([(i, full[i]) for i in (6, 9, 12)], 13))
        # Parts not asked for are empty.
        self.assertEqual(c.scroll(name, 0, 2), Page([(0, Point([], b"", [])), (3, Point([], b"", []))], 4))
        self.assertEqual(c.scroll(name, 3, 1, with_labels=True), Page([(3, Point([], b"", [1]))], 4))
        # Paging by hand until next is None lists every id once, in order.
        seen, start, pages = [], 0, 0
        while start is not None:
            page = c.scroll(name, start, 7, with_vectors=True)
            self.assertTrue(all(vid >= start for vid, _ in page.points))
            seen += [(vid, point.vector) for vid, point in page.points]
            start, pages = page.next, pages + 1
        self.assertEqual(seen, [(i, full[i].vector) for i in ids])
        self.assertGreaterEqual(pages, 3)
        # scroll_all does the same, with any parts; one page of SCROLL_LIMIT_MAX holds everything.
        self.assertEqual(
            list(c.scroll_all(name, limit=6, with_vectors=True, with_payloads=True, with_labels=True)),
            [(i, full[i]) for i in ids],
        )
        self.assertEqual([vid for vid, _ in c.scroll(name, limit=corevec.SCROLL_LIMIT_MAX).points], ids)
        self.assertIsNone(c.scroll(name, limit=corevec.SCROLL_LIMIT_MAX).next)
        # Past the last id, and from the largest id: empty.
        self.assertEqual(c.scroll(name, start_id=58), Page([], None))
        self.assertEqual(c.scroll(name, start_id=2**64 - 1), Page([], None))
        # Filtered: only the matching points, still ascending and paged.
        odd = [vid for vid, _ in c.scroll_all(name, limit=4, filter={"all_of": [1]})]
        self.assertEqual(odd, [i for i in ids if i % 2])
        page = c.scroll(name, 10, 2, with_labels=True, filter={"none_of": [1]})
        self.assertEqual(page, Page([(12, Point([], b"", [0])), (18, Point([], b"", [0]))], 19))
        self.assertEqual(c.scroll(name, filter={"all_of": [0, 1]}), Page([], None))
        # Deleted points are not listed; an upsert without payload or labels shows none.
        c.delete(name, [0, 6])
        c.upsert(name, [3], [[3.0, 0, 0]])
        page = c.scroll(name, 0, 2, with_payloads=True, with_labels=True)
        self.assertEqual(page, Page([(3, Point([], b"", [])), (9, Point([], b"p9", [1]))], 10))
        # Local validation: nothing sent.
        for bad in ({"limit": 0}, {"limit": corevec.SCROLL_LIMIT_MAX + 1}, {"filter": {"all": [1]}}):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError):
                    c.scroll(name, **bad)
                with self.assertRaises(ValueError):
                    c.scroll_all(name, **bad)
        with self.assertRaises(ValueError):
            c.scroll(name, start_id=-1)
        with self.assertRaises(corevec.CollectionNotFound):
            c.scroll("missing_collection")
        points = c.scroll_all("missing_collection", limit=10)
        with self.assertRaises(corevec.CollectionNotFound):
            next(points)

    def test_range_filters_and_groups(self):
        c, name = self.client, self.name
        from corevec.range_labels import KEY_MAX, key_f32, key_i32, point_labels

        self.assertTrue(c.supports_filter_groups)
        price, year = 0, 200
        # Point i at [i, 0, 0]: price i / 2 - 5 (f32 keys), year 1990 + i (i32 keys); label 7 if
        # even, label 1 + i % 3 (1, 2 or 3).
        ids = list(range(30))
        prices = [i / 2 - 5 for i in ids]
        years = [1990 + i for i in ids]
        labels = [
            point_labels(price, key_f32(prices[i]))
            + point_labels(year, key_i32(years[i]))
            + [1 + i % 3]
            + ([7] if i % 2 == 0 else [])
            for i in ids
        ]
        c.upsert(name, ids, [[float(i), 0, 0] for i in ids], labels=labels)
        self.assertEqual(c.get(name, [3], with_labels=True)[0].labels, sorted(labels[3]))
        with_range = corevec.with_range
        two_ranges = with_range(
            with_range({"none_of": [7]}, price, key_f32(-4.0), key_f32(6.0)), year, key_i32(1995), key_i32(2013)
        )
        self.assertEqual(len(two_ranges["any_of_groups"]), 2)
        cases = [
            (with_range(None, price, key_f32(-1.0), key_f32(2.25)), lambda i: -1.0 <= prices[i] <= 2.25),
            (with_range({"all_of": [7]}, price, key_f32(-1.0), key_f32(2.25)),
             lambda i: -1.0 <= prices[i] <= 2.25 and i % 2 == 0),
            (with_range(None, price, key_f32(-0.0), key_f32(0.0)), lambda i: prices[i] == 0.0),
            (with_range({"none_of": [7]}, year, key_i32(1995), key_i32(2010)),
             lambda i: 1995 <= years[i] <= 2010 and i % 2 == 1),
            (with_range(None, year, key_i32(2100), key_i32(2200)), lambda i: False),
            (with_range(None, price, 0, KEY_MAX), lambda i: True),
            # Two ranges on two fields, and none_of.
            (two_ranges, lambda i: -4.0 <= prices[i] <= 6.0 and 1995 <= years[i] <= 2013 and i % 2 == 1),
            # Two ranges and a plain any_of: the any_of is a third group.
            (with_range(with_range({"any_of": [1, 3]}, price, key_f32(-5.0), key_f32(3.0)), year,
                        key_i32(1993), key_i32(2100)),
             lambda i: i % 3 in (0, 2) and prices[i] <= 3.0 and years[i] >= 1993),
            # Two ranges on one field: the intersection.
            (with_range(with_range(None, year, key_i32(1990), key_i32(2005)), year, key_i32(2000), key_i32(2030)),
             lambda i: 2000 <= years[i] <= 2005),
            # Plain groups: (1 or 2) and 7.
            ({"all_of": [], "any_of_groups": [[1, 2], [7]]}, lambda i: i % 3 in (0, 1) and i % 2 == 0),
            # Disjoint ranges on one field: nothing.
            (with_range(with_range(None, year, key_i32(1990), key_i32(1995)), year, key_i32(1996), key_i32(2030)),
             lambda i: False),
        ]
        query = [0.0, 0.0, 0.0]
        for n, (filter, inside) in enumerate(cases):
            want = [i for i in ids if inside(i)]  # ascending distance from the query
            for exact in (False, True):
                with self.subTest(case=n, exact=exact):
                    hits, _ = c.search(name, query, k=len(ids), exact=exact, filter=filter)
                    self.assertEqual([h[0] for h in hits], want)
            with self.subTest(case=n, scroll=True):
                self.assertEqual([vid for vid, _ in c.scroll_all(name, limit=4, filter=filter)], want)
        # Local validation: nothing sent.
        for bad in ({"any_of_groups": [[1], []]}, {"any_of_groups": [[i] for i in range(corevec.FILTER_GROUPS_MAX + 1)]}):
            with self.assertRaises(ValueError):
                c.search(name, query, filter=bad)
            with self.assertRaises(ValueError):
                c.scroll(name, filter=bad)
        # An empty range is refused locally (an empty any_of would match every point).
        with self.assertRaises(ValueError):
            with_range(None, price, key_f32(2.0), key_f32(1.0))

    def test_max_distance(self):
        c, name = self.client, self.name
        self.assertTrue(c.supports_max_distance())
        c.upsert(name, [1, 2, 3, 4], [[0, 0, 0], [1, 0, 0], [2, 0, 0], [5, 0, 0]])
        # Squared L2 from the origin: 0, 1, 4, 25.
        for exact in (True, False):
            hits, _ = c.search(name, [0, 0, 0], k=4, exact=exact, max_distance=4.0)
            self.assertEqual([h[0] for h in hits], [1, 2, 3])
            hits, _ = c.search(name, [0, 0, 0], k=4, exact=exact, max_distance=0.5)
            self.assertEqual([h[0] for h in hits], [1])
        results, _ = c.search_batch(name, [[0, 0, 0], [5, 0, 0]], k=4, exact=True, max_distance=1.0)
        self.assertEqual([[h[0] for h in r] for r in results], [[1, 2], [4]])
        with self.assertRaises(ValueError):
            c.search(name, [0, 0, 0], k=1, max_distance=float("nan"))

    def test_read_replicas(self):
        c = self.client
        self.assertTrue(c.supports_read_replicas())
        name = self.name + "_rr"
        c.create_collection(name, dim=3, shards=1, read_replicas=True)
        try:
            self.assertTrue(c.describe_collection(name).read_replicas)
            self.assertFalse(c.describe_collection(self.name).read_replicas)
            listed = {i.name: i.read_replicas for i in c.list_collections()}
            self.assertEqual((listed[name], listed[self.name]), (True, False))
            c.upsert(name, [1, 2], [[0, 0, 0], [1, 0, 0]])
            hits, _ = c.search(name, [0.9, 0, 0], k=1)
            self.assertEqual(hits[0][0], 2)
        finally:
            c.drop_collection(name)

    def test_upsert_of_no_points(self):
        # PROTOCOL.md 5.4 allows count 0: nothing is written, the ack counts 0.
        c, name = self.client, self.name
        self.assertEqual(c.upsert(name, [], [], dim=3), corevec.WriteAck(0, None))
        with self.assertRaises(corevec.DimensionMismatch):
            c.upsert(name, [], [], dim=2)
        self.assertEqual(c.describe_collection(name).vectors_count, 0)
        c.ping()

    def test_pipelining(self):
        c, name = self.client, self.name
        c.upsert(name, list(range(10)), [[float(i), 0, 0] for i in range(10)])
        ids = [c.submit_search(name, [float(i), 0, 0], k=1) for i in range(10)]
        ids += [c.submit_ping() for _ in range(50)]
        results = [c.result(i) for i in ids]
        self.assertEqual([r[0][0][0] for r in results[:10]], list(range(10)))

    def test_threads(self):
        c, name = self.client, self.name
        errors = []

        def work(t):
            try:
                for i in range(20):
                    vid = t * 100 + i
                    c.upsert(name, [vid], [[float(vid), 1, 2]])
                    self.assertEqual(c.get(name, [vid]), [[float(vid), 1.0, 2.0]])
            except Exception as e:  # noqa: BLE001
                errors.append(e)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(c.describe_collection(name).vectors_count, 80)


class _NoSendConnection:
    """Stands in for a connection to a server from before payloads; sending is a failure."""

    closed = None
    hello = corevec.HelloAck(1, 128, 0, 64 * 1024 * 1024)

    def send(self, request_id, slot, frame, deadline=None):
        raise AssertionError("nothing may be sent")


def _client_over(conn):
    """A :class:`corevec.Client` that talks to ``conn`` (a stand-in connection) without
    connecting anywhere."""
    client = corevec.Client.__new__(corevec.Client)
    client._lock = threading.Lock()
    client._conn = conn
    client._slots = {}
    client._ids = itertools.count(2)
    client.timeout = 5.0
    client.retries = 2
    client.retry_backoff = 0.0
    return client


class WithoutPayloadsTest(unittest.TestCase):
    """No server needed: the client refuses SET_PAYLOAD locally without FEATURE_PAYLOADS."""

    def test_set_payload_is_refused_locally(self):
        client = _client_over(_NoSendConnection())
        self.assertFalse(client.supports_payloads)
        for call in (
            lambda: client.set_payload("docs", [1], [b"x"]),
            lambda: client.submit_set_payload("docs", [1], [b"x"]),
            lambda: client.scroll("docs", with_payloads=True),
            lambda: client.scroll_all("docs", with_payloads=True),
        ):
            with self.assertRaises(corevec.ProtocolError) as e:
                call()
            self.assertIn("FEATURE_PAYLOADS", str(e.exception))


class _PayloadsOnlyConnection(_NoSendConnection):
    """A server from before labels (it has payloads)."""

    hello = corevec.HelloAck(1, 128, corevec.FEATURE_PAYLOADS, 64 * 1024 * 1024)


class WithoutLabelsTest(unittest.TestCase):
    """No server needed: the client refuses labels and filters locally without FEATURE_LABELS,
    and malformed filters before anything else."""

    def client(self):
        return _client_over(_PayloadsOnlyConnection())

    def test_labels_are_refused_locally(self):
        client = self.client()
        self.assertTrue(client.supports_payloads)
        self.assertFalse(client.supports_labels)
        for call in (
            lambda: client.upsert("docs", [1], [[1.0]], labels=[[1]]),
            lambda: client.submit_upsert("docs", [1], [[1.0]], labels=[[1]]),
            lambda: client.get("docs", [1], with_labels=True),
            lambda: client.submit_get("docs", [1], with_labels=True),
            lambda: client.search("docs", [1.0], filter={}),
            lambda: client.search_batch("docs", [[1.0]], filter={"all_of": [1]}),
            lambda: client.submit_search("docs", [1.0], filter={"any_of": [1]}),
            lambda: client.submit_search_batch("docs", [[1.0]], filter={"none_of": [1]}),
            lambda: client.scroll("docs", with_labels=True),
            lambda: client.scroll("docs", filter={}),
            lambda: client.scroll_all("docs", with_labels=True),
            lambda: client.scroll_all("docs", filter={"all_of": [1]}),
        ):
            with self.assertRaises(corevec.ProtocolError) as e:
                call()
            self.assertIn("FEATURE_LABELS", str(e.exception))

    def test_set_labels_is_refused_locally(self):
        client = self.client()
        for call in (
            lambda: client.set_labels("docs", [1], [[1]]),
            lambda: client.submit_set_labels("docs", [1], [[1]]),
        ):
            with self.assertRaises(corevec.ProtocolError) as e:
                call()
            self.assertIn("FEATURE_LABELS", str(e.exception))

    def test_malformed_filters_are_value_errors(self):
        client = self.client()
        for bad in ([1], {"all_of": [1], "extra": [2]}, {"any_of": ["x"]}):
            with self.assertRaises(ValueError):
                client.search("docs", [1.0], filter=bad)
            with self.assertRaises(ValueError):
                client.scroll("docs", filter=bad)
            with self.assertRaises(ValueError):
                client.scroll_all("docs", filter=bad)

    def test_filter_groups_need_labels_first(self):
        client = self.client()
        self.assertFalse(client.supports_filter_groups)
        with self.assertRaises(corevec.ProtocolError) as e:
            client.search("docs", [1.0], filter={"any_of_groups": [[1], [2]]})
        self.assertIn("FEATURE_LABELS", str(e.exception))

    def test_bad_scroll_arguments_are_value_errors(self):
        client = self.client()
        for bad in ({"limit": 0}, {"limit": corevec.SCROLL_LIMIT_MAX + 1}, {"limit": None}, {"start_id": -1},
                    {"start_id": 2**64}):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError):
                    client.scroll("docs", **bad)
        with self.assertRaises(ValueError):
            client.scroll_all("docs", limit=0)


class _Sent(Exception):
    """What a request sent to a :class:`_RecordingConnection` fails with."""


class _RecordingConnection:
    """A server from before filter groups (payloads and labels) that records what is sent and
    fails each request with :class:`_Sent` instead of answering."""

    closed = None
    hello = corevec.HelloAck(1, 128, corevec.FEATURE_PAYLOADS | corevec.FEATURE_LABELS, 64 * 1024 * 1024)

    def __init__(self):
        self.frames = []

    def send(self, request_id, slot, frame, deadline=None):
        self.frames.append(frame)
        slot.error = _Sent()
        slot.event.set()

    def forget(self, request_id):
        pass


class WithoutFilterGroupsTest(unittest.TestCase):
    """No server needed: without FEATURE_FILTER_GROUPS the client refuses a filter with two or
    more any_of groups, or over 256 labels, locally, and still sends one with a single group (in
    the original form, which such a server takes)."""

    def client(self):
        return _client_over(_RecordingConnection())

    def test_two_groups_are_refused_locally(self):
        client = self.client()
        self.assertTrue(client.supports_labels)
        self.assertFalse(client.supports_filter_groups)
        two = {"any_of_groups": [[1], [2]]}
        for call in (
            lambda: client.search("docs", [1.0], filter=two),
            lambda: client.search_batch("docs", [[1.0]], filter={"all_of": [5], "any_of": [1], "any_of_groups": [[2]]}),
            lambda: client.submit_search("docs", [1.0], filter=two),
            lambda: client.submit_search_batch("docs", [[1.0]], filter=two),
            lambda: client.scroll("docs", filter=two),
            lambda: client.scroll_all("docs", filter=corevec.with_range(corevec.with_range(None, 0, 1, 2), 1, 3, 4)),
        ):
            with self.assertRaises(corevec.ProtocolError) as e:
                call()
            self.assertIn("FEATURE_FILTER_GROUPS", str(e.exception))
        # One group over 256 labels: over such a server's limit.
        wide = {"all_of": [5], "any_of": list(range(256))}
        for call in (
            lambda: client.search("docs", [1.0], filter=wide),
            lambda: client.scroll("docs", filter=wide),
        ):
            with self.assertRaises(corevec.ProtocolError) as e:
                call()
            self.assertIn("FEATURE_FILTER_GROUPS", str(e.exception))
        self.assertEqual(client._conn.frames, [], "nothing sent")
        # A malformed filter is still a ValueError first.
        with self.assertRaises(ValueError):
            client.search("docs", [1.0], filter={"any_of_groups": [[1], []]})
        self.assertEqual(client._conn.frames, [])

    def test_one_group_is_sent(self):
        client = self.client()
        for filter in (
            {"any_of": [1, 2]},
            {"any_of_groups": [[1, 2]]},
            {"any_of": [], "any_of_groups": [[1, 2]]},
            corevec.with_range(None, 0, 1, 2),
            {},
        ):
            with self.subTest(filter=filter):
                sent = len(client._conn.frames)
                with self.assertRaises(_Sent):
                    client.search("docs", [1.0], filter=filter)
                with self.assertRaises(_Sent):
                    client.scroll("docs", filter=filter)
                frames = client._conn.frames[sent:]
                # search and scroll are reads: retried after connection errors only.
                self.assertEqual(len(frames), 2)
                for frame in frames:
                    header, body = corevec.protocol.split_frame(frame)
                    self.assertIn(header.opcode, (corevec.Opcode.SEARCH, corevec.Opcode.SCROLL))
                    # Both filters start at body offset 24 (the NAME ends 8-aligned; the query
                    # of dim 1 ends at 36 and is padded to 40): any_groups is 0, no sizes.
                    at = 40 if header.opcode == corevec.Opcode.SEARCH else 24
                    _, any_count, _, any_groups = struct.unpack("<IIII", bytes(body[at:at + 16]))
                    self.assertEqual(any_groups, 0)
                    self.assertEqual(len(body), at + 16 + 8 * any_count)
        rid = client.submit_search("docs", [1.0], filter={"any_of_groups": [[3]]})
        with self.assertRaises(_Sent):
            client.result(rid)


class _FakeServer:
    """A server on 127.0.0.1 that answers HELLO on every connection it accepts, then hands the
    socket (and the bytes read after the HELLO) to ``after_hello`` on the connection's thread.
    Counts connections; :meth:`close` closes every socket. HELLO enables ``features`` and
    announces ``frame_body_bytes_max`` (default ``FRAME_BODY_BYTES_MAX``)."""

    def __init__(self, after_hello, features=None, frame_body_bytes_max=None):
        self.after_hello = after_hello
        self.features = corevec.protocol.FEATURES_SUPPORTED if features is None else features
        self.frame_body_bytes_max = (
            corevec.protocol.FRAME_BODY_BYTES_MAX if frame_body_bytes_max is None else frame_body_bytes_max
        )
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.sockets = []
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            self.sockets.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock):
        p = corevec.protocol
        buf = bytearray()
        try:
            while p.check_frame(buf) is None:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
            n = p.check_frame(buf)
            body = struct.pack("<HHIQII", 1, 0, 128, self.features, self.frame_body_bytes_max, 0)
            sock.sendall(p.encode_frame(corevec.Opcode.HELLO, p.FLAG_RESPONSE, 1, body))
            self.after_hello(sock, bytes(buf[n:]))
        except OSError:
            pass

    def close(self):
        self.stop.set()
        self.listener.close()
        for sock in self.sockets:
            try:
                sock.close()
            except OSError:
                pass


def _in_thread(call):
    """Run ``call`` on a daemon thread; returns ``(thread, outcome)`` where ``outcome`` gets
    ``"error"`` (the exception or None) once it returns."""
    outcome = {}

    def run():
        try:
            call()
            outcome["error"] = None
        except BaseException as e:  # noqa: B902 (reported to the test)
            outcome["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


class WithoutReadReplicasTest(unittest.TestCase):
    """No server needed: a fake one from before read replicas answers HELLO, then records what
    it receives."""

    def test_create_with_read_replicas_is_refused_before_sending(self):
        received = bytearray()

        def record(sock, rest):
            received.extend(rest)
            sock.settimeout(0.5)
            try:
                received.extend(sock.recv(65536))
            except OSError:
                pass

        older = corevec.protocol.FEATURES_SUPPORTED & ~corevec.FEATURE_READ_REPLICAS
        server = _FakeServer(record, features=older)
        self.addCleanup(server.close)
        client = corevec.Client("127.0.0.1", server.port, timeout=1.0)
        self.addCleanup(client.close)
        self.assertFalse(client.supports_read_replicas())
        with self.assertRaises(corevec.ProtocolError) as e:
            client.create_collection("docs", dim=3, read_replicas=True)
        self.assertIn("FEATURE_READ_REPLICAS", str(e.exception))
        time.sleep(0.6)
        self.assertEqual(bytes(received), b"")


def _request_frames(sock, buf):
    """The request frames read from ``sock`` (``buf``: bytes already read), as ``(header,
    body)``, until the client closes; reads only when the next frame is asked for."""
    p = corevec.protocol
    buf = bytearray(buf)
    while True:
        n = p.check_frame(buf)
        if n is None:
            chunk = sock.recv(65536)
            if not chunk:
                return
            buf += chunk
            continue
        header, body = p.split_frame(bytes(buf[:n]))
        del buf[:n]
        yield header, body


def _read_requests(sock, buf, count):
    """Read ``count`` request frames from ``sock`` (``buf``: bytes already read); returns their
    headers, or fewer if the client closes first."""
    return [header for header, _ in itertools.islice(_request_frames(sock, buf), count)]


def _raw_frame(opcode, flags, request_id, body=b"", reserved=b"\0\0\0\0"):
    """A frame with any flags and reserved bytes (valid CRCs)."""
    p = corevec.protocol
    head = struct.pack("<4sHBBQII4s", p.MAGIC, 1, opcode, flags, request_id, len(body), p.crc32c(body), reserved)
    return head + struct.pack("<I", p.crc32c(head)) + body


class FrameBodyLimitTest(unittest.TestCase):
    """No server needed: a request over the frame body limit the server announced in HELLO is
    refused locally (a ValueError, as for FRAME_BODY_BYTES_MAX), never sent, and the connection
    stays usable."""

    def test_a_request_over_the_announced_limit_is_refused_before_sending(self):
        received = []

        def answer_pings(sock, rest):
            p = corevec.protocol
            for header, body in _request_frames(sock, rest):
                received.append((header.opcode, len(body)))
                ack = struct.pack("<IIQ", 1, 0, 0)
                reply = b"" if header.opcode == corevec.Opcode.PING else ack
                sock.sendall(p.encode_frame(header.opcode, p.FLAG_RESPONSE, header.request_id, reply))

        server = _FakeServer(answer_pings, frame_body_bytes_max=256)
        self.addCleanup(server.close)
        client = corevec.Client("127.0.0.1", server.port, timeout=5.0)
        self.addCleanup(client.close)
        self.assertEqual(client.hello.frame_body_bytes_max, 256)
        # 8 + 8 (NAME) + 8 (id) + 4 * dim: dim 62 is 272 bytes, over; dim 58 is 256, at the limit.
        for call in (
            lambda: client.upsert("docs", [1], [[0.0] * 62]),
            lambda: client.submit_upsert("docs", [1], [[0.0] * 62]),
            lambda: client.search("docs", [0.0] * 62, k=1),
        ):
            with self.assertRaises(ValueError) as e:
                call()
            self.assertIsInstance(e.exception, corevec.protocol.CodecError)
            self.assertIn("frame_body_bytes_max of 256", str(e.exception))
        self.assertEqual(client.upsert("docs", [1], [[0.0] * 58]).count, 1)
        client.ping()
        self.assertEqual(received, [(corevec.Opcode.UPSERT, 256), (corevec.Opcode.PING, 0)])
        self.assertEqual(server.connections, 1)

    def test_the_limit_is_the_smaller_of_hello_and_the_constant(self):
        conn = _RecordingConnection()
        frame = bytes(corevec.protocol.FRAME_HEADER_SIZE + 100)
        corevec.Client._check_frame_size(conn, frame)
        conn.hello = conn.hello._replace(frame_body_bytes_max=99)
        with self.assertRaises(corevec.protocol.CodecError):
            corevec.Client._check_frame_size(conn, frame)
        # A server announcing more than FRAME_BODY_BYTES_MAX does not raise the limit.
        conn.hello = conn.hello._replace(frame_body_bytes_max=2**32 - 1)
        big = memoryview(bytearray(corevec.protocol.FRAME_HEADER_SIZE + corevec.protocol.FRAME_BODY_BYTES_MAX + 1))
        with self.assertRaises(corevec.protocol.CodecError):
            corevec.Client._check_frame_size(conn, big)
        corevec.Client._check_frame_size(conn, big[:-1])


class ReservedHeaderBitsTest(unittest.TestCase):
    """No server needed: a response with reserved header bits set, ERROR without RESPONSE, or
    no RESPONSE flag fails its own request (PROTOCOL.md section 2, step 5), and the connection
    stays open for the others."""

    def test_bad_flags_fail_one_request_and_keep_the_connection(self):
        p = corevec.protocol
        bad = [
            lambda rid: _raw_frame(corevec.Opcode.PING, p.FLAG_RESPONSE | 0x10, rid),
            lambda rid: _raw_frame(corevec.Opcode.PING, p.FLAG_RESPONSE, rid, reserved=b"\0\x02\0\0"),
            lambda rid: _raw_frame(corevec.Opcode.PING, p.FLAG_ERROR, rid, struct.pack("<HHI", 13, 0, 0)),
            lambda rid: _raw_frame(corevec.Opcode.PING, 0, rid),
        ]

        def answer(sock, rest):
            # Requests come in pairs: the first gets a bad frame, the second a good one, which is
            # sent first (answers may come in any order).
            buf = rest
            for make in bad:
                headers = _read_requests(sock, buf, 2)
                buf = b""
                if len(headers) < 2:
                    return
                first, second = headers
                sock.sendall(p.encode_frame(corevec.Opcode.PING, p.FLAG_RESPONSE, second.request_id, b""))
                sock.sendall(make(first.request_id))
            for header in _read_requests(sock, b"", 1):
                sock.sendall(p.encode_frame(corevec.Opcode.PING, p.FLAG_RESPONSE, header.request_id, b""))

        server = _FakeServer(answer)
        self.addCleanup(server.close)
        client = corevec.Client("127.0.0.1", server.port, timeout=5.0, retries=0)
        self.addCleanup(client.close)
        conn = client._conn
        for i in range(len(bad)):
            with self.subTest(case=i):
                first, second = client.submit_ping(), client.submit_ping()
                self.assertIsNone(client.result(second))
                with self.assertRaises(corevec.ProtocolError) as e:
                    client.result(first)
                self.assertIn("request %d" % first, str(e.exception))
                self.assertIsNone(conn.closed)
        client.ping()
        self.assertIs(client._conn, conn)
        self.assertEqual(server.connections, 1)


class EmptyUpsertTest(unittest.TestCase):
    """No server needed: an UPSERT of 0 points (allowed by PROTOCOL.md 5.4) is sent."""

    def test_an_upsert_of_no_points_is_sent(self):
        client = _client_over(_RecordingConnection())
        with self.assertRaises(_Sent):
            client.upsert("docs", [], [], dim=3)
        rid = client.submit_upsert("docs", [], [], payloads=[], labels=[], dim=3)
        with self.assertRaises(_Sent):
            client.result(rid)
        self.assertEqual(len(client._conn.frames), 2)
        for frame in client._conn.frames:
            header, body = corevec.protocol.split_frame(frame)
            self.assertEqual(header.opcode, corevec.Opcode.UPSERT)
            self.assertEqual(bytes(body), struct.pack("<II", 0, 3) + b"\x04docs\0\0\0")
        # Without a dim nothing says what to send: a ValueError, nothing sent.
        with self.assertRaises(ValueError):
            client.upsert("docs", [], [])
        self.assertEqual(len(client._conn.frames), 2)


class SendTimeoutTest(unittest.TestCase):
    """No server needed: a fake one answers HELLO, then never reads."""

    def test_a_server_that_stops_reading_times_the_send_out(self):
        server_gone = threading.Event()

        def never_read(sock, rest):
            server.stop.wait(60)
            server_gone.set()

        server = _FakeServer(never_read)
        self.addCleanup(server.close)
        client = corevec.Client("127.0.0.1", server.port, timeout=1.0)
        self.addCleanup(client.close)
        first_conn = client._conn
        # A ~60 MB UPSERT frame: far more than the socket buffers hold. The encoder is
        # replaced by the frame itself (the server never reads it) because the pure-Python
        # CRC32C of 60 MB takes ~20 s.
        frame = bytes(60 * 1024 * 1024)
        # Every send on a connection, in order: ("start" | "end", connection, frame length).
        sends = []
        upsert_sending = threading.Event()
        send_frame = corevec.client._Connection._send_frame

        def recorded_send_frame(conn, request_id, data, deadline):
            sends.append(("start", conn, len(data)))
            if len(data) == len(frame):
                upsert_sending.set()
            try:
                return send_frame(conn, request_id, data, deadline)
            finally:
                sends.append(("end", conn, len(data)))

        with mock.patch.object(corevec.protocol, "encode_upsert", lambda *args: frame), mock.patch.object(
            corevec.client._Connection, "_send_frame", recorded_send_frame
        ):
            upsert, upserted = _in_thread(lambda: client.upsert("docs", [1], [[0.0]]))
            # The ping starts once the upsert holds the connection's send lock.
            self.assertTrue(upsert_sending.wait(30), "the upsert never started sending")
            ping, pinged = _in_thread(client.ping)
            # Hang guards only: each call is bounded by its 1 s timeout, not by the server.
            upsert.join(30)
            ping.join(30)
        self.assertFalse(upsert.is_alive(), "upsert still blocked in send")
        self.assertFalse(ping.is_alive(), "ping still blocked behind the upsert's send")
        # The server held the connection open the whole time, never reading: the upsert's own
        # deadline ended its send, part-way through the frame, which closed the connection.
        self.assertFalse(server_gone.is_set())
        self.assertIsInstance(upserted["error"], corevec.CorevecTimeout)
        self.assertIn("timed out after sending", str(upserted["error"]))
        self.assertIn("of its %d bytes" % len(frame), str(upserted["error"]))
        self.assertIn("the connection is closed", str(upserted["error"]))
        self.assertIsInstance(first_conn.closed, corevec.CorevecConnectionError)
        # Sends on the first connection never interleave: the upsert's went first, and any other
        # (the ping's) started only after it ended.
        on_first = [(event, length) for event, conn, length in sends if conn is first_conn]
        self.assertEqual(on_first[:2], [("start", len(frame)), ("end", len(frame))])
        self.assertNotIn(("start", len(frame)), on_first[2:])
        # The ping waited for the send lock, then found the connection closed (part of a frame
        # went out) and retried on a new one, which never answers; or timed out waiting.
        self.assertIsInstance(pinged["error"], (corevec.CorevecTimeout, corevec.CorevecConnectionError))

    def test_a_send_that_cannot_start_keeps_the_connection(self):
        # Nothing of the request went out: the stream is still whole, the connection stays.
        conn = corevec.client._Connection.__new__(corevec.client._Connection)
        conn.send_lock = threading.Lock()
        conn.pending = {}
        conn.pending_lock = threading.Lock()
        conn.closed = None
        with conn.send_lock:  # another sender holds the connection past the deadline
            with self.assertRaises(corevec.CorevecTimeout):
                conn.send(7, object(), b"x", time.monotonic() + 0.1)
        self.assertIsNone(conn.closed)
        self.assertEqual(conn.pending, {})


class CloseTest(unittest.TestCase):
    """No server needed: after close() nothing reconnects, retries included."""

    def test_no_request_after_close_opens_a_connection(self):
        server = _FakeServer(lambda sock, rest: server.stop.wait(60))
        self.addCleanup(server.close)
        client = corevec.Client("127.0.0.1", server.port, timeout=1.0)
        client.close()
        with self.assertRaises(corevec.CorevecConnectionError):
            client.ping()
        with self.assertRaises(corevec.CorevecConnectionError):
            client.submit_ping()
        time.sleep(0.1)
        self.assertEqual(server.connections, 1)

    def test_a_read_retry_after_close_does_not_reconnect(self):
        dropped = threading.Event()

        def drop_after_one_request(sock, rest):
            p = corevec.protocol
            buf = bytearray(rest)
            while p.check_frame(buf) is None:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                buf += chunk
            sock.close()
            dropped.set()

        server = _FakeServer(drop_after_one_request)
        self.addCleanup(server.close)
        client = corevec.Client("127.0.0.1", server.port, timeout=5.0, retry_backoff=0.5)
        ping, pinged = _in_thread(client.ping)
        self.assertTrue(dropped.wait(5))
        time.sleep(0.2)  # the ping saw the connection drop and sleeps before its retry
        client.close()
        ping.join(5)
        self.assertFalse(ping.is_alive())
        self.assertIsInstance(pinged["error"], corevec.CorevecConnectionError)
        time.sleep(0.1)
        self.assertEqual(server.connections, 1, "the retry opened a connection after close()")
        self.assertIsNone(client._conn)


if __name__ == "__main__":
    unittest.main()
