"""Blocking, thread-safe, pipelined client.

Every request gets a request id; a reader thread per connection routes response frames to
waiting slots by id, so many requests can be in flight and answers may arrive in any order.
``submit_*`` methods return a request id at once; :meth:`Client.result` waits for it. The plain
methods (``search``, ``upsert``, ...) do both, and retry idempotent reads (PING, LIST, DESCRIBE,
GET, SCROLL, SEARCH, STATS) on a new connection after a connection error. Writes are never
retried.

Payloads (opaque bytes stored with each point, at most ``PAYLOAD_BYTES_MAX`` each) go in with
``upsert(..., payloads=[...])``, are replaced without resending vectors with
``set_payload(collection, ids, payloads)``, and come back with ``get(..., with_payloads=True)``
and ``search(..., with_payloads=True)``, if the server enabled ``FEATURE_PAYLOADS`` in HELLO
(``Client.supports_payloads``); otherwise those calls raise :class:`ProtocolError` before
sending anything.

Labels (up to ``LABELS_PER_POINT_MAX`` ints per point) go in with ``upsert(..., labels=[...])``,
are replaced without resending vectors or payloads with ``set_labels(collection, ids, labels)``,
and come back with ``get(..., with_labels=True)``; searches take ``filter={"all_of": [...],
"any_of": [...], "any_of_groups": [[...], ...], "none_of": [...]}`` (every key optional), if
the server enabled ``FEATURE_LABELS`` (``Client.supports_labels``); otherwise those calls raise
:class:`ProtocolError` before sending anything. A point matches iff it has every label of
``all_of``, at least one label of every ``any_of`` group (``any_of`` is one group,
``any_of_groups`` holds more) and none of ``none_of``. A filter with two or more groups (up to
``FILTER_GROUPS_MAX``) needs ``FEATURE_FILTER_GROUPS`` (``Client.supports_filter_groups``),
else :class:`ProtocolError` before sending anything. Malformed labels or filters raise
``ValueError``.

Numeric range filters are a label convention (PROTOCOL.md section 11, :mod:`corevec.range_labels`):
a point carries ``point_labels(field, key)`` among its labels, and :func:`with_range` adds the
range's cover to a filter as one more ``any_of`` group, so ``filter=with_range({"all_of": [7]},
field, lo, hi)`` matches exactly the points with label 7 whose key lies in ``lo..=hi``; a filter
holds a range per group, e.g. ``with_range(with_range(None, price, lo, hi), year, lo2, hi2)``.

Every point of a collection, in ascending id order, comes back page by page with
``scroll(collection, start_id, limit, ...)`` (a :class:`ScrollPage` ``(points, next)``) or
through the generator ``scroll_all(collection, limit, ...)``; both take ``with_vectors``,
``with_payloads``, ``with_labels`` and ``filter``.
"""

import itertools
import select
import socket
import threading
import time

from . import protocol as p
from .errors import CorevecConnectionError, CorevecTimeout, ProtocolError, server_error
from .protocol import CodecError, Opcode
from .range_labels import cover


def with_range(filter, field, lo, hi):
    """A filter that matches what ``filter`` matches and, of that, only the points whose key in
    range-label ``field`` (0..=255) lies in ``lo..=hi`` (keys are ints in 0..=2**32-1, e.g. from
    ``key_i32`` or ``key_f32``; points carry ``point_labels(field, key)``). ``filter`` is
    ``None`` (match everything) or a dict as :meth:`Client.search` takes; it is not modified.
    Returns a new dict ``{"all_of": [...], "any_of": [...], "any_of_groups": [..., cover(field,
    lo, hi)], "none_of": [...]}``: the filter's keys as normalized lists, with the range's cover
    appended as one more ``any_of`` group (an existing ``any_of`` is kept as is, as the first
    group). So ranges add up: ``with_range(with_range({"all_of": [7]}, 0, 10, 20), 1, 5, 9)``
    holds two ranges. A filter with two or more groups needs a server with
    ``FEATURE_FILTER_GROUPS``.

    Raises ``ValueError`` when ``filter`` is malformed, when ``lo > hi`` (an empty range matches
    no point), when the range's labels and the filter's others exceed ``FILTER_LABELS_MAX``,
    when the filter already has ``FILTER_GROUPS_MAX`` groups, or when ``field``, ``lo`` or
    ``hi`` is out of range (``TypeError`` when not an int)."""
    filter = {} if filter is None else filter
    all_of, groups, none_of = p.normalize_filter(filter)
    labels = cover(field, lo, hi)  # checks field, lo and hi
    if not labels:
        raise ValueError("an empty range (lo %d > hi %d) matches no point" % (lo, hi))
    others = len(all_of) + sum(len(x) for x in groups) + len(none_of)
    if len(labels) + others > p.FILTER_LABELS_MAX:
        raise ValueError(
            "a range's %d labels and the filter's %d others exceed FILTER_LABELS_MAX (%d)"
            % (len(labels), others, p.FILTER_LABELS_MAX)
        )
    if len(groups) + 1 > p.FILTER_GROUPS_MAX:
        raise ValueError(
            "a range is one more any_of group, and the filter already has %d: over FILTER_GROUPS_MAX (%d)"
            % (len(groups), p.FILTER_GROUPS_MAX)
        )
    # A non-empty any_of is the first group, the any_of_groups follow it: keep them apart.
    any_of = p._label_list(filter.get("any_of"), "filter any_of")  # already checked
    return {
        "all_of": all_of,
        "any_of": any_of,
        "any_of_groups": (groups[1:] if any_of else groups) + [labels],
        "none_of": none_of,
    }


