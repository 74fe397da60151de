//! What the checks look at: the order and everything recorded around it.

use crate::domain::delivery::{Attempt, Delivery};
use crate::domain::fault::FaultRecord;
use crate::domain::order::Order;
use crate::domain::pricing::Currency;
use crate::domain::scenario::Scenario;
use crate::domain::session::{ReturnedLine, Session};

/// What the checks look at.
pub struct Evidence<'a> {
    pub order: &'a Order,
    pub scenario: &'a Scenario,
    /// The currency of the group's store, the cart's.
    pub currency: &'a Currency,
    /// The order's punchout session.
    pub session: Option<&'a Session>,
    /// Every session of the same cart (the create, and any edit or inspect).
    pub cart_sessions: &'a [std::sync::Arc<Session>],
    pub deliveries: &'a [(Delivery, Vec<Attempt>)],
    /// Faults injected into the group's PO answers.
    pub faults: &'a [FaultRecord],
}

/// The last cart returned among the cart's sessions.
pub(super) fn last_cart<'a>(e: &'a Evidence) -> Option<&'a [ReturnedLine]> {
    e.cart_sessions
        .iter()
        .map(|s| &**s)
        .chain(e.session)
        .flat_map(|s| s.returns.iter())
        .max_by_key(|r| r.sent_at)
        .map(|r| r.lines.as_slice())
}
