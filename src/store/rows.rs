//! What both engines do alike between a row and a value: times as text,
//! search columns, orders and deliveries built from their columns.

use chrono::{DateTime, FixedOffset};

use super::model::{OrderRow, StoreError};
use crate::domain::catalog::normalize;
use crate::domain::delivery::{Delivery, DeliveryKind, DeliveryState};
use crate::domain::order::{DocKind, Mark, Order, TestResult};

pub fn time_text(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339()
}

pub fn parse_time(s: &str) -> Result<DateTime<FixedOffset>, StoreError> {
    DateTime::parse_from_rfc3339(s).map_err(|e| StoreError::Corrupt(format!("time '{s}': {e}")))
}

/// A `LIKE` pattern matching `s` anywhere, with `\` as the escape.
pub fn like_pattern(s: &str) -> String {
    let escaped = normalize(s)
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub fn result_text(r: TestResult) -> &'static str {
    match r {
        TestResult::Success => "success",
        TestResult::Failure => "failure",
    }
}

pub fn doc_kind(kind: &str) -> Result<DocKind, StoreError> {
    DocKind::parse(kind).ok_or_else(|| StoreError::Corrupt(format!("document kind '{kind}'")))
}

/// The columns an order row is searched by: its ASINs, its search text
/// (order number, confirmID, ASINs, titles, normalised), its day.
pub struct OrderColumns {
    pub asins: String,
    pub search: String,
    pub day: String,
    pub received_at: String,
    pub body: String,
}

impl OrderColumns {
    pub fn of(order: &Order) -> Result<OrderColumns, StoreError> {
        let mut asins = String::new();
        for l in &order.lines {
            if !asins.is_empty() {
                asins.push(' ');
            }
            asins.push_str(&l.asin);
        }
        let mut text = [order.order_id.as_str(), &order.confirm_id, &asins].join(" ");
        for l in &order.lines {
            text.push(' ');
            text.push_str(&l.description);
        }
        Ok(OrderColumns {
            search: normalize(&text),
            asins: normalize(&asins),
            day: order.received_at.date_naive().to_string(),
            received_at: time_text(&order.received_at),
            body: serde_json::to_string(order)?,
        })
    }
}

pub const ORDER_COLUMNS: &str = "no, body, mark_result, mark_by, mark_at, mark_comment";

pub fn build_order((no, body, result, by, at, comment): OrderRow) -> Result<Order, StoreError> {
    let mut order: Order = serde_json::from_str(&body)?;
    order.no = no as u64;
    order.mark = match (result.as_deref().and_then(TestResult::parse), by, at) {
        (Some(result), Some(by), Some(at)) => Some(Mark {
            result,
            by,
            at: parse_time(&at)?,
            comment,
        }),
        _ => None,
    };
    Ok(order)
}

pub fn build_mark(result: &str, by: String, at: &str) -> Result<Mark, StoreError> {
    Ok(Mark {
        result: TestResult::parse(result)
            .ok_or_else(|| StoreError::Corrupt(format!("mark '{result}'")))?,
        by,
        at: parse_time(at)?,
        comment: None,
    })
}

pub const DELIVERY_COLUMNS: &str = "id, order_no, kind, state, due_at, attempts, payload_id, document_id, target, last_http, last_cxml, last_error, sent_at, step";

/// A delivery's columns, in [`DELIVERY_COLUMNS`] order, as both drivers
/// read them.
pub struct DeliveryRow {
    pub id: i64,
    pub order_no: i64,
    pub kind: String,
    pub state: String,
    pub due_at: i64,
    pub attempts: u32,
    pub payload_id: Option<String>,
    pub document_id: Option<i64>,
    pub target: Option<String>,
    pub last_http: Option<u16>,
    pub last_cxml: Option<u16>,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    pub step: u32,
}

