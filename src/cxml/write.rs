//! Strict writing: every document starts with the XML declaration and the
//! DOCTYPE of the DTD that validates it, and carries a unique payloadID and a
//! numeric-offset timestamp.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use super::{Cxml, Empty, Header, Payload, Request, Response, Status, time};

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

/// A Response that carries only a Status (what absim answers to every PO,
/// accepted or refused): the document [`document`] writes for
/// `response::<Empty>(payload_id, status, None)`, written straight into one
/// buffer. The serde serialiser buffers each element's children in a
/// String of its own and grows it as it goes, which every PO's answer
/// would pay for a document of a few lines. Values are escaped by
/// quick-xml (attributes fully, text as the serialiser does).
pub fn status_document(payload_id: &str, status: &Status) -> String {
    use quick_xml::escape::{escape, partial_escape};
    let dtd = Empty::DTD;
    let timestamp = time::stamp(&time::now());
    let mut out =
        String::with_capacity(320 + payload_id.len() + status.text.len() + status.message.len());
    // Writing into a String cannot fail.
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE cXML SYSTEM \"{}\">\n\
         <cXML version=\"{}\" payloadID=\"{}\" timestamp=\"{timestamp}\" xml:lang=\"ja-JP\">\n  \
         <Response>\n    <Status code=\"{}\" text=\"{}\"",
        dtd.system_id(),
        dtd.version(),
        escape(payload_id),
        status.code,
        escape(&status.text),
    );
    if let Some(lang) = &status.lang {
        let _ = write!(out, " xml:lang=\"{}\"", escape(lang));
    }
    if status.message.is_empty() {
        out.push_str("/>");
    } else {
        let _ = write!(out, ">{}</Status>", partial_escape(&status.message));
    }
    out.push_str("\n  </Response>\n</cXML>\n");
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
        // Sized once, so that the buffer never grows as `format!`'s would:
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
    use super::*;
    use crate::cxml::Dtd;

    #[test]
    fn each_dtd_address_names_the_version_written_beside_it() {
        for dtd in [Dtd::Cxml, Dtd::Fulfill, Dtd::InvoiceDetail] {
            let file = dtd.system_id().rsplit('/').next().unwrap();
            assert_eq!(
                dtd.system_id(),
                format!("http://xml.cxml.org/schemas/cXML/{}/{file}", dtd.version())
            );
        }
    }

    /// The serde writer's document for the same Status, its timestamp
    /// replaced by `written`'s (the two are taken moments apart).
    fn by_serde(written: &str, payload_id: &str, status: &Status) -> String {
        let doc = document(&response::<Empty>(payload_id.into(), status.clone(), None));
        let stamp = |d: &str| d.split("timestamp=\"").nth(1).unwrap()[..25].to_owned();
        doc.replace(&stamp(&doc), &stamp(written))
    }

    #[test]
    fn a_status_document_is_the_serde_writers_document() {
        let statuses = [
            Status::ok(),
            Status::new(
                400,
                "Bad Request",
                "the body is empty; expected a cXML document",
            ),
            Status::new(
                406,
                "Not Acceptable",
                "expected <OrderRequest> & got \"<Foo>\" (注文: ＡＢＣ)",
            ),
            Status {
                code: 200,
                text: "OK".into(),
                lang: Some("ja".into()),
                message: "受け付けました".into(),
            },
        ];
        for status in &statuses {
            let id = "1.2.3@absim<&>";
            let written = status_document(id, status);
            assert_eq!(written, by_serde(&written, id, status));
            let read = crate::cxml::read::read_status(written.as_bytes()).unwrap();
            assert_eq!(&read, status);
        }
    }

    #[test]
    fn a_status_document_escapes_an_apostrophe_the_serde_writer_keeps() {
        let status = Status::new(500, "Internal Server Error", "it's");
        let written = status_document("a'b@absim", &status);
        assert!(
            written.contains("payloadID=\"a&apos;b@absim\""),
            "{written}"
        );
        assert_eq!(
            written.replace("&apos;", "'"),
            by_serde(&written, "a'b@absim", &status)
        );
        assert_eq!(
            crate::cxml::read::read_status(written.as_bytes()).unwrap(),
            status
        );
    }

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
