//! The checks a scenario asks for beyond the standard ones: what it
//! expects of the buyer (an edit, a retry, Japanese text intact, ...).

use rust_decimal::Decimal;

use super::evidence::{Evidence, last_cart};
use super::outcome::{Check, Outcome};
use crate::domain::delivery::{Attempt, Delivery, DeliveryState};
use crate::domain::fault::FaultRecord;
use crate::domain::order::OrderLine;
use crate::domain::scenario::Expectation;
use crate::domain::session::ReturnedLine;
use crate::i18n::Note;
use crate::note;

pub(super) fn check_expectations(e: &Evidence, checks: &mut Vec<Check>) {
    let order = e.order;
    for expectation in &e.scenario.expect {
        match expectation {
            Expectation::EditSetup => checks.push(check_setup_operation(
                e,
                "edit",
                [note!("check-edit-seen"), note!("check-edit-not-seen")],
            )),
            Expectation::InspectSetup => checks.push(check_setup_operation(
                e,
                "inspect",
                [note!("check-inspect-seen"), note!("check-inspect-not-seen")],
            )),
            Expectation::PoReflectsLastCart => {
                checks.extend(last_cart(e).map(|cart| check_cart_reflected(&order.lines, cart)));
            }
            Expectation::SeveralLines => checks.push(check_several_lines(&order.lines)),
            Expectation::JapaneseTextIntact => {
                if let Some(cart) = last_cart(e) {
                    checks.extend(check_japanese_text(&order.lines, cart));
                }
            }
            Expectation::RetriedAfterFault => checks.push(check_retry_after_fault(
                &order.payload_id,
                &order.order_id,
                e.faults,
            )),
            Expectation::DeliveredAfterRetry => checks.push(check_delivery_retried(e.deliveries)),
            Expectation::NoOrder => {}
        }
    }
}

/// Whether a session of the order's cart was opened with `operation`;
/// the notes say so when it was (`[0]`) and when not (`[1]`).
pub(super) fn check_setup_operation(e: &Evidence, operation: &str, notes: [Note; 2]) -> Check {
    let seen = e
        .cart_sessions
        .iter()
        .map(|s| &**s)
        .chain(e.session)
        .any(|s| s.setup.operation == operation);
    let [yes, no] = notes;
    Check::pass_if(
        format!("punchout with operation=\"{operation}\""),
        seen,
        if seen { yes } else { no },
    )
}

/// Whether every line of the last cart (after an edit) is in the PO,
/// naming those that are not.
pub(super) fn check_cart_reflected(lines: &[OrderLine], cart: &[ReturnedLine]) -> Check {
    let missing: Vec<&ReturnedLine> = cart
        .iter()
        .filter(|c| !lines.iter().any(|l| l.aux_id.as_deref() == Some(&c.aux_id)))
        .collect();
    let list = missing
        .iter()
        .map(|c| format!("{} ({})", c.aux_id, c.asin))
        .collect::<Vec<_>>()
        .join(", ");
    Check::pass_if(
        "PO reflects the edited cart",
        missing.is_empty(),
        if missing.is_empty() {
            note!("check-cart-reflected")
        } else {
            note!("check-cart-lines-missing", lines = list)
        },
    )
}

/// Whether the PO has two lines or more, one of them for more than one
/// unit.
pub(super) fn check_several_lines(lines: &[OrderLine]) -> Check {
    let ok = lines.len() >= 2 && lines.iter().any(|l| l.quantity > Decimal::ONE);
    Check::pass_if(
        "several lines",
        ok,
        if ok {
            note!("check-several-lines", count = lines.len())
        } else {
            note!("check-several-lines-missing", count = lines.len())
        },
    )
}

/// Each PO line whose Description differs from its cart line's fails; one
/// pass when none does. Lines that name no cart line are left to the line
/// checks.
pub(super) fn check_japanese_text(lines: &[OrderLine], cart: &[ReturnedLine]) -> Vec<Check> {
    let damaged: Vec<Check> = lines
        .iter()
        .filter_map(|l| {
            let c = cart
                .iter()
                .find(|c| Some(c.aux_id.as_str()) == l.aux_id.as_deref())?;
            (l.description != c.description).then(|| {
                Check::fail(
                    "Japanese text intact",
                    note!(
                        "check-description-damaged",
                        line = l.line_number,
                        expected = c.description.as_str(),
                        received = l.description.as_str()
                    ),
                )
            })
        })
        .collect();
    if !damaged.is_empty() {
        return damaged;
    }
    vec![Check::pass(
        "Japanese text intact",
        // Every store's titles, in its language: Japanese, or German, French... with their accents.
        note!("check-descriptions-intact"),
    )]
}

/// Whether the buyer resent the PO after an injected fault: the same
/// payloadID passes; the same orderID under a new payloadID fails (a
/// resend keeps its payloadID); no fault before it, nothing to see.
pub(super) fn check_retry_after_fault(
    payload_id: &str,
    order_id: &str,
    faults: &[FaultRecord],
) -> Check {
    let same_payload = faults
        .iter()
        .any(|f| f.payload_id.as_deref() == Some(payload_id));
    let same_order = faults
        .iter()
        .any(|f| f.order_id.as_deref() == Some(order_id));
    if same_payload {
        Check::pass(
            "PO sent again after the fault",
            note!("check-resent-same-payload"),
        )
    } else if same_order {
        Check::fail(
            "PO sent again after the fault",
            note!("check-resent-new-payload"),
        )
    } else {
        Check::fail(
            "PO sent again after the fault",
            note!("check-no-fault-before"),
        )
    }
}

/// Whether a document reached the buyer only after a failed attempt:
/// passes when one did, waits while any is still being tried, else fails.
pub(super) fn check_delivery_retried(deliveries: &[(Delivery, Vec<Attempt>)]) -> Check {
    let retried = deliveries
        .iter()
        .any(|(d, a)| d.state == DeliveryState::Delivered && a.len() > 1);
    let pending = deliveries
        .iter()
        .any(|(d, _)| matches!(d.state, DeliveryState::Pending | DeliveryState::InFlight));
    if retried {
        Check::pass("delivery retried", note!("check-delivery-retried"))
    } else if pending {
        Check::new(
            "delivery retried",
            Outcome::Pending,
            note!("check-delivery-retries-pending"),
        )
    } else {
        Check::fail("delivery retried", note!("check-delivery-not-retried"))
    }
}
