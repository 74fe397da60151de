//! What a fulfilment plan holds, as it is stored with the order: per PO
//! line the parts confirmed, back-ordered or rejected and at which price,
//! the ship notices owed, and the decisions the test log shows.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::cxml::{Few, Text};
use crate::domain::pricing::Quote;
use crate::domain::scenario::PartStatus;
use crate::i18n::Note;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PlannedPart {
    pub status: PartStatus,
    pub quantity: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_days: Option<u32>,
    /// Why the units are rejected: the confirmation's Comments in the
    /// store's language, the log's in the page's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Note>,
}

impl PlannedPart {
    /// Units confirmed as ordered.
    pub(super) fn accept(quantity: Decimal) -> PlannedPart {
        PlannedPart {
            status: PartStatus::Accept,
            quantity,
            delivery_days: None,
            reason: None,
        }
    }

    /// Units refused, with the reason the confirmation's Comments give.
    pub(super) fn reject(quantity: Decimal, reason: Note) -> PlannedPart {
        PlannedPart {
            status: PartStatus::Reject,
            quantity,
            delivery_days: None,
            reason: Some(reason),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PlannedLine {
    pub line_number: u32,
    pub ordered: Decimal,
    pub po_price: Decimal,
    /// The price absim confirms.
    pub unit_price: Decimal,
    pub parts: Few<PlannedPart>,
}

impl PlannedLine {
    pub fn quantity(&self, status: PartStatus) -> Decimal {
        self.parts
            .iter()
            .filter(|p| p.status == status)
            .map(|p| p.quantity)
            .sum()
    }

    pub fn price_changed(&self) -> bool {
        self.unit_price != self.po_price
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PlannedShipment {
    /// Seconds after the previous document; None: the group's ship-notice
    /// delay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_secs: Option<u64>,
    /// (PO line, quantity).
    pub items: Vec<(u32, Decimal)>,
    /// 納品番号 (shipmentID), given when the order is accepted.
    #[serde(default)]
    pub shipment_id: Text,
    /// 発送識別子 (ShipmentIdentifier: the tracking number).
    #[serde(default)]
    pub tracking: Text,
}

/// A safeguard or scenario decision, for the test log.
pub type Decision = Note;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fulfilment {
    /// ConfirmationHeader type.
    pub header_type: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_reason: Option<Note>,
    pub lines: Vec<PlannedLine>,
    pub shipments: Vec<PlannedShipment>,
    pub invoice: bool,
    /// The confirmed order's price.
    pub quote: Quote,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
}

impl Fulfilment {
    pub fn cancelled(&self) -> bool {
        self.header_type == "reject"
    }

    /// The documents owed after the confirmation: ship notices, then the
    /// invoice.
    pub fn steps_after_confirmation(&self) -> usize {
        self.shipments.len() + usize::from(self.invoice)
    }
}
