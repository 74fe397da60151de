//! 発注書詳細: one PO line, and its price. It stands on its own so that
//! `fulfilment` can plan lines without naming the order record that keeps
//! the plan.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::cxml::Text;
use crate::domain::pricing::{PricingRules, Quote};

/// 発注書詳細: one PO line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrderLine {
    pub line_number: u32,
    pub asin: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aux_id: Option<Text>,
    pub description: String,
    pub unit_price: Decimal,
    pub currency: Text,
    pub quantity: Decimal,
    pub unit_of_measure: Text,
}

impl OrderLine {
    pub fn total(&self) -> Decimal {
        self.unit_price * self.quantity
    }
}

/// Prices the PO's lines with the catalogue's rules.
pub fn price_order(lines: &[OrderLine], rules: &PricingRules) -> Quote {
    rules.price(lines.iter().map(OrderLine::total).sum())
}
