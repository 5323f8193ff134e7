//! What each request is (PING, SEARCH, or a SEARCH/UPSERT mix) and how its response is checked.
//!
//! Request bytes come from `corevec_proto::Request::encode`; responses are validated with
//! `corevec_proto::Response::decode_frame` (header flags, body CRC, body layout), so a server that
//! answers garbage is counted as errors, not as fast successes. An UPSERT acknowledgement must
//! carry the number of vectors sent (as `ingest` checks it) and a SEARCH answer hold at most `k`
//! hits; otherwise the answer counts as `BAD_RESPONSE`.

use std::sync::Arc;

use corevec_client::{Filter, WireFilter};
use corevec_proto::{
    ErrorCode, Frame, IdsRef, Opcode, Request, RequestId, Response, Search, SearchFlags, Upsert,
    VectorsRef,
};

use crate::truth::recall_at_k;
use corevec_datasets::{unit_hash, IdMatrix, Vectors};

/// Read or write, for per-kind latency in mixed runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// PING or SEARCH.
    Read,
    /// UPSERT.
    Write,
}

/// Searches: one query per request, queries used round-robin.
#[derive(Clone, Debug)]
pub struct SearchSpec {
    /// Collection name.
    pub collection: String,
    /// Query vectors.
    pub queries: Arc<Vectors>,
    /// Neighbours requested.
    pub k: u32,
    /// HNSW `ef` (0 = server default).
    pub ef: u32,
    /// EXACT / ALLOW_PARTIAL.
    pub flags: SearchFlags,
    /// Only points whose labels match (sent with every query).
    pub filter: Option<Filter>,
    /// Ground truth for recall (row i = query i), at least `k` wide.
    pub truth: Option<Arc<IdMatrix>>,
}

/// Writes: UPSERT batches of rows of `data`, each row with id `id_offset + row`.
#[derive(Clone, Debug)]
pub struct WriteSpec {
    /// Collection name.
    pub collection: String,
    /// Source rows.
    pub data: Arc<Vectors>,
    /// Vectors per UPSERT.
    pub batch: usize,
    /// Added to the row index to form the id.
    pub id_offset: u64,
}

/// The request mix of a run.
#[derive(Clone, Debug)]
pub enum Workload {
    /// PING only: protocol and transport overhead.
    Ping,
    /// SEARCH only.
    Query(SearchSpec),
    /// SEARCH, with a fraction `write_ratio` of UPSERTs.
    Mixed {
        /// Reads.
        search: SearchSpec,
        /// Writes.
        write: WriteSpec,
        /// Fraction of requests that are writes, 0..=1.
        write_ratio: f64,
    },
}

/// Per-connection request counters, so connections spread over queries and rows.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cursor {
    /// Requests issued on this connection.
    pub seq: u64,
    /// Reads issued.
    pub reads: u64,
    /// Writes issued.
    pub writes: u64,
}

/// What was sent, kept until the response arrives.
#[derive(Clone, Copy, Debug)]
pub struct Sent {
    /// Read or write.
    pub kind: Kind,
    /// Opcode expected in the response.
    pub opcode: Opcode,
    /// Query row (searches) or first data row (writes).
    pub row: u32,
    /// Vectors written (UPSERT: the count its acknowledgement must carry); 0 otherwise.
    pub count: u32,
}

/// The checked outcome of one response.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A well-formed success; `recall` when ground truth is known.
    Ok {
        /// recall@k of this answer (`None` without ground truth, or when it is undefined).
        recall: Option<f64>,
        /// Ground truth was given but its row for this query holds no id, so recall is
        /// undefined: left out of the mean, and counted.
        recall_skipped: bool,
    },
    /// An ERROR frame from the server.
    ServerError(ErrorCode),
    /// A response that violates the protocol or does not answer the request.
    Bad(String),
}

