//! Whether the PO was refused or accepted as the scenario expects.

use super::outcome::Check;
use crate::domain::order::Refusal;
use crate::domain::scenario::{Expectation, Scenario};

/// The one check of a refused PO: it passes when the scenario expects a
/// refusal with its code or its text.
pub(super) fn check_refused_po(refusal: &Refusal, expected: Option<&str>) -> Check {
    match expected {
        Some(expected) if refusal.text == expected || refusal.code.to_string() == expected => {
            Check::pass(
                "refusal",
                format!("発注書はシナリオどおり {expected} で拒否されました。"),
                format!("The PO was refused with {expected}, as the scenario expects."),
            )
        }
        Some(expected) => Check::fail(
            "refusal",
            format!(
                "このシナリオでは {expected} での拒否を想定していますが、{} {} で拒否されました: {}",
                refusal.code, refusal.text, refusal.message
            ),
            format!(
                "The scenario expects a refusal with {expected}, but the PO was refused with {} {}: {}",
                refusal.code, refusal.text, refusal.message
            ),
        ),
        None => Check::fail(
            "refusal",
            format!(
                "発注書が拒否されました ({} {}): {}",
                refusal.code, refusal.text, refusal.message
            ),
            format!(
                "The PO was refused ({} {}): {}",
                refusal.code, refusal.text, refusal.message
            ),
        ),
    }
}

/// What an accepted PO fails on acceptance alone: a scenario that expects
/// it refused, or one that expects no PO at all.
pub(super) fn check_accepted_po(scenario: &Scenario) -> Vec<Check> {
    let mut checks = Vec::new();
    if let Some(expected) = &scenario.refusal {
        checks.push(Check::fail(
            "refusal",
            format!(
                "このシナリオでは発注書が {expected} で拒否されるはずですが、受け付けられました。"
            ),
            format!(
                "The scenario expects the PO to be refused with {expected}, but it was accepted."
            ),
        ));
    }
    if scenario.expect.contains(&Expectation::NoOrder) {
        checks.push(Check::fail(
            "no PO after an empty cart",
            "カートが空で返却されたため、発注書は送信されないはずでした。",
            "The cart came back empty: no PO should have been sent.",
        ));
    }
    checks
}
