//! The cXML protocol, pure: no HTTP, no storage.
//!
//! Every document absim reads or writes is a serde model of the cXML 1.2.063 DTD
//! (`Fulfill.dtd` for confirmations and ship notices). Fields are declared in DTD
//! order because quick-xml serialises in field order; optional fields are skipped
//! when empty so that what we emit validates. The same models read inbound
//! documents leniently: nearly everything is optional on the way in, and
//! [`mod@read`] reports what a strict reader would have refused as [`Deviation`]s
//! instead of failing.
//!
//! Data flow: bytes -> [`read::read`] (sniff the envelope, refuse entity
//! declarations, deserialise the payload, collect deviations) -> a typed
//! [`Cxml`] value. Outbound: build a [`Cxml`] value -> [`write::document`] (XML
//! declaration, DOCTYPE, serialised body).
//!
//! The modules depend on each other one way only, bottom up: [`tree`] (an
//! XML element tree that knows nothing of cXML) and `deviation` are leaves;
//! [`common`] and [`time`] model the shared elements and timestamps;
//! [`fast`] reads the shared elements from a tree; each document's module
//! holds its model and, for the two read on every PO and punchout, its fast
//! reader; [`mod@read`] scans, checks and then asks the payload's
//! [`Payload::read_fast`] before falling back to serde; [`mod@write`] writes.
//! Nothing here imports from the rest of absim.

mod child_order;
pub mod common;
pub mod confirmation;
mod deviation;
pub mod fast;
pub mod invoice;
pub mod order_message;
pub mod order_request;
pub mod punchout_setup;
pub mod read;
pub mod ship_notice;
pub mod time;
pub mod tree;
pub mod write;

pub use common::*;
pub use deviation::Deviation;
pub use read::{ReadError, read};

use serde::{Deserialize, Serialize};

/// The cXML version absim declares in every document it writes.
pub const CXML_VERSION: &str = "1.2.063";

/// Which DTD file validates a payload: cXML.dtd for punchout and orders,
/// Fulfill.dtd for confirmations and ship notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dtd {
    Cxml,
    Fulfill,
    /// Invoices: InvoiceDetail.dtd, whose published copy is 1.2.037.
    InvoiceDetail,
}

impl Dtd {
    /// The DTD's address, as the DOCTYPE names it (written out: every
    /// document starts with it, and a test checks it against
    /// [`Dtd::version`]).
    pub fn system_id(self) -> &'static str {
        match self {
            Dtd::Cxml => "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd",
            Dtd::Fulfill => "http://xml.cxml.org/schemas/cXML/1.2.063/Fulfill.dtd",
            Dtd::InvoiceDetail => "http://xml.cxml.org/schemas/cXML/1.2.037/InvoiceDetail.dtd",
        }
    }

    /// The version written in the cXML element.
    pub fn version(self) -> &'static str {
        match self {
            Dtd::InvoiceDetail => "1.2.037",
            _ => CXML_VERSION,
        }
    }
}

/// Where a payload sits in the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Request,
    Message,
    Response,
}

impl Container {
    pub fn element(self) -> &'static str {
        match self {
            Container::Request => "Request",
            Container::Message => "Message",
            Container::Response => "Response",
        }
    }
}

/// A cXML payload type: its element name, where it lives and which DTD
/// validates it.
pub trait Payload: Sized {
    const NAME: &'static str;
    const CONTAINER: Container;
    const DTD: Dtd;

    /// Whether [`Payload::read_fast`] reads this payload: the scan then
    /// builds the document's element tree as it checks it.
    const READS_TREE: bool = false;

    /// A faster reader than serde's for this payload's usual documents,
    /// from the document's element tree, or None to use serde (which is
    /// also what it falls back to).
    fn read_fast(_tree: &tree::Tree<'_>) -> Option<Cxml<Self>> {
        None
    }
}

/// Text read from or written into a document: most values (IDs, codes,
/// dates, credentials) are at most 24 bytes and are kept inline, without
/// an allocation of their own.
pub type Text = compact_str::CompactString;

/// A list that nearly always holds one item (a party's credentials, an
/// item's descriptions and classifications): the one item is kept in
/// place, without an allocation of its own.
pub type Few<T> = smallvec::SmallVec<[T; 1]>;

/// The cXML root. `P` is the payload inside `Request`, `Message` or `Response`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename = "cXML")]
pub struct Cxml<P> {
    #[serde(rename = "@version", skip_serializing_if = "Option::is_none")]
    pub version: Option<Text>,
    #[serde(rename = "@payloadID", default)]
    pub payload_id: Text,
    #[serde(rename = "@timestamp", default)]
    pub timestamp: Text,
    #[serde(rename = "@xml:lang", skip_serializing_if = "Option::is_none")]
    pub lang: Option<Text>,
    #[serde(rename = "Header", skip_serializing_if = "Option::is_none")]
    pub header: Option<Header>,
    #[serde(rename = "Message", skip_serializing_if = "Option::is_none")]
    pub message: Option<Message<P>>,
    #[serde(rename = "Request", skip_serializing_if = "Option::is_none")]
    pub request: Option<Request<P>>,
    #[serde(rename = "Response", skip_serializing_if = "Option::is_none")]
    pub response: Option<Response<P>>,
}

impl<P> Cxml<P> {
    /// The payload, wherever the envelope carries it.
    pub fn payload(&self) -> Option<&P> {
        if let Some(r) = &self.request {
            return Some(&r.payload);
        }
        if let Some(m) = &self.message {
            return Some(&m.payload);
        }
        self.response.as_ref().and_then(|r| r.payload.as_ref())
    }

    /// `deploymentMode` of a Request or Message (`production` when absent, as
    /// the DTD defaults it).
    pub fn deployment_mode(&self) -> &str {
        self.request
            .as_ref()
            .and_then(|r| r.deployment_mode.as_deref())
            .or_else(|| {
                self.message
                    .as_ref()
                    .and_then(|m| m.deployment_mode.as_deref())
            })
            .unwrap_or("production")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request<P> {
    #[serde(
        rename = "@deploymentMode",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub deployment_mode: Option<Text>,
    #[serde(rename = "$value")]
    pub payload: P,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message<P> {
    #[serde(
        rename = "@deploymentMode",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub deployment_mode: Option<String>,
    #[serde(
        rename = "@inReplyTo",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub in_reply_to: Option<String>,
    /// 204 on an empty cart: the session ended without items.
    #[serde(rename = "Status", skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(rename = "$value")]
    pub payload: P,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Response<P> {
    #[serde(rename = "Status")]
    pub status: Status,
    #[serde(
        rename = "$value",
        skip_serializing_if = "Option::is_none",
        default = "none"
    )]
    pub payload: Option<P>,
}

/// A payload type for envelopes that carry none (a bare Status response).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Empty {}

impl Payload for Empty {
    const NAME: &'static str = "Status";
    const CONTAINER: Container = Container::Response;
    const DTD: Dtd = Dtd::Cxml;
}

fn none<T>() -> Option<T> {
    None
}
