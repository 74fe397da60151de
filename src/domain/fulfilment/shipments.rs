//! Which units each ship notice carries: by default the accepted units at
//! once and the back-ordered ones later, or as the scenario scripts it.

use rust_decimal::Decimal;

use super::planned::{PlannedLine, PlannedShipment};
use crate::cxml::Text;
use crate::domain::scenario::{PartStatus, Scenario, ShipmentLine, ShipmentPlan};

/// The ship notices owed for the planned lines.
pub(super) fn plan_shipments(lines: &[PlannedLine], scenario: &Scenario) -> Vec<PlannedShipment> {
    if scenario.shipments.is_empty() {
        ship_by_default(lines)
    } else {
        ship_as_scripted(lines, &scenario.shipments)
    }
}

/// Without a script: one notice for the accepted units, then one for the
/// back-ordered units; a notice with nothing to carry is not sent.
pub(super) fn ship_by_default(lines: &[PlannedLine]) -> Vec<PlannedShipment> {
    [PartStatus::Accept, PartStatus::Backordered]
        .into_iter()
        .map(|status| count_units(lines, status))
        .filter(|items| !items.is_empty())
        .map(|items| prepare_shipment(None, items))
        .collect()
}

/// As the scenario scripts it: each notice takes the back-ordered units,
/// the named quantities of named lines, or every accepted unit not sent
/// yet; a notice with nothing to carry is not sent.
pub(super) fn ship_as_scripted(
    lines: &[PlannedLine],
    script: &[ShipmentPlan],
) -> Vec<PlannedShipment> {
    let backordered = count_units(lines, PartStatus::Backordered);
    let mut unsent: Vec<(u32, Decimal)> = lines
        .iter()
        .map(|l| (l.line_number, l.quantity(PartStatus::Accept)))
        .collect();
    script
        .iter()
        .filter_map(|s| {
            let items = if s.backordered {
                backordered.clone()
            } else if s.lines.is_empty() {
                unsent
                    .iter_mut()
                    .filter(|(_, q)| !q.is_zero())
                    .map(|(n, q)| (*n, std::mem::take(q)))
                    .collect()
            } else {
                take_named(lines, &s.lines, &mut unsent)
            };
            (!items.is_empty()).then(|| prepare_shipment(s.delay, items))
        })
        .collect()
}

/// The scripted quantities of the scripted lines (named by position), out
/// of each line's accepted units not sent yet.
fn take_named(
    lines: &[PlannedLine],
    named: &[ShipmentLine],
    unsent: &mut [(u32, Decimal)],
) -> Vec<(u32, Decimal)> {
    named
        .iter()
        .filter_map(|sl| {
            let line = lines.get(sl.line.checked_sub(1)? as usize)?.line_number;
            let left = unsent.iter_mut().find(|(n, _)| *n == line)?;
            let q = sl.quantity.resolve(left.1);
            left.1 -= q;
            (!q.is_zero()).then_some((line, q))
        })
        .collect()
}

/// (PO line, units) of every line with units of `status`.
fn count_units(lines: &[PlannedLine], status: PartStatus) -> Vec<(u32, Decimal)> {
    lines
        .iter()
        .map(|l| (l.line_number, l.quantity(status)))
        .filter(|(_, q)| !q.is_zero())
        .collect()
}

/// A ship notice before its numbers are given (when the order is accepted).
fn prepare_shipment(delay_secs: Option<u64>, items: Vec<(u32, Decimal)>) -> PlannedShipment {
    PlannedShipment {
        delay_secs,
        items,
        shipment_id: Text::default(),
        tracking: Text::default(),
    }
}
