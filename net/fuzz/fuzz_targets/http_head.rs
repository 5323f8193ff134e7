//! The metrics endpoint's request-head parser (`metrics::parse_head`): never panics, and what
//! it accepts is what the endpoint can route.
//!
//! Oracles, for any input:
//! - an accepted head has a GET or HEAD request line with a target that starts with `/`, is
//!   visible ASCII and has no query (`?` and after are dropped), and an HTTP/1.0 or 1.1
//!   version; the path it returns is a prefix of that target;
//! - a refused head gets one of the statuses the endpoint sends (400, 405, 505);
//! - the same bytes always get the same answer.
#![no_main]

use corevec_net::fuzzing::parse_http_head;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|head: &[u8]| {
    let answer = parse_http_head(head);
    assert_eq!(answer, parse_http_head(head), "not deterministic");
    match answer {
        Ok((head_only, path)) => {
            let text = std::str::from_utf8(head).expect("accepted a head that is not UTF-8");
            let request_line = text.split("\r\n").next().unwrap_or_default();
            let mut parts = request_line.split(' ');
            let (method, target, version) = (
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
            );
            assert!(parts.next().is_none(), "extra request-line parts: {request_line:?}");
            assert_eq!(head_only, method == "HEAD", "{method:?}");
            assert!(method == "GET" || method == "HEAD", "{method:?}");
            assert!(version == "HTTP/1.1" || version == "HTTP/1.0", "{version:?}");
            assert!(path.starts_with('/') && !path.contains('?'), "{path:?}");
            assert!(path.bytes().all(|b| b.is_ascii_graphic()), "{path:?}");
            assert!(target.starts_with(&path), "{path:?} from {target:?}");
        }
        Err((status, reason)) => {
            assert!(
                ["400 ", "405 ", "505 "].iter().any(|code| status.starts_with(code)),
                "{status}"
            );
            assert!(!reason.is_empty());
        }
    }
});
