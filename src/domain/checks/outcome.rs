//! The vocabulary of the checks: a check and its outcome, and the verdict
//! they suggest together.

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
    pub ja: String,
    pub en: String,
}

impl Check {
    pub fn new(
        name: impl Into<String>,
        outcome: Outcome,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Check {
        Check {
            name: name.into(),
            outcome,
            ja: ja.into(),
            en: en.into(),
        }
    }

    pub fn pass(name: impl Into<String>, ja: impl Into<String>, en: impl Into<String>) -> Check {
        Check::new(name, Outcome::Pass, ja, en)
    }

    pub fn fail(name: impl Into<String>, ja: impl Into<String>, en: impl Into<String>) -> Check {
        Check::new(name, Outcome::Fail, ja, en)
    }

    pub fn pass_if(
        name: impl Into<String>,
        ok: bool,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Check {
        Check::new(name, if ok { Outcome::Pass } else { Outcome::Fail }, ja, en)
    }

    /// The sentence in Japanese for a Japanese page, in English for any
    /// other.
    pub fn text(&self, lang_code: &str) -> &str {
        if lang_code == "ja" {
            &self.ja
        } else {
            &self.en
        }
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
