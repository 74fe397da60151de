//! The documents of an exchange as the test log keeps them: which one a
//! record holds, its bytes as they were, and its listing without the body.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

pub const ALL_DOC_KINDS: [DocKind; 12] = [
    DocKind::SetupRequest,
    DocKind::SetupResponse,
    DocKind::OrderMessage,
    DocKind::OrderRequest,
    DocKind::OrderResponse,
    DocKind::Confirmation,
    DocKind::ConfirmationAnswer,
    DocKind::ShipNotice,
    DocKind::ShipNoticeAnswer,
    DocKind::Invoice,
    DocKind::InvoiceAnswer,
    DocKind::OciCart,
];

/// Which document of an exchange a record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocKind {
    SetupRequest,
    SetupResponse,
    OrderMessage,
    OrderRequest,
    OrderResponse,
    Confirmation,
    ConfirmationAnswer,
    ShipNotice,
    ShipNoticeAnswer,
    Invoice,
    InvoiceAnswer,
    /// An SAP OCI cart: the NEW_ITEM fields, form-encoded.
    OciCart,
}

impl DocKind {
    /// Whether absim wrote it (its answers, the cart it returned, the
    /// documents it sent), rather than received it from the buyer.
    pub fn sent_by_absim(self) -> bool {
        !matches!(
            self,
            DocKind::SetupRequest
                | DocKind::OrderRequest
                | DocKind::ConfirmationAnswer
                | DocKind::ShipNoticeAnswer
                | DocKind::InvoiceAnswer
        )
    }

    pub fn as_str(self) -> &'static str {
        self.file_stem()
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        ALL_DOC_KINDS.into_iter().find(|k| k.as_str() == s)
    }

    pub fn file_stem(self) -> &'static str {
        match self {
            DocKind::SetupRequest => "punchout-setup-request",
            DocKind::SetupResponse => "punchout-setup-response",
            DocKind::OrderMessage => "punchout-order-message",
            DocKind::OrderRequest => "order-request",
            DocKind::OrderResponse => "order-response",
            DocKind::Confirmation => "confirmation-request",
            DocKind::ConfirmationAnswer => "confirmation-answer",
            DocKind::ShipNotice => "ship-notice-request",
            DocKind::ShipNoticeAnswer => "ship-notice-answer",
            DocKind::Invoice => "invoice-detail-request",
            DocKind::InvoiceAnswer => "invoice-answer",
            DocKind::OciCart => "oci-cart",
        }
    }

    /// Documents absim wrote (as opposed to received).
    pub fn is_outbound(self) -> bool {
        matches!(
            self,
            DocKind::SetupResponse
                | DocKind::OrderMessage
                | DocKind::OrderResponse
                | DocKind::Confirmation
                | DocKind::ShipNotice
                | DocKind::Invoice
                | DocKind::OciCart
        )
    }
}

/// A raw document as received or sent, bytes as they were.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: DocKind,
    pub at: DateTime<FixedOffset>,
    /// Shared with the request or the answer it is (no copy of either).
    pub body: bytes::Bytes,
}

impl Document {
    pub fn new(kind: DocKind, body: impl Into<bytes::Bytes>) -> Self {
        Document {
            kind,
            at: crate::cxml::time::now(),
            body: body.into(),
        }
    }
}

/// A stored document without its body (for listings).
#[derive(Debug, Clone)]
pub struct DocumentMeta {
    pub id: i64,
    pub kind: DocKind,
    pub at: DateTime<FixedOffset>,
    pub size: usize,
}
