//! Whether the buyer acknowledged each document absim sent for the order,
//! and whether any is still owed.

use super::evidence::Evidence;
use super::outcome::{Check, Outcome};
use crate::domain::delivery::{Attempt, Delivery, DeliveryKind, DeliveryState};

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
    let (ja, en) = kind_name(d.kind);
    let step = if d.kind == DeliveryKind::ShipNotice {
        format!(" {}", d.step + 1)
    } else {
        String::new()
    };
    let name = format!("{}{step}", d.kind.as_str().replace('_', " "));
    match d.state {
        DeliveryState::Delivered if d.target.is_none() => Check::new(
            &name,
            Outcome::NotApplicable,
            format!("{ja}{step}: 送信先URLが未設定のため、購入システムの応答は確認できません。"),
            format!(
                "{en}{step}: no endpoint is configured, so the buyer's answer cannot be checked."
            ),
        ),
        DeliveryState::Delivered => Check::pass(
            &name,
            format!(
                "{ja}{step} に購入システムが cXML {} で応答しました ({}回目の試行)。",
                d.last_cxml.unwrap_or(200),
                attempts.len()
            ),
            format!(
                "The buyer answered {en}{step} with cXML {} (attempt {}).",
                d.last_cxml.unwrap_or(200),
                attempts.len()
            ),
        ),
        DeliveryState::Failed => Check::fail(
            &name,
            format!(
                "{ja}{step} を届けられませんでした: {}",
                d.last_error.clone().unwrap_or_default()
            ),
            format!(
                "{en}{step} could not be delivered: {}",
                d.last_error.clone().unwrap_or_default()
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
                format!(
                    "{ja}{step} は購入システムにまだ受け付けられていません ({}回目: {last})。再送します。",
                    d.attempts
                ),
                format!(
                    "The buyer has not acknowledged {en}{step} yet (attempt {}: {last}); absim retries.",
                    d.attempts
                ),
            )
        }
        DeliveryState::Pending | DeliveryState::InFlight => Check::new(
            &name,
            Outcome::Pending,
            format!("{ja}{step} はまだ送信待ちです。"),
            format!("{en}{step} is still waiting to be sent."),
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
            format!(
                "まだ送信していない文書が{}通あります。",
                owed - deliveries.len()
            ),
            format!(
                "{} more document(s) are still to be sent.",
                owed - deliveries.len()
            ),
        )
    })
}

fn kind_name(kind: DeliveryKind) -> (&'static str, &'static str) {
    match kind {
        DeliveryKind::Confirmation => ("注文確認 (ConfirmationRequest)", "the ConfirmationRequest"),
        DeliveryKind::ShipNotice => ("出荷通知 (ShipNoticeRequest)", "the ShipNoticeRequest"),
        DeliveryKind::Invoice => ("請求書 (InvoiceDetailRequest)", "the InvoiceDetailRequest"),
    }
}
