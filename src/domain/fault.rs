//! Fault injection: per group, absim can answer the next N POs (or a share
//! of them) badly, so that a buyer's retry logic can be exercised. Each fault
//! is recorded in the test log.

use serde::{Deserialize, Serialize};

use crate::i18n::{Note, Texts};
use crate::note;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// HTTP 500 with an HTML error page.
    Http500Html,
    /// HTTP 503 with Retry-After.
    Http503,
    /// HTTP 200 carrying a cXML Status 500.
    Cxml500,
    /// No answer within the buyer's patience.
    Timeout,
    /// The PO is accepted, but the answer comes after a delay.
    Delay,
    /// HTTP 200 with a body cut off mid-document.
    Malformed,
}

pub const FAULT_KINDS: [FaultKind; 6] = [
    FaultKind::Http500Html,
    FaultKind::Http503,
    FaultKind::Cxml500,
    FaultKind::Timeout,
    FaultKind::Delay,
    FaultKind::Malformed,
];

impl FaultKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Http500Html => "http500-html",
            FaultKind::Http503 => "http503",
            FaultKind::Cxml500 => "cxml500",
            FaultKind::Timeout => "timeout",
            FaultKind::Delay => "delay",
            FaultKind::Malformed => "malformed",
        }
    }

    pub fn parse(s: &str) -> Result<FaultKind, Note> {
        FAULT_KINDS
            .iter()
            .copied()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| Note::unknown_value("fault", s, &FAULT_KINDS.map(FaultKind::as_str)))
    }

    /// Whether the PO is still accepted and recorded.
    pub fn accepts_order(self) -> bool {
        self == FaultKind::Delay
    }

    /// The fault's name on a page. The choice of message is made here, not in
    /// `i18n`, so that the catalogue of messages knows nothing of the domain.
    pub fn name_in(self, texts: &Texts) -> &'static str {
        match self {
            FaultKind::Http500Html => texts.fault_http500_html.as_str(),
            FaultKind::Http503 => texts.fault_http503.as_str(),
            FaultKind::Cxml500 => texts.fault_cxml500.as_str(),
            FaultKind::Timeout => texts.fault_timeout_kind.as_str(),
            FaultKind::Delay => texts.fault_delay_kind.as_str(),
            FaultKind::Malformed => texts.fault_malformed.as_str(),
        }
    }
}

/// What a group's POs get. Off when `kind` is None, or when neither a count
/// nor a share is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct FaultPlan {
    pub kind: Option<FaultKind>,
    /// Answer this many more POs with the fault.
    pub remaining: Option<u32>,
    /// Or this percentage of POs (0 to 100).
    pub share_percent: Option<u8>,
    /// For `delay`: how long.
    pub delay_ms: u64,
    /// For `timeout`: how long absim holds the request before giving up.
    pub timeout_secs: u64,
}

impl FaultPlan {
    pub fn is_on(&self) -> bool {
        self.kind.is_some()
            && (self.remaining.is_some_and(|n| n > 0) || self.share_percent.is_some_and(|p| p > 0))
    }

    /// Decides whether this PO gets the fault, counting it down. `unit` in
    /// [0, 1) decides the share.
    pub fn take(&mut self, unit: f64) -> Option<FaultKind> {
        let kind = self.kind?;
        if let Some(n) = self.remaining
            && n > 0
        {
            self.remaining = Some(n - 1);
            return Some(kind);
        }
        match self.share_percent {
            Some(p) if unit * 100.0 < f64::from(p.min(100)) => Some(kind),
            _ => None,
        }
    }

    pub fn validate(&self) -> Result<(), Note> {
        if self.share_percent.is_some_and(|p| p > 100) {
            return Err(note!("setting-fault-share"));
        }
        if self.delay_ms > 600_000 {
            return Err(note!("setting-fault-delay-max"));
        }
        if self.timeout_secs > 3600 {
            return Err(note!("setting-fault-timeout-max"));
        }
        Ok(())
    }
}

/// A fault injected into a PO answer, as the test log lists it.
#[derive(Debug, Clone)]
pub struct FaultRecord {
    pub group_id: u32,
    pub at: chrono::DateTime<chrono::FixedOffset>,
    pub kind: FaultKind,
    pub payload_id: Option<String>,
    pub order_id: Option<String>,
    pub detail: String,
    /// The CI run open for the group when the fault was injected.
    pub run_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_n_pos_get_the_fault_then_none() {
        let mut p = FaultPlan {
            kind: Some(FaultKind::Http503),
            remaining: Some(2),
            ..FaultPlan::default()
        };
        assert!(p.is_on());
        assert_eq!(p.take(0.99), Some(FaultKind::Http503));
        assert_eq!(p.take(0.99), Some(FaultKind::Http503));
        assert_eq!(p.take(0.0), None);
        assert!(!p.is_on());
    }

    #[test]
    fn a_share_applies_by_chance() {
        let mut p = FaultPlan {
            kind: Some(FaultKind::Cxml500),
            share_percent: Some(30),
            ..FaultPlan::default()
        };
        assert_eq!(p.take(0.29), Some(FaultKind::Cxml500));
        assert_eq!(p.take(0.30), None);
        assert!(p.is_on());
    }

    #[test]
    fn each_fault_kind_has_a_name_of_its_own_in_each_language() {
        for lang in [crate::i18n::Lang::Ja, crate::i18n::Lang::En] {
            let names: std::collections::HashSet<&str> =
                FAULT_KINDS.map(|k| k.name_in(lang.texts())).into();
            assert_eq!(names.len(), FAULT_KINDS.len(), "{lang:?}");
        }
        assert_eq!(
            FaultKind::Delay.name_in(crate::i18n::Lang::En.texts()),
            "Accepted, answered late"
        );
    }

    #[test]
    fn kinds_parse_by_name() {
        for k in FAULT_KINDS {
            assert_eq!(FaultKind::parse(k.as_str()), Ok(k));
        }
        assert!(
            FaultKind::parse("boom")
                .unwrap_err()
                .to_string()
                .contains("http503")
        );
    }
}
