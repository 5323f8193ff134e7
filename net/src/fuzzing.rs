//! Entry points for the fuzz targets in `net/fuzz` only: thin wrappers over decoders of
//! network bytes that are otherwise private, and over the router's checks and merging of
//! its nodes' answers. Not part of the crate's API.

use std::rc::Rc;

use corevec_proto::{IdsRef, IdsRequest, RequestId, Scroll, Search};

use crate::handler::{encode_answer, Failure};
use crate::router::link::Reply;
use crate::router::read::{get_part, scroll_part, search_part, GetMerge, ScrollMerge, SearchMerge};

/// What the metrics endpoint makes of a request head (the bytes before the blank line):
/// `Ok((head_only, path))`, or `Err((status line, reason))` as it would answer.
///
/// # Errors
/// The refusal the endpoint would send.
pub fn parse_http_head(head: &[u8]) -> Result<(bool, String), (&'static str, &'static str)> {
    crate::metrics::parse_head(head)
        .map(|request| (request.head_only, request.path))
        .map_err(|refusal| (refusal.status, refusal.reason))
}

/// How [`split_frames`] stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamEnd {
    /// The stream ended between frames.
    Eof,
    /// The stream ended inside a frame.
    Truncated,
    /// The bytes after the last frame cannot be split into frames (the server sends this
    /// error under request id 0 and closes).
    Fatal(corevec_proto::Error),
}

/// What the server's frame splitter (`connection::FrameReader`, the first code to see a
/// client's bytes) makes of `stream`, delivered in reads whose sizes cycle through `reads`
/// (each 1..=256 bytes; none given: one byte at a time), with the server's body limit
/// `body_bytes_max`: the frames it returned, in order, and how it stopped.
pub fn split_frames(stream: &[u8], reads: &[u8], body_bytes_max: u32) -> (Vec<Vec<u8>>, StreamEnd) {
    use crate::connection::{FrameReader, ReadResult};
    let mut reader = ChunkedReader {
        data: stream,
        reads,
        next: 0,
    };
    let mut frames = FrameReader::new(body_bytes_max);
    let mut out = Vec::new();
    futures_lite::future::block_on(async {
        loop {
            match frames.next(&mut reader).await {
                ReadResult::Frame(frame) => out.push(frame),
                ReadResult::Eof => return (out, StreamEnd::Eof),
                ReadResult::Truncated => return (out, StreamEnd::Truncated),
                ReadResult::Fatal(e) => return (out, StreamEnd::Fatal(e)),
                ReadResult::Io(e) => unreachable!("an in-memory stream does not fail: {e}"),
            }
        }
    })
}

/// An in-memory stream that hands out its bytes in reads of the sizes `reads` cycles through.
struct ChunkedReader<'a> {
    data: &'a [u8],
    reads: &'a [u8],
    next: usize,
}

impl futures_lite::AsyncRead for ChunkedReader<'_> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut [u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let size = if self.reads.is_empty() {
            1
        } else {
            usize::from(self.reads[self.next % self.reads.len()]) + 1
        };
        self.next += 1;
        let n = size.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        std::task::Poll::Ready(Ok(n))
    }
}

