//! The router's reading of its nodes' answers (`router/read.rs`: `search_part`, `get_part`,
//! `scroll_part`, `SearchMerge`, `GetMerge`, `ScrollMerge`) and the frame it then sends
//! (`handler::encode_answer`), through `corevec_net::fuzzing::router_answer`.
//!
//! Input, read a byte at a time (0 once it runs out): byte 0 picks the read (`% 3`: SEARCH,
//! GET, SCROLL) and its flags (bit 2 payloads, bit 3 labels, bit 4 vectors); byte 1 the number
//! of nodes (1 to 4) and the request's size (queries and k, ids, start and limit). Then per
//! node a mode byte: odd, a raw answer (an opcode, a length and that many body bytes, in a
//! frame with a valid header: the node's decoder and the router's checks see any body);
//! even, an answer built from the following bytes that mostly fits the request (the counts,
//! the dimension, the parts sent, ids and distances come from the input, so answers also
//! disagree with the request and with each other).
//!
//! Oracles: no panic; the router's frame is a valid frame (`Frame::parse`, body checksum) whose
//! body decodes as an answer to the request, or as an ERROR frame with INTERNAL or
//! BATCH_TOO_LARGE (the only refusals a merge makes). An answer keeps to the request: a SEARCH
//! answer has one list per query, at most `k` hits each, in `(distance, id)` order, no id
//! twice, every hit one a node returned for that query, payloads exactly when asked for; a GET
//! answer has a flag per id, and an id is found only if the node asked for it found it; a
//! SCROLL page has at most `limit` ids, none below `start_id`, each one a node returned.
#![no_main]

use std::collections::HashSet;

use corevec_net::fuzzing::{router_answer, RouterRead};
use corevec_proto::{
    ErrorCode, Frame, FrameHeader, GetResponse, Hit, IdsRef, IdsRequest, LabelsBuf, Opcode,
    PayloadsBuf, RequestId, Response, Scroll, ScrollResponse, Search, SearchFlags, SearchResponse,
    VectorsRef, FLAG_ERROR, FLAG_RESPONSE,
};
use libfuzzer_sys::fuzz_target;

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn take(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.0.len());
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        taken.to_vec()
    }
    fn distance(&mut self) -> f32 {
        match self.byte() {
            255 => f32::NAN,
            254 => f32::INFINITY,
            b => f32::from(b) / 16.0 - 4.0,
        }
    }
}

fn frame(response: &Response<'_>, opcode: Opcode) -> Vec<u8> {
    let mut out = Vec::new();
    response
        .encode(RequestId(1), opcode.as_u8(), &mut out)
        .expect("a small answer encodes");
    out
}

/// A raw answer: any opcode and body behind a valid header.
fn raw(input: &mut Bytes<'_>) -> Vec<u8> {
    let opcode =
        [Opcode::Search, Opcode::Get, Opcode::Scroll, Opcode::Ping][usize::from(input.byte() % 4)];
    let flags = if input.byte() % 4 == 0 {
        FLAG_RESPONSE | FLAG_ERROR
    } else {
        FLAG_RESPONSE
    };
    let len = usize::from(input.byte());
    let body = input.take(len);
    let mut out = FrameHeader::new(opcode.as_u8(), flags, RequestId(1), &body)
        .encode()
        .to_vec();
    out.extend_from_slice(&body);
    out
}

fn payloads(input: &mut Bytes<'_>, n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|_| {
            let len = usize::from(input.byte() % 4);
            input.take(len)
        })
        .collect()
}

fn labels(input: &mut Bytes<'_>, n: usize) -> LabelsBuf {
    let mut buf = LabelsBuf::new();
    for _ in 0..n {
        let mut list: Vec<u64> = (0..input.byte() % 3)
            .map(|_| u64::from(input.byte() % 8))
            .collect();
        list.sort_unstable();
        list.dedup();
        buf.push(&list).expect("a few sorted labels");
    }
    buf
}

fn vectors(input: &mut Bytes<'_>, n: usize, dim: u32) -> Vec<f32> {
    (0..n * dim as usize)
        .map(|_| f32::from(input.byte()))
        .collect()
}

