//! How one PO line is planned: each change the scenario makes on Amazon's
//! side (price, who fulfils it, delivery time, stock) weighed against the
//! group's safeguards, then the price rise over all the changes, then the scenario's
//! explicit confirmation plan, which has the last word on the parts.

use rust_decimal::Decimal;
use smallvec::smallvec;

use super::planned::{Decision, PlannedLine, PlannedPart};
use super::ruling::{Deliberation, Ruling};
use crate::cxml::Few;
use crate::domain::order::line::OrderLine;
use crate::domain::pricing::Currency;
use crate::domain::safeguard::{Action, QuantityAction, Tolerances};
use crate::domain::scenario::{LineChange, LineConfirmation, PartStatus, Scenario};
use crate::i18n::Note;
use crate::note;

/// The default back-order delay.
pub(super) const BACKORDER_DAYS: u32 = 14;

/// Plans PO line number `position` (1-based); what the rules decide goes to
/// `deliberation`.
pub(super) fn plan_line(
    position: u32,
    line: &OrderLine,
    scenario: &Scenario,
    (tolerances, currency): (&Tolerances, &Currency),
    deliberation: &mut Deliberation,
) -> PlannedLine {
    let mut planned = PlannedLine {
        line_number: line.line_number,
        ordered: line.quantity,
        po_price: line.unit_price,
        unit_price: line.unit_price,
        parts: smallvec![PlannedPart::accept(line.quantity)],
    };
    for change in scenario.changes.iter().filter(|c| c.applies_to(position)) {
        planned.unit_price = reprice(planned.unit_price, change, currency.minor_units);
        // A rule that replans the line settles this change; one that only
        // cancels the order leaves the line to the next rule (the first
        // reason to cancel is the one the buyer is told).
        let rulings = [
            rule_on_third_party(change, line, tolerances),
            rule_on_delivery_time(change, line, tolerances),
            rule_on_stock(change, line, tolerances),
        ];
        for ruling in rulings.into_iter().flatten() {
            if deliberation.apply(ruling, &mut planned.parts) {
                break;
            }
        }
    }
    if let Some(ruling) = rule_on_price_rise(line, planned.unit_price, (tolerances, currency)) {
        deliberation.apply(ruling, &mut planned.parts);
    }
    if let Some(plan) = scenario
        .confirmation
        .lines
        .iter()
        .find(|c| c.line == position || c.line == 0)
    {
        planned.parts = confirm_as_planned(plan, planned.ordered);
    }
    planned
}

/// The unit price after a change: moved by its percentage (rounded to the
/// currency's minor units), then by its amount.
pub(super) fn reprice(unit_price: Decimal, change: &LineChange, minor_units: u32) -> Decimal {
    let mut price = unit_price;
    if let Some(p) = change.price_percent {
        price = (price * (Decimal::ONE_HUNDRED + p) / Decimal::ONE_HUNDRED).round_dp(minor_units);
    }
    if let Some(a) = change.price_amount {
        price += a;
    }
    price
}

/// A line fulfilled by someone other than Amazon is removed when the group
/// takes Amazon's own only.
pub(super) fn rule_on_third_party(
    change: &LineChange,
    line: &OrderLine,
    tolerances: &Tolerances,
) -> Option<Ruling> {
    if !(change.third_party && tolerances.amazon_only) {
        return None;
    }
    let n = line.line_number;
    let reason = note!("reason-third-party");
    Some(remove_line(
        line,
        reason,
        note!("decision-third-party-removed", line = n),
    ))
}

/// A delivery time over the group's maximum removes the line or cancels
/// the order, as the group chose.
pub(super) fn rule_on_delivery_time(
    change: &LineChange,
    line: &OrderLine,
    tolerances: &Tolerances,
) -> Option<Ruling> {
    let days = change.delivery_days?;
    let max = tolerances.max_delivery_days.filter(|max| days > *max)?;
    let n = line.line_number;
    let reason = note!("reason-delivery-time", days = days, max = max);
    Some(act_beyond_tolerance(
        tolerances.delivery_action,
        line,
        reason,
        note!(
            "decision-delivery-too-late",
            line = n,
            days = days,
            max = max
        ),
    ))
}