/// A read the router answers by merging its nodes' answers.
#[derive(Clone, Copy, Debug)]
pub enum RouterRead<'a> {
    /// SEARCH: every node is asked the whole request.
    Search(Search<'a>),
    /// GET: with `n` answers, node `i` is asked the ids at the positions `p` of the request
    /// with `p % n == i`.
    Get(IdsRequest<'a>),
    /// SCROLL: every node is asked the whole request.
    Scroll(Scroll<'a>),
}

/// The frame the router sends (request id 1) for `read` when node `i` (named `node{i}`)
/// answers with the frame `answers[i]`, after the router's checks of each answer
/// (`search_part`, `get_part`, `scroll_part`, and the merges' dimension checks) and its merge.
/// An answer that fails its checks is left out, as the router leaves out a node that failed
/// (it would ask another replica); a SEARCH that left one out is answered `partial`.
#[must_use]
pub fn router_answer(read: RouterRead<'_>, answers: &[Vec<u8>]) -> Vec<u8> {
    let replies: Vec<Reply> = answers
        .iter()
        .enumerate()
        .map(|(i, frame)| Reply::new(frame.clone(), Rc::from(format!("node{i}"))))
        .collect();
    let label = |i: usize| format!("node{i}");
    let (opcode, answer) = match read {
        RouterRead::Search(s) => {
            let mut merge = SearchMerge::new(s.queries.count());
            for (i, reply) in replies.iter().enumerate() {
                if let Ok(part) = reply.response().and_then(|r| search_part(r, &s, &label(i))) {
                    merge.add(part);
                }
            }
            let partial = merge.answered < replies.len();
            let answer = Ok(merge.finish(s.k as usize, s.flags.with_payloads, partial));
            (corevec_proto::Opcode::Search, answer)
        }
        RouterRead::Get(g) => {
            let ids = g.ids.to_vec();
            let mut merge = GetMerge::new(&g);
            let mut answer = Ok(());
            for (i, reply) in replies.iter().enumerate() {
                let indices: Vec<usize> =
                    (0..ids.len()).filter(|p| p % replies.len() == i).collect();
                let sub: Vec<u64> = indices.iter().map(|&p| ids[p]).collect();
                let asked = IdsRequest {
                    ids: IdsRef::new(&sub),
                    ..g
                };
                if let Ok(part) = reply
                    .response()
                    .and_then(|r| get_part(r, &asked, sub.len(), &label(i)))
                {
                    answer = answer.and_then(|()| merge.add(&indices, part, &label(i)));
                }
            }
            (
                corevec_proto::Opcode::Get,
                answer.and_then(|()| merge.finish()),
            )
        }
        RouterRead::Scroll(s) => {
            let mut merge = ScrollMerge::new(s.collection);
            let mut answer: Result<(), Failure> = Ok(());
            for (i, reply) in replies.iter().enumerate() {
                if let Ok((dim, page)) =
                    reply.response().and_then(|r| scroll_part(r, &s, &label(i)))
                {
                    answer = answer.and_then(|()| merge.add(dim, page, &label(i)));
                }
            }
            (
                corevec_proto::Opcode::Scroll,
                answer.and_then(|()| merge.finish(&s)),
            )
        }
    };
    let mut out = Vec::new();
    encode_answer(&mut out, RequestId(1), opcode.as_u8(), answer);
    out
}

#[cfg(test)]
mod tests {
    use corevec_proto::{
        Frame, Hit, Opcode, Response, ScrollResponse, SearchFlags, SearchResponse, VectorsRef,
    };

    use super::*;

    fn answer_frame(response: &Response<'_>, opcode: Opcode) -> Vec<u8> {
        let mut out = Vec::new();
        response
            .encode(RequestId(1), opcode.as_u8(), &mut out)
            .unwrap();
        out
    }

    fn decode(frame: &[u8]) -> Response<'_> {
        Response::decode_frame(&Frame::parse(frame).unwrap()).unwrap()
    }

    fn hits(list: &[(u64, f32)]) -> Vec<Hit> {
        list.iter()
            .map(|&(id, distance)| Hit { id, distance })
            .collect()
    }

    #[test]
    fn search_answers_merge_and_a_wrong_one_makes_the_answer_partial() {
        let queries = [0.0f32; 2];
        let search = Search {
            collection: "c",
            k: 3,
            expansion_search: 0,
            flags: SearchFlags::default(),
            queries: VectorsRef::new(&queries, 2),
            filter: None,
            max_distance: None,
        };
        let node = |list: &[(u64, f32)], lists: usize| {
            answer_frame(
                &Response::Search(SearchResponse {
                    partial: false,
                    results: vec![hits(list); lists],
                    payloads: None,
                }),
                Opcode::Search,
            )
        };
        let answers = [
            node(&[(1, 0.5), (2, 0.9)], 1),
            node(&[(1, 0.5), (3, 0.1), (4, 2.0)], 1),
        ];
        let out = router_answer(RouterRead::Search(search), &answers);
        let Response::Search(r) = decode(&out) else {
            panic!("not a search answer")
        };
        assert!(!r.partial);
        assert_eq!(r.results, [hits(&[(3, 0.1), (1, 0.5), (2, 0.9)])]);
        // An answer for two queries to a one-query search is left out.
        let answers = [node(&[(1, 0.5)], 1), node(&[(7, 0.0)], 2)];
        let Response::Search(r) = decode(&router_answer(RouterRead::Search(search), &answers))
        else {
            panic!("not a search answer")
        };
        assert!(r.partial);
        assert_eq!(r.results, [hits(&[(1, 0.5)])]);
    }

    #[test]
    fn scroll_pages_of_two_dimensions_are_refused() {
        let scroll = Scroll {
            collection: "c",
            start_id: 0,
            limit: 4,
            with_vectors: true,
            with_payloads: false,
            with_labels: false,
            filter: None,
        };
        let page = |id: u64, dim: u32| {
            let flat = vec![1.0; dim as usize];
            answer_frame(
                &Response::Scroll(ScrollResponse {
                    ids: IdsRef::new(&[id]),
                    more: false,
                    dim,
                    vectors: Some(VectorsRef::new(&flat, dim)),
                    payloads: None,
                    labels: None,
                }),
                Opcode::Scroll,
            )
        };
        let out = router_answer(RouterRead::Scroll(scroll), &[page(1, 2), page(2, 2)]);
        let Response::Scroll(r) = decode(&out) else {
            panic!("not a scroll page")
        };
        assert_eq!(r.ids.to_vec(), [1, 2]);
        let out = router_answer(RouterRead::Scroll(scroll), &[page(1, 2), page(2, 3)]);
        let Response::Error(e) = decode(&out) else {
            panic!("pages of two dimensions merged")
        };
        assert_eq!(e.code, corevec_proto::ErrorCode::Internal);
        assert!(
            e.message.contains("nodes disagree on the dimension"),
            "{}",
            e.message
        );
    }
}
