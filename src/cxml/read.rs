//! Lenient reading: accept what real buyers send where the meaning is clear,
//! and name every departure from the DTD as a [`Deviation`].
//!
//! A raw quick-xml scan (fast, no allocation per element) checks
//! well-formedness, refuses entity declarations (billion laughs, XXE:
//! nothing is ever expanded or fetched), bounds the depth, and finds the
//! root and the payload element. For an OrderRequest (every PO) and a
//! PunchOutSetupRequest (every punchout) the same pass builds the element
//! tree ([`Tree`]) that the payload's fast reader
//! ([`Payload::read_fast`]) makes the typed model from: the document
//! is tokenised once. Other payloads, and documents the fast
//! reader gives up on, are deserialised by serde in a second pass.

use std::num::NonZeroUsize;

use arrayvec::ArrayVec;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::de::DeserializeOwned;

use super::child_order::{OrderTrack, check_child_order};
use super::deviation::Deviation;
use super::time::parse_lenient;
use super::tree::{MAX_DEPTH, Tree, TreeBuilder};
use super::{Container, Cxml, Payload, Status, Text};

/// Events the deserialiser may buffer to read out-of-order lists.
const EVENT_BUFFER: usize = 200_000;

/// Why a body could not be read as the expected cXML document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the request body is empty; expected a cXML document")]
    Empty,
    #[error("the body is not valid UTF-8 ({0})")]
    NotUtf8(String),
    #[error(
        "the DOCTYPE declares entities; absim never expands or fetches entities (billion laughs, XXE)"
    )]
    EntityDeclared,
    #[error("the body is not well-formed XML: {0}")]
    NotXml(String),
    #[error("elements nest deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("the root element is <{0}>; a cXML document starts with <cXML>")]
    WrongRoot(String),
    #[error("expected a {expected} in <{container}>, received {found}")]
    WrongPayload {
        expected: &'static str,
        container: &'static str,
        found: String,
    },
    #[error("the document does not fit the cXML model: {0}")]
    Malformed(String),
}

impl ReadError {
    /// The cXML Status that answers this error.
    pub fn status(&self) -> Status {
        let (code, text) = match self {
            ReadError::WrongPayload { .. } | ReadError::WrongRoot(_) => (406, "Not Acceptable"),
            _ => (400, "Bad Request"),
        };
        Status::new(code, text, self.to_string())
    }
}

/// A document as read, with what a strict reader would have refused.
#[derive(Debug, Clone)]
pub struct Inbound<P> {
    pub doc: Cxml<P>,
    pub deviations: Vec<Deviation>,
}

/// What the raw scan learned about the envelope.
#[derive(Debug, Default)]
struct Sniff {
    root: Text,
    container: Option<Text>,
    payload: Option<Text>,
}

/// Reads a cXML document whose payload must be `P`.
pub fn read<P: Payload + DeserializeOwned>(bytes: &[u8]) -> Result<Inbound<P>, ReadError> {
    let mut deviations = Vec::new();
    let text = decode(bytes, &mut deviations)?;
    let tree = checked::<P>(&text, &mut deviations)?;
    let doc = match tree.as_ref().and_then(P::read_fast) {
        Some(doc) => doc,
        None => deserialize(&text)?,
    };
    check_envelope(&doc, &mut deviations);
    Ok(Inbound { doc, deviations })
}

/// For tests and the `cxml_read` fuzz target: on a document that [`read`]
/// gets as far as deserialising, whether the payload's fast reader answered
/// (`Ok(true)`) or gave up (`Ok(false)`); `Err` when it answered something
/// other than the serde deserialiser.
#[doc(hidden)]
pub fn fast_reader_agrees<P>(bytes: &[u8]) -> Result<bool, String>
where
    P: Payload + DeserializeOwned + std::fmt::Debug,
{
    let mut deviations = Vec::new();
    let Ok(text) = decode(bytes, &mut deviations) else {
        return Ok(false);
    };
    let Ok(Some(tree)) = checked::<P>(&text, &mut deviations) else {
        return Ok(false);
    };
    let Some(fast) = P::read_fast(&tree) else {
        return Ok(false);
    };
    match deserialize::<P>(&text) {
        Ok(reference) if format!("{reference:?}") == format!("{fast:?}") => Ok(true),
        Ok(reference) => Err(format!("fast reader: {fast:#?}\nserde: {reference:#?}")),
        Err(e) => Err(format!("fast reader: {fast:#?}\nserde refused it: {e}")),
    }
}

