//! Planning an order's fulfilment: the scenario's changes against the
//! group's safeguards, line by line, then the order as a whole.

use std::borrow::Cow;

use rust_decimal::Decimal;
use smallvec::smallvec;

use super::planned::{Decision, Fulfilment, PlannedLine, PlannedPart};
use super::shipments::plan_shipments;
use crate::cxml::Few;
use crate::domain::order::line::OrderLine;
use crate::domain::pricing::{PricingRules, Quote};
use crate::domain::safeguard::{Action, QuantityAction, Tolerances};
use crate::domain::scenario::{PartStatus, Scenario};

/// Days a checkout-based cart holds its prices (REFERENCE.md §10.4).
pub const PRICE_HOLD_DAYS: u32 = 7;

fn decision(ja: String, en: String) -> Decision {
    Decision { ja, en }
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
                    let q = part.quantity.resolve(rest);
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
