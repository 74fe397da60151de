//! Purchase orders: the checks an OrderRequest passes before absim answers
//! `200 OK` (`validate`), the PO line (`line`), the order as the test log
//! keeps it (`record`), why a PO is refused (`rejection`), and the documents
//! exchanged for it (`document`).

mod document;
/// Visible to the rest of `domain` so that `fulfilment` names the line
/// without the record, which holds the fulfilment plan.
pub(super) mod line;
mod record;
mod rejection;
mod validate;

pub use document::{ALL_DOC_KINDS, DocKind, Document, DocumentMeta};
pub use line::{OrderLine, price_order};
pub use record::{Mark, Order, TestResult};
pub use rejection::{Refusal, Rejection};
pub use validate::{MAX_LINES, ValidOrder, header_deviations, sender_matches, validate_order};

#[cfg(test)]
mod tests;
