//! Pricing: 税金の見積もり (tax), 配送料の見積もり (shipping), 割引 (discount)
//! and 合計金額 (total), from rules kept in data (`[pricing]` in the catalogue).
//! The guide's example: 16182 -> tax 1618, shipping 373, discount 373, total
//! 17800.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricingRules {
    pub tax_rate_percent: u32,
    pub tax_rounding: TaxRounding,
    pub shipping_fee: u64,
    pub free_shipping_threshold: u64,
    pub currency: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TaxRounding {
    Floor,
    Round,
    Ceil,
}

/// The price of an order (or a cart) in whole yen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quote {
    pub subtotal: Decimal,
    pub tax: Decimal,
    pub shipping: Decimal,
    pub discount: Decimal,
    pub total: Decimal,
}

impl PricingRules {
    pub fn validate(&self) -> Result<(), String> {
        if self.tax_rate_percent > 100 {
            return Err(format!(
                "tax_rate_percent {} is over 100",
                self.tax_rate_percent
            ));
        }
        if self.currency.len() != 3 {
            return Err(format!(
                "currency '{}' is not an ISO 4217 code",
                self.currency
            ));
        }
        Ok(())
    }

    /// Prices a subtotal: tax on the subtotal, rounded as configured; the
    /// shipping fee, given back as a discount at or above the threshold.
    pub fn price(&self, subtotal: Decimal) -> Quote {
        let raw_tax = subtotal * Decimal::from(self.tax_rate_percent) / Decimal::from(100);
        let strategy = match self.tax_rounding {
            TaxRounding::Floor => RoundingStrategy::ToNegativeInfinity,
            TaxRounding::Round => RoundingStrategy::MidpointAwayFromZero,
            TaxRounding::Ceil => RoundingStrategy::ToPositiveInfinity,
        };
        let tax = raw_tax.round_dp_with_strategy(0, strategy);
        let (shipping, discount) = if subtotal.is_zero() {
            (Decimal::ZERO, Decimal::ZERO)
        } else {
            let fee = Decimal::from(self.shipping_fee);
            let free = subtotal >= Decimal::from(self.free_shipping_threshold);
            (fee, if free { fee } else { Decimal::ZERO })
        };
        Quote {
            subtotal,
            tax,
            shipping,
            discount,
            total: subtotal + tax + shipping - discount,
        }
    }
}

/// Formats a yen amount for people: thousands separated, without decimals
/// when it has none (`17,800`), with two otherwise (`16,182.50`). Documents
/// carry amounts as cXML writes them, never through this.
pub fn yen(amount: Decimal) -> String {
    let mut out = String::new();
    push_yen(&mut out, amount);
    out
}

/// [`yen`], written at the end of `out`.
pub fn push_yen(out: &mut String, amount: Decimal) {
    // Whole amounts (nearly all yen) without Decimal's text: its digits,
    // grouped from the end.
    if amount.fract().is_zero()
        && let Some(whole) = amount.trunc().to_i128()
    {
        if whole < 0 {
            out.push('-');
        }
        let mut digits = [0u8; 52];
        let mut at = digits.len();
        let mut rest = whole.unsigned_abs();
        let mut count = 0;
        loop {
            if count > 0 && count % 3 == 0 {
                at -= 1;
                digits[at] = b',';
            }
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            count += 1;
            if rest == 0 {
                break;
            }
        }
        out.extend(digits[at..].iter().map(|&b| char::from(b)));
        return;
    }
    let plain = format!("{:.2}", amount);
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (whole, fraction) = digits.split_at(digits.find('.').unwrap_or(digits.len()));
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(fraction);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Catalog;

    fn rules() -> PricingRules {
        Catalog::embedded().pricing
    }

    #[test]
    fn the_guides_example_prices_exactly() {
        let q = rules().price(Decimal::from(16182));
        assert_eq!(q.tax, Decimal::from(1618));
        assert_eq!(q.shipping, Decimal::from(373));
        assert_eq!(q.discount, Decimal::from(373));
        assert_eq!(q.total, Decimal::from(17800));
    }

    #[test]
    fn below_the_threshold_shipping_is_charged() {
        let q = rules().price(Decimal::from(1999));
        assert_eq!(q.tax, Decimal::from(199));
        assert_eq!(q.discount, Decimal::ZERO);
        assert_eq!(q.total, Decimal::from(1999 + 199 + 373));
        let at = rules().price(Decimal::from(2000));
        assert_eq!(at.discount, Decimal::from(373));
    }

    #[test]
    fn rounding_follows_the_rule() {
        let mut r = rules();
        r.tax_rounding = TaxRounding::Ceil;
        assert_eq!(r.price(Decimal::from(16182)).tax, Decimal::from(1619));
        r.tax_rounding = TaxRounding::Round;
        assert_eq!(r.price(Decimal::from(16185)).tax, Decimal::from(1619));
        assert_eq!(r.price(Decimal::from(16184)).tax, Decimal::from(1618));
    }

    #[test]
    fn an_empty_cart_costs_nothing() {
        assert_eq!(rules().price(Decimal::ZERO), Quote::default());
    }

    #[test]
    fn yen_separates_thousands_and_prints_whole_amounts_without_decimals() {
        assert_eq!(yen(Decimal::from(17800)), "17,800");
        assert_eq!(yen("16182.5".parse().unwrap()), "16,182.50");
        assert_eq!(yen(Decimal::from(1234567)), "1,234,567");
        assert_eq!(yen(Decimal::from(999)), "999");
        assert_eq!(yen(Decimal::ZERO), "0");
        assert_eq!(yen(Decimal::from(-1500)), "-1,500");
        assert_eq!(yen("-1234567.25".parse().unwrap()), "-1,234,567.25");
        assert_eq!(yen("3236.00".parse().unwrap()), "3,236");
        assert_eq!(yen("0.5".parse().unwrap()), "0.50");
        assert_eq!(yen(Decimal::MAX), "79,228,162,514,264,337,593,543,950,335");
        assert_eq!(yen(Decimal::MIN), "-79,228,162,514,264,337,593,543,950,335");
    }
}
