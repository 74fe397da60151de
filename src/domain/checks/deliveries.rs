//! Whether the buyer acknowledged each document absim sent for the order,
//! and whether any is still owed.

use super::evidence::Evidence;
use super::outcome::{Check, Outcome};
use crate::domain::delivery::{Attempt, Delivery, DeliveryKind, DeliveryState};
use crate::note;

pub(super) fn check_deliveries(e: &Evidence, checks: &mut Vec<Check>) {
    let Some(plan) = &e.order.fulfilment else {
        return;
    };
    checks.extend(
        e.deliveries
            .iter()
            .map(|(d, attempts)| check_delivery(d, attempts)),
    );
    checks.extend(check_documents_owed(
        1 + plan.steps_after_confirmation(),
        e.deliveries,
    ));
}

/// Where one delivery stands: acknowledged, failed for good, not yet
/// (with the last try's error while absim retries), or beyond checking when
/// the group has no endpoint for it.
pub(super) fn check_delivery(d: &Delivery, attempts: &[Attempt]) -> Check {
    // Ship notices are numbered, as a split order sends several.
    let step = if d.kind == DeliveryKind::ShipNotice {
        format!(" {}", d.step + 1)
    } else {
        String::new()
    };
    let name = format!("{}{step}", d.kind.as_str().replace('_', " "));
    let kind = d.kind.as_str();
    match d.state {
        DeliveryState::Delivered if d.target.is_none() => Check::new(
            &name,
            Outcome::NotApplicable,
            note!("check-delivery-no-endpoint", kind = kind, step = step),
        ),
        DeliveryState::Delivered => Check::pass(
            &name,
            note!(
                "check-delivery-answered",
                kind = kind,
                step = step,
                cxml = d.last_cxml.unwrap_or(200),
                attempt = attempts.len()
            ),
        ),
        DeliveryState::Failed => Check::fail(
            &name,
            note!(
                "check-delivery-failed",
                kind = kind,
                step = step,
                error = d.last_error.clone().unwrap_or_default()
            ),
        ),
        DeliveryState::Pending | DeliveryState::InFlight if d.attempts > 0 => {
            let last = d.last_error.clone().unwrap_or_else(|| {
                format!(
                    "HTTP {}",
                    d.last_http.map_or("-".to_owned(), |h| h.to_string())
                )
            });
            Check::new(
                &name,
                Outcome::Pending,
                note!(
                    "check-delivery-retrying",
                    kind = kind,
                    step = step,
                    attempt = d.attempts,
                    last = last
                ),
            )
        }
        DeliveryState::Pending | DeliveryState::InFlight => Check::new(
            &name,
            Outcome::Pending,
            note!("check-delivery-waiting", kind = kind, step = step),
        ),
    }
}

/// Pending while fewer than the `owed` documents were queued and none
/// failed for good (a failure is reported by its own check).
pub(super) fn check_documents_owed(
    owed: usize,
    deliveries: &[(Delivery, Vec<Attempt>)],
) -> Option<Check> {
    let failed = deliveries
        .iter()
        .any(|(d, _)| d.state == DeliveryState::Failed);
    (deliveries.len() < owed && !failed).then(|| {
        Check::new(
            "documents still owed",
            Outcome::Pending,
            note!("check-documents-owed", count = owed - deliveries.len()),
        )
    })
}
