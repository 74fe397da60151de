//! What an attempt's answer means for a delivery, and how it is counted
//! and stored.

use super::*;

fn policy(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        attempts,
        base: Duration::from_secs(10),
        jitter_percent: 0,
    }
}

#[test]
fn an_accepted_answer_delivers_without_error_or_retry() {
    let next = decide(BuyerAnswer::Accepted, 1, &policy(3), 0.5);
    assert_eq!(
        next,
        Next {
            state: DeliveryState::Delivered,
            retry_in: None,
            error: None,
        }
    );
}

#[test]
fn a_refusal_fails_for_good_even_with_attempts_left() {
    let next = decide(
        BuyerAnswer::Refused("400 Bad Request".into()),
        1,
        &policy(6),
        0.5,
    );
    assert_eq!(next.state, DeliveryState::Failed);
    assert_eq!(next.retry_in, None);
    assert_eq!(next.error.as_deref(), Some("400 Bad Request"));
}

#[test]
fn a_retry_waits_the_policys_backoff_while_attempts_are_left() {
    let first = decide(BuyerAnswer::Retry("HTTP 503".into()), 1, &policy(3), 0.5);
    assert_eq!(first.state, DeliveryState::Pending);
    assert_eq!(first.retry_in, Some(Duration::from_secs(10)));
    assert_eq!(first.error.as_deref(), Some("HTTP 503"));
    let second = decide(BuyerAnswer::Retry("HTTP 503".into()), 2, &policy(3), 0.5);
    assert_eq!(second.retry_in, Some(Duration::from_secs(20)));
}

#[test]
fn a_retry_after_the_last_attempt_fails_and_says_so() {
    let next = decide(BuyerAnswer::Retry("timed out".into()), 3, &policy(3), 0.5);
    assert_eq!(next.state, DeliveryState::Failed);
    assert_eq!(next.retry_in, None);
    assert_eq!(
        next.error.as_deref(),
        Some("timed out (no attempt left after 3)")
    );
}

#[test]
fn the_metric_counts_a_pending_delivery_as_a_retry() {
    assert_eq!(outcome_label(DeliveryState::Delivered), "delivered");
    assert_eq!(outcome_label(DeliveryState::Failed), "failed");
    assert_eq!(outcome_label(DeliveryState::Pending), "retry");
}

#[test]
fn an_answer_without_a_body_or_a_cxml_status_says_why() {
    assert_eq!(answer_status(None), Err("no answer".to_owned()));
    assert!(answer_status(Some(b"<html>oops</html>")).is_err());
    let ok = crate::cxml::write::status_document("1@t", &crate::cxml::Status::ok());
    assert_eq!(
        answer_status(Some(ok.as_bytes())),
        Ok((200, "OK".to_owned()))
    );
}

#[test]
fn each_deliverys_answer_is_stored_as_its_own_kind() {
    assert_eq!(
        answer_kind(DeliveryKind::Confirmation),
        DocKind::ConfirmationAnswer
    );
    assert_eq!(
        answer_kind(DeliveryKind::ShipNotice),
        DocKind::ShipNoticeAnswer
    );
    assert_eq!(answer_kind(DeliveryKind::Invoice), DocKind::InvoiceAnswer);
}
