//! How absim fulfils an order: what it confirms (per line: accepted,
//! back-ordered, rejected, at which price), what it ships in which ship
//! notice, whether it invoices, and why. The plan is made once, when the PO
//! is accepted, from the scenario (what changed on Amazon's side) and the
//! group's order safeguards (what the buyer tolerates), and stored with the
//! order; the documents are written from it.
//!
//! [`plan`] (in `planning`) makes the plan from the PO lines: `line_rules`
//! decides each line with the `ruling`s of the scenario and the safeguards,
//! `shipments` the ship notices; `planned` holds what is stored.

mod line_rules;
mod planned;
mod planning;
mod ruling;
mod shipments;

pub use planned::{Decision, Fulfilment, PlannedLine, PlannedPart, PlannedShipment};
pub use planning::{PRICE_HOLD_DAYS, plan};

#[cfg(test)]
mod tests;
