//! The server's frame splitter (`connection::FrameReader`): the first code that sees a
//! client's bytes, with its own buffering (a staging buffer, frames larger than it read into
//! buffers of their own) on top of `Frame::check`.
//!
//! Input: byte 0 picks the body limit (1 KiB, 4 KiB, 70,000 bytes: above the 64 KiB staging
//! buffer, or the protocol's maximum), bytes 1..9 the sizes of the reads the stream is
//! delivered in, the rest is the stream.
//!
//! Oracles, for any input:
//! - the frames returned are the stream's first bytes, in order, with nothing skipped or
//!   repeated, each a whole valid frame (`Frame::check`) within the body limit;
//! - it stops at the end of the stream only between frames (`Eof`), inside an incomplete frame
//!   (`Truncated`), or on bytes that cannot be split (`Fatal`, as `Frame::check` or the body
//!   limit says);
//! - the answer does not depend on how the stream was cut into reads.
#![no_main]

use corevec_net::fuzzing::{split_frames, StreamEnd};
use corevec_proto::{Error, Frame, FrameHeader, FRAME_BODY_BYTES_MAX, FRAME_HEADER_SIZE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&limit, rest)) = input.split_first() else {
        return;
    };
    let body_bytes_max = [1024, 4096, 70_000, FRAME_BODY_BYTES_MAX][usize::from(limit % 4)];
    let (reads, stream) = rest.split_at(rest.len().min(8));
    let (frames, end) = split_frames(stream, reads, body_bytes_max);

    let mut at = 0;
    for frame in &frames {
        assert_eq!(
            &stream[at..at + frame.len()],
            frame.as_slice(),
            "frame at {at}"
        );
        assert_eq!(Frame::check(frame), Ok(frame.len()), "frame at {at}");
        let header = FrameHeader::decode(frame.first_chunk::<FRAME_HEADER_SIZE>().unwrap())
            .expect("a returned frame's header decodes");
        assert!(
            header.body_bytes <= body_bytes_max,
            "over the limit at {at}"
        );
        at += frame.len();
    }
    let left = &stream[at..];
    // A whole header's `body_bytes` field (offset 16), as sent: `FrameHeader::decode` refuses
    // one over the protocol's maximum.
    let over_limit = left
        .first_chunk::<FRAME_HEADER_SIZE>()
        .is_some_and(|header| {
            u32::from_le_bytes([header[16], header[17], header[18], header[19]]) > body_bytes_max
        });
    match &end {
        StreamEnd::Eof => assert!(left.is_empty(), "Eof with {} bytes left", left.len()),
        StreamEnd::Truncated => {
            assert!(!left.is_empty());
            assert_eq!(Frame::check(left), Err(Error::Incomplete));
            assert!(!over_limit);
        }
        StreamEnd::Fatal(Error::FrameTooLarge { max, .. }) if *max == body_bytes_max => {
            assert!(over_limit, "FrameTooLarge for a frame within the limit");
        }
        StreamEnd::Fatal(e) => {
            assert!(e.is_fatal(), "{e:?} is not fatal");
            assert_eq!(Frame::check(left).err().as_ref(), Some(e));
        }
    }
    // One byte at a time gives the same answer.
    assert_eq!(split_frames(stream, &[], body_bytes_max), (frames, end));
});
