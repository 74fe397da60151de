//! PunchOutOrderMessage (POOM): the cart absim returns to the buyer through
//! the user's browser, cXML.dtd.

use serde::{Deserialize, Serialize};

use super::common::{ItemDetail, ItemId, MoneyHolder, Shipping, Tax};
use super::{Container, Dtd, Payload};

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct PunchOutOrderMessage {
    #[serde(rename = "BuyerCookie", default)]
    pub buyer_cookie: String,
    #[serde(rename = "PunchOutOrderMessageHeader", default)]
    pub header: PunchOutOrderMessageHeader,
    #[serde(rename = "ItemIn", default)]
    pub items: Vec<ItemIn>,
}

impl Payload for PunchOutOrderMessage {
    const NAME: &'static str = "PunchOutOrderMessage";
    const CONTAINER: Container = Container::Message;
    const DTD: Dtd = Dtd::Cxml;
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct PunchOutOrderMessageHeader {
    #[serde(rename = "@operationAllowed", default)]
    pub operation_allowed: String,
    #[serde(rename = "Total", default)]
    pub total: MoneyHolder,
    #[serde(rename = "Shipping", skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    #[serde(rename = "Tax", skip_serializing_if = "Option::is_none")]
    pub tax: Option<Tax>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ItemIn {
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
    #[serde(rename = "ItemDetail", default)]
    pub item_detail: ItemDetail,
    /// The line's shipping and tax, as European carts carry them.
    #[serde(rename = "Shipping", skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    #[serde(rename = "Tax", skip_serializing_if = "Option::is_none")]
    pub tax: Option<Tax>,
}
