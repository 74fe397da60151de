//! The values the store takes and gives, whatever the engine: errors,
//! filters, what a write needs, what a read returns.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::domain::delivery::{Attempt, Delivery, DeliveryKind, DeliveryState};
pub use crate::domain::intake::Duplicate;
use crate::domain::order::{DocumentMeta, TestResult};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database error: {0}")]
    Postgres(String),
    /// The database cannot be reached (PostgreSQL down, the pool unable to
    /// connect): a request may succeed when sent again.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("the store is closed")]
    Closed,
    #[error("{0}")]
    Internal(String),
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    /// An id another order has (the database's unique indexes say so).
    #[error(transparent)]
    Duplicate(#[from] Duplicate),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a group change was not saved: a rule it broke (readable, for the
/// person who asked) or the store failing.
#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    #[error("{0}")]
    Refused(crate::i18n::Note),
    /// The system login another group has.
    #[error("{}", crate::domain::account::identity_taken(.0))]
    IdentityTaken(String),
    #[error("there is no group {0}")]
    NotFound(u32),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl GroupError {
    /// What people read, in their language ("the settings could not be
    /// saved" for a failing store, whose cause is logged instead).
    pub fn note(&self) -> crate::i18n::Note {
        match self {
            GroupError::Store(e) => {
                tracing::error!(error = %e, "a group change could not be saved");
                crate::note!("settings-not-saved")
            }
            GroupError::Refused(note) => note.clone(),
            GroupError::IdentityTaken(identity) => crate::domain::account::identity_taken(identity),
            GroupError::NotFound(id) => crate::note!("group-not-found", id = *id),
        }
    }

    /// [`GroupError::note`] in English, for the JSON API and the logs.
    pub fn message(&self) -> String {
        self.note().to_string()
    }
}

/// Why a run was not opened.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("there is no group {0}")]
    NoGroup(u32),
    #[error(
        "run {0} is still open for this group: wait for its verdict or cancel it (DELETE /api/v1/runs/{0})"
    )]
    Busy(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which journal entries to read: each field narrows, and the default reads
/// every entry.
#[derive(Debug, Clone, Default)]
pub struct JournalFilter {
    /// `in` or `out`.
    pub direction: Option<String>,
    /// A part of the path or URL.
    pub target: Option<String>,
    pub status: Option<u16>,
    /// Filed under this group (a refused punchout is filed under the group
    /// whose system login it carried).
    pub group: Option<u32>,
    /// Answered with a status of 400 or above.
    pub refused: bool,
}

/// Filters of the test log and the order search.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub scenario: Option<String>,
    /// Matches the order number, confirmID, ASINs and descriptions.
    pub text: Option<String>,
    pub order_id: Option<String>,
    pub asin: Option<String>,
    /// None: any; Some(None): unmarked; Some(Some(r)): marked r.
    pub result: Option<Option<TestResult>>,
}

/// A delivery to queue.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub kind: DeliveryKind,
    /// Which ship notice (0 for the others).
    pub step: u32,
    pub due_at_ms: i64,
    pub target: Option<String>,
}

/// How an attempt ended, for [`super::Store::finish_attempt`].
#[derive(Debug, Clone)]
pub struct AttemptResult {
    pub attempt: Attempt,
    /// Where it was posted (None: no endpoint, nothing posted).
    pub target: Option<String>,
    pub state: DeliveryState,
    /// For a retry: when.
    pub next_due_ms: Option<i64>,
    /// What to queue once this one is delivered (the ship notice after the
    /// confirmation).
    pub follow_up: Option<NewDelivery>,
}

/// A stored document with its body and owners.
#[derive(Debug, Clone)]
pub struct StoredDocument {
    pub meta: DocumentMeta,
    pub order_no: Option<u64>,
    pub session_id: Option<String>,
    pub body: Vec<u8>,
}

/// One HTTP exchange of the journal.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub at: DateTime<FixedOffset>,
    /// `in` (a request to absim) or `out` (absim's post to a buyer).
    pub direction: crate::cxml::Text,
    pub method: crate::cxml::Text,
    /// The path (inbound) or URL (outbound).
    pub target: String,
    pub status: Option<u16>,
    pub group_id: Option<u32>,
    /// Why a request matched nothing, or what went wrong.
    pub note: Option<String>,
    pub request: bytes::Bytes,
    pub response: bytes::Bytes,
    /// When recording: the document that already holds the request (a PO,
    /// a delivered confirmation), so the journal refers to it and does not
    /// store `request`. Always None when read: `request` has the body.
    pub request_doc: Option<i64>,
    /// The same for the response (absim's answer to a PO, the buyer's
    /// answer to a delivery).
    pub response_doc: Option<i64>,
    /// The absim process that handled it (set by the store when
    /// recording; shared, so that recording an exchange copies no text).
    pub replica: Arc<str>,
}

/// The ids of the documents holding an exchange's request and response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredBodies {
    pub request: i64,
    pub response: i64,
}

/// An order row as read: number, JSON body, and the mark's columns.
pub(crate) type OrderRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A delivery taken by [`super::Store::claim_due`], with its order's row.
#[derive(Debug)]
pub struct ClaimedDelivery {
    pub delivery: Delivery,
    pub(crate) row: Option<OrderRow>,
}

/// An e-mail in the outbox.
#[derive(Debug, Clone)]
pub struct Mail {
    pub id: i64,
    pub group_id: u32,
    pub order_no: Option<u64>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<FixedOffset>,
    /// `none` (no SMTP server), `sent` or `failed`.
    pub smtp: String,
    pub smtp_error: Option<String>,
}

/// The outbound queue at a glance, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueStats {
    /// Deliveries pending or being posted.
    pub depth: u64,
    /// When the earliest pending delivery was due (Unix ms).
    pub oldest_due_ms: Option<i64>,
}

/// How much the store keeps: the data-retention settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Retention {
    /// Delete orders received more than this many days ago.
    pub days: Option<u32>,
    /// Keep at most this many orders per group (the newest).
    pub orders_per_group: Option<u64>,
    /// Marked orders may go too (by default they stay).
    pub marked: bool,
    /// Delete journal entries older than this many days.
    pub journal_days: Option<u32>,
    /// Keep at most this many journal entries (the newest).
    pub journal_entries: Option<u64>,
}

impl Retention {
    pub fn is_off(&self) -> bool {
        self.days.is_none()
            && self.orders_per_group.is_none()
            && self.journal_days.is_none()
            && self.journal_entries.is_none()
    }
}

/// What one retention pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retained {
    pub orders: u64,
    pub journal: u64,
}

/// The connection pool at a glance, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open.
    pub size: u64,
    /// Connections lent out now.
    pub in_use: u64,
    /// Callers waiting for a connection.
    pub waiting: u64,
}