impl DeliveryRow {
    pub fn build(self) -> Result<Delivery, StoreError> {
        Ok(Delivery {
            id: self.id,
            order_no: self.order_no as u64,
            kind: DeliveryKind::parse(&self.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("delivery kind '{}'", self.kind)))?,
            step: self.step,
            state: DeliveryState::parse(&self.state)
                .ok_or_else(|| StoreError::Corrupt(format!("delivery state '{}'", self.state)))?,
            due_at_ms: self.due_at,
            attempts: self.attempts,
            payload_id: self.payload_id,
            document_id: self.document_id,
            target: self.target,
            last_http: self.last_http,
            last_cxml: self.last_cxml,
            last_error: self.last_error,
            sent_at: self.sent_at.as_deref().map(parse_time).transpose()?,
        })
    }
}

/// Sessions evicted at once past the bound: `max_sessions` divided by this.
/// Neighbouring rows share pages, so a batch costs little more than one
/// session (setup at 64 connections: 6.8k -> 7.4k req/s, p99 17 -> 13 ms;
/// batches of 1% made p99 worse).
pub const EVICTION_BATCH_DIVISOR: usize = 1000;

/// How many sessions to evict when `count` are stored and `max` may be.
pub fn eviction_batch(count: i64, max: usize) -> i64 {
    let excess = count - max as i64;
    if excess > 0 {
        excess + (max / EVICTION_BATCH_DIVISOR) as i64
    } else {
        0
    }
}

/// Orders deleted per retention transaction: small, so that a pass never
/// holds the writer (or row locks) for long.
pub const RETENTION_BATCH: i64 = 500;

#[cfg(test)]
mod tests {
    use super::*;

    /// An order body as absim wrote it before empty fields were left out.
    const EARLIER_BODY: &str = r#"{"no":0,"group_id":1,"order_id":"BENCH-1","order_date":"2026-11-29T10:04:00+09:00","payload_id":"1.2@bench.example","scenario":"basic","session_id":null,"received_at":"2026-11-30T10:40:55.882407897+09:00","lines":[{"line_number":1,"asin":"B087JWRCP5","aux_id":null,"description":"[山善] パソコンデスク","unit_price":"16182.00","currency":"JPY","quantity":"1","unit_of_measure":"EA"}],"po_total":null,"quote":{"subtotal":"16182","tax":"1618","shipping":"373","discount":"373","total":"17800"},"confirm_id":"551-5246482-1935690","delivery_number":"test16129959277073517","shipment_identifier":"000000000","carrier":"Test Mode Carrier","deployment_mode":"test","mark":null,"deviations":[],"fulfilment":{"header_type":"detail","header_reason":null,"lines":[{"line_number":1,"ordered":"1","po_price":"16182.00","unit_price":"16182.00","parts":[{"status":"accept","quantity":"1","delivery_days":null,"reason":null}]}],"shipments":[{"delay_secs":null,"items":[[1,"1"]],"shipment_id":"test16129959277073517","tracking":"000000000"}],"invoice":false,"quote":{"subtotal":"16182","tax":"1618","shipping":"373","discount":"373","total":"17800"},"decisions":[]},"refusal":null}"#;

    fn row(body: String) -> OrderRow {
        let at = "2026-11-30T11:00:00+09:00".to_owned();
        (
            7,
            body,
            Some("success".into()),
            Some("qa".into()),
            Some(at),
            None,
        )
    }

    #[test]
    fn a_stored_body_leaves_out_what_is_empty_and_reads_back_the_same() {
        let earlier = build_order(row(EARLIER_BODY.into())).unwrap();
        assert_eq!(earlier.no, 7, "the number comes from the row");
        assert_eq!(earlier.mark.as_ref().unwrap().by, "qa", "the mark too");
        let body = OrderColumns::of(&earlier).unwrap().body;
        for left_out in [
            "null",
            "\"no\"",
            "\"mark\"",
            "[]",
            "aux_id",
            "header_reason",
        ] {
            assert!(!body.contains(left_out), "{left_out} in {body}");
        }
        assert!(body.len() < EARLIER_BODY.len(), "{body}");
        let again = build_order(row(body.clone())).unwrap();
        let json = |o: &Order| serde_json::to_value(o).unwrap();
        assert_eq!(json(&again), json(&earlier));
        assert_eq!((again.no, again.mark.is_some()), (7, true));
        assert_eq!(OrderColumns::of(&again).unwrap().body, body);
    }
}
