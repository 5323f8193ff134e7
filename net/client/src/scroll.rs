//! SCROLL: paging through a collection's points in ascending id order ([`Client::scroll`] for
//! one page, [`Client::scroll_all`] for an iterator over all of them).

use std::iter::FusedIterator;

use corevec_proto::ScrollResponse;

use crate::{Client, ClientError, Filter, Point};

/// What a SCROLL page carries besides the ids, and which points it lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScrollOptions<'a> {
    /// Return every point's vector (else [`Point::vector`] is empty).
    pub with_vectors: bool,
    /// Return every point's payload (else [`Point::payload`] is empty). Refused locally, nothing
    /// sent, if the server did not enable `FEATURE_PAYLOADS`.
    pub with_payloads: bool,
    /// Return every point's labels (else [`Point::labels`] is empty). Refused locally, nothing
    /// sent, if the server did not enable `FEATURE_LABELS`.
    pub with_labels: bool,
    /// Only list points whose labels match (the rule of [`Filter`]). Refused locally, nothing
    /// sent, as for [`crate::SearchOptions::filter`].
    pub filter: Option<&'a Filter>,
}

/// One SCROLL page ([`Client::scroll`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScrollPage {
    /// The points, strictly ascending by id, each with the parts asked for (the others empty).
    pub points: Vec<(u64, Point)>,
    /// Where the next page starts (the last id plus one) if the server said more points may
    /// follow; `None` when the scroll is complete. A page may hold fewer points than the limit
    /// and still have a `next` (a server trims pages to its frame limit): page until `None`.
    pub next: Option<u64>,
}

/// Every point of a collection in ascending id order, fetched one SCROLL page at a time
/// ([`Client::scroll_all`]). Yields `Ok((id, point))`, or one `Err` after which it ends.
#[derive(Debug)]
pub struct ScrollIter<'a> {
    client: &'a Client,
    collection: &'a str,
    limit: u32,
    options: ScrollOptions<'a>,
    /// Start of the next page to fetch; `None` after the last page or an error.
    next: Option<u64>,
    page: std::vec::IntoIter<(u64, Point)>,
}

impl<'a> ScrollIter<'a> {
    pub(crate) fn new(
        client: &'a Client,
        collection: &'a str,
        limit: u32,
        options: ScrollOptions<'a>,
    ) -> Self {
        ScrollIter {
            client,
            collection,
            limit,
            options,
            next: Some(0),
            page: Vec::new().into_iter(),
        }
    }
}