/// Scans a decoded document and checks that its payload is `P`; returns
/// its element tree when `P` is read from one and the tree could be built.
fn checked<'a, P: Payload>(
    text: &'a str,
    deviations: &mut Vec<Deviation>,
) -> Result<Option<Tree<'a>>, ReadError> {
    let mut tree = P::READS_TREE.then(|| TreeBuilder::new(text));
    let sniff = scan(text, deviations, &mut tree)?;

    if sniff.root != "cXML" {
        if sniff.root.eq_ignore_ascii_case("cxml") {
            deviations.push(
                Deviation::new(
                    "root-case",
                    format!("the root element is spelled <{}>, not <cXML>", sniff.root),
                )
                .with("root", sniff.root),
            );
        } else {
            return Err(ReadError::WrongRoot(sniff.root.into()));
        }
    }
    let expected_container = P::CONTAINER.element();
    let payload_matches = sniff.container.as_deref() == Some(expected_container)
        && match &sniff.payload {
            Some(p) => p == P::NAME,
            // A bare Status response carries no payload element.
            None => P::CONTAINER == Container::Response && P::NAME == "Status",
        };
    if !payload_matches {
        let found = match (&sniff.container, &sniff.payload) {
            (Some(c), Some(p)) => format!("<{p}> in <{c}>"),
            (Some(c), None) => format!("an empty <{c}>"),
            (None, _) => "no Request, Message or Response".to_owned(),
        };
        return Err(ReadError::WrongPayload {
            expected: P::NAME,
            container: expected_container,
            found,
        });
    }
    Ok(tree.and_then(TreeBuilder::finish))
}

/// The reference reader: quick-xml's serde deserialiser over the models.
pub(crate) fn deserialize<P: DeserializeOwned>(text: &str) -> Result<Cxml<P>, ReadError> {
    let mut de = quick_xml::de::Deserializer::from_str(text);
    de.event_buffer_size(NonZeroUsize::new(EVENT_BUFFER));
    serde::Deserialize::deserialize(&mut de).map_err(|e| ReadError::Malformed(e.to_string()))
}

/// The name of the payload element (what kind of document this is).
pub fn payload_name(bytes: &[u8]) -> Result<String, ReadError> {
    let mut deviations = Vec::new();
    let text = decode(bytes, &mut deviations)?;
    let sniff = scan(&text, &mut deviations, &mut None)?;
    if !sniff.root.eq_ignore_ascii_case("cxml") {
        return Err(ReadError::WrongRoot(sniff.root.into()));
    }
    sniff
        .payload
        .map(String::from)
        .or(sniff.container.map(|c| format!("an empty {c}")))
        .ok_or_else(|| ReadError::Malformed("no Request, Message or Response".into()))
}

/// Reads only the Status of a Response (what a buyer answers to a
/// confirmation or a ship notice).
pub fn read_status(bytes: &[u8]) -> Result<Status, ReadError> {
    let mut deviations = Vec::new();
    let text = decode(bytes, &mut deviations)?;
    let text: &str = &text;
    let sniff = scan(text, &mut deviations, &mut None)?;
    if !sniff.root.eq_ignore_ascii_case("cxml") {
        return Err(ReadError::WrongRoot(sniff.root.into()));
    }
    if sniff.container.as_deref() != Some("Response") {
        return Err(ReadError::WrongPayload {
            expected: "Status",
            container: "Response",
            found: sniff
                .container
                .map_or_else(|| "nothing".into(), String::from),
        });
    }
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(rename = "Response")]
        response: ResponseStatus,
    }
    #[derive(serde::Deserialize)]
    struct ResponseStatus {
        #[serde(rename = "Status")]
        status: Status,
    }
    let env: Envelope =
        quick_xml::de::from_str(text).map_err(|e| ReadError::Malformed(e.to_string()))?;
    Ok(env.response.status)
}