fn search_answer(input: &mut Bytes<'_>, queries: usize, k: usize, with_payloads: bool) -> Vec<u8> {
    let shape = input.byte();
    // Mostly as many lists as queries; sometimes one more or fewer.
    let lists = match shape % 8 {
        0 => queries + 1,
        1 => queries - 1,
        _ => queries,
    };
    let results: Vec<Vec<Hit>> = (0..lists)
        .map(|_| {
            let n = usize::from(input.byte()) % (k + 3);
            (0..n)
                .map(|_| Hit {
                    id: u64::from(input.byte() % 24),
                    distance: input.distance(),
                })
                .collect()
        })
        .collect();
    let payloads = (with_payloads != (shape & 8 != 0)).then(|| {
        results
            .iter()
            .map(|list| payloads(input, list.len()))
            .collect()
    });
    frame(
        &Response::Search(SearchResponse {
            partial: false,
            results,
            payloads,
        }),
        Opcode::Search,
    )
}

fn get_answer(input: &mut Bytes<'_>, asked: usize, g: &IdsRequest<'_>) -> Vec<u8> {
    let shape = input.byte();
    let flags = if shape % 8 == 0 { asked + 1 } else { asked };
    let found: Vec<bool> = (0..flags).map(|_| input.byte() % 3 != 0).collect();
    let n = found.iter().filter(|f| **f).count();
    let dim = if shape & 8 != 0 { 3 } else { 2 };
    let flat = vectors(input, n, dim);
    let payload_list = payloads(input, n);
    let payloads = PayloadsBuf::from_slices(&payload_list).expect("small payloads");
    let labels = labels(input, n);
    let with_payloads = g.with_payloads != (shape & 16 != 0);
    let with_labels = g.with_labels != (shape & 32 != 0);
    let response = Response::Get(GetResponse {
        found,
        vectors: if n == 0 {
            VectorsRef::empty(dim)
        } else {
            VectorsRef::new(&flat, dim)
        },
        payloads: with_payloads.then(|| payloads.as_ref()),
        labels: with_labels.then(|| labels.as_ref()),
    });
    frame(&response, Opcode::Get)
}

fn scroll_answer(input: &mut Bytes<'_>, s: &Scroll<'_>) -> Vec<u8> {
    let shape = input.byte();
    let n = usize::from(input.byte()) % (s.limit as usize + 2);
    let mut ids = Vec::with_capacity(n);
    let mut next = s.start_id.saturating_sub(u64::from(shape % 16 == 0));
    for _ in 0..n {
        ids.push(next);
        next = match next.checked_add(1 + u64::from(input.byte() % 4)) {
            Some(id) => id,
            None => break,
        };
    }
    let dim = if shape & 8 != 0 { 3 } else { 2 };
    let flat = vectors(input, ids.len(), dim);
    let payload_list = payloads(input, ids.len());
    let payloads = PayloadsBuf::from_slices(&payload_list).expect("small payloads");
    let labels = labels(input, ids.len());
    let more = shape & 64 != 0 && ids.last().is_some_and(|&id| id < u64::MAX);
    let response = Response::Scroll(ScrollResponse {
        ids: IdsRef::new(&ids),
        more,
        dim,
        vectors: (s.with_vectors != (shape & 16 != 0)).then(|| {
            if ids.is_empty() {
                VectorsRef::empty(dim)
            } else {
                VectorsRef::new(&flat, dim)
            }
        }),
        payloads: (s.with_payloads != (shape & 32 != 0)).then(|| payloads.as_ref()),
        labels: (s.with_labels != (shape & 128 != 0)).then(|| labels.as_ref()),
    });
    frame(&response, Opcode::Scroll)
}