impl Iterator for ScrollIter<'_> {
    type Item = Result<(u64, Point), ClientError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(point) = self.page.next() {
                return Some(Ok(point));
            }
            // Every page starts after the previous one's last id, so this ends; an empty page
            // never has a `next`.
            let start_id = self.next.take()?;
            match self
                .client
                .scroll(self.collection, start_id, self.limit, self.options)
            {
                Ok(page) => {
                    self.next = page.next;
                    self.page = page.points.into_iter();
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl FusedIterator for ScrollIter<'_> {}

/// The page a SCROLL response holds, after checking it answers the request (`start_id`,
/// `limit`, the parts asked for in `options`): at most `limit` ids, strictly ascending, none
/// below `start_id`; each part present iff asked for, with one entry per id; a `next` that
/// exists when MORE is set. Anything else is [`ClientError::Protocol`].
pub(crate) fn scroll_page(
    response: &ScrollResponse<'_>,
    start_id: u64,
    limit: u32,
    options: &ScrollOptions<'_>,
) -> Result<ScrollPage, ClientError> {
    let protocol = |what: String| Err(ClientError::Protocol(format!("SCROLL answered {what}")));
    let ids = response.ids;
    let count = ids.len();
    if count > limit as usize {
        return protocol(format!("{count} points for a limit of {limit}"));
    }
    if let Some(first) = ids.get(0).filter(|&first| first < start_id) {
        return protocol(format!("id {first} below start_id {start_id}"));
    }
    let mut previous = None;
    for id in ids.iter() {
        if previous.is_some_and(|p| p >= id) {
            return protocol(format!("ids out of order ({id} after {previous:?})"));
        }
        previous = Some(id);
    }
    for (part, asked, present) in [
        ("vectors", options.with_vectors, response.vectors.is_some()),
        (
            "payloads",
            options.with_payloads,
            response.payloads.is_some(),
        ),
        ("labels", options.with_labels, response.labels.is_some()),
    ] {
        if asked != present {
            let answer = if present { "with" } else { "without" };
            let request = if asked { "with" } else { "without" };
            return protocol(format!("{answer} {part} to a request {request} them"));
        }
    }
    let next = if response.more {
        match previous.and_then(|last| last.checked_add(1)) {
            Some(next) => Some(next),
            None => return protocol("MORE after no id or after id u64::MAX".into()),
        }
    } else {
        None
    };
    // Parts nobody asked for are absent (checked above); each present part has one entry per
    // id, and every vector has the page's dimension.
    let vectors = match response.vectors {
        Some(v) if v.count() != count || v.dim() != response.dim => {
            return protocol(format!(
                "{} vectors of dim {} for {count} ids of dim {}",
                v.count(),
                v.dim(),
                response.dim
            ))
        }
        Some(v) => v.to_vec(),
        None => Vec::new(),
    };
    if response.payloads.is_some_and(|p| p.count() != count) {
        return protocol(format!("a payload count other than its {count} ids"));
    }
    if response.labels.is_some_and(|l| l.count() != count) {
        return protocol(format!("a label list count other than its {count} ids"));
    }
    let dim = response.dim as usize;
    let mut vectors = vectors.chunks_exact(dim.max(1));
    let mut payloads = response.payloads.map(|p| p.iter());
    let mut labels = response.labels.map(|l| l.iter());
    let points = ids
        .iter()
        .map(|id| {
            let point = Point {
                vector: if options.with_vectors {
                    vectors.next().map(<[f32]>::to_vec).unwrap_or_default()
                } else {
                    Vec::new()
                },
                payload: payloads
                    .as_mut()
                    .and_then(Iterator::next)
                    .unwrap_or_default()
                    .to_vec(),
                labels: labels
                    .as_mut()
                    .and_then(Iterator::next)
                    .map(|l| l.to_vec())
                    .unwrap_or_default(),
            };
            (id, point)
        })
        .collect();
    Ok(ScrollPage { points, next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use corevec_proto::{IdsRef, LabelsRef, PayloadsRef, VectorsRef};

    fn page<'a>(ids: &'a [u64], more: bool) -> ScrollResponse<'a> {
        ScrollResponse {
            ids: IdsRef::new(ids),
            more,
            dim: 2,
            vectors: None,
            payloads: None,
            labels: None,
        }
    }

    fn protocol_error(result: Result<ScrollPage, ClientError>) -> String {
        match result {
            Err(ClientError::Protocol(message)) => message,
            other => panic!("not a protocol error: {other:?}"),
        }
    }

    #[test]
    fn pages_become_points() {
        let floats = [1.0f32, 2.0, 3.0, 4.0];
        let payloads: [&[u8]; 2] = [b"a", b""];
        let labels: [&[u64]; 2] = [&[], &[3, 9]];
        let response = ScrollResponse {
            vectors: Some(VectorsRef::new(&floats, 2)),
            payloads: Some(PayloadsRef::new(&payloads)),
            labels: Some(LabelsRef::new(&labels)),
            ..page(&[5, 8], true)
        };
        let all = ScrollOptions {
            with_vectors: true,
            with_payloads: true,
            with_labels: true,
            filter: None,
        };
        let point = |vector: &[f32], payload: &[u8], labels: &[u64]| Point {
            vector: vector.to_vec(),
            payload: payload.to_vec(),
            labels: labels.to_vec(),
        };
        assert_eq!(
            scroll_page(&response, 5, 2, &all).expect("valid"),
            ScrollPage {
                points: vec![
                    (5, point(&[1.0, 2.0], b"a", &[])),
                    (8, point(&[3.0, 4.0], b"", &[3, 9])),
                ],
                next: Some(9),
            }
        );
        // Ids only: the parts are empty; without MORE there is no next page.
        let ids_only = scroll_page(&page(&[0, 7], false), 0, 10, &ScrollOptions::default());
        assert_eq!(
            ids_only.expect("valid"),
            ScrollPage {
                points: vec![(0, point(&[], b"", &[])), (7, point(&[], b"", &[]))],
                next: None,
            }
        );
        // An empty page ends the scroll; the last page may end at u64::MAX.
        let options = ScrollOptions::default();
        assert_eq!(
            scroll_page(&page(&[], false), 3, 1, &options).expect("valid"),
            ScrollPage::default()
        );
        let last = scroll_page(&page(&[u64::MAX], false), 3, 1, &options).expect("valid");
        assert_eq!((last.points.len(), last.next), (1, None));
        // A short page with MORE (trimmed by the server) still has a next page.
        let short = scroll_page(&page(&[4], true), 3, 100, &options).expect("valid");
        assert_eq!(short.next, Some(5));
    }

    #[test]
    fn answers_that_do_not_fit_the_request_are_protocol_errors() {
        let none = ScrollOptions::default();
        let vectors = ScrollOptions {
            with_vectors: true,
            ..ScrollOptions::default()
        };
        let floats = [1.0f32; 4];
        let message = protocol_error(scroll_page(&page(&[1, 2, 3], false), 0, 2, &none));
        assert_eq!(message, "SCROLL answered 3 points for a limit of 2");
        let message = protocol_error(scroll_page(&page(&[4, 9], false), 5, 2, &none));
        assert_eq!(message, "SCROLL answered id 4 below start_id 5");
        let message = protocol_error(scroll_page(&page(&[6, 6], false), 5, 2, &none));
        assert!(message.contains("out of order"), "{message}");
        let message = protocol_error(scroll_page(&page(&[6, 2], false), 0, 2, &none));
        assert!(message.contains("out of order"), "{message}");
        // Parts present iff asked for.
        let message = protocol_error(scroll_page(&page(&[1], false), 0, 2, &vectors));
        assert_eq!(
            message,
            "SCROLL answered without vectors to a request with them"
        );
        let with_labels = ScrollResponse {
            labels: Some(LabelsRef::new(&[&[1]])),
            ..page(&[1], false)
        };
        let message = protocol_error(scroll_page(&with_labels, 0, 2, &none));
        assert_eq!(
            message,
            "SCROLL answered with labels to a request without them"
        );
        let payloads = ScrollOptions {
            with_payloads: true,
            ..ScrollOptions::default()
        };
        assert!(
            protocol_error(scroll_page(&page(&[1], false), 0, 2, &payloads))
                .contains("without payloads")
        );
        // MORE where no next page can start.
        for ids in [&[][..], &[u64::MAX]] {
            let message = protocol_error(scroll_page(&page(ids, true), 0, 2, &none));
            assert!(message.contains("MORE"), "{message}");
        }
        // Parts with the wrong number of entries, or vectors of another dimension.
        let short = ScrollResponse {
            vectors: Some(VectorsRef::new(&floats[..2], 2)),
            ..page(&[1, 2], false)
        };
        assert!(protocol_error(scroll_page(&short, 0, 2, &vectors)).contains("1 vectors"));
        let wrong_dim = ScrollResponse {
            vectors: Some(VectorsRef::new(&floats, 1)),
            ..page(&[1, 2, 3, 4], false)
        };
        assert!(protocol_error(scroll_page(&wrong_dim, 0, 4, &vectors)).contains("dim 1"));
        let few_payloads = ScrollResponse {
            payloads: Some(PayloadsRef::new(&[b"x"])),
            ..page(&[1, 2], false)
        };
        assert!(protocol_error(scroll_page(&few_payloads, 0, 2, &payloads)).contains("payload"));
    }
}
