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
