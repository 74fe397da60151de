//! Deliveries of documents to the buyer (order confirmations, ship notices):
//! their states, the attempts made, how an answer is judged, and when to try
//! again. Plain data and rules; the queue itself lives in `store` and the
//! worker in `outbound`.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    Confirmation,
    ShipNotice,
    Invoice,
}

impl DeliveryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Confirmation => "confirmation",
            DeliveryKind::ShipNotice => "ship_notice",
            DeliveryKind::Invoice => "invoice",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "confirmation" => Some(DeliveryKind::Confirmation),
            "ship_notice" => Some(DeliveryKind::ShipNotice),
            "invoice" => Some(DeliveryKind::Invoice),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its due time.
    Pending,
    /// Taken by the worker; back to pending if absim stops mid-post.
    InFlight,
    /// Produced, and accepted by the buyer (or there was nowhere to post).
    Delivered,
    /// Refused for good (cXML 4xx) or out of attempts.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::InFlight => "in_flight",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(DeliveryState::Pending),
            "in_flight" => Some(DeliveryState::InFlight),
            "delivered" => Some(DeliveryState::Delivered),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

/// One queued document and where its delivery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub order_no: u64,
    pub kind: DeliveryKind,
    /// Which ship notice of the order (0 for the others).
    pub step: u32,
    pub state: DeliveryState,
    /// When it is (or was) due, in Unix milliseconds.
    pub due_at_ms: i64,
    /// Attempts since it was queued (or re-sent).
    pub attempts: u32,
    pub payload_id: Option<String>,
    /// The document, once produced (its bytes are re-sent on retries).
    pub document_id: Option<i64>,
    /// Where it goes; None when the group has no endpoint.
    pub target: Option<String>,
    pub last_http: Option<u16>,
    pub last_cxml: Option<u16>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<FixedOffset>>,
}

/// One try at posting a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub at: DateTime<FixedOffset>,
    pub http_status: Option<u16>,
    pub cxml_status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// What the buyer's answer to a delivery means for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuyerAnswer {
    Accepted,
    /// Try again later: transport error, HTTP 5xx, an answer that is not
    /// cXML, a cXML 5xx.
    Retry(String),
    /// Do not try again: a cXML 4xx.
    Refused(String),
}

/// Judges one post. `transport_error` is set when no HTTP answer came;
/// `cxml` is the Status code read from the body, or the reason it could not
/// be read.
pub fn judge(
    transport_error: Option<&str>,
    http_status: Option<u16>,
    cxml: Result<(u16, String), String>,
) -> BuyerAnswer {
    if let Some(e) = transport_error {
        return BuyerAnswer::Retry(e.to_owned());
    }
    let http = http_status.unwrap_or(0);
    match cxml {
        Ok((code, _)) if (200..300).contains(&code) => {
            if http >= 500 {
                BuyerAnswer::Retry(format!("HTTP {http} with a cXML {code}"))
            } else {
                BuyerAnswer::Accepted
            }
        }
        Ok((code, text)) if (400..500).contains(&code) => {
            BuyerAnswer::Refused(format!("the buyer answered cXML {code} {text}"))
        }
        Ok((code, text)) => BuyerAnswer::Retry(format!("the buyer answered cXML {code} {text}")),
        Err(reason) if http >= 500 => BuyerAnswer::Retry(format!("HTTP {http}: {reason}")),
        Err(reason) => BuyerAnswer::Retry(format!("HTTP {http}, not a cXML answer: {reason}")),
    }
}

/// When to try again: `attempts` tries in all, waiting `base`, then twice as
/// long each time, each wait varied by up to ±`jitter_percent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub base: Duration,
    pub jitter_percent: u32,
}

impl Default for RetryPolicy {
    /// 6 attempts: waits of 2, 4, 8, 16 and 32 minutes, about an hour.
    fn default() -> Self {
        RetryPolicy {
            attempts: 6,
            base: Duration::from_secs(120),
            jitter_percent: 20,
        }
    }
}

impl RetryPolicy {
    /// The wait after the `made`-th failed attempt, or None when no attempt
    /// is left. `unit` in [0, 1) picks the jitter.
    pub fn next_delay(&self, made: u32, unit: f64) -> Option<Duration> {
        if made >= self.attempts {
            return None;
        }
        let exp = made.saturating_sub(1).min(20);
        let wait = self.base.as_millis() as f64 * 2f64.powi(exp as i32);
        let spread = f64::from(self.jitter_percent) / 100.0;
        let factor = 1.0 + spread * (2.0 * unit.clamp(0.0, 1.0) - 1.0);
        Some(Duration::from_millis(
            (wait * factor).round().max(0.0) as u64
        ))
    }

    /// The longest the whole schedule can take.
    pub fn worst_case(&self) -> Duration {
        (1..self.attempts)
            .filter_map(|n| self.next_delay(n, 1.0))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_schedule_spans_about_an_hour_in_six_attempts() {
        let p = RetryPolicy::default();
        let waits: Vec<u64> = (1..=6)
            .map_while(|n| p.next_delay(n, 0.5))
            .map(|d| d.as_secs())
            .collect();
        assert_eq!(waits, [120, 240, 480, 960, 1920]);
        assert_eq!(p.next_delay(6, 0.5), None);
        let worst = p.worst_case().as_secs();
        assert!((3600..=4500).contains(&worst), "{worst}");
    }

    #[test]
    fn jitter_stays_within_its_band() {
        let p = RetryPolicy::default();
        assert_eq!(p.next_delay(1, 0.0), Some(Duration::from_secs(96)));
        assert_eq!(p.next_delay(1, 1.0), Some(Duration::from_secs(144)));
    }

    #[test]
    fn answers_are_judged_as_cxml_retry_rules_say() {
        assert_eq!(
            judge(None, Some(200), Ok((200, "OK".into()))),
            BuyerAnswer::Accepted
        );
        assert!(matches!(
            judge(Some("refused"), None, Err(String::new())),
            BuyerAnswer::Retry(_)
        ));
        assert!(matches!(
            judge(None, Some(500), Err("html".into())),
            BuyerAnswer::Retry(_)
        ));
        assert!(matches!(
            judge(None, Some(200), Err("html".into())),
            BuyerAnswer::Retry(_)
        ));
        assert!(matches!(
            judge(None, Some(200), Ok((500, "x".into()))),
            BuyerAnswer::Retry(_)
        ));
        assert!(matches!(
            judge(None, Some(200), Ok((560, "x".into()))),
            BuyerAnswer::Retry(_)
        ));
        assert!(matches!(
            judge(None, Some(200), Ok((400, "x".into()))),
            BuyerAnswer::Refused(_)
        ));
        assert!(matches!(
            judge(None, Some(401), Ok((401, "x".into()))),
            BuyerAnswer::Refused(_)
        ));
    }
}
