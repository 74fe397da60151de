//! Automatic checks of a test-log entry: each a pass, a failure or not yet
//! decided, with a sentence in Japanese and English that names the line, the
//! field, the expected and the received value. Together they suggest a
//! verdict; the person testing still marks 成功 or 失敗.
//!
//! [`evaluate`] looks at the [`Evidence`] in this order: whether the PO was
//! refused or accepted as the scenario expects (`refusal`), the PO against
//! its punchout, its cart and its own header (`po`), the documents sent
//! back (`deliveries`), then what the scenario expects beyond that
//! (`expectations`).

mod deliveries;
mod evidence;
mod expectations;
mod outcome;
mod po;
mod refusal;

pub use evidence::Evidence;
pub use outcome::{Check, Outcome, Verdict, verdict};

/// Every check of an entry, decided from its evidence.
pub fn evaluate(e: &Evidence) -> Vec<Check> {
    if let Some(refusal) = &e.order.refusal {
        return vec![refusal::check_refused_po(
            refusal,
            e.scenario.refusal.as_deref(),
        )];
    }
    let mut checks = refusal::check_accepted_po(e.scenario);
    po::check_setup(e, &mut checks);
    po::check_lines(e, &mut checks);
    po::check_header(e.order, e.currency, &mut checks);
    deliveries::check_deliveries(e, &mut checks);
    expectations::check_expectations(e, &mut checks);
    checks
}

#[cfg(test)]
mod tests;