impl Workload {
    /// `ping`, `query` or `mixed`.
    #[must_use]
    pub fn mode(&self) -> &'static str {
        match self {
            Workload::Ping => "ping",
            Workload::Query(_) => "query",
            Workload::Mixed { .. } => "mixed",
        }
    }

    /// The search spec, if any.
    #[must_use]
    pub fn search(&self) -> Option<&SearchSpec> {
        match self {
            Workload::Ping => None,
            Workload::Query(s) | Workload::Mixed { search: s, .. } => Some(s),
        }
    }

    /// Check that every request can be built and every answer checked: no empty query set or
    /// write data (which `encode` would divide by), ground truth covering every query to `k`.
    /// The message names what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(search) = self.search() {
            if search.queries.rows() == 0 {
                return Err("the query set is empty (0 rows): nothing to search with".into());
            }
            if let Some(truth) = &search.truth {
                if truth.rows() < search.queries.rows() {
                    return Err(format!(
                        "the ground truth has {} rows but there are {} queries",
                        truth.rows(),
                        search.queries.rows()
                    ));
                }
                if truth.dim() < search.k as usize {
                    return Err(format!(
                        "the ground truth has {} neighbours per query, fewer than k = {}",
                        truth.dim(),
                        search.k
                    ));
                }
            }
        }
        if let Workload::Mixed { write, .. } = self {
            if write.data.rows() == 0 {
                return Err("the write data is empty (0 rows): nothing to upsert".into());
            }
        }
        Ok(())
    }

    /// Append the next request of connection `conn` (of `conns`) to `out`. The workload must
    /// have passed [`Workload::validate`].
    pub fn encode(
        &self,
        conn: usize,
        conns: usize,
        cursor: &mut Cursor,
        id: RequestId,
        out: &mut Vec<u8>,
    ) -> Result<Sent, corevec_proto::Error> {
        let seq = cursor.seq;
        cursor.seq += 1;
        let (search, write) = match self {
            Workload::Ping => {
                Request::Ping.encode(id, out)?;
                return Ok(Sent {
                    kind: Kind::Read,
                    opcode: Opcode::Ping,
                    row: 0,
                    count: 0,
                });
            }
            Workload::Query(s) => (s, None),
            Workload::Mixed {
                search,
                write,
                write_ratio,
            } => {
                let is_write = unit_hash(0x5EED, conn as u64, seq) < *write_ratio;
                (search, is_write.then_some(write))
            }
        };
        if let Some(w) = write {
            let rows = w.data.rows();
            let batch = w.batch.clamp(1, rows);
            // Batches walk the data; connections interleave so they do not write the same rows.
            let slots = (rows / batch).max(1);
            let slot = (cursor.writes * conns as u64 + conn as u64) % slots as u64;
            cursor.writes += 1;
            let start = slot as usize * batch;
            let ids: Vec<u64> = (start..start + batch)
                .map(|r| w.id_offset + r as u64)
                .collect();
            Request::Upsert(Upsert {
                collection: &w.collection,
                ids: IdsRef::new(&ids),
                vectors: VectorsRef::new(
                    w.data.rows_slice(start, start + batch),
                    u32::try_from(w.data.dim()).unwrap_or(u32::MAX),
                ),
                payloads: None,
                labels: None,
            })
            .encode(id, out)?;
            return Ok(Sent {
                kind: Kind::Write,
                opcode: Opcode::Upsert,
                row: u32::try_from(start).unwrap_or(u32::MAX),
                count: u32::try_from(batch).unwrap_or(u32::MAX),
            });
        }
        let nq = search.queries.rows() as u64;
        let q = ((cursor.reads * conns as u64 + conn as u64) % nq) as usize;
        cursor.reads += 1;
        let filter = search.filter.as_ref().map(Filter::wire);
        Request::Search(Search {
            collection: &search.collection,
            k: search.k,
            expansion_search: search.ef,
            flags: search.flags,
            queries: VectorsRef::new(
                search.queries.row(q),
                u32::try_from(search.queries.dim()).unwrap_or(u32::MAX),
            ),
            filter: filter.as_ref().map(WireFilter::as_ref),
            max_distance: None,
        })
        .encode(id, out)?;
        Ok(Sent {
            kind: Kind::Read,
            opcode: Opcode::Search,
            row: u32::try_from(q).unwrap_or(u32::MAX),
            count: 0,
        })
    }

    /// Check the response `frame` to `sent`.
    #[must_use]
    pub fn check(&self, sent: &Sent, frame: &Frame<'_>) -> Outcome {
        if frame.header.opcode != sent.opcode.as_u8() {
            return Outcome::Bad(format!(
                "response opcode 0x{:02x} to a {} request",
                frame.header.opcode,
                sent.opcode.name()
            ));
        }
        let response = match Response::decode_frame(frame) {
            Ok(r) => r,
            Err(e) => return Outcome::Bad(format!("undecodable response: {e}")),
        };
        match (response, sent.opcode) {
            (Response::Error(e), _) => Outcome::ServerError(e.code),
            (Response::Ping, Opcode::Ping) => Outcome::Ok {
                recall: None,
                recall_skipped: false,
            },
            // As ingest checks it: an UPSERT acknowledges every vector it carried.
            (Response::Upsert(ack), Opcode::Upsert) if ack.count != sent.count => {
                Outcome::Bad(format!(
                    "UPSERT of {} vectors acknowledged {}",
                    sent.count, ack.count
                ))
            }
            (Response::Upsert(_), Opcode::Upsert) => Outcome::Ok {
                recall: None,
                recall_skipped: false,
            },
            (Response::Search(s), Opcode::Search) => {
                let [hits] = &s.results[..] else {
                    return Outcome::Bad(format!(
                        "SEARCH with one query answered {} result lists",
                        s.results.len()
                    ));
                };
                if let Some(k) = self.search().map(|spec| spec.k as usize) {
                    if hits.len() > k {
                        return Outcome::Bad(format!(
                            "SEARCH for k = {k} answered {} hits",
                            hits.len()
                        ));
                    }
                }
                let checked = self.search().and_then(|spec| {
                    let truth = spec.truth.as_ref()?;
                    let ids: Vec<u64> = hits.iter().map(|h| h.id).collect();
                    Some(recall_at_k(
                        &ids,
                        truth.row(sent.row as usize),
                        spec.k as usize,
                    ))
                });
                Outcome::Ok {
                    recall: checked.flatten(),
                    recall_skipped: checked.is_some_and(|r| r.is_none()),
                }
            }
            (other, op) => Outcome::Bad(format!(
                "unexpected {:?} response to {}",
                other.opcode(),
                op.name()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use corevec_datasets::Matrix;
    use corevec_proto::{Hit, SearchResponse};

    fn query_workload(k: u32, truth: Option<Vec<i32>>) -> Workload {
        Workload::Query(SearchSpec {
            collection: "c".into(),
            queries: Arc::new(Matrix::new(2, vec![0.0, 0.0]).expect("queries")),
            k,
            ef: 0,
            flags: SearchFlags::default(),
            filter: None,
            truth: truth.map(|t| Arc::new(Matrix::new(k as usize, t).expect("truth"))),
        })
    }

    /// `response` as a frame answering a request of `opcode`, checked against `sent`.
    fn check(workload: &Workload, sent: &Sent, response: &Response<'_>) -> Outcome {
        let mut bytes = Vec::new();
        response
            .encode(RequestId(9), sent.opcode.as_u8(), &mut bytes)
            .expect("encode");
        let frame = Frame::parse(&bytes).expect("frame");
        workload.check(sent, &frame)
    }

    fn search_answer(ids: &[u64]) -> Response<'static> {
        Response::Search(SearchResponse {
            partial: false,
            results: vec![ids.iter().map(|&id| Hit { id, distance: 0.5 }).collect()],
            payloads: None,
        })
    }

    const SEARCH: Sent = Sent {
        kind: Kind::Read,
        opcode: Opcode::Search,
        row: 0,
        count: 0,
    };

    #[test]
    fn a_search_answer_repeating_one_true_id_scores_it_once() {
        let w = query_workload(3, Some(vec![3, 1, 4]));
        assert_eq!(
            check(&w, &SEARCH, &search_answer(&[3, 3, 3])),
            Outcome::Ok {
                recall: Some(1.0 / 3.0),
                recall_skipped: false
            }
        );
    }

    fn mixed_workload(k: u32, batch: usize) -> Workload {
        let Workload::Query(search) = query_workload(k, None) else {
            unreachable!("a query workload")
        };
        Workload::Mixed {
            search,
            write: WriteSpec {
                collection: "c".into(),
                data: Arc::new(Matrix::new(2, vec![0.5; 2 * 8]).expect("data")),
                batch,
                id_offset: 0,
            },
            write_ratio: 1.0,
        }
    }

    #[test]
    fn an_upsert_ack_with_the_wrong_count_is_a_bad_response() {
        let w = mixed_workload(3, 4);
        let mut bytes = Vec::new();
        let sent = w
            .encode(0, 1, &mut Cursor::default(), RequestId(9), &mut bytes)
            .expect("encode");
        assert_eq!((sent.opcode, sent.count), (Opcode::Upsert, 4));
        let ack = |count| Response::Upsert(corevec_proto::WriteAck { count, lsn: None });
        assert!(matches!(check(&w, &sent, &ack(4)), Outcome::Ok { .. }));
        for wrong in [0, 3, 5] {
            match check(&w, &sent, &ack(wrong)) {
                Outcome::Bad(why) => assert!(why.contains("acknowledged"), "{why}"),
                other => panic!("an ack of {wrong} for 4 vectors was {other:?}"),
            }
        }
    }

    #[test]
    fn a_search_answer_with_more_than_k_hits_is_a_bad_response() {
        for w in [query_workload(3, None), mixed_workload(3, 1)] {
            assert!(matches!(
                check(&w, &SEARCH, &search_answer(&[1, 2, 3])),
                Outcome::Ok { .. }
            ));
            match check(&w, &SEARCH, &search_answer(&[1, 2, 3, 4])) {
                Outcome::Bad(why) => assert!(why.contains("k = 3"), "{why}"),
                other => panic!("4 hits for k = 3 were {other:?}"),
            }
        }
    }

    #[test]
    fn an_empty_truth_row_is_skipped_not_scored() {
        let w = query_workload(2, Some(vec![-1, -1]));
        assert_eq!(
            check(&w, &SEARCH, &search_answer(&[])),
            Outcome::Ok {
                recall: None,
                recall_skipped: true
            }
        );
        let without_truth = query_workload(2, None);
        assert_eq!(
            check(&without_truth, &SEARCH, &search_answer(&[1])),
            Outcome::Ok {
                recall: None,
                recall_skipped: false
            }
        );
    }
}
