//! Business rules as plain functions over plain data: the catalogue, pricing,
//! accounts and their credential rules, carts, orders and the documents absim
//! answers with. Nothing here knows about HTTP or storage; `web` and `store`
//! call in, never the other way round.

pub mod account;
pub mod catalog;
pub mod checks;
pub mod delivery;
pub mod documents;
pub mod error_form;
pub mod fault;
pub mod fulfilment;
pub mod ids;
pub mod injection;
pub mod intake;
pub mod mail;
pub mod marketplace;
pub mod order;
pub mod pricing;
pub mod punchout;
pub mod run;
pub mod safeguard;
pub mod scenario;
pub mod session;
pub mod ship_to;

pub use account::{CartField, Group, Mode, PurchasingSystem};
pub use catalog::{Catalog, Product};
pub use error_form::ErrorForm;
pub use marketplace::{Marketplace, Marketplaces};
pub use pricing::{Pricing, Quote};