/// The node answers as the router would decode them (a frame that does not decode, or
/// ERROR, as `None`).
fn decoded(answers: &[Vec<u8>]) -> Vec<Option<Response<'_>>> {
    answers
        .iter()
        .map(|bytes| {
            let frame = Frame::parse(bytes).ok()?;
            match Response::decode_frame(&frame).ok()? {
                Response::Error(_) => None,
                response => Some(response),
            }
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes(data);
    let pick = input.byte();
    let (with_payloads, with_labels, with_vectors) = (pick & 4 != 0, pick & 8 != 0, pick & 16 != 0);
    let size = input.byte();
    let nodes = 1 + usize::from(size % 4);
    let queries = 1 + usize::from(size / 4 % 3);
    let k = 1 + usize::from(size / 12 % 8);
    let query_floats = vec![0.5f32; queries * 2];
    let ids: Vec<u64> = (0..1 + usize::from(size / 4 % 6))
        .map(|i| (i as u64 * 7) % 24)
        .collect();
    let read = match pick % 3 {
        0 => RouterRead::Search(Search {
            collection: "c",
            k: k as u32,
            expansion_search: 0,
            flags: SearchFlags {
                exact: false,
                allow_partial: true,
                with_payloads,
            },
            queries: VectorsRef::new(&query_floats, 2),
            filter: None,
            max_distance: None,
        }),
        1 => RouterRead::Get(IdsRequest {
            collection: "c",
            ids: IdsRef::new(&ids),
            with_payloads,
            with_labels,
        }),
        _ => RouterRead::Scroll(Scroll {
            collection: "c",
            start_id: [0, 5, u64::MAX - 3][usize::from(size / 4 % 3)],
            limit: 1 + u32::from(size / 12 % 8),
            with_vectors,
            with_payloads,
            with_labels,
            filter: None,
        }),
    };
    let answers: Vec<Vec<u8>> = (0..nodes)
        .map(|node| {
            if input.byte() % 2 == 1 {
                return raw(&mut input);
            }
            match read {
                RouterRead::Search(_) => search_answer(&mut input, queries, k, with_payloads),
                RouterRead::Get(g) => {
                    let asked = (0..ids.len()).filter(|p| p % nodes == node).count();
                    get_answer(&mut input, asked, &g)
                }
                RouterRead::Scroll(s) => scroll_answer(&mut input, &s),
            }
        })
        .collect();

    let out = router_answer(read, &answers);
    let frame = Frame::parse(&out).expect("the router sends a whole frame");
    frame
        .verify_body()
        .expect("with a body that matches its checksum");
    let response = Response::decode_frame(&frame).expect("whose body decodes");
    let nodes_said = decoded(&answers);
    match (read, response) {
        (_, Response::Error(e)) => assert!(
            matches!(e.code, ErrorCode::Internal | ErrorCode::BatchTooLarge),
            "a merge refuses only with INTERNAL or BATCH_TOO_LARGE: {e:?}"
        ),
        (RouterRead::Search(s), Response::Search(r)) => {
            assert_eq!(r.results.len(), queries);
            assert_eq!(r.payloads.is_some(), s.flags.with_payloads);
            for (q, list) in r.results.iter().enumerate() {
                assert!(list.len() <= k);
                assert!(list.windows(2).all(|w| w[0]
                    .distance
                    .total_cmp(&w[1].distance)
                    .then(w[0].id.cmp(&w[1].id))
                    .is_lt()));
                let unique: HashSet<u64> = list.iter().map(|h| h.id).collect();
                assert_eq!(unique.len(), list.len(), "an id twice");
                for hit in list {
                    let returned = nodes_said.iter().flatten().any(|said| match said {
                        Response::Search(n) => {
                            n.results.len() == queries
                                && n.results[q].iter().any(|h| {
                                    h.id == hit.id && h.distance.to_bits() == hit.distance.to_bits()
                                })
                        }
                        _ => false,
                    });
                    assert!(returned, "hit {hit:?} of query {q} no node returned");
                }
                if let Some(payloads) = &r.payloads {
                    assert_eq!(payloads[q].len(), list.len());
                }
            }
        }
        (RouterRead::Get(_), Response::Get(r)) => {
            assert_eq!(r.found.len(), ids.len());
            for (p, &found) in r.found.iter().enumerate() {
                if found {
                    let node = p % nodes;
                    let at = (0..p).filter(|i| i % nodes == node).count();
                    let said = matches!(&nodes_said[node], Some(Response::Get(n)) if n.found.get(at) == Some(&true));
                    assert!(said, "id at {p} found though node {node} did not find it");
                }
            }
        }
        (RouterRead::Scroll(s), Response::Scroll(r)) => {
            assert!(r.ids.len() <= s.limit as usize);
            for id in r.ids.iter() {
                assert!(id >= s.start_id);
                let returned = nodes_said.iter().flatten().any(
                    |said| matches!(said, Response::Scroll(n) if n.ids.iter().any(|i| i == id)),
                );
                assert!(returned, "id {id} no node returned");
            }
            assert_eq!(r.vectors.is_some(), s.with_vectors);
            assert_eq!(r.payloads.is_some(), s.with_payloads);
            assert_eq!(r.labels.is_some(), s.with_labels);
        }
        (read, other) => panic!("{read:?} answered with {other:?}"),
    }
});
