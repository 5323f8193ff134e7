//! Feed arbitrary bytes to the frame splitter as a server would: check, parse, decode as a
//! request and as a response, advance, repeat. Oracles: no panic; `check` never claims more
//! bytes than it was given; errors from `check` are fatal and errors after it are not; a frame
//! that decodes re-encodes to exactly the same bytes (the encoding is canonical).
//!
//! Random bytes almost never carry valid CRCs, so when the first input byte is odd the target
//! first rewrites every frame's magic and both CRCs (keeping the announced lengths): mutations
//! then reach the body decoders through the same path a server uses.
#![no_main]

use corevec_proto::{Error, ErrorCode, Frame, Request, Response, FRAME_HEADER_SIZE, MAGIC};
use libfuzzer_sys::fuzz_target;

fn fix_crcs(stream: &mut [u8]) {
    let mut at = 0;
    while stream.len() - at >= FRAME_HEADER_SIZE {
        let frame = &mut stream[at..];
        frame[0..4].copy_from_slice(&MAGIC.to_le_bytes());
        let announced = u32::from_le_bytes([frame[16], frame[17], frame[18], frame[19]]) as usize;
        let body = announced.min(frame.len() - FRAME_HEADER_SIZE);
        let body_crc = crc32c(&frame[FRAME_HEADER_SIZE..FRAME_HEADER_SIZE + body]);
        frame[20..24].copy_from_slice(&body_crc.to_le_bytes());
        let header_crc = crc32c(&frame[..28]);
        frame[28..32].copy_from_slice(&header_crc.to_le_bytes());
        at += FRAME_HEADER_SIZE + body;
    }
}

/// Bitwise CRC32C (the fuzz crate does not depend on the `crc32c` crate; speed is irrelevant).
fn crc32c(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else {
        return;
    };
    let mut owned = data.to_vec();
    if mode & 1 == 1 {
        fix_crcs(&mut owned);
    }
    let mut rest = owned.as_slice();
    loop {
        let n = match Frame::check(rest) {
            Ok(n) => n,
            Err(Error::Incomplete) => break,
            Err(e) => {
                assert!(e.is_fatal(), "check returned a non-fatal error: {e:?}");
                break;
            }
        };
        assert!(n <= rest.len() && n >= FRAME_HEADER_SIZE);
        let frame = Frame::parse(&rest[..n]).expect("parse after check");
        match Request::decode_frame(&frame) {
            Ok(request) => {
                let mut again = Vec::new();
                request
                    .encode(frame.header.request_id, &mut again)
                    .expect("re-encode request");
                assert_eq!(again, &rest[..n], "request encoding is not canonical");
            }
            Err(e) => assert!(!e.is_fatal()),
        }
        match Response::decode_frame(&frame) {
            Ok(response) => {
                let unknown =
                    matches!(&response, Response::Error(e) if e.code == ErrorCode::Unknown);
                if !unknown {
                    let mut again = Vec::new();
                    response
                        .encode(frame.header.request_id, frame.header.opcode, &mut again)
                        .expect("re-encode response");
                    assert_eq!(again, &rest[..n], "response encoding is not canonical");
                }
            }
            Err(e) => assert!(!e.is_fatal()),
        }
        rest = &rest[n..];
    }
});
