//! The vocabulary of the checks: a check and its outcome, and the verdict
//! they suggest together.

use crate::i18n::{Lang, Note};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    /// Not decided yet (a document is still owed).
    Pending,
    /// Does not apply here (no endpoint configured, say).
    NotApplicable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What is checked, in a few stable English words ("PO Total",
    /// "confirmation"): the same whether it passes or fails, so that a CI
    /// report keeps one test case per name.
    pub name: String,
    pub outcome: Outcome,
    /// What was found, for the page to say in its language.
    pub note: Note,
}

impl Check {
    pub fn new(name: impl Into<String>, outcome: Outcome, note: Note) -> Check {
        Check {
            name: name.into(),
            outcome,
            note,
        }
    }

    pub fn pass(name: impl Into<String>, note: Note) -> Check {
        Check::new(name, Outcome::Pass, note)
    }

    pub fn fail(name: impl Into<String>, note: Note) -> Check {
        Check::new(name, Outcome::Fail, note)
    }

    pub fn pass_if(name: impl Into<String>, ok: bool, note: Note) -> Check {
        Check::new(name, if ok { Outcome::Pass } else { Outcome::Fail }, note)
    }

    /// What was found, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        self.note.render(lang)
    }

    /// What was found, in English: a CI report's words.
    pub fn en(&self) -> String {
        self.text(Lang::En)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Success,
    Failure,
    Pending,
}

pub fn verdict(checks: &[Check]) -> Verdict {
    if checks.iter().any(|c| c.outcome == Outcome::Fail) {
        Verdict::Failure
    } else if checks.iter().any(|c| c.outcome == Outcome::Pending) {
        Verdict::Pending
    } else {
        Verdict::Success
    }
}
