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

pub(super) fn check_expectations(e: &Evidence, checks: &mut Vec<Check>) {
    let order = e.order;
    for expectation in &e.scenario.expect {
        match expectation {
            Expectation::EditSetup => checks.push(check_setup_operation(
                e,
                "edit",
                [
                    "カートは operation=\"edit\" で開き直されました。",
                    "このカートは operation=\"edit\" で開き直されていません。",
                ],
                [
                    "The cart was reopened with operation=\"edit\".",
                    "The cart was never reopened with operation=\"edit\".",
                ],
            )),
            Expectation::InspectSetup => checks.push(check_setup_operation(
                e,
                "inspect",
                [
                    "カートは operation=\"inspect\" で参照されました。",
                    "このカートは operation=\"inspect\" で参照されていません。",
                ],
                [
                    "The cart was opened with operation=\"inspect\".",
                    "The cart was never opened with operation=\"inspect\".",
                ],
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
/// the sentences say so when it was (`[0]`) and when not (`[1]`).
pub(super) fn check_setup_operation(
    e: &Evidence,
    operation: &str,
    ja: [&str; 2],
    en: [&str; 2],
) -> Check {
    let seen = e
        .cart_sessions
        .iter()
        .map(|s| &**s)
        .chain(e.session)
        .any(|s| s.setup.operation == operation);
    let pick = usize::from(!seen);
    Check::pass_if(
        format!("punchout with operation=\"{operation}\""),
        seen,
        ja[pick],
        en[pick],
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
            "発注書は編集後のカートを反映しています。".to_owned()
        } else {
            format!("編集後のカートの行が発注書にありません: {list}")
        },
        if missing.is_empty() {
            "The PO reflects the edited cart.".to_owned()
        } else {
            format!("Lines of the edited cart are missing from the PO: {list}")
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
        format!(
            "発注書は{}行で、数量2以上の行が{}。",
            lines.len(),
            if ok {
                "あります"
            } else {
                "ないか、行が2行未満です"
            }
        ),
        format!(
            "The PO has {} line(s){}.",
            lines.len(),
            if ok {
                ", one with a quantity above one"
            } else {
                "; the scenario needs two or more, one with a quantity above one"
            }
        ),
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
                    format!(
                        "行{}: Description が文字化けしています — 期待値「{}」、受信値「{}」",
                        l.line_number, c.description, l.description
                    ),
                    format!(
                        "Line {}: the Description was damaged — expected '{}', received '{}'",
                        l.line_number, c.description, l.description
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
        "商品名 (日本語などストアの言語) は発注書まで損なわれずに届きました。",
        "The titles, in the store's language, reached the PO unharmed.",
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
            "障害応答の後、購入システムは同じ発注書 (同じ payloadID) を再送しました。",
            "After the injected fault the buyer sent the same PO again (same payloadID).",
        )
    } else if same_order {
        Check::fail(
            "PO sent again after the fault",
            "再送された発注書の payloadID が最初の送信と異なります (同じ文書の再送には同じ payloadID を使います)。",
            "The PO was sent again with a new payloadID; a resend of the same document keeps its payloadID.",
        )
    } else {
        Check::fail(
            "PO sent again after the fault",
            "この発注書の前に障害応答がありません: 再送を確認できません。",
            "No injected fault preceded this PO: the retry cannot be seen.",
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
        Check::pass(
            "delivery retried",
            "購入システムのエンドポイントは一時的な障害の後、再送を受け付けました。",
            "The buyer's endpoint accepted a document after failing at first.",
        )
    } else if pending {
        Check::new(
            "delivery retried",
            Outcome::Pending,
            "再送の結果を待っています。",
            "Waiting for the retries to finish.",
        )
    } else {
        Check::fail(
            "delivery retried",
            "再送が起きていません: エンドポイントを一時的にエラーにして試してください。",
            "No delivery needed a retry: make the endpoint fail for a while and try again.",
        )
    }
}
