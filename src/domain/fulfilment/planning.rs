//! Planning an order's fulfilment: each line on its own (`line_rules`), then the
//! order as a whole: its shipping price, whether it is cancelled, its
//! confirmation's header type and its ship notices.

use smallvec::smallvec;

use super::line_rules::plan_line;
use super::planned::{Decision, Fulfilment, PlannedLine, PlannedPart};
use super::ruling::Deliberation;
use super::shipments::plan_shipments;
use crate::domain::order::line::OrderLine;
use crate::domain::pricing::{Charging, Currency, Quote, Taxable};
use crate::domain::safeguard::Tolerances;
use crate::domain::scenario::{PartStatus, Scenario};
use crate::i18n::Note;
use crate::note;

/// Days a checkout-based cart holds its prices (REFERENCE.md §10.4).
pub const PRICE_HOLD_DAYS: u32 = 7;

/// Plans the fulfilment of an order's lines, charged as `charging` says
/// (the scenario's shipping fee, if it sets one, is already in it).
pub fn plan(
    lines: &[OrderLine],
    scenario: &Scenario,
    tolerances: &Tolerances,
    charging: &Charging,
    cart_age_days: Option<u32>,
) -> Fulfilment {
    let mut deliberation = Deliberation::default();
    // A scenario's price change is what Amazon's price is at order time; a
    // cart older than the hold period is re-priced, and the log says so.
    if let Some(d) = note_repricing(scenario.cart_age_days.or(cart_age_days)) {
        deliberation.decisions.push(d);
    }
    let planned: Vec<PlannedLine> = lines
        .iter()
        .zip(1..)
        .map(|(line, position)| {
            let rules = (tolerances, &charging.pricing.currency);
            plan_line(position, line, scenario, rules, &mut deliberation)
        })
        .collect();
    let quote = charging.quote(&confirmed(&planned, lines));
    let currency = &charging.pricing.currency;
    if let Some(reason) = check_shipping_price(&quote, tolerances, currency) {
        deliberation.cancel.get_or_insert(reason);
    }
    if let Some(reason) = decide_cancellation(deliberation.cancel.take(), scenario) {
        return cancel_order(planned, reason, scenario, deliberation.decisions);
    }
    let shipments = plan_shipments(&planned, scenario);
    let ships = !shipments.is_empty();
    Fulfilment {
        header_type: choose_header_type(&planned, scenario).into(),
        header_reason: scenario.confirmation.reason.clone().map(Note::Plain),
        lines: planned,
        shipments,
        invoice: scenario.invoice && ships,
        quote,
        decisions: deliberation.decisions,
    }
}

/// The log's note that the cart is older than the price hold, so that its
/// prices were taken afresh at order time.
pub(super) fn note_repricing(cart_age_days: Option<u32>) -> Option<Decision> {
    let d = cart_age_days.filter(|d| *d > PRICE_HOLD_DAYS)?;
    Some(note!("decision-repriced", days = d))
}

/// What the confirmed order costs before shipping and tax, line by line:
/// the accepted and back-ordered units at the confirmed prices, each with
/// its PO line's tax class.
pub(super) fn confirmed<'l>(planned: &[PlannedLine], lines: &'l [OrderLine]) -> Vec<Taxable<'l>> {
    planned
        .iter()
        .zip(lines)
        .map(|(p, l)| Taxable {
            line_number: p.line_number,
            amount: (p.quantity(PartStatus::Accept) + p.quantity(PartStatus::Backordered))
                * p.unit_price,
            class: &l.tax_class,
        })
        .collect()
}

/// Why the order is cancelled when its shipping price, after any discount,
/// is over the group's maximum.
pub(super) fn check_shipping_price(
    quote: &Quote,
    tolerances: &Tolerances,
    currency: &Currency,
) -> Option<Note> {
    let max = tolerances.max_shipping?;
    let shipping = quote.shipping - quote.discount;
    (shipping > max).then(|| {
        note!(
            "reason-shipping",
            shipping = currency.value(shipping),
            max = currency.value(max)
        )
    })
}

/// Why the whole order is cancelled, if it is: a safeguard's first reason,
/// or else a scenario that rejects the confirmation.
pub(super) fn decide_cancellation(safeguard: Option<Note>, scenario: &Scenario) -> Option<Note> {
    safeguard.or_else(|| {
        (scenario.confirmation.kind.as_deref() == Some("reject"))
            .then(|| Note::Plain(scenario.confirmation.reason.clone().unwrap_or_default()))
    })
}

/// The plan of a cancelled order: every line rejected for `reason`, nothing
/// shipped or invoiced, nothing to pay.
pub(super) fn cancel_order(
    mut planned: Vec<PlannedLine>,
    reason: Note,
    scenario: &Scenario,
    mut decisions: Vec<Decision>,
) -> Fulfilment {
    decisions.push(note!("decision-order-cancelled", reason = reason.clone()));
    for p in &mut planned {
        p.parts = smallvec![PlannedPart::reject(p.ordered, reason.clone())];
    }
    Fulfilment {
        header_type: "reject".into(),
        header_reason: Some(
            scenario
                .confirmation
                .reason
                .clone()
                .map_or(reason, Note::Plain),
        ),
        lines: planned,
        shipments: Vec::new(),
        invoice: false,
        quote: Quote::default(),
        decisions,
    }
}

/// The confirmation's header type: the scenario's, or else `reject` when
/// every part is rejected, `backordered` when every part is back-ordered,
/// and `detail` otherwise.
pub(super) fn choose_header_type<'s>(planned: &[PlannedLine], scenario: &'s Scenario) -> &'s str {
    let all = |status: PartStatus| {
        planned
            .iter()
            .all(|l| l.parts.iter().all(|p| p.status == status))
    };
    match scenario.confirmation.kind.as_deref() {
        Some(kind) => kind,
        None if all(PartStatus::Reject) => "reject",
        None if all(PartStatus::Backordered) => "backordered",
        None => "detail",
    }
}