/// Fewer units in stock than ordered: what is in stock is sent and the rest
/// rejected or back-ordered, or the order is cancelled, as the group chose.
pub(super) fn rule_on_stock(
    change: &LineChange,
    line: &OrderLine,
    tolerances: &Tolerances,
) -> Option<Ruling> {
    let stock = change
        .stock
        .map(Decimal::from)
        .filter(|stock| *stock < line.quantity)?;
    let short = line.quantity - stock;
    let n = line.line_number;
    let reason = note!("reason-stock", stock = stock);
    Some(match tolerances.quantity_action {
        QuantityAction::ShipAvailable => Ruling::Replan(
            accept_then(stock, PlannedPart::reject(short, reason)),
            note!(
                "decision-stock-rest-cancelled",
                line = n,
                stock = stock,
                short = short
            ),
        ),
        QuantityAction::Backorder => Ruling::Replan(
            accept_then(
                stock,
                PlannedPart {
                    status: PartStatus::Backordered,
                    quantity: short,
                    delivery_days: Some(BACKORDER_DAYS),
                    reason: None,
                },
            ),
            note!(
                "decision-stock-rest-backordered",
                line = n,
                stock = stock,
                short = short
            ),
        ),
        QuantityAction::CancelOrder => Ruling::CancelOrder(reason),
    })
}

/// A unit price above the PO's: within the group's tolerance the line is
/// confirmed at the new price, and the log says so; beyond it the line is
/// removed or the order cancelled, as the group chose.
pub(super) fn rule_on_price_rise(
    line: &OrderLine,
    unit_price: Decimal,
    (tolerances, currency): (&Tolerances, &Currency),
) -> Option<Ruling> {
    let po_price = line.unit_price;
    if unit_price <= po_price || po_price.is_zero() {
        return None;
    }
    let n = line.line_number;
    let rise = ((unit_price - po_price) * Decimal::ONE_HUNDRED / po_price).round_dp(1);
    let max = Decimal::from(tolerances.price_increase_percent);
    if rise <= max {
        return Some(Ruling::Keep(note!(
            "decision-price-rise-kept",
            line = n,
            from = currency.value(po_price),
            to = currency.value(unit_price),
            rise = rise,
            max = max
        )));
    }
    let reason = note!("reason-price-rise", rise = rise, max = max);
    Some(act_beyond_tolerance(
        tolerances.price_action,
        line,
        reason,
        note!(
            "decision-price-rise-removed",
            line = n,
            rise = rise,
            max = max
        ),
    ))
}

/// The parts a scenario's explicit plan gives a line of `ordered` units,
/// in its order; units it leaves unnamed are accepted, and back-ordered
/// parts without a delay of their own get the default one.
pub(super) fn confirm_as_planned(plan: &LineConfirmation, ordered: Decimal) -> Few<PlannedPart> {
    let mut rest = ordered;
    let mut parts: Few<PlannedPart> = plan
        .parts
        .iter()
        .map(|part| {
            let quantity = part.quantity.resolve(rest);
            rest -= quantity;
            PlannedPart {
                status: part.status,
                quantity,
                delivery_days: part
                    .delivery_days
                    .or((part.status == PartStatus::Backordered).then_some(BACKORDER_DAYS)),
                reason: part.reason.clone().map(Note::Plain),
            }
        })
        .filter(|part| !part.quantity.is_zero())
        .collect();
    if !rest.is_zero() {
        parts.push(PlannedPart::accept(rest));
    }
    parts
}

/// What the group's `action` makes of a line beyond a tolerance: the line
/// removed, with `removed` for the log, or the whole order cancelled.
fn act_beyond_tolerance(
    action: Action,
    line: &OrderLine,
    reason: Note,
    removed: Decision,
) -> Ruling {
    match action {
        Action::RemoveLine => remove_line(line, reason, removed),
        Action::CancelOrder => Ruling::CancelOrder(reason),
    }
}

/// The line removed from the order: every unit rejected for `reason`.
fn remove_line(line: &OrderLine, reason: Note, decision: Decision) -> Ruling {
    Ruling::Replan(
        smallvec![PlannedPart::reject(line.quantity, reason)],
        decision,
    )
}

/// The units in stock accepted (when there are any), then `then`.
fn accept_then(accepted: Decimal, then: PlannedPart) -> Few<PlannedPart> {
    let mut parts = Few::new();
    if !accepted.is_zero() {
        parts.push(PlannedPart::accept(accepted));
    }
    parts.push(then);
    parts
}
