//! Order safeguards (許容値設定): per group, what Amazon does when a price,
//! the stock, the shipping price or the delivery time changed between the
//! cart and the purchase order. The defaults follow Amazon's release-note
//! examples (REFERENCE.md §10.8).

use serde::{Deserialize, Serialize};

use crate::i18n::Note;
use crate::note;

/// What to do with a line (or the order) beyond a tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Remove the line from the order (it is confirmed as rejected).
    RemoveLine,
    /// Cancel the whole order.
    CancelOrder,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::RemoveLine => "remove-line",
            Action::CancelOrder => "cancel-order",
        }
    }

    pub fn parse(s: &str) -> Result<Action, Note> {
        match s.trim() {
            "remove-line" => Ok(Action::RemoveLine),
            "cancel-order" => Ok(Action::CancelOrder),
            _ => Err(Note::unknown_value(
                "action",
                s,
                &["remove-line", "cancel-order"],
            )),
        }
    }
}

/// What to do when fewer units are in stock than ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuantityAction {
    /// Send what is available; the rest of the line is rejected.
    ShipAvailable,
    /// Send what is available; the rest is back-ordered.
    Backorder,
    /// Cancel the whole order.
    CancelOrder,
}

impl QuantityAction {
    pub fn as_str(self) -> &'static str {
        match self {
            QuantityAction::ShipAvailable => "ship-available",
            QuantityAction::Backorder => "backorder",
            QuantityAction::CancelOrder => "cancel-order",
        }
    }

    pub fn parse(s: &str) -> Result<QuantityAction, Note> {
        match s.trim() {
            "ship-available" => Ok(QuantityAction::ShipAvailable),
            "backorder" => Ok(QuantityAction::Backorder),
            "cancel-order" => Ok(QuantityAction::CancelOrder),
            _ => Err(Note::unknown_value(
                "quantity-action",
                s,
                &["ship-available", "backorder", "cancel-order"],
            )),
        }
    }
}

/// A group's order safeguards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tolerances {
    /// Largest accepted unit-price rise, in percent.
    pub price_increase_percent: u32,
    pub price_action: Action,
    pub quantity_action: QuantityAction,
    /// Largest accepted shipping price, in the group's currency (None:
    /// any). Groups saved before marketplaces kept it in yen.
    #[serde(alias = "max_shipping_yen")]
    pub max_shipping: Option<rust_decimal::Decimal>,
    /// Largest accepted delivery time in days (None: any).
    pub max_delivery_days: Option<u32>,
    pub delivery_action: Action,
    /// Only items fulfilled by Amazon; others are removed.
    pub amazon_only: bool,
}

impl Default for Tolerances {
    /// Price rises up to 20 % accepted, beyond that the line is removed; not
    /// enough stock sends what is available; delivery over 15 days removes
    /// the line.
    fn default() -> Self {
        Tolerances {
            price_increase_percent: 20,
            price_action: Action::RemoveLine,
            quantity_action: QuantityAction::ShipAvailable,
            max_shipping: None,
            max_delivery_days: Some(15),
            delivery_action: Action::RemoveLine,
            amazon_only: false,
        }
    }
}

impl Tolerances {
    pub fn validate(&self) -> Result<(), Note> {
        if self.price_increase_percent > 1000 {
            return Err(note!("setting-price-tolerance-max"));
        }
        if self.max_delivery_days.is_some_and(|d| d > 365) {
            return Err(note!("setting-delivery-days-max"));
        }
        Ok(())
    }
}