# Sends with a deadline: one non-blocking send(2) at a time, waiting for room in between, so the
# reader thread's blocking recv on the same socket is left alone. 0 where the platform lacks it
# (sends then block as a plain sendall, without a deadline).
_DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0)


def _wait_writable(sock, seconds):
    """True once ``sock`` can take more bytes, False after ``seconds``."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLOUT)
        return bool(poller.poll(max(0, int(seconds * 1000) + 1)))
    return bool(select.select([], [sock], [], seconds)[1])


class _Slot:
    __slots__ = ("opcode", "post", "event", "header", "body", "error")

    def __init__(self, opcode, post):
        self.opcode = opcode
        self.post = post
        self.event = threading.Event()
        self.header = None
        self.body = None
        self.error = None


class _Connection:
    def __init__(self, host, port, token, connect_timeout, timeout):
        self.sock = socket.create_connection((host, port), timeout=connect_timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.send_lock = threading.Lock()
        self.pending = {}
        self.pending_lock = threading.Lock()
        self.closed = None  # exception once the connection is dead
        self.hello = self._hello(token)
        self.sock.settimeout(None)
        self.reader = threading.Thread(target=self._read_loop, name="corevec-reader", daemon=True)
        self.reader.start()

    def _hello(self, token):
        self.sock.sendall(p.encode_hello(1, token or b"", features=p.FEATURES_SUPPORTED))
        buf = bytearray()
        while True:
            try:
                n = p.check_frame(buf)
            except CodecError as e:
                raise ProtocolError(str(e))
            if n is not None:
                break
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                self.sock.close()
                raise CorevecTimeout("no HELLO answer")
            if not chunk:
                self.sock.close()
                raise CorevecConnectionError("connection closed during HELLO")
            buf += chunk
        try:
            header, body = p.split_frame(bytes(buf[:n]))
            if not header.flags & p.FLAG_RESPONSE:
                raise CodecError("response flag missing on the HELLO answer")
            if header.flags & p.FLAG_ERROR:
                error = server_error(*p.decode_error(body))
            else:
                error, ack = None, p.decode_response(Opcode.HELLO, body)
        except CodecError as e:
            self.sock.close()
            raise ProtocolError(str(e))
        if error is not None:
            self.sock.close()
            raise error
        if not p.VERSION_MIN <= ack.version <= p.VERSION_MAX:
            self.sock.close()
            raise ProtocolError("server chose version %d" % ack.version)
        return ack

    def send(self, request_id, slot, frame, deadline=None):
        """Send ``frame`` by ``deadline`` (a ``time.monotonic()`` value; ``None``: no limit),
        waiting for other senders first. Raises :class:`CorevecTimeout` when the deadline
        passes: before any byte went out the connection stays usable; after part of the frame
        went out the stream is unusable, so the connection is closed (every request in flight on
        it fails with :class:`CorevecConnectionError`)."""
        with self.pending_lock:
            if self.closed is not None:
                raise self.closed
            self.pending[request_id] = slot
        if deadline is None:
            acquired = self.send_lock.acquire()
        else:
            acquired = self.send_lock.acquire(timeout=max(0.0, deadline - time.monotonic()))
        if not acquired:
            self.forget(request_id)
            raise CorevecTimeout(
                "request %d not sent within its timeout: other requests were still being sent on the connection"
                % request_id
            )
        try:
            self._send_frame(request_id, frame, deadline)
        finally:
            self.send_lock.release()

    def _send_frame(self, request_id, frame, deadline):
        view = memoryview(frame)
        sent = 0
        try:
            if deadline is None or not _DONTWAIT:
                self.sock.sendall(view)
                return
            while sent < len(view):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not _wait_writable(self.sock, remaining):
                    break
                try:
                    sent += self.sock.send(view[sent:], _DONTWAIT)
                except (BlockingIOError, InterruptedError):
                    continue
        except (OSError, ValueError) as e:  # ValueError: the socket was closed meanwhile
            self.fail(CorevecConnectionError("send failed: %s" % e))
            raise CorevecConnectionError("send failed: %s" % e)
        if sent == len(view):
            return
        if sent == 0:
            self.forget(request_id)
            raise CorevecTimeout("request %d timed out before it could be sent (the server is not reading)" % request_id)
        self.fail(
            CorevecConnectionError(
                "connection closed: a request timed out part-way through sending, which leaves the stream unusable"
            )
        )
        raise CorevecTimeout(
            "request %d timed out after sending %d of its %d bytes (the server stopped reading); "
            "the connection is closed" % (request_id, sent, len(view))
        )

    def forget(self, request_id):
        with self.pending_lock:
            self.pending.pop(request_id, None)

    def fail(self, error):
        with self.pending_lock:
            if self.closed is None:
                self.closed = error
            slots, self.pending = list(self.pending.values()), {}
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        for slot in slots:
            slot.error = error
            slot.event.set()

    def _read_loop(self):
        buf = bytearray()
        error = None
        try:
            while error is None:
                chunk = self.sock.recv(262144)
                if not chunk:
                    error = CorevecConnectionError("connection closed by server")
                    break
                buf += chunk
                while True:
                    n = p.check_frame(buf)
                    if n is None:
                        break
                    frame = bytes(buf[:n])
                    del buf[:n]
                    header = p.decode_header(frame[:p.FRAME_HEADER_SIZE])
                    if header.request_id == 0:
                        try:
                            code, message = p.decode_error(memoryview(frame)[p.FRAME_HEADER_SIZE:])
                            error = server_error(code, message)
                        except CodecError as e:
                            error = ProtocolError(str(e))
                        break
                    with self.pending_lock:
                        slot = self.pending.pop(header.request_id, None)
                    if slot is None:
                        continue  # timed out earlier; drop the late answer
                    # Reserved header bits, ERROR without RESPONSE, a missing RESPONSE flag or a
                    # body CRC mismatch fail this request only; the connection stays open.
                    try:
                        slot.header, slot.body = p.split_frame(frame)
                        if not slot.header.flags & p.FLAG_RESPONSE:
                            raise CodecError("response flag missing on a response")
                    except CodecError as e:
                        slot.error = ProtocolError("request %d: %s" % (header.request_id, e))
                    slot.event.set()
        except CodecError as e:
            error = ProtocolError(str(e))
        except OSError as e:
            error = CorevecConnectionError(str(e))
        self.fail(error)

    def close(self):
        self.fail(CorevecConnectionError("client closed"))
        try:
            self.sock.close()
        except OSError:
            pass


class Client:
    """A pipelined connection to one corevec server.

    ``Client(host, port, token=None, timeout=30.0)``; ``timeout`` is the default per-request
    timeout in seconds (``None``: wait forever). It covers sending the request as well as
    waiting for its answer: a server that stops reading makes the request raise
    :class:`CorevecTimeout` (and closes the connection if part of the request was sent, since
    the stream is then unusable; the next request opens a new one). ``submit_*`` methods send
    within the client's timeout. A request whose body exceeds the frame body limit the server
    announced in HELLO (``hello.frame_body_bytes_max``) raises ``ValueError`` before anything is
    sent, rather than have the server close the connection. Thread-safe. Use as a context
    manager or call :meth:`close`; after :meth:`close` every request raises
    :class:`CorevecConnectionError` and no new connection is opened.
    """

    _closed = False

    def __init__(self, host, port, token=None, timeout=30.0, connect_timeout=5.0, retries=2, retry_backoff=0.05):
        self.host, self.port, self.token = host, port, token
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.retries = retries
        self.retry_backoff = retry_backoff
        self._ids = itertools.count(2)
        self._slots = {}
        self._lock = threading.Lock()
        self._conn = None
        self._connection()

    # ---- connection management ----

    def _connection(self):
        with self._lock:
            if self._closed:
                raise CorevecConnectionError("client closed")
            if self._conn is None or self._conn.closed is not None:
                try:
                    self._conn = _Connection(self.host, self.port, self.token, self.connect_timeout, self.timeout)
                except OSError as e:
                    raise CorevecConnectionError(str(e))
            return self._conn

    @property
    def hello(self):
        """The server's HELLO answer (version, in_flight_max, features, frame_body_bytes_max)."""
        return self._connection().hello

    @property
    def supports_payloads(self):
        """True if the server enabled ``FEATURE_PAYLOADS`` (payload arguments may be used)."""
        return bool(self.hello.features & p.FEATURE_PAYLOADS)

    def _require_payloads(self):
        if not self.supports_payloads:
            raise ProtocolError("the server did not enable FEATURE_PAYLOADS in HELLO (it predates payloads)")

    @property
    def supports_labels(self):
        """True if the server enabled ``FEATURE_LABELS`` (label and filter arguments may be
        used)."""
        return bool(self.hello.features & p.FEATURE_LABELS)

    def _require_labels(self):
        if not self.supports_labels:
            raise ProtocolError("the server did not enable FEATURE_LABELS in HELLO (it predates labels)")

    @property
    def supports_filter_groups(self):
        """True if the server enabled ``FEATURE_FILTER_GROUPS`` (filters may have two or more
        ``any_of`` groups)."""
        return bool(self.hello.features & p.FEATURE_FILTER_GROUPS)

    def supports_max_distance(self):
        """True if the server enabled ``FEATURE_MAX_DISTANCE`` (``max_distance`` in searches)."""
        return bool(self.hello.features & p.FEATURE_MAX_DISTANCE)

    def supports_read_replicas(self):
        """True if the server enabled ``FEATURE_READ_REPLICAS``: ``create_collection`` may ask for
        ``read_replicas``, and collection infos report it (without it, always ``False``)."""
        return bool(self.hello.features & p.FEATURE_READ_REPLICAS)

    def _require_filter_groups(self):
        if not self.supports_filter_groups:
            raise ProtocolError(
                "the server did not enable FEATURE_FILTER_GROUPS in HELLO (it predates filter groups)"
            )

    def _check_filter_groups(self, lists):
        """``lists`` from :func:`normalize_filter`: two or more ``any_of`` groups, or more than
        256 labels, need ``FEATURE_FILTER_GROUPS`` (one group within 256 labels is sent in the
        form every server takes)."""
        labels = len(lists[0]) + sum(len(g) for g in lists[1]) + len(lists[2])
        if len(lists[1]) >= 2 or labels > p.FILTER_LABELS_MAX_V1:
            self._require_filter_groups()

    def _check_upsert(self, payloads, labels):
        if payloads is not None:
            self._require_payloads()
        if labels is not None:
            self._require_labels()

    def close(self):
        """Close the connection; requests in flight and every later request raise
        :class:`CorevecConnectionError`, and retries do not reconnect."""
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- pipelining ----

    def _deadline(self, timeout):
        timeout = self.timeout if timeout is None else timeout
        return None if timeout is None else time.monotonic() + timeout

    def _submit(self, opcode, build, post=None):
        return self._send_request(opcode, build, post, None)[0]

    def _send_request(self, opcode, build, post, timeout):
        """Encode one request and send it within ``timeout`` seconds (default: the client's),
        counted from when it is encoded and connected. Returns ``(request_id, deadline)``,
        ``deadline`` a ``time.monotonic()`` value or ``None`` (no timeout)."""
        request_id = next(self._ids)
        frame = build(request_id)
        conn = self._connection()
        self._check_frame_size(conn, frame)
        deadline = self._deadline(timeout)
        slot = _Slot(opcode, post)
        with self._lock:
            self._slots[request_id] = (slot, conn)
        try:
            conn.send(request_id, slot, frame, deadline)
        except Exception:
            with self._lock:
                self._slots.pop(request_id, None)
            raise
        return request_id, deadline

    @staticmethod
    def _check_frame_size(conn, frame):
        """Refuse, before sending, a request whose body exceeds the frame body limit the server
        announced in HELLO (``frame_body_bytes_max``, at most ``FRAME_BODY_BYTES_MAX``): the
        server would answer it with a fatal FRAME_TOO_LARGE and close the connection, failing
        every request in flight on it. Raises :class:`CodecError` (a ``ValueError``), as the
        encoders do for a body over ``FRAME_BODY_BYTES_MAX``; split the request."""
        body_max = min(p.FRAME_BODY_BYTES_MAX, conn.hello.frame_body_bytes_max)
        body_bytes = len(frame) - p.FRAME_HEADER_SIZE
        if body_bytes > body_max:
            raise CodecError(
                "request body of %d bytes exceeds the server's frame_body_bytes_max of %d (from HELLO); "
                "split the request" % (body_bytes, body_max)
            )

    def result(self, request_id, timeout=None):
        """Wait for the response to ``request_id`` and return its decoded value; raises a
        :class:`ServerError` subclass for ERROR responses, :class:`CorevecTimeout` after
        ``timeout`` seconds (default: the client's timeout)."""
        with self._lock:
            entry = self._slots.pop(request_id, None)
        if entry is None:
            raise KeyError("unknown or already collected request id %r" % (request_id,))
        slot, conn = entry
        if not slot.event.wait(self.timeout if timeout is None else timeout):
            conn.forget(request_id)
            if not slot.event.is_set():
                raise CorevecTimeout("request %d timed out" % request_id)
        if slot.error is not None:
            raise slot.error
        if slot.header.flags & p.FLAG_ERROR:
            try:
                code, message = p.decode_error(slot.body)
            except CodecError as e:
                raise ProtocolError(str(e))
            raise server_error(code, message)
        if slot.header.opcode != slot.opcode:
            raise ProtocolError("response opcode 0x%02x for request 0x%02x" % (slot.header.opcode, slot.opcode))
        try:
            value = p.decode_response(slot.opcode, slot.body)
        except CodecError as e:
            raise ProtocolError(str(e))
        return slot.post(value) if slot.post else value

    def _call(self, opcode, build, post=None, timeout=None):
        attempts = 1 + self.retries if opcode in p.IDEMPOTENT_READS else 1
        backoff = self.retry_backoff
        for attempt in range(attempts):
            try:
                # One timeout per attempt, covering the send and the wait for the answer.
                request_id, deadline = self._send_request(opcode, build, post, timeout)
                remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
                return self.result(request_id, remaining)
            except CorevecConnectionError:
                if attempt + 1 == attempts or self._closed:
                    raise
                time.sleep(backoff)
                backoff *= 2

    # ---- submit_* (return a request id) ----

    def submit_ping(self):
        return self._submit(Opcode.PING, lambda rid: p.encode_empty(Opcode.PING, rid))

    def submit_search(
        self, collection, query, k=10, ef=0, exact=False, allow_partial=False, with_payloads=False, filter=None
    ):
        """One query; result() gives ``(hits, partial)`` with hits ``[(id, distance)]``, or
        ``[(id, distance, payload)]`` with ``with_payloads``."""
        return self._submit(
            Opcode.SEARCH,
            *self._search_args(
                collection, query, k, ef, exact, allow_partial, True, with_payloads=with_payloads, filter=filter
            )
        )

    def submit_search_batch(
        self,
        collection,
        queries,
        k=10,
        ef=0,
        exact=False,
        allow_partial=False,
        dim=None,
        with_payloads=False,
        filter=None,
    ):
        """Many queries; result() gives ``(results, partial)``, one hit list per query."""
        return self._submit(
            Opcode.SEARCH,
            *self._search_args(collection, queries, k, ef, exact, allow_partial, False, dim, with_payloads, filter)
        )

    def submit_upsert(self, collection, ids, vectors, payloads=None, labels=None, dim=None):
        self._check_upsert(payloads, labels)
        return self._submit(
            Opcode.UPSERT, lambda rid: p.encode_upsert(rid, collection, ids, vectors, payloads, labels, dim)
        )

    def submit_set_payload(self, collection, ids, payloads):
        """SET_PAYLOAD without waiting; result() gives :class:`WriteAck`."""
        self._require_payloads()
        return self._submit(
            Opcode.SET_PAYLOAD, lambda rid: p.encode_set_payload(rid, collection, ids, payloads)
        )

    def submit_set_labels(self, collection, ids, labels):
        """SET_LABELS without waiting; result() gives :class:`WriteAck`."""
        self._require_labels()
        return self._submit(Opcode.SET_LABELS, lambda rid: p.encode_set_labels(rid, collection, ids, labels))

    def submit_get(self, collection, ids, with_payloads=False, with_labels=False):
        build, post = self._get_args(collection, ids, with_payloads, with_labels)
        return self._submit(Opcode.GET, build, post)

    # ---- typed blocking methods ----

    def ping(self):
        self._call(Opcode.PING, lambda rid: p.encode_empty(Opcode.PING, rid))

    def create_collection(self, name, dim, metric="l2", shards=0, m=0, ef_construction=0, read_replicas=False):
        """``read_replicas=True``: every core of the server keeps an in-memory copy of every
        shard it does not own and answers searches from it (more search throughput per node,
        for one copy of the collection's memory and index building per core; writes still go to
        the owning core). Raises :class:`ProtocolError` before sending anything if the server did
        not enable ``FEATURE_READ_REPLICAS``."""
        if read_replicas and not self.supports_read_replicas():
            raise ProtocolError(
                "the server did not enable FEATURE_READ_REPLICAS in HELLO (it, or a node behind the router, "
                "predates read replicas)"
            )
        self._call(
            Opcode.CREATE_COLLECTION,
            lambda rid: p.encode_create(rid, name, dim, metric, shards, m, ef_construction, read_replicas),
        )

    def drop_collection(self, name):
        self._call(Opcode.DROP_COLLECTION, lambda rid: p.encode_name_request(Opcode.DROP_COLLECTION, rid, name))

    def list_collections(self):
        """List of :class:`CollectionInfo`."""
        return self._call(Opcode.LIST_COLLECTIONS, lambda rid: p.encode_empty(Opcode.LIST_COLLECTIONS, rid))

    def describe_collection(self, name):
        """:class:`CollectionInfo` (name, dim, metric, shards, connectivity, expansion_add,
        vectors_count, bytes, shard_infos, read_replicas)."""
        return self._call(
            Opcode.DESCRIBE_COLLECTION, lambda rid: p.encode_name_request(Opcode.DESCRIBE_COLLECTION, rid, name)
        )

    def upsert(self, collection, ids, vectors, payloads=None, labels=None, dim=None):
        """Insert or replace whole points; ``vectors`` is a list of lists, a flat list, or a
        numpy array. ``payloads``: ``None`` (the points have no payload afterwards) or one per
        id, each bytes-like, ``str`` (stored as UTF-8) or ``None``, at most
        ``PAYLOAD_BYTES_MAX`` bytes. ``labels``: ``None`` (the points have no labels
        afterwards) or one per id, each a list of ints in 0..2**64-1 (or ``None`` for none), at
        most ``LABELS_PER_POINT_MAX`` per point (counted as sent; the server stores them sorted
        and deduplicated). ``ids``: ints in 0..2**64-1 (a list or a numpy integer array);
        negative or too large ids and floats raise ``ValueError`` before anything is sent.
        ``dim``: optional, checked against the vectors; an upsert of no ids (which writes
        nothing, and is answered with a count of 0) needs it, or vectors as a numpy array of
        shape ``(0, dim)``, since an empty list does not tell the dimension, which must be the
        collection's (else :class:`DimensionMismatch`). A request whose body exceeds the
        server's ``frame_body_bytes_max`` (``Client.hello``) raises ``ValueError`` before
        anything is sent: split the batch. Returns :class:`WriteAck` (count, lsn or None)."""
        self._check_upsert(payloads, labels)
        return self._call(
            Opcode.UPSERT, lambda rid: p.encode_upsert(rid, collection, ids, vectors, payloads, labels, dim)
        )

    def get(self, collection, ids, with_payloads=False, with_labels=False):
        """For each id, its vector (list of floats) or None; with ``with_payloads`` or
        ``with_labels``, a :class:`Point` ``(vector, payload, labels)`` (payload ``bytes``,
        empty if none or not asked for; labels a sorted list of ints, empty if none or not asked
        for) or None."""
        return self._call(Opcode.GET, *self._get_args(collection, ids, with_payloads, with_labels))

    def delete(self, collection, ids):
        """Returns :class:`WriteAck`; ``count`` is how many ids existed."""
        return self._call(Opcode.DELETE, lambda rid: p.encode_ids_request(Opcode.DELETE, rid, collection, ids))

    def set_payload(self, collection, ids, payloads):
        """Replace the payloads of existing points, keeping their vectors: ``payloads`` has one
        entry per id, each bytes-like, ``str`` (stored as UTF-8) or ``None`` (no payload), at
        most ``PAYLOAD_BYTES_MAX`` bytes. Absent ids are skipped; with duplicate ids the last
        one wins. Returns :class:`WriteAck`; ``count`` is how many ids existed. A write: never
        retried."""
        self._require_payloads()
        return self._call(
            Opcode.SET_PAYLOAD, lambda rid: p.encode_set_payload(rid, collection, ids, payloads)
        )

    def set_labels(self, collection, ids, labels):
        """Replace the labels of existing points, keeping their vectors and payloads: ``labels``
        has one entry per id, each a list of ints in 0..2**64-1 (or ``None`` for none), at most
        ``LABELS_PER_POINT_MAX`` per point (counted as sent; the server stores them sorted and
        deduplicated). Absent ids are skipped; with duplicate ids the last one wins. Returns
        :class:`WriteAck`; ``count`` is how many ids existed. Raises :class:`ProtocolError` if the
        server did not enable ``FEATURE_LABELS`` and ``ValueError`` for malformed labels, before
        sending anything. A write: never retried."""
        self._require_labels()
        return self._call(Opcode.SET_LABELS, lambda rid: p.encode_set_labels(rid, collection, ids, labels))

    def search(
        self,
        collection,
        query,
        k=10,
        ef=0,
        exact=False,
        allow_partial=False,
        timeout=None,
        with_payloads=False,
        filter=None,
        max_distance=None,
    ):
        """Returns ``(hits, partial)`` with hits ``[(id, distance)]``, closest first; with
        ``with_payloads``, ``[(id, distance, payload)]``. ``filter``: ``None`` or a dict with
        optional keys ``all_of``, ``any_of``, ``none_of`` (lists of ints) and ``any_of_groups``
        (a list of non-empty lists of ints; at most ``FILTER_LABELS_MAX`` labels in all and
        ``FILTER_GROUPS_MAX`` groups, ``any_of`` counting as one when not empty): only points
        with every label of ``all_of``, at least one label of every ``any_of`` group and none of
        ``none_of`` are returned, up to ``k``. Two or more groups need
        ``FEATURE_FILTER_GROUPS`` (else :class:`ProtocolError`, nothing sent). ``max_distance``:
        only hits at most that distance from the query (in the returned distances' unit), so
        possibly fewer than ``k``; needs ``FEATURE_MAX_DISTANCE``; an int, a float or a numpy
        scalar, finite and within the f32 range, else ``ValueError``."""
        return self._call(
            Opcode.SEARCH,
            *self._search_args(
                collection,
                query,
                k,
                ef,
                exact,
                allow_partial,
                True,
                with_payloads=with_payloads,
                filter=filter,
                max_distance=max_distance,
            ),
            timeout=timeout
        )

    def search_batch(
        self,
        collection,
        queries,
        k=10,
        ef=0,
        exact=False,
        allow_partial=False,
        dim=None,
        timeout=None,
        with_payloads=False,
        filter=None,
        max_distance=None,
    ):
        """Returns ``(results, partial)``: one ``[(id, distance)]`` list per query (with
        ``with_payloads``, ``[(id, distance, payload)]``). ``filter`` and ``max_distance`` as in
        :meth:`search`, applied to every query."""
        return self._call(
            Opcode.SEARCH,
            *self._search_args(
                collection, queries, k, ef, exact, allow_partial, False, dim, with_payloads, filter, max_distance
            ),
            timeout=timeout
        )

    def scroll(
        self,
        collection,
        start_id=0,
        limit=1000,
        with_vectors=False,
        with_payloads=False,
        with_labels=False,
        filter=None,
    ):
        """One SCROLL page: up to ``limit`` (1..=``SCROLL_LIMIT_MAX``) live points with
        ``id >= start_id`` in ascending id order, only those matching ``filter`` (a dict as for
        :meth:`search`) if given. Returns :class:`ScrollPage` ``(points, next)``: ``points`` is a
        list of ``(id, Point)`` where the vector is ``[]`` unless ``with_vectors``, the payload
        ``b""`` unless ``with_payloads`` and the labels ``[]`` unless ``with_labels`` (as
        :meth:`get` leaves the parts not asked for empty); ``next`` is the ``start_id`` of the
        following page, or ``None`` when the scroll is complete. A page may be shorter than
        ``limit`` and still have a ``next`` (the server trims pages to its frame limit): page
        until ``next`` is ``None``, or use :meth:`scroll_all`.

        Paging is stateless (the server keeps no cursor): every point that exists for the whole
        scroll and keeps its id is listed exactly once; points written or deleted meanwhile may
        or may not be. Raises ``ValueError`` for a bad ``start_id``, ``limit`` or ``filter`` and
        :class:`ProtocolError` if the server did not enable ``FEATURE_PAYLOADS`` (with
        ``with_payloads``) or ``FEATURE_LABELS`` (with ``with_labels`` or a filter), before
        sending anything (also without ``FEATURE_FILTER_GROUPS`` for a filter with two or more
        ``any_of`` groups); :class:`ProtocolError` too for an answer that does not fit the request.
        A read: retried after connection errors. A server from before SCROLL answers
        ``UNKNOWN_OPCODE`` (:class:`UnknownOpcode`)."""
        return self._call(
            Opcode.SCROLL,
            *self._scroll_args(collection, start_id, limit, with_vectors, with_payloads, with_labels, filter)
        )

    def scroll_all(
        self, collection, limit=1000, with_vectors=False, with_payloads=False, with_labels=False, filter=None
    ):
        """Every point of ``collection`` in ascending id order: a generator of ``(id, Point)``
        that fetches pages of up to ``limit`` points with :meth:`scroll`, from id 0 until a page
        without a ``next``. The arguments are checked now (as :meth:`scroll` checks them); a
        failing page raises from the generator, which then ends (resume with :meth:`scroll`
        from the last id received plus one)."""
        self._scroll_args(collection, 0, limit, with_vectors, with_payloads, with_labels, filter)

        def points():
            start_id = 0
            while start_id is not None:
                page = self.scroll(collection, start_id, limit, with_vectors, with_payloads, with_labels, filter)
                for point in page.points:
                    yield point
                start_id = page.next

        return points()

    def stats(self):
        """Dict of node statistics (name -> int)."""
        return self._call(Opcode.STATS, lambda rid: p.encode_empty(Opcode.STATS, rid), dict)

    def snapshot(self, collection=None):
        self._call(Opcode.SNAPSHOT, lambda rid: p.encode_name_request(Opcode.SNAPSHOT, rid, collection or "", True))

    def _get_args(self, collection, ids, with_payloads, with_labels=False):
        if with_payloads:
            self._require_payloads()
        if with_labels:
            self._require_labels()

        def build(rid):
            return p.encode_ids_request(Opcode.GET, rid, collection, ids, with_payloads, with_labels)

        def post(value):
            if not (with_payloads or with_labels):
                # Plain vectors; a server answering with a payload section anyway is tolerated.
                return [v.vector if isinstance(v, p.Point) else v for v in value]
            # With no id found the (empty) sections are absent; otherwise they must be there.
            if any(v is not None for v in value):
                if with_payloads and not value.has_payloads:
                    raise ProtocolError("GET with WITH_PAYLOADS answered without a payload section")
                if with_labels and not value.has_labels:
                    raise ProtocolError("GET with WITH_LABELS answered without a label section")
            # Sections nobody asked for (the all-empty payload section before labels) are dropped.
            return [
                None
                if v is None
                else p.Point(v.vector, v.payload if with_payloads else b"", v.labels if with_labels else None)
                for v in value
            ]

        return build, post

    def _scroll_args(self, collection, start_id, limit, with_vectors, with_payloads, with_labels, filter):
        p.check_scroll(start_id, limit)
        lists = None if filter is None else p.normalize_filter(filter)  # ValueError now, before anything is sent
        if with_payloads:
            self._require_payloads()
        if with_labels or lists is not None:
            self._require_labels()
        if lists is not None:
            self._check_filter_groups(lists)

        def build(rid):
            return p.encode_scroll(
                rid, collection, start_id, limit, with_vectors, with_payloads, with_labels, filter
            )

        def post(value):
            ids = value.ids
            if len(ids) > limit:
                raise ProtocolError("SCROLL answered %d points for a limit of %d" % (len(ids), limit))
            if ids and ids[0] < start_id:
                raise ProtocolError("SCROLL answered id %d below start_id %d" % (ids[0], start_id))
            for part, asked, present in (
                ("vectors", with_vectors, value.vectors is not None),
                ("payloads", with_payloads, value.payloads is not None),
                ("labels", with_labels, value.labels is not None),
            ):
                if bool(asked) != present:
                    raise ProtocolError(
                        "SCROLL answered %s %s to a request %s them"
                        % ("with" if present else "without", part, "with" if asked else "without")
                    )
            # The decoder checked the ids ascending, one entry per id in each part, and that a
            # page with MORE ends below 2**64-1.
            points = [
                (
                    vid,
                    p.Point(
                        value.vectors[i] if with_vectors else [],
                        value.payloads[i] if with_payloads else b"",
                        value.labels[i] if with_labels else None,
                    ),
                )
                for i, vid in enumerate(ids)
            ]
            return p.ScrollPage(points, ids[-1] + 1 if value.more else None)

        return build, post

    def _search_args(
        self,
        collection,
        queries,
        k,
        ef,
        exact,
        allow_partial,
        single,
        dim=None,
        with_payloads=False,
        filter=None,
        max_distance=None,
    ):
        if single:
            count, dim, _ = p.matrix(queries)
            if count != 1:
                raise CodecError("search() takes one query; use search_batch()")
        if with_payloads:
            self._require_payloads()
        if filter is not None:
            lists = p.normalize_filter(filter)  # ValueError now, before anything is sent
            self._require_labels()
            self._check_filter_groups(lists)
        if max_distance is not None and not self.supports_max_distance():
            raise ProtocolError(
                "the server did not enable FEATURE_MAX_DISTANCE in HELLO (it, or a node behind the router, "
                "predates max_distance)"
            )

        def build(rid):
            return p.encode_search(
                rid, collection, queries, k, ef, exact, allow_partial, dim, with_payloads, filter, max_distance
            )

        def post(value):
            results, partial = value
            if with_payloads and any(len(hit) != 3 for hits in results for hit in hits):
                raise ProtocolError("SEARCH with WITH_PAYLOADS answered without HAS_PAYLOADS")
            if not with_payloads:
                results = [[hit[:2] for hit in hits] for hits in results]
            if single:
                if len(results) != 1:
                    raise ProtocolError("SEARCH answered %d queries" % len(results))
                return results[0], partial
            return results, partial

        return build, post
