//! Entry points for the fuzz targets in `net/fuzz` only: thin wrappers over decoders of
//! network bytes that are otherwise private. Not part of the crate's API.

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