/// The encoding named in the XML declaration, if any (the declaration is
/// ASCII in every encoding cXML senders use).
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(256)];
    let head = String::from_utf8_lossy(head);
    let decl = head.strip_prefix("<?xml")?;
    let end = decl.find("?>")?;
    let decl = &decl[..end];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_owned())
}

/// Turns the body into text: UTF-8 as sent, or the declared encoding
/// (Shift_JIS, EUC-JP, ...) decoded with encoding_rs.
fn decode<'a>(
    bytes: &'a [u8],
    deviations: &mut Vec<Deviation>,
) -> Result<std::borrow::Cow<'a, str>, ReadError> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            deviations.push(Deviation::new(
                "bom",
                "the body starts with a UTF-8 byte order mark",
            ));
            rest
        }
        None => bytes,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty);
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(std::borrow::Cow::Borrowed(text)),
        Err(e) => e,
    };
    let declared = declared_encoding(bytes);
    let encoding = declared
        .as_deref()
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .filter(|e| *e != encoding_rs::UTF_8);
    let Some(encoding) = encoding else {
        return Err(ReadError::NotUtf8(match declared {
            Some(label) => format!(
                "invalid byte at offset {}; the declared encoding '{label}' is not one absim can decode; send UTF-8",
                utf8_error.valid_up_to()
            ),
            None => format!(
                "invalid byte at offset {}; send UTF-8 (or declare the encoding, e.g. Shift_JIS)",
                utf8_error.valid_up_to()
            ),
        }));
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(ReadError::NotUtf8(format!(
            "the body is declared {} but has bytes that are not {}",
            encoding.name(),
            encoding.name()
        )));
    }
    deviations.push(
        Deviation::new(
            "encoding-decoded",
            format!(
                "the document is encoded in {}; absim decoded it (cXML senders should use UTF-8)",
                encoding.name()
            ),
        )
        .with("encoding", encoding.name()),
    );
    Ok(std::borrow::Cow::Owned(text.into_owned()))
}

/// The whitespace a reader that trims text at its start skipped at `at`,
/// the end of the event before (markup or a reference; after a text event
/// it skips nothing): the text event a reader that does not trim would have
/// returned, or begun its next text event with. Fed to the tree as that
/// event, it reads the document exactly as without trimming.
#[inline]
fn skipped(text: &str, at: usize) -> &str {
    let rest = text.as_bytes().get(at..).unwrap_or_default();
    let n = rest
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .count();
    // XML whitespace is ASCII: both ends are character boundaries.
    text.get(at..at + n).unwrap_or_default()
}

