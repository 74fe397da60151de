//! PunchOutSetupRequest (buyer -> absim), with its fast reader, and
//! PunchOutSetupResponse (absim -> buyer), cXML.dtd.

use serde::{Deserialize, Serialize};

use super::common::{AddressHolder, Contact, Extrinsic, ItemDetail, ItemId, UrlHolder};
use super::fast::{
    Fast, address_holder, contacts, extrinsics, item_detail, item_id, maybe, request, url_holder,
};
use super::tree::Tree;
use super::{Container, Cxml, Dtd, Payload};

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct PunchOutSetupRequest {
    #[serde(rename = "@operation", default)]
    pub operation: String,
    #[serde(rename = "BuyerCookie", default)]
    pub buyer_cookie: String,
    #[serde(rename = "Extrinsic", default)]
    pub extrinsics: Vec<Extrinsic>,
    #[serde(rename = "BrowserFormPost", skip_serializing_if = "Option::is_none")]
    pub browser_form_post: Option<UrlHolder>,
    #[serde(rename = "Contact", default)]
    pub contacts: Vec<Contact>,
    #[serde(rename = "SupplierSetup", skip_serializing_if = "Option::is_none")]
    pub supplier_setup: Option<UrlHolder>,
    #[serde(rename = "ShipTo", skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<AddressHolder>,
    #[serde(rename = "SelectedItem", skip_serializing_if = "Option::is_none")]
    pub selected_item: Option<SelectedItem>,
    #[serde(rename = "ItemOut", default)]
    pub items: Vec<SetupItemOut>,
}

impl Payload for PunchOutSetupRequest {
    const NAME: &'static str = "PunchOutSetupRequest";
    const CONTAINER: Container = Container::Request;
    const DTD: Dtd = Dtd::Cxml;

    const READS_TREE: bool = true;

    fn read_fast(tree: &Tree<'_>) -> Option<Cxml<Self>> {
        read_tree(tree)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct SelectedItem {
    #[serde(rename = "ItemID", default)]
    pub item_id: ItemId,
}

/// An ItemOut carried by `edit` and `inspect` setups to rebuild the cart.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct SetupItemOut {
    #[serde(rename = "@quantity", default)]
    pub quantity: String,
    #[serde(
        rename = "@lineNumber",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub line_number: Option<String>,
    #[serde(rename = "ItemID", default)]
    pub item_id: ItemId,
    #[serde(rename = "ItemDetail", skip_serializing_if = "Option::is_none")]
    pub item_detail: Option<ItemDetail>,
}

impl PunchOutSetupRequest {
    /// The hook URL (`BrowserFormPost/URL`), if present and not blank.
    pub fn hook_url(&self) -> Option<&str> {
        self.browser_form_post
            .as_ref()
            .map(|b| b.url.trim())
            .filter(|u| !u.is_empty())
    }

    /// The user's e-mail from the first of the four places Amazon reads it:
    /// `Extrinsic[@name='UserEmail']`, `ShipTo/Address/Email`,
    /// `Contact/Email`, `Extrinsic[@name='Email']`.
    pub fn user_email(&self) -> Option<&str> {
        super::extrinsic(&self.extrinsics, "UserEmail")
            .or_else(|| {
                self.ship_to
                    .as_ref()
                    .and_then(|s| s.address.email.as_ref())
                    .map(|e| e.value.trim())
                    .filter(|v| !v.is_empty())
            })
            .or_else(|| {
                self.contacts
                    .iter()
                    .flat_map(|c| &c.email)
                    .map(|e| e.value.trim())
                    .find(|v| !v.is_empty())
            })
            .or_else(|| super::extrinsic(&self.extrinsics, "Email"))
    }

    pub fn first_name(&self) -> Option<&str> {
        super::extrinsic(&self.extrinsics, "FirstName")
    }

    pub fn last_name(&self) -> Option<&str> {
        super::extrinsic(&self.extrinsics, "LastName")
    }

    pub fn user_business_unit(&self) -> Option<&str> {
        super::extrinsic(&self.extrinsics, "UserBusinessUnit")
    }
}

/// The XPaths Amazon names when the e-mail is missing (REFERENCE.md §10.3).
pub const EMAIL_PATHS: &str = "/cXML/Request/PunchOutSetupRequest//Extrinsic[@name='UserEmail'] (or) /cXML/Request/PunchOutSetupRequest//ShipTo/Address/Email (or) /cXML/Request/PunchOutSetupRequest//Contact/Email (or) /cXML/Request/PunchOutSetupRequest//Extrinsic[@name='Email']";
pub const HOOK_URL_PATH: &str = "/cXML/Request/PunchOutSetupRequest/BrowserFormPost/URL";

/// Reads a PunchOutSetupRequest from its document's tree (every punchout
/// starts with one).
fn read_tree(t: &Tree<'_>) -> Fast<Cxml<PunchOutSetupRequest>> {
    request(t, "PunchOutSetupRequest", |id| {
        Some(PunchOutSetupRequest {
            operation: t.attr(id, "operation").unwrap_or_default(),
            buyer_cookie: t.child_text(id, "BuyerCookie")?.unwrap_or_default(),
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
                .map(|i| read_item(t, i))
                .collect::<Fast<_>>()?,
        })
    })
}

fn read_item(t: &Tree, id: usize) -> Fast<SetupItemOut> {
    t.bare(id)?;
    Some(SetupItemOut {
        quantity: t.attr(id, "quantity").unwrap_or_default(),
        line_number: t.attr(id, "lineNumber"),
        item_id: item_id(t, id)?,
        item_detail: maybe(t.one(id, "ItemDetail")?, |d| item_detail(t, d))?,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct PunchOutSetupResponse {
    #[serde(rename = "StartPage")]
    pub start_page: UrlHolder,
}

impl Payload for PunchOutSetupResponse {
    const NAME: &'static str = "PunchOutSetupResponse";
    const CONTAINER: Container = Container::Response;
    const DTD: Dtd = Dtd::Cxml;
}
