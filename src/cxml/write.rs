//! Strict writing: every document starts with the XML declaration and the
//! DOCTYPE of the DTD that validates it, and carries a unique payloadID and a
//! numeric-offset timestamp.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use super::{Cxml, Header, Payload, Request, Response, Status, time};

/// Serialises a document with its declaration and DOCTYPE.
pub fn document<P: Payload + Serialize>(doc: &Cxml<P>) -> String {
    let mut out = String::with_capacity(2048);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<!DOCTYPE cXML SYSTEM \"{}\">", P::DTD.system_id());
    let mut ser = quick_xml::se::Serializer::with_root(&mut out, Some("cXML"))
        .expect("cXML is a valid root name");
    ser.indent(' ', 2);
    // The models are absim's own and every shape is covered by tests: a
    // failure here is a bug in absim, not bad input.
    doc.serialize(ser)
        .expect("absim's cXML models always serialise");
    out.push('\n');
    out
}

/// Makes payloadIDs in the recommended `datetime.process.random@host` form,
/// where the process is the replica's id: unique within a process by a
/// counter, across processes by the replica id, across runs by time and
/// randomness.
#[derive(Debug)]
pub struct PayloadIds {
    replica: String,
    host: String,
    counter: AtomicU64,
}

impl PayloadIds {
    pub fn new(replica: &str, host: impl Into<String>) -> Self {
        PayloadIds {
            // Only what a payloadID may carry: no '@' or spaces.
            replica: replica
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect(),
            host: host.into(),
            counter: AtomicU64::new(0),
        }
    }

    pub fn next(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let ms = chrono::Utc::now().timestamp_millis();
        let r: u32 = rand::random::<u32>() % 10_000;
        // Sized once: `format!` grew its buffer twice for an id this long.
        // 48 bytes hold the numbers and the separators.
        let mut id = String::with_capacity(48 + self.replica.len() + self.host.len());
        let _ = write!(id, "{ms}.{}.{n}.{r:04}@{}", self.replica, self.host);
        id
    }
}

/// A Request envelope with a fresh payloadID and the current time.
pub fn request<P>(
    payload_id: String,
    header: Header,
    deployment_mode: &str,
    payload: P,
) -> Cxml<P> {
    Cxml {
        version: Some(super::CXML_VERSION.into()),
        payload_id: payload_id.into(),
        timestamp: time::format(&time::now()).into(),
        lang: Some("ja-JP".into()),
        header: Some(header),
        message: None,
        request: Some(Request {
            deployment_mode: Some(deployment_mode.into()),
            payload,
        }),
        response: None,
    }
}

/// A Response envelope: a Status and, on success, a payload.
pub fn response<P: Payload>(payload_id: String, status: Status, payload: Option<P>) -> Cxml<P> {
    Cxml {
        version: Some(P::DTD.version().into()),
        payload_id: payload_id.into(),
        timestamp: time::format(&time::now()).into(),
        lang: Some("ja-JP".into()),
        header: None,
        message: None,
        request: None,
        response: Some(Response { status, payload }),
    }
}

#[cfg(test)]
mod tests {
    use super::PayloadIds;

    #[test]
    fn payload_ids_are_unique_well_formed_and_written_in_one_allocation() {
        let ids = PayloadIds::new("replica a@1", "absim.example.jp");
        let (first, second) = (ids.next(), ids.next());
        assert_ne!(first, second);
        let (left, host) = first.split_once('@').unwrap();
        assert_eq!(host, "absim.example.jp");
        let parts: Vec<&str> = left.split('.').collect();
        assert_eq!(parts.len(), 4, "{first}");
        assert_eq!(parts[1], "replica-a-1", "no '@' or space from the replica");
        assert!(parts[0].len() >= 13 && parts[3].len() == 4, "{first}");
        assert_eq!(first.capacity(), 48 + "replica-a-1".len() + host.len());
    }
}
