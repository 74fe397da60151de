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

#[cfg(test)]
impl OrderLine {
    /// A yen line of ASIN B087JWRCP5 for unit tests, without an
    /// auxiliary ID or description.
    pub(crate) fn example(line_number: u32, quantity: u32, unit_price: u32) -> OrderLine {
        OrderLine {
            line_number,
            asin: "B087JWRCP5".into(),
            aux_id: None,
            description: String::new(),
            unit_price: Decimal::from(unit_price),
            currency: "JPY".into(),
            quantity: Decimal::from(quantity),
            unit_of_measure: "EA".into(),
        }
    }
}
