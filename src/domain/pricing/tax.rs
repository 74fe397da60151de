//! Tax as a store charges it: components (a VAT, a state's sales tax,
//! Canada's GST, HST, PST and QST, India's CGST + SGST or IGST, Japan's
//! consumption tax), each with a rate by the product's tax class or by the
//! ship-to region, and the store's rounding.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::{Currency, Taxable};
use crate::cxml::Text;

/// How a store rounds tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Each line's tax of each component rounded half up to the currency's
    /// minor units (the European and American stores).
    Line,
    /// Per component and rate, the order's tax rounded down (Japan: one
    /// rounding per rate, as the invoice rules ask).
    OrderFloor,
}

/// When a component applies, against the seller's region (India's GST).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    SameRegion,
    OtherRegion,
}

/// One tax a line may pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// `TaxDetail@category`: vat, sales, gst, hst, pst, qst, cgst, sgst,
    /// igst, consumption.
    pub category: Text,
    /// How the store names it (MwSt., GST, 消費税).
    pub name: String,
    /// Rates (percent) by tax class; a class not listed pays nothing.
    pub rates: BTreeMap<String, Decimal>,
    /// Or rates by ship-to region, the same for every class it charges; a
    /// region not listed pays nothing.
    pub by_region: BTreeMap<String, Decimal>,
    /// The classes a `by_region` component charges (empty: every class).
    pub classes: Vec<String>,
    pub when: When,
}

impl Component {
    /// The rate a line of `class` pays, shipped to `region`.
    pub fn rate(&self, class: &str, region: Option<&str>) -> Option<Decimal> {
        if !self.by_region.is_empty() {
            if !self.classes.is_empty() && !self.classes.iter().any(|c| c == class) {
                return None;
            }
            return self.by_region.get(region?).copied();
        }
        self.rates.get(class).copied()
    }
}

/// A store's tax rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRules {
    pub components: Vec<Component>,
    pub rounding: Rounding,
    /// The seller's region, against which `When` is decided.
    pub seller_region: Option<String>,
}

/// What a tax was charged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxBasis {
    /// One line of the order, by its number.
    Line(u32),
    /// The order's shipping.
    Shipping,
    /// The order as a whole (a store that rounds per order and rate).
    Order,
}

/// One tax charged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub basis: TaxBasis,
    pub category: Text,
    pub name: String,
    /// Percent.
    pub rate: Decimal,
    /// The amount it was charged on.
    pub taxable: Decimal,
    pub amount: Decimal,
    /// The ship-to region whose rate it is, for a rate by region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl TaxRules {
    /// Every tax the lines (and the net shipping, when it is taxed) pay,
    /// shipped to `region`, rounded as the store rounds.
    pub fn charges(
        &self,
        lines: &[Taxable],
        net_shipping: Option<Decimal>,
        region: Option<&str>,
        currency: &Currency,
    ) -> Vec<Charge> {
        let mut charges = Vec::new();
        for component in self.applying(region) {
            let bases = lines
                .iter()
                .map(|l| (TaxBasis::Line(l.line_number), l.amount, l.class))
                .chain(
                    net_shipping
                        .filter(|s| !s.is_zero())
                        .map(|s| (TaxBasis::Shipping, s, "standard")),
                );
            for (basis, taxable, class) in bases {
                let Some(rate) = component.rate(class, region) else {
                    continue;
                };
                charges.push(Charge {
                    basis,
                    category: component.category.clone(),
                    name: component.name.clone(),
                    rate,
                    taxable,
                    amount: taxable * rate / Decimal::ONE_HUNDRED,
                    region: (!component.by_region.is_empty())
                        .then(|| region.unwrap_or_default().to_owned()),
                });
            }
        }
        match self.rounding {
            Rounding::Line => {
                for c in &mut charges {
                    c.amount = currency.round(c.amount);
                }
                charges
            }
            Rounding::OrderFloor => per_order(charges, currency),
        }
    }

    /// The components that apply to an order shipped to `region`.
    fn applying<'a>(&'a self, region: Option<&'a str>) -> impl Iterator<Item = &'a Component> {
        let same = match (&self.seller_region, region) {
            (Some(seller), Some(region)) => Some(seller.eq_ignore_ascii_case(region)),
            _ => None,
        };
        self.components.iter().filter(move |c| match c.when {
            When::Always => true,
            When::SameRegion => same == Some(true),
            // Without a region to compare, a sale crosses no border.
            When::OtherRegion => same == Some(false),
        })
    }
}

/// Charges summed per component and rate over the order, each sum rounded
/// down to the currency's minor units.
fn per_order(charges: Vec<Charge>, currency: &Currency) -> Vec<Charge> {
    let mut sums: Vec<Charge> = Vec::new();
    for c in charges {
        match sums
            .iter_mut()
            .find(|s| s.category == c.category && s.rate == c.rate)
        {
            Some(sum) => {
                sum.taxable += c.taxable;
                sum.amount += c.amount;
            }
            None => sums.push(Charge {
                basis: TaxBasis::Order,
                ..c
            }),
        }
    }
    for s in &mut sums {
        s.amount = s
            .amount
            .round_dp_with_strategy(currency.minor_units, RoundingStrategy::ToNegativeInfinity);
    }
    sums
}
