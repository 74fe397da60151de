//! 発注書詳細: one PO line, and its price. It stands on its own so that
//! `fulfilment` can plan lines without naming the order record that keeps
//! the plan.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::cxml::Text;
use crate::domain::pricing::{Charging, Quote, Taxable};

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
    /// The product's tax class in the group's store (standard for an ASIN
    /// it does not sell).
    #[serde(default = "standard")]
    pub tax_class: Text,
}

fn standard() -> Text {
    "standard".into()
}

impl OrderLine {
    pub fn total(&self) -> Decimal {
        self.unit_price * self.quantity
    }

    /// The line as its tax sees it.
    pub fn taxable(&self) -> Taxable<'_> {
        Taxable {
            line_number: self.line_number,
            amount: self.total(),
            class: &self.tax_class,
        }
    }
}

/// Prices the PO's lines as its store charges them.
pub fn price_order(lines: &[OrderLine], charging: &Charging) -> Quote {
    let taxable: Vec<Taxable> = lines.iter().map(OrderLine::taxable).collect();
    charging.quote(&taxable)
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
            tax_class: standard(),
        }
    }
}
