//! Which units each ship notice carries: by default the accepted units at
//! once and the back-ordered ones later, or as the scenario scripts it.

use rust_decimal::Decimal;

use super::planned::{PlannedLine, PlannedShipment};
use crate::cxml::Text;
use crate::domain::scenario::{PartStatus, Scenario};

pub(super) fn plan_shipments(lines: &[PlannedLine], scenario: &Scenario) -> Vec<PlannedShipment> {
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
                    let q = sl.quantity.resolve(left.1);
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
