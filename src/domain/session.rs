//! Punchout sessions: what the setup request said (for パンチアウト設定の詳細)
//! and the cart the user builds in the storefront. Cart lines keep their
//! number for the life of the session, so each SupplierPartAuxiliaryID
//! (`<cart>,<line>`) stays stable however the cart changes.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::marketplace::Marketplace;
use super::pricing::{Destination, Quote, Taxable};
use crate::cxml::Deviation;

/// What the punchout setup request carried, as the test log shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetupRecord {
    pub received_at: DateTime<FixedOffset>,
    pub payload_id: String,
    pub operation: String,
    pub buyer_cookie: String,
    pub credentials_valid: bool,
    pub email: Option<String>,
    pub hook_url: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// The `UserBusinessUnit` extrinsic.
    pub ubu: Option<String>,
    pub deviations: Vec<Deviation>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CartLine {
    pub line: u32,
    pub asin: String,
    pub quantity: u32,
}

/// Largest quantity one cart line takes.
pub const MAX_LINE_QUANTITY: u32 = 9999;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cart {
    pub lines: Vec<CartLine>,
    next_line: u32,
}

impl Cart {
    /// Adds to the line of that ASIN, or opens a new line.
    pub fn add(&mut self, asin: &str, quantity: u32) {
        if let Some(l) = self.lines.iter_mut().find(|l| l.asin == asin) {
            l.quantity = (l.quantity + quantity).min(MAX_LINE_QUANTITY);
            return;
        }
        self.next_line += 1;
        self.lines.push(CartLine {
            line: self.next_line,
            asin: asin.to_owned(),
            quantity: quantity.min(MAX_LINE_QUANTITY),
        });
    }

    /// Puts a line back with its number (an edit rebuilding the cart).
    pub fn restore(&mut self, line: u32, asin: &str, quantity: u32) {
        self.lines.retain(|l| l.line != line);
        self.lines.push(CartLine {
            line,
            asin: asin.to_owned(),
            quantity: quantity.min(MAX_LINE_QUANTITY),
        });
        self.lines.sort_by_key(|l| l.line);
        self.next_line = self.next_line.max(line);
    }

    /// Sets a line's quantity; zero removes it. False when there is no such
    /// line.
    pub fn set_quantity(&mut self, line: u32, quantity: u32) -> bool {
        let Some(pos) = self.lines.iter().position(|l| l.line == line) else {
            return false;
        };
        if quantity == 0 {
            self.lines.remove(pos);
        } else {
            self.lines[pos].quantity = quantity.min(MAX_LINE_QUANTITY);
        }
        true
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn item_count(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    pub fn subtotal(&self, catalog: &Catalog) -> Decimal {
        self.lines
            .iter()
            .filter_map(|l| {
                catalog
                    .get(&l.asin)
                    .map(|p| p.price * Decimal::from(l.quantity))
            })
            .sum()
    }

    /// The cart's estimates in its store, shipped to `to`.
    pub fn quote(&self, market: &Marketplace, to: &Destination) -> Quote {
        let lines: Vec<Taxable> = self
            .lines
            .iter()
            .filter_map(|l| {
                let p = market.catalog.get(&l.asin)?;
                Some(Taxable {
                    line_number: l.line,
                    amount: p.price * Decimal::from(l.quantity),
                    class: &p.tax_class,
                })
            })
            .collect();
        market.pricing.price(&lines, to, None)
    }
}

/// A cart line as it went back to the buyer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReturnedLine {
    pub aux_id: String,
    pub asin: String,
    pub quantity: u32,
    pub unit_price: Decimal,
    pub description: String,
}

/// When the cart went back to the buyer (POOM 送信済み), and what it held.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CartReturn {
    pub sent_at: DateTime<FixedOffset>,
    pub payload_id: String,
    pub field: String,
    pub lines: Vec<ReturnedLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub id: String,
    pub group_id: u32,
    pub setup: SetupRecord,
    /// Cart reference, the first part of every SupplierPartAuxiliaryID.
    pub cart_ref: String,
    pub cart: Cart,
    pub returns: Vec<CartReturn>,
    /// The scenario this punchout belongs to.
    pub scenario: String,
    /// operation="inspect": nothing can change.
    pub read_only: bool,
    /// Set for SAP OCI sessions: the cart goes back as NEW_ITEM fields.
    #[serde(default)]
    pub oci: Option<crate::oci::OciReturnInfo>,
    /// When the session was last used (Unix ms), for expiry.
    #[serde(default)]
    pub touched_at_ms: i64,
    /// The CI run open for the group when the punchout arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
}

impl Session {
    pub fn aux_id(&self, line: u32) -> String {
        format!("{},{}", self.cart_ref, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_stay_stable_when_lines_change() {
        let mut c = Cart::default();
        c.add("A", 1);
        c.add("B", 2);
        c.add("A", 2);
        assert_eq!(
            c.lines[0],
            CartLine {
                line: 1,
                asin: "A".into(),
                quantity: 3
            }
        );
        assert!(c.set_quantity(1, 0));
        c.add("C", 1);
        let lines: Vec<(u32, &str)> = c.lines.iter().map(|l| (l.line, l.asin.as_str())).collect();
        assert_eq!(lines, [(2, "B"), (3, "C")]);
        assert!(!c.set_quantity(9, 1));
    }

    #[test]
    fn the_guides_cart_prices_as_the_guide_says() {
        let markets = crate::domain::marketplace::Marketplaces::embedded().unwrap();
        let mut c = Cart::default();
        c.add("B087JWRCP5", 1);
        let q = c.quote(markets.japan(), &Destination::default());
        assert_eq!(q.total, Decimal::from(17800));
    }
}
