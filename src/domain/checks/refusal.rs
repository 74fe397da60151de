//! Whether the PO was refused or accepted as the scenario expects.

use super::outcome::Check;
use crate::domain::order::Refusal;
use crate::domain::scenario::{Expectation, Scenario};
use crate::note;

/// The one check of a refused PO: it passes when the scenario expects a
/// refusal with its code or its text.
pub(super) fn check_refused_po(refusal: &Refusal, expected: Option<&str>) -> Check {
    // The refusal's message is quoted as the buyer received it.
    let (code, text, message) = (
        refusal.code,
        refusal.text.as_str(),
        refusal.message.as_str(),
    );
    match expected {
        Some(expected) if refusal.text == expected || refusal.code.to_string() == expected => {
            Check::pass(
                "refusal",
                note!("check-refused-as-expected", expected = expected),
            )
        }
        Some(expected) => Check::fail(
            "refusal",
            note!(
                "check-refused-otherwise",
                expected = expected,
                code = code,
                text = text,
                message = message
            ),
        ),
        None => Check::fail(
            "refusal",
            note!("check-refused", code = code, text = text, message = message),
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
            note!("check-accepted-not-refused", expected = expected),
        ));
    }
    if scenario.expect.contains(&Expectation::NoOrder) {
        checks.push(Check::fail(
            "no PO after an empty cart",
            note!("check-po-after-empty-cart"),
        ));
    }
    checks
}
