//! An accepted (or refused) purchase order as the test log keeps it, and
//! the mark a person gives it.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::line::OrderLine;
use super::rejection::Refusal;
use crate::cxml::{Deviation, Text};
use crate::domain::fulfilment::Fulfilment;
use crate::domain::pricing::Quote;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestResult {
    Success,
    Failure,
}

impl TestResult {
    pub fn parse(s: &str) -> Option<TestResult> {
        match s {
            "success" => Some(TestResult::Success),
            "failure" => Some(TestResult::Failure),
            _ => None,
        }
    }
}

/// テスト結果 as marked by a person.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mark {
    pub result: TestResult,
    pub by: String,
    pub at: DateTime<FixedOffset>,
    /// A note with the mark (the JSON API takes one).
    #[serde(default)]
    pub comment: Option<String>,
}

/// An accepted purchase order as the test log keeps it. Its documents and
/// deliveries are stored beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Order {
    /// The row's number (the store sets it; not kept in the stored body).
    #[serde(default, skip_serializing)]
    pub no: u64,
    pub group_id: u32,
    /// 発注番号: the buyer's orderID.
    pub order_id: Text,
    pub order_date: String,
    pub payload_id: String,
    pub scenario: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    pub received_at: DateTime<FixedOffset>,
    pub lines: Vec<OrderLine>,
    /// The Total the PO states.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub po_total: Option<Decimal>,
    /// absim's pricing of the PO lines.
    pub quote: Quote,
    /// The Amazon order number (confirmID).
    pub confirm_id: Text,
    /// 納品番号 (shipmentID).
    pub delivery_number: Text,
    /// 発送識別子 (ShipmentIdentifier).
    pub shipment_identifier: Text,
    pub carrier: Text,
    pub deployment_mode: Text,
    /// The person's mark (the store keeps it in columns of its own).
    #[serde(default, skip_serializing)]
    pub mark: Option<Mark>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deviations: Vec<Deviation>,
    /// What absim confirms, ships and invoices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfilment: Option<Fulfilment>,
    /// Set when the PO was refused: the answer it got.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
    /// The CI run open for the group when the PO arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
}

impl Order {
    /// The unit of measure of PO line `line_number` (`EA` when the order has
    /// no such line), as its confirmation, ship notices and invoice print it.
    pub fn unit_of_measure(&self, line_number: u32) -> &str {
        self.lines
            .iter()
            .find(|l| l.line_number == line_number)
            .map_or("EA", |l| l.unit_of_measure.as_str())
    }
}
