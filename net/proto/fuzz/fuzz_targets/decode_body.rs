//! Every opcode's request and response body decoder on arbitrary bytes. The first byte picks
//! the opcode; the rest is the body. Oracles: no panic, and whatever decodes re-encodes to the
//! same body bytes.
#![no_main]

use corevec_proto::{ErrorCode, Opcode, Request, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let opcode = Opcode::ALL[usize::from(selector) % Opcode::ALL.len()];
    if let Ok(request) = Request::decode(opcode, body) {
        let mut again = Vec::new();
        request
            .encode_body(&mut again)
            .expect("re-encode request body");
        assert_eq!(again, body, "{opcode:?} request body not canonical");
    }
    if let Ok(response) = Response::decode(opcode, body) {
        let mut again = Vec::new();
        response
            .encode_body(&mut again)
            .expect("re-encode response body");
        assert_eq!(again, body, "{opcode:?} response body not canonical");
    }
    if let Ok(Response::Error(e)) = Response::decode_error(body) {
        if e.code != ErrorCode::Unknown {
            let mut again = Vec::new();
            Response::Error(e)
                .encode_body(&mut again)
                .expect("re-encode error body");
            assert_eq!(again, body, "error body not canonical");
        }
    }
});
