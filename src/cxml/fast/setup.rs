//! The fast reader of the PunchOutSetupRequest (every punchout starts with
//! one), from the same element tree as the OrderRequest's.

use super::*;
use crate::cxml::punchout_setup::{PunchOutSetupRequest, SelectedItem, SetupItemOut};

/// Reads a PunchOutSetupRequest from its document's tree.
pub fn punchout_setup_request(t: &Tree<'_>) -> Fast<Cxml<PunchOutSetupRequest>> {
    request(t, "PunchOutSetupRequest", |id| {
        Some(PunchOutSetupRequest {
            operation: t.attr(id, "operation").unwrap_or_default().into(),
            buyer_cookie: t.child_text(id, "BuyerCookie")?.unwrap_or_default().into(),
            extrinsics: extrinsics(t, id)?,
            browser_form_post: maybe(t.one(id, "BrowserFormPost")?, |b| url_holder(t, b))?,
            contacts: contacts(t, id)?,
            supplier_setup: maybe(t.one(id, "SupplierSetup")?, |s| url_holder(t, s))?,
            ship_to: maybe(t.one(id, "ShipTo")?, |a| address_holder(t, a))?,
            selected_item: maybe(t.one(id, "SelectedItem")?, |s| {
                t.bare(s)?;
                Some(SelectedItem {
                    item_id: item_id(t, s)?,
                })
            })?,
            items: t
                .all(id, "ItemOut")
                .map(|i| {
                    t.bare(i)?;
                    Some(SetupItemOut {
                        quantity: t.attr(i, "quantity").unwrap_or_default().into(),
                        line_number: t.attr(i, "lineNumber").map(Into::into),
                        item_id: item_id(t, i)?,
                        item_detail: maybe(t.one(i, "ItemDetail")?, |d| item_detail(t, d))?,
                    })
                })
                .collect::<Fast<_>>()?,
        })
    })
}

fn url_holder(t: &Tree, id: usize) -> Fast<UrlHolder> {
    t.bare(id)?;
    Some(UrlHolder {
        url: t.child_text(id, "URL")?.unwrap_or_default().into(),
    })
}
