//! How absim fulfils an order: what it confirms (per line: accepted,
//! back-ordered, rejected, at which price), what it ships in which ship
//! notice, whether it invoices, and why. The plan is made once, when the PO
//! is accepted, from the scenario (what changed on Amazon's side) and the
//! group's order safeguards (what the buyer tolerates), and stored with the
//! order; the documents are written from it.

use std::borrow::Cow;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use smallvec::smallvec;

use super::order::OrderLine;
use super::pricing::{PricingRules, Quote};
use super::safeguard::{Action, QuantityAction, Tolerances};
use super::scenario::{PartStatus, Quantity, Scenario};
use crate::cxml::{Few, Text};

/// Days a checkout-based cart holds its prices (REFERENCE.md §10.4).
pub const PRICE_HOLD_DAYS: u32 = 7;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PlannedPart {
    pub status: PartStatus,
    pub quantity: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Decision {
    pub ja: String,
    pub en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fulfilment {
    /// ConfirmationHeader type.
    pub header_type: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_reason: Option<String>,
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

fn decision(ja: String, en: String) -> Decision {
    Decision { ja, en }
}

fn resolve(q: Quantity, rest: Decimal) -> Decimal {
    match q {
        Quantity::Units(n) => Decimal::from(n).min(rest),
        Quantity::Rest(_) => rest,
    }
}

/// The default back-order delay.
const BACKORDER_DAYS: u32 = 14;

/// Plans the fulfilment of an order's lines.
pub fn plan(
    lines: &[OrderLine],
    scenario: &Scenario,
    tolerances: &Tolerances,
    rules: &PricingRules,
    cart_age_days: Option<u32>,
) -> Fulfilment {
    let mut decisions = Vec::new();
    let mut cancel: Option<String> = None;
    // A scenario's price change is what Amazon's price is at order time; a
    // cart older than the hold period is re-priced, and the log says so.
    let age = scenario.cart_age_days.or(cart_age_days);
    if let Some(d) = age.filter(|d| *d > PRICE_HOLD_DAYS) {
        decisions.push(decision(
            format!("カートから{d}日後の発注のため、価格は発注時点で再計算されました。"),
            format!("The PO came {d} days after the cart: prices were recalculated at order time."),
        ));
    }
    let mut planned = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let position = i as u32 + 1;
        let n = l.line_number;
        let mut unit_price = l.unit_price;
        let mut parts: Few<PlannedPart> = smallvec![PlannedPart {
            status: PartStatus::Accept,
            quantity: l.quantity,
            delivery_days: None,
            reason: None,
        }];
        for c in scenario.changes.iter().filter(|c| c.applies_to(position)) {
            if let Some(p) = c.price_percent {
                unit_price =
                    (unit_price * (Decimal::ONE_HUNDRED + p) / Decimal::ONE_HUNDRED).round_dp(0);
            }
            if let Some(y) = c.price_yen {
                unit_price += y;
            }
            if c.third_party && tolerances.amazon_only {
                let reason =
                    "Amazon以外が発送する商品のため削除 (Amazon-only fulfilment)".to_owned();
                decisions.push(decision(
                    format!("行{n}: Amazon以外が発送する商品のため、注文から削除しました。"),
                    format!("Line {n}: not fulfilled by Amazon, removed from the order."),
                ));
                parts = smallvec![reject(l.quantity, reason)];
                continue;
            }
            if let Some(days) = c.delivery_days
                && tolerances.max_delivery_days.is_some_and(|max| days > max)
            {
                let max = tolerances.max_delivery_days.unwrap_or_default();
                let reason = format!(
                    "お届けまで{days}日 (上限{max}日) / delivery in {days} days, over the {max}-day maximum"
                );
                match tolerances.delivery_action {
                    Action::RemoveLine => {
                        decisions.push(decision(
                            format!("行{n}: お届けまで{days}日で上限{max}日を超えるため、注文から削除しました。"),
                            format!("Line {n}: delivery in {days} days exceeds the {max}-day maximum; removed."),
                        ));
                        parts = smallvec![reject(l.quantity, reason)];
                        continue;
                    }
                    Action::CancelOrder => {
                        cancel.get_or_insert(reason);
                    }
                }
            }
            if let Some(stock) = c.stock.map(Decimal::from)
                && stock < l.quantity
            {
                let short = l.quantity - stock;
                let reason =
                    format!("在庫不足 (在庫{stock}) / not enough stock ({stock} available)");
                match tolerances.quantity_action {
                    QuantityAction::ShipAvailable => {
                        decisions.push(decision(
                            format!("行{n}: 在庫{stock}のため、在庫分を発送し残り{short}を取り消しました。"),
                            format!("Line {n}: {stock} in stock; that is sent and the other {short} cancelled."),
                        ));
                        parts = accept_then(stock, reject(short, reason));
                    }
                    QuantityAction::Backorder => {
                        decisions.push(decision(
                            format!("行{n}: 在庫{stock}のため、在庫分を発送し残り{short}を入荷待ちにしました。"),
                            format!("Line {n}: {stock} in stock; that is sent and the other {short} back-ordered."),
                        ));
                        parts = accept_then(
                            stock,
                            PlannedPart {
                                status: PartStatus::Backordered,
                                quantity: short,
                                delivery_days: Some(BACKORDER_DAYS),
                                reason: None,
                            },
                        );
                    }
                    QuantityAction::CancelOrder => {
                        cancel.get_or_insert(reason);
                    }
                }
            }
        }
        if unit_price > l.unit_price && !l.unit_price.is_zero() {
            let rise =
                ((unit_price - l.unit_price) * Decimal::ONE_HUNDRED / l.unit_price).round_dp(1);
            let max = Decimal::from(tolerances.price_increase_percent);
            if rise <= max {
                decisions.push(decision(
                    format!("行{n}: 単価が{}から{}に上昇 ({rise}%) — 許容値{max}%以内のため新価格で確定しました。", l.unit_price, unit_price),
                    format!("Line {n}: unit price rose from {} to {} ({rise} %), within the {max} % tolerance: confirmed at the new price.", l.unit_price, unit_price),
                ));
            } else {
                let reason = format!(
                    "価格変動 {rise}% が許容値 {max}% を超過 / price rose {rise} %, over the {max} % tolerance"
                );
                match tolerances.price_action {
                    Action::RemoveLine => {
                        decisions.push(decision(
                            format!("行{n}: 単価が{rise}%上昇し許容値{max}%を超えるため、注文から削除しました。"),
                            format!("Line {n}: unit price rose {rise} %, over the {max} % tolerance; removed."),
                        ));
                        parts = smallvec![reject(l.quantity, reason)];
                    }
                    Action::CancelOrder => {
                        cancel.get_or_insert(reason);
                    }
                }
            }
        }
        planned.push(PlannedLine {
            line_number: n,
            ordered: l.quantity,
            po_price: l.unit_price,
            unit_price,
            parts,
        });
    }

    // Explicit confirmation plans of the scenario.
    for (i, p) in planned.iter_mut().enumerate() {
        let position = i as u32 + 1;
        if let Some(c) = scenario
            .confirmation
            .lines
            .iter()
            .find(|c| c.line == position || c.line == 0)
        {
            let mut rest = p.ordered;
            p.parts = c
                .parts
                .iter()
                .map(|part| {
                    let q = resolve(part.quantity, rest);
                    rest -= q;
                    PlannedPart {
                        status: part.status,
                        quantity: q,
                        delivery_days: part
                            .delivery_days
                            .or((part.status == PartStatus::Backordered).then_some(BACKORDER_DAYS)),
                        reason: part.reason.clone(),
                    }
                })
                .filter(|part| !part.quantity.is_zero())
                .collect();
            if !rest.is_zero() {
                p.parts.push(PlannedPart {
                    status: PartStatus::Accept,
                    quantity: rest,
                    delivery_days: None,
                    reason: None,
                });
            }
        }
    }

    // Shipping, and the maximum shipping price.
    let rules = match scenario.shipping_yen {
        Some(shipping_fee) => Cow::Owned(PricingRules {
            shipping_fee,
            ..rules.clone()
        }),
        None => Cow::Borrowed(rules),
    };
    let subtotal = |planned: &[PlannedLine]| -> Decimal {
        planned
            .iter()
            .map(|l| {
                (l.quantity(PartStatus::Accept) + l.quantity(PartStatus::Backordered))
                    * l.unit_price
            })
            .sum()
    };
    let quote = rules.price(subtotal(&planned));
    if let Some(max) = tolerances.max_shipping_yen
        && quote.shipping - quote.discount > Decimal::from(max)
    {
        cancel.get_or_insert(format!(
            "配送料 {} 円が上限 {max} 円を超過 / shipping {} yen over the {max}-yen maximum",
            quote.shipping - quote.discount,
            quote.shipping - quote.discount
        ));
    }
    if let Some(reason) = cancel.or_else(|| {
        (scenario.confirmation.kind.as_deref() == Some("reject"))
            .then(|| scenario.confirmation.reason.clone().unwrap_or_default())
    }) {
        decisions.push(decision(
            format!("注文全体を取り消しました: {reason}"),
            format!("The whole order was cancelled: {reason}"),
        ));
        for p in &mut planned {
            p.parts = smallvec![reject(p.ordered, reason.clone())];
        }
        return Fulfilment {
            header_type: "reject".into(),
            header_reason: Some(scenario.confirmation.reason.clone().unwrap_or(reason)),
            lines: planned,
            shipments: Vec::new(),
            invoice: false,
            quote: Quote::default(),
            decisions,
        };
    }
    let quote = rules.price(subtotal(&planned));

    let all = |status: PartStatus| {
        planned
            .iter()
            .all(|l| l.parts.iter().all(|p| p.status == status))
    };
    let header_type = match scenario.confirmation.kind.as_deref() {
        Some(kind) => kind,
        None if all(PartStatus::Reject) => "reject",
        None if all(PartStatus::Backordered) => "backordered",
        None => "detail",
    };

    let shipments = plan_shipments(&planned, scenario);
    let ships = !shipments.is_empty();
    Fulfilment {
        header_reason: scenario.confirmation.reason.clone(),
        invoice: scenario.invoice && ships,
        header_type: header_type.into(),
        lines: planned,
        shipments,
        quote,
        decisions,
    }
}

fn reject(quantity: Decimal, reason: String) -> PlannedPart {
    PlannedPart {
        status: PartStatus::Reject,
        quantity,
        delivery_days: None,
        reason: Some(reason),
    }
}

fn accept_then(accepted: Decimal, then: PlannedPart) -> Few<PlannedPart> {
    let mut v = Few::new();
    if !accepted.is_zero() {
        v.push(PlannedPart {
            status: PartStatus::Accept,
            quantity: accepted,
            delivery_days: None,
            reason: None,
        });
    }
    v.push(then);
    v
}

fn plan_shipments(lines: &[PlannedLine], scenario: &Scenario) -> Vec<PlannedShipment> {
    let of = |status: PartStatus| {
        lines
            .iter()
            .map(move |l| (l.line_number, l.quantity(status)))
            .filter(|(_, q)| !q.is_zero())
    };
    let backordered: Vec<(u32, Decimal)> = of(PartStatus::Backordered).collect();
    let mut out = Vec::new();
    if scenario.shipments.is_empty() {
        let first: Vec<(u32, Decimal)> = of(PartStatus::Accept).collect();
        if !first.is_empty() {
            out.push(PlannedShipment {
                delay_secs: None,
                items: first,
                shipment_id: Text::default(),
                tracking: Text::default(),
            });
        }
        if !backordered.is_empty() {
            out.push(PlannedShipment {
                delay_secs: None,
                items: backordered,
                shipment_id: Text::default(),
                tracking: Text::default(),
            });
        }
        return out;
    }
    let mut accepted: Vec<(u32, Decimal)> = lines
        .iter()
        .map(|l| (l.line_number, l.quantity(PartStatus::Accept)))
        .collect();
    for s in &scenario.shipments {
        let items: Vec<(u32, Decimal)> = if s.backordered {
            backordered.clone()
        } else if s.lines.is_empty() {
            accepted
                .iter_mut()
                .filter(|(_, q)| !q.is_zero())
                .map(|(n, q)| (*n, std::mem::take(q)))
                .collect()
        } else {
            s.lines
                .iter()
                .filter_map(|sl| {
                    let line = lines.get(sl.line.checked_sub(1)? as usize)?.line_number;
                    let left = accepted.iter_mut().find(|(n, _)| *n == line)?;
                    let q = resolve(sl.quantity, left.1);
                    left.1 -= q;
                    (!q.is_zero()).then_some((line, q))
                })
                .collect()
        };
        if !items.is_empty() {
            out.push(PlannedShipment {
                delay_secs: s.delay,
                items,
                shipment_id: Text::default(),
                tracking: Text::default(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Catalog;
    use crate::domain::scenario::Catalogue;

    fn line(n: u32, qty: u32, price: u32) -> OrderLine {
        OrderLine {
            line_number: n,
            asin: "B087JWRCP5".into(),
            aux_id: None,
            description: String::new(),
            unit_price: Decimal::from(price),
            currency: "JPY".into(),
            quantity: Decimal::from(qty),
            unit_of_measure: "EA".into(),
        }
    }

    fn scenario(toml_tail: &str) -> Scenario {
        Catalogue::parse_one(
            &format!(
                "id = \"t\"\nsection = \"advanced\"\nname = {{ ja = \"a\", en = \"b\" }}\ndescription = {{ ja = \"a\", en = \"b\" }}\n{toml_tail}"
            ),
            "t.toml",
        )
        .unwrap()
    }

    fn rules() -> PricingRules {
        Catalog::embedded().pricing
    }

    #[test]
    fn the_basic_order_is_accepted_and_shipped_whole() {
        let f = plan(
            &[line(1, 1, 16182)],
            &scenario(""),
            &Tolerances::default(),
            &rules(),
            None,
        );
        assert_eq!(f.header_type, "detail");
        assert_eq!(f.lines[0].quantity(PartStatus::Accept), Decimal::ONE);
        assert_eq!(f.shipments.len(), 1);
        assert_eq!(f.quote.total, Decimal::from(17800));
        assert!(!f.invoice);
    }

    #[test]
    fn a_price_rise_within_tolerance_is_confirmed_at_the_new_price() {
        let s = scenario("[[changes]]\nline = 1\nprice_percent = 10\n");
        let f = plan(
            &[line(1, 1, 1000)],
            &s,
            &Tolerances::default(),
            &rules(),
            None,
        );
        assert_eq!(f.lines[0].unit_price, Decimal::from(1100));
        assert_eq!(f.lines[0].quantity(PartStatus::Accept), Decimal::ONE);
        assert!(f.decisions[0].en.contains("within"));
    }

    #[test]
    fn a_price_rise_beyond_tolerance_removes_the_line_or_cancels_per_the_setting() {
        let s = scenario("[[changes]]\nline = 1\nprice_percent = 30\n");
        let lines = [line(1, 1, 1000), line(2, 1, 3000)];
        let f = plan(&lines, &s, &Tolerances::default(), &rules(), None);
        assert_eq!(f.lines[0].quantity(PartStatus::Reject), Decimal::ONE);
        assert_eq!(f.lines[1].quantity(PartStatus::Accept), Decimal::ONE);
        assert_eq!(f.header_type, "detail");
        assert_eq!(f.shipments[0].items, [(2, Decimal::ONE)]);
        let cancel = Tolerances {
            price_action: Action::CancelOrder,
            ..Tolerances::default()
        };
        let f = plan(&lines, &s, &cancel, &rules(), None);
        assert!(f.cancelled());
        assert!(f.shipments.is_empty());
    }

    #[test]
    fn short_stock_follows_the_quantity_setting() {
        let s = scenario("[[changes]]\nline = 1\nstock = 2\n");
        let l = [line(1, 5, 100)];
        let ship = plan(&l, &s, &Tolerances::default(), &rules(), None);
        assert_eq!(ship.lines[0].quantity(PartStatus::Accept), Decimal::from(2));
        assert_eq!(ship.lines[0].quantity(PartStatus::Reject), Decimal::from(3));
        let back = Tolerances {
            quantity_action: QuantityAction::Backorder,
            ..Tolerances::default()
        };
        let b = plan(&l, &s, &back, &rules(), None);
        assert_eq!(
            b.lines[0].quantity(PartStatus::Backordered),
            Decimal::from(3)
        );
        assert_eq!(b.shipments.len(), 2, "the back-ordered units ship later");
    }

    #[test]
    fn a_cart_older_than_the_hold_is_repriced_and_the_log_says_so() {
        let s = scenario("[[changes]]\nline = 1\nprice_percent = 5\n");
        let fresh = plan(
            &[line(1, 1, 1000)],
            &s,
            &Tolerances::default(),
            &rules(),
            Some(3),
        );
        assert!(
            !fresh
                .decisions
                .iter()
                .any(|d| d.en.contains("days after the cart"))
        );
        let late = plan(
            &[line(1, 1, 1000)],
            &s,
            &Tolerances::default(),
            &rules(),
            Some(8),
        );
        assert_eq!(late.lines[0].unit_price, Decimal::from(1050));
        assert!(late.decisions[0].en.contains("8 days"));
    }

    #[test]
    fn explicit_plans_split_lines_and_shipments() {
        let s = scenario(
            "[[confirmation.lines]]\nline = 1\nparts = [{ status = \"accept\", quantity = 1 }, { status = \"backordered\", delivery_days = 10 }]\n\n[[shipments]]\n\n[[shipments]]\nbackordered = true\ndelay = 30\n",
        );
        let f = plan(
            &[line(1, 3, 100)],
            &s,
            &Tolerances::default(),
            &rules(),
            None,
        );
        assert_eq!(f.lines[0].quantity(PartStatus::Accept), Decimal::ONE);
        assert_eq!(
            f.lines[0].quantity(PartStatus::Backordered),
            Decimal::from(2)
        );
        assert_eq!(f.shipments.len(), 2);
        assert_eq!(f.shipments[1].delay_secs, Some(30));
        assert_eq!(f.shipments[1].items, [(1, Decimal::from(2))]);
    }

    #[test]
    fn shipping_over_the_maximum_cancels_the_order() {
        let s = scenario("shipping_yen = 3000\n");
        let t = Tolerances {
            max_shipping_yen: Some(1000),
            ..Tolerances::default()
        };
        let f = plan(&[line(1, 1, 100)], &s, &t, &rules(), None);
        assert!(f.cancelled());
        assert!(f.header_reason.unwrap().contains("3000"));
    }
}