fn line_of(text: &str, pos: u64) -> usize {
    let pos = (pos as usize).min(text.len());
    text.as_bytes()[..pos]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Checks a document in one pass over its events; `tree`, when given, is
/// fed every event (and dropped when it gives up).
fn scan<'a>(
    text: &'a str,
    deviations: &mut Vec<Deviation>,
    tree: &mut Option<TreeBuilder<'a>>,
) -> Result<Sniff, ReadError> {
    let mut reader = quick_xml::Reader::from_str(text);
    // Whitespace that starts a text run is skipped rather than returned as
    // an event of its own: in an indented document most events would be
    // the blanks between elements, which only the tree looks at. It gets
    // them back from the text (see `skipped`).
    reader.config_mut().trim_text_start = true;
    let mut after_text = false;
    let mut checks = Checks::default();
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            ReadError::NotXml(format!(
                "{e} (line {})",
                line_of(text, reader.error_position())
            ))
        })?;
        if let Some(builder) = tree {
            let blank = || if after_text { "" } else { skipped(text, at) };
            if builder.feed_trimmed(blank, &event).is_none() {
                *tree = None;
            }
        }
        after_text = matches!(event, Event::Text(_));
        let line = || line_of(text, reader.buffer_position());
        match event {
            Event::Decl(d) => checks.declaration(&d, deviations),
            Event::DocType(d) => checks.doctype(d, deviations)?,
            Event::Start(e) => checks.open_element(e.name().into_inner(), deviations, line)?,
            Event::Empty(e) => checks.empty_element(e.name().into_inner(), deviations),
            Event::End(_) => {
                checks.open.pop();
            }
            Event::GeneralRef(r) if !r.is_char_ref() => check_entity(&r, line)?,
            Event::Eof if !checks.open.is_empty() => {
                return Err(cut_off(checks.open.len(), line()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    checks.finish(deviations)?;
    Ok(checks.sniff)
}

/// What the scan has seen so far, and the checks it makes event by event.
#[derive(Default)]
struct Checks {
    sniff: Sniff,
    /// One entry per open element (its length is the depth, bounded by
    /// MAX_DEPTH): Some when its children's order is checked.
    open: ArrayVec<Option<OrderTrack>, MAX_DEPTH>,
    /// The parents whose children's order was already reported.
    reported: Vec<&'static str>,
    saw_decl: bool,
    saw_doctype: bool,
}

impl Checks {
    /// The XML declaration: noted, and its encoding checked.
    fn declaration(&mut self, d: &BytesDecl<'_>, deviations: &mut Vec<Deviation>) {
        self.saw_decl = true;
        if let Some(Ok(encoding)) = d.encoding() {
            check_declared_encoding(&encoding, deviations);
        }
    }

    /// The DOCTYPE: noted, refused when it declares entities, and its
    /// host's spelling checked.
    fn doctype(
        &mut self,
        d: BytesText<'_>,
        deviations: &mut Vec<Deviation>,
    ) -> Result<(), ReadError> {
        self.saw_doctype = true;
        let body = d.into_inner();
        if body.contains("<!ENTITY") {
            return Err(ReadError::EntityDeclared);
        }
        check_doctype(&body, deviations);
        Ok(())
    }

    /// An element opens: noted for the envelope, its place among its
    /// siblings checked (a finding gets the line), and refused past
    /// [`MAX_DEPTH`].
    fn open_element(
        &mut self,
        name: &str,
        deviations: &mut Vec<Deviation>,
        line: impl Fn() -> usize,
    ) -> Result<(), ReadError> {
        note_element(&mut self.sniff, self.open.len(), name);
        let before = deviations.len();
        check_child_order(&mut self.open, &mut self.reported, deviations, name);
        if deviations.len() > before
            && let Some(d) = deviations.last_mut()
        {
            d.line = Some(line());
        }
        self.open
            .try_push(OrderTrack::of(name))
            .map_err(|_| ReadError::TooDeep)
    }

    /// An empty element: noted for the envelope, its place checked.
    fn empty_element(&mut self, name: &str, deviations: &mut Vec<Deviation>) {
        note_element(&mut self.sniff, self.open.len(), name);
        check_child_order(&mut self.open, &mut self.reported, deviations, name);
    }

    /// What the end of a well-formed document decides: it must have had a
    /// root; a missing declaration or DOCTYPE is a deviation.
    fn finish(&self, deviations: &mut Vec<Deviation>) -> Result<(), ReadError> {
        if self.sniff.root.is_empty() {
            return Err(ReadError::NotXml("no root element".into()));
        }
        if !self.saw_decl {
            deviations.push(Deviation::new(
                "no-xml-declaration",
                "the document has no XML declaration (<?xml version=\"1.0\" encoding=\"UTF-8\"?>)",
            ));
        }
        if !self.saw_doctype {
            deviations.push(Deviation::new(
                "no-doctype",
                "the document has no DOCTYPE naming the cXML DTD",
            ));
        }
        Ok(())
    }
}

/// A document that ends with elements still open.
fn cut_off(open: usize, line: usize) -> ReadError {
    ReadError::NotXml(format!(
        "the document ends with {open} element(s) still open (line {line}); was it cut off?"
    ))
}

/// A declared encoding other than UTF-8 on a body that is valid UTF-8 (and
/// so was not decoded from it) is read as UTF-8 and noted.
fn check_declared_encoding(encoding: &str, deviations: &mut Vec<Deviation>) {
    let encoding = encoding.to_ascii_lowercase();
    let decoded = deviations.iter().any(|d| d.code == "encoding-decoded");
    if encoding != "utf-8" && encoding != "utf8" && !decoded {
        deviations.push(Deviation::new(
            "encoding-declared",
            format!(
                "the XML declaration says encoding=\"{encoding}\" but the body is valid UTF-8; read as UTF-8"
            ),
        )
        .with("encoding", encoding));
    }
}

/// Refuses a reference to an entity other than XML's five: nothing else is
/// ever declared, since declarations are refused.
fn check_entity(name: &str, line: impl Fn() -> usize) -> Result<(), ReadError> {
    if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") {
        return Ok(());
    }
    Err(ReadError::NotXml(format!(
        "the entity &{name}; is not declared (line {}); absim knows only &amp; &lt; &gt; &quot; &apos; and character references",
        line()
    )))
}

/// Records the root (depth 0), the container (depth 1) and the payload (the
/// first element in the container other than its Status).
fn note_element(sniff: &mut Sniff, depth: usize, name: &str) {
    match depth {
        0 => sniff.root = name.into(),
        1 if matches!(name, "Request" | "Message" | "Response") => {
            sniff.container = Some(name.into());
        }
        2 if sniff.container.is_some() && sniff.payload.is_none() && name != "Status" => {
            sniff.payload = Some(name.into());
        }
        _ => {}
    }
}

fn check_doctype(body: &str, deviations: &mut Vec<Deviation>) {
    const HOST: &str = "xml.cxml.org";
    let found = body
        .as_bytes()
        .windows(HOST.len())
        .position(|w| w.eq_ignore_ascii_case(HOST.as_bytes()));
    if let Some(i) = found {
        let host = &body[i..i + HOST.len()];
        if host != "xml.cxml.org" {
            deviations.push(Deviation::new(
                "doctype-host-case",
                format!(
                    "the DOCTYPE names the host '{host}'; the canonical spelling is xml.cxml.org"
                ),
            )
            .with("host", host));
        }
    }
}

/// Envelope checks every inbound document gets: timestamp form, UserAgent,
/// credential domains.
fn check_envelope<P>(doc: &Cxml<P>, deviations: &mut Vec<Deviation>) {
    if doc.timestamp.trim().is_empty() {
        deviations.push(Deviation::new(
            "no-timestamp",
            "the cXML element has no timestamp attribute",
        ));
    } else {
        match parse_lenient(&doc.timestamp) {
            Ok((_, Some(dev))) => deviations.push(
                Deviation::new(
                    "timestamp-form",
                    format!("timestamp '{}' {}", doc.timestamp, dev.describe()),
                )
                .with("timestamp", &doc.timestamp)
                .with("form", dev.as_str()),
            ),
            Ok((_, None)) => {}
            Err(e) => deviations.push(Deviation::new("timestamp-unreadable", &e).with("detail", e)),
        }
    }
    let Some(header) = &doc.header else {
        if doc.response.is_none() {
            deviations.push(Deviation::new("no-header", "the document has no Header"));
        }
        return;
    };
    if header
        .sender
        .user_agent
        .as_deref()
        .is_none_or(|u| u.trim().is_empty())
    {
        deviations.push(Deviation::new(
            "no-user-agent",
            "Sender has no UserAgent (required by the DTD)",
        ));
    }
    let all = header
        .from
        .credentials
        .iter()
        .chain(&header.to.credentials)
        .chain(&header.sender.credentials);
    for c in all {
        if c.domain == "NetworkID" {
            deviations.push(Deviation::new(
                "networkid-case",
                "a Credential uses domain \"NetworkID\"; Amazon writes \"NetworkId\" (accepted either way)",
            ));
            break;
        }
    }
}

#[cfg(test)]
mod tests;
