//! What one rule of the scenario or the group's safeguards decides for a PO
//! line, and the running record of those decisions while an order is
//! planned.

use super::planned::{Decision, PlannedPart};
use crate::cxml::Few;
use crate::i18n::Note;

/// What a rule decides for one PO line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ruling {
    /// The line stands as planned; the log says why it may.
    Keep(Decision),
    /// The line's parts become these (removed, or partly sent), and the log
    /// says why.
    Replan(Few<PlannedPart>, Decision),
    /// The whole order is cancelled, for this reason.
    CancelOrder(Note),
}

/// The decisions made so far while an order is planned, and the first
/// reason to cancel it whole: that one is what the buyer is told.
#[derive(Debug, Default)]
pub(super) struct Deliberation {
    pub decisions: Vec<Decision>,
    pub cancel: Option<Note>,
}

impl Deliberation {
    /// Records a ruling and applies it to a line's parts; true when it
    /// replanned them.
    pub fn apply(&mut self, ruling: Ruling, parts: &mut Few<PlannedPart>) -> bool {
        match ruling {
            Ruling::Keep(decision) => {
                self.decisions.push(decision);
                false
            }
            Ruling::Replan(replanned, decision) => {
                self.decisions.push(decision);
                *parts = replanned;
                true
            }
            Ruling::CancelOrder(reason) => {
                self.cancel.get_or_insert(reason);
                false
            }
        }
    }
}
