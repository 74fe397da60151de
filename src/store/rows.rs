//! What both engines do alike between a row and a value: times as text,
//! search columns, orders and deliveries built from their columns.

use std::fmt::Write;

use chrono::{DateTime, FixedOffset};

use super::model::{ClaimedDelivery, OrderRow, StoreError};
use crate::cxml::time::{LOCAL_TIME, write_with_offset};
use crate::domain::catalog::{normalize, normalize_into};
use crate::domain::delivery::{Delivery, DeliveryKind, DeliveryState};
use crate::domain::order::{DocKind, Mark, Order, TestResult};

/// A time or a day as the stores keep it, written on the stack: a PO keeps
/// five (`to_rfc3339` and `to_string` allocate a String for each).
pub type TimeText = arrayvec::ArrayString<48>;

/// `t` in RFC 3339, as `DateTime::to_rfc3339` writes it (the fraction's
/// digits only where they are not zero, the offset as `+09:00`).
pub fn time_text(t: &DateTime<FixedOffset>) -> TimeText {
    let mut text = TimeText::new();
    // The longest time is 35 bytes, so the writes cannot fail.
    let _ = write_with_offset(&mut text, t, &LOCAL_TIME);
    text
}

/// The day of `t` (its own offset's), as `2026-11-30`.
pub fn day_text(t: &DateTime<FixedOffset>) -> TimeText {
    let mut text = TimeText::new();
    let _ = write!(text, "{}", t.date_naive());
    text
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
    pub day: TimeText,
    pub received_at: TimeText,
    pub body: OrderJson,
}

/// An order's JSON body as serde_json wrote it. serde_json writes UTF-8
/// only, so the bytes are not checked again here: SQLite binds them as
/// text as they are (a second check of kilobytes of mostly Japanese text
/// showed in pinned profiles), PostgreSQL's driver asks for a `str`
/// ([`OrderJson::as_str`]).
pub struct OrderJson(Vec<u8>);

impl OrderJson {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn as_str(&self) -> Result<&str, StoreError> {
        std::str::from_utf8(&self.0)
            .map_err(|e| StoreError::Internal(format!("an order's JSON: {e}")))
    }
}

impl OrderColumns {
    pub fn of(order: &Order) -> Result<OrderColumns, StoreError> {
        // Each part normalised straight into its column (the same as
        // normalising the joined text: see `normalize_into`).
        let mut asins = String::with_capacity(order.lines.iter().map(|l| l.asin.len() + 1).sum());
        for l in &order.lines {
            if !asins.is_empty() {
                asins.push(' ');
            }
            normalize_into(&mut asins, &l.asin);
        }
        let texts = [order.order_id.as_str(), &order.confirm_id];
        let descriptions = order.lines.iter().map(|l| l.description.as_str());
        let mut search = String::with_capacity(
            texts.iter().map(|t| t.len() + 1).sum::<usize>()
                + asins.len()
                + descriptions.clone().map(|d| d.len() + 1).sum::<usize>(),
        );
        for t in texts {
            normalize_into(&mut search, t);
            search.push(' ');
        }
        search.push_str(&asins);
        for d in descriptions {
            search.push(' ');
            normalize_into(&mut search, d);
        }
        Ok(OrderColumns {
            search,
            asins,
            day: day_text(&order.received_at),
            received_at: time_text(&order.received_at),
            body: order_json(order)?,
        })
    }
}

/// An order's JSON body, written into room for a typical one: `to_string`
/// starts small and grows the buffer several times.
fn order_json(order: &Order) -> Result<OrderJson, StoreError> {
    let mut out = Vec::with_capacity(1024 + 512 * order.lines.len());
    serde_json::to_writer(&mut out, order)?;
    Ok(OrderJson(out))
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
/// session; larger batches made the p99 worse (docs/performance.md).
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

impl ClaimedDelivery {
    /// The delivery and its order (None when the order is gone).
    pub fn into_parts(self) -> Result<(Delivery, Option<Order>), StoreError> {
        Ok((self.delivery, self.row.map(build_order).transpose()?))
    }
}

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
        let columns = OrderColumns::of(&earlier).unwrap();
        let body = columns.body.as_str().unwrap();
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
        let again = build_order(row(body.to_owned())).unwrap();
        let json = |o: &Order| serde_json::to_value(o).unwrap();
        assert_eq!(json(&again), json(&earlier));
        assert_eq!((again.no, again.mark.is_some()), (7, true));
        assert_eq!(
            OrderColumns::of(&again).unwrap().body.as_bytes(),
            body.as_bytes()
        );
    }

    #[test]
    fn times_are_written_as_to_rfc3339_writes_them() {
        for text in [
            "2026-11-30T10:40:55+09:00",
            "2026-11-30T10:40:55.5+09:00",
            "2026-11-30T10:40:55.882407897+09:00",
            "2026-11-30T10:40:55.120+09:00",
            "1999-01-01T00:00:00.000001-05:30",
            "2026-02-28T23:59:59+00:00",
            "2026-02-28T23:59:59Z",
        ] {
            let t = DateTime::parse_from_rfc3339(text).unwrap();
            assert_eq!(time_text(&t).as_str(), t.to_rfc3339(), "{text}");
            assert_eq!(parse_time(&time_text(&t)).unwrap(), t, "{text}");
            assert_eq!(day_text(&t).as_str(), t.date_naive().to_string(), "{text}");
        }
    }
}
