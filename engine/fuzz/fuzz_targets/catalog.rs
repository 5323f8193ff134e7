//! Collection definition parser (`collection.conf`): never panics on arbitrary text (the
//! input after its first byte, as lossy UTF-8). With the first byte odd, the trailing
//! `crc32c=` line is recomputed (or added) so mutations reach the field parser. A definition
//! that parses is valid, and its text as written to disk parses back to the same definition.
#![no_main]

use corevec_engine::fuzzing::{catalog_text, parse_catalog};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let mut text = String::from_utf8_lossy(rest).into_owned();
    if first % 2 == 1 {
        // The body is what precedes the last line when that line is a crc32c= line (as the
        // parser splits it), else the whole text.
        let trimmed = text.trim_end_matches('\n');
        let body = match trimmed.rsplit_once('\n') {
            Some((body, last)) if last.starts_with("crc32c=") => format!("{body}\n"),
            _ if trimmed.starts_with("crc32c=") => String::new(),
            _ => format!("{trimmed}\n"),
        };
        let crc = crc32c::crc32c(body.as_bytes());
        text = format!("{body}crc32c={crc:08x}\n");
    }
    if let Ok(spec) = parse_catalog(&text) {
        spec.validate().expect("a parsed definition is valid");
        let again = catalog_text(&spec);
        assert_eq!(
            parse_catalog(&again).as_ref(),
            Ok(&spec),
            "re-encoded as {again:?}"
        );
    }
});
