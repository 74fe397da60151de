//! Pricing: 税金の見積もり (tax), 配送料の見積もり (shipping), 割引 (discount)
//! and 合計金額 (total), by the rules of the group's marketplace (its file in
//! `marketplaces/`): the currency and its minor units, the shipping fee and
//! the subtotal from which it is given back, and the tax components each
//! line pays by its product's tax class and the ship-to region. The guide's
//! example: 16182 yen -> tax 1618, shipping 373, discount 373, total 17800.
//! Amounts are decimals, never floats.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::cxml::Text;

mod tax;

pub use tax::{Charge, Component, Rounding, TaxBasis, TaxRules, When};

/// A currency as a store charges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    /// ISO 4217.
    pub code: Text,
    /// Decimals of an amount: JPY 0, the others 2.
    pub minor_units: u32,
    /// How pages and e-mails mark an amount: ￥, $, £, €, ₹.
    pub symbol: String,
}

impl Currency {
    /// Any ISO 4217 currency, with ISO's symbol and minor units: how a
    /// buyer that knows no store marks an amount in a document.
    pub fn iso(code: &str) -> Option<Currency> {
        let iso = iso_currency::Currency::from_code(code)?;
        Some(Currency {
            code: code.into(),
            minor_units: iso.exponent().map_or(2, u32::from),
            symbol: iso.symbol().symbol,
        })
    }

    /// An amount rounded half up to the currency's minor units.
    pub fn round(&self, amount: Decimal) -> Decimal {
        amount.round_dp_with_strategy(self.minor_units, RoundingStrategy::MidpointAwayFromZero)
    }

    /// An amount for people, as `lang` writes it: the symbol, the sign,
    /// the locale's separators and the currency's decimals (`￥17,800`,
    /// `-€39.90`, `17.800,00 €`); one formatter for every page and e-mail.
    pub fn display(&self, lang: crate::i18n::Lang, amount: Decimal) -> String {
        crate::i18n::money(lang, &self.symbol, self.minor_units, amount)
    }

    /// An amount as a note's value: the page that renders the note
    /// writes it as [`Currency::display`] does.
    pub fn value(&self, amount: Decimal) -> crate::i18n::Value {
        crate::i18n::Value::money(amount, &self.symbol, self.minor_units)
    }

    /// [`Currency::display`], written at the end of `out`.
    pub fn push_display(&self, out: &mut String, lang: crate::i18n::Lang, amount: Decimal) {
        crate::i18n::push_money(out, lang, (&self.symbol, self.minor_units), amount);
    }

    /// Whether an amount has no more decimals than the currency allows.
    pub fn fits(&self, amount: Decimal) -> bool {
        amount.normalize().scale() <= self.minor_units
    }
}

/// What a store charges for shipping: a fee per order, given back as a
/// discount from a subtotal up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingRule {
    pub fee: Decimal,
    pub free_from: Decimal,
    /// Shipping pays the standard rate of the tax components.
    pub taxed: bool,
}

/// A marketplace's pricing rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pricing {
    pub currency: Currency,
    pub shipping: ShippingRule,
    pub tax: TaxRules,
}

/// A line to price: what it costs before tax, and its product's tax class.
#[derive(Debug, Clone, Copy)]
pub struct Taxable<'a> {
    pub line_number: u32,
    pub amount: Decimal,
    pub class: &'a str,
}

/// Where an order goes, as far as its tax is concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destination {
    /// The ship-to state or province (US, CA, IN), upper case.
    pub region: Option<String>,
    /// The group is tax-exempt (US): no tax is charged.
    pub exempt: bool,
}

/// How an order is charged: its store's pricing, where it goes, and the
/// shipping fee a scenario sets in place of the store's.
#[derive(Debug, Clone)]
pub struct Charging<'a> {
    pub pricing: &'a Pricing,
    pub to: Destination,
    pub shipping_fee: Option<Decimal>,
}

impl Charging<'_> {
    pub fn quote(&self, lines: &[Taxable]) -> Quote {
        self.pricing.price(lines, &self.to, self.shipping_fee)
    }
}

/// The price of an order (or a cart) in its currency.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quote {
    pub subtotal: Decimal,
    pub tax: Decimal,
    pub shipping: Decimal,
    pub discount: Decimal,
    pub total: Decimal,
    /// Each tax charged: by line (or on shipping, or on the whole order),
    /// component and rate. Empty for orders recorded before marketplaces.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taxes: Vec<Charge>,
    /// The group is tax-exempt and no tax was charged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exempt: bool,
}

impl Pricing {
    /// Prices lines for a destination: each line's tax components, the
    /// shipping fee (`shipping_fee` replaces the store's, for a scenario
    /// that sets its own), given back as a discount at or above the
    /// free-shipping subtotal, and shipping's own tax where it is taxed.
    pub fn price(
        &self,
        lines: &[Taxable],
        to: &Destination,
        shipping_fee: Option<Decimal>,
    ) -> Quote {
        let subtotal: Decimal = lines.iter().map(|l| l.amount).sum();
        if subtotal.is_zero() {
            return Quote::default();
        }
        let shipping = shipping_fee.unwrap_or(self.shipping.fee);
        let discount = if subtotal >= self.shipping.free_from {
            shipping
        } else {
            Decimal::ZERO
        };
        let taxes = if to.exempt {
            Vec::new()
        } else {
            let net_shipping = (self.shipping.taxed).then_some(shipping - discount);
            self.tax
                .charges(lines, net_shipping, to.region.as_deref(), &self.currency)
        };
        let tax = taxes.iter().map(|c| c.amount).sum();
        Quote {
            subtotal,
            tax,
            shipping,
            discount,
            total: subtotal + tax + shipping - discount,
            taxes,
            exempt: to.exempt,
        }
    }
}

#[cfg(test)]
mod tests;
