//! What a PO gets when a fault is injected into its answer (see
//! [`super::fault`] for when one is): the answer as a value the web layer
//! renders, and the sentence the test log records.

use std::time::Duration;

use super::fault::{FaultKind, FaultPlan};

/// A faulty answer to a PO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAnswer {
    /// HTTP 500 with an HTML error page.
    HtmlError,
    /// HTTP 503 asking the buyer to retry after [`RETRY_AFTER_SECS`].
    Unavailable,
    /// HTTP 200 carrying a cXML Status 500.
    CxmlError,
    /// No answer for this long, then HTTP 504.
    TimedOut { after: Duration },
    /// The PO is processed as usual, its answer this much later.
    Delayed { by: Duration },
    /// HTTP 200 with the cXML answer cut off mid-document.
    CutOff,
}

/// The seconds a 503 asks the buyer to wait.
pub const RETRY_AFTER_SECS: &str = "5";

/// An injected fault: how the PO is answered and what the log says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Injected {
    pub answer: FaultAnswer,
    pub detail: String,
}

/// The fault `kind` of `plan` (which sets the delay and the timeout).
pub fn inject(kind: FaultKind, plan: &FaultPlan) -> Injected {
    let (answer, detail) = match kind {
        FaultKind::Http500Html => (
            FaultAnswer::HtmlError,
            "HTTP 500 with an HTML body; the PO was not accepted".to_owned(),
        ),
        FaultKind::Http503 => (
            FaultAnswer::Unavailable,
            format!("HTTP 503 with Retry-After: {RETRY_AFTER_SECS}; the PO was not accepted"),
        ),
        FaultKind::Cxml500 => (
            FaultAnswer::CxmlError,
            "HTTP 200 with a cXML Status 500; the PO was not accepted".to_owned(),
        ),
        FaultKind::Timeout => (
            FaultAnswer::TimedOut {
                after: Duration::from_secs(plan.timeout_secs),
            },
            format!(
                "no answer for {} s, then HTTP 504; the PO was not accepted",
                plan.timeout_secs
            ),
        ),
        FaultKind::Delay => (
            FaultAnswer::Delayed {
                by: Duration::from_millis(plan.delay_ms),
            },
            format!("answered after {} ms; the PO was processed", plan.delay_ms),
        ),
        FaultKind::Malformed => (
            FaultAnswer::CutOff,
            "HTTP 200 with a body cut off mid-document; the PO was not accepted".to_owned(),
        ),
    };
    Injected { answer, detail }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fault::FAULT_KINDS;

    #[test]
    fn only_a_delay_lets_the_po_through_and_each_fault_says_so() {
        let plan = FaultPlan {
            delay_ms: 1500,
            timeout_secs: 40,
            ..FaultPlan::default()
        };
        for kind in FAULT_KINDS {
            let injected = inject(kind, &plan);
            let processed = matches!(injected.answer, FaultAnswer::Delayed { .. });
            assert_eq!(processed, kind.accepts_order(), "{kind:?}");
            let says = if processed {
                "the PO was processed"
            } else {
                "the PO was not accepted"
            };
            assert!(injected.detail.ends_with(says), "{}", injected.detail);
        }
        assert_eq!(
            inject(FaultKind::Timeout, &plan).answer,
            FaultAnswer::TimedOut {
                after: Duration::from_secs(40)
            }
        );
        assert_eq!(
            inject(FaultKind::Delay, &plan).detail,
            "answered after 1500 ms; the PO was processed"
        );
    }
}
