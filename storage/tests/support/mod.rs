//! Shared helpers for the integration tests.
#![allow(dead_code)] // Each test binary uses a different subset.

use std::{
    collections::BTreeMap,
    future::{poll_fn, Future},
    pin::Pin,
    task::Poll,
};

use corevec_storage::{Lsn, Recovered, WalRecord};

/// Polls all futures concurrently on the current task; returns their outputs in order.
pub async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => *output = Some(value),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("all ready")).collect()
}

/// The engine-side state the tests model: id -> (vector bits, payload, labels).
pub type State = BTreeMap<u64, (Vec<u32>, Vec<u8>, Vec<u64>)>;

pub fn apply(state: &mut State, record: &WalRecord) {
    match record {
        WalRecord::Upsert {
            id,
            vector,
            payload,
            labels,
        } => {
            let bits = vector.iter().map(|v| v.to_bits()).collect();
            state.insert(*id, (bits, payload.clone(), labels.clone()));
        }
        WalRecord::Delete { id } => {
            state.remove(id);
        }
        // In place, as the engine applies them: only to a point that exists (they are logged
        // only for one, so a replay finds it; a replay that does not is a no-op).
        WalRecord::SetPayload { id, payload } => {
            if let Some((_, old, _)) = state.get_mut(id) {
                old.clone_from(payload);
            }
        }
        WalRecord::SetLabels { id, labels } => {
            if let Some((_, _, old)) = state.get_mut(id) {
                old.clone_from(labels);
            }
        }
    }
}

pub fn encode_state(state: &State) -> Vec<u8> {
    let mut out = Vec::new();
    for (id, (vector, payload, labels)) in state {
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(vector.len() as u32).to_le_bytes());
        for v in vector {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        out.extend_from_slice(payload);
        out.extend_from_slice(&(labels.len() as u32).to_le_bytes());
        for label in labels {
            out.extend_from_slice(&label.to_le_bytes());
        }
    }
    out
}

pub fn decode_state(mut bytes: &[u8]) -> State {
    let mut state = State::new();
    let take = |bytes: &mut &[u8], n: usize| {
        let (head, rest) = bytes.split_at(n);
        *bytes = rest;
        head.to_vec()
    };
    while !bytes.is_empty() {
        let id = u64::from_le_bytes(take(&mut bytes, 8).try_into().unwrap());
        let len = u32::from_le_bytes(take(&mut bytes, 4).try_into().unwrap()) as usize;
        let vector = (0..len)
            .map(|_| u32::from_le_bytes(take(&mut bytes, 4).try_into().unwrap()))
            .collect();
        let len = u32::from_le_bytes(take(&mut bytes, 4).try_into().unwrap()) as usize;
        let payload = take(&mut bytes, len);
        let len = u32::from_le_bytes(take(&mut bytes, 4).try_into().unwrap()) as usize;
        let labels = (0..len)
            .map(|_| u64::from_le_bytes(take(&mut bytes, 8).try_into().unwrap()))
            .collect();
        state.insert(id, (vector, payload, labels));
    }
    state
}

/// State rebuilt from what recovery returned (snapshot blob "state" + WAL records), and the
/// last LSN it reflects. Asserts the records continue the snapshot without gaps.
pub fn rebuild(recovered: &Recovered) -> (State, u64) {
    let (mut state, mut last) = match &recovered.snapshot {
        Some(snapshot) => (
            decode_state(snapshot.file("state").expect("state blob")),
            snapshot.lsn.0,
        ),
        None => (State::new(), 0),
    };
    for (lsn, record) in &recovered.records {
        assert_eq!(*lsn, Lsn(last + 1), "recovered records must be contiguous");
        apply(&mut state, record);
        last = lsn.0;
    }
    assert_eq!(recovered.report.next_lsn, Lsn(last + 1));
    (state, last)
}

pub fn state_at(history: &[WalRecord], lsn: u64) -> State {
    let mut state = State::new();
    for record in &history[..lsn as usize] {
        apply(&mut state, record);
    }
    state
}
