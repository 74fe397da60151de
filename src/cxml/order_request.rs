//! OrderRequest: the purchase order the buyer sends to the PO Request URL,
//! cXML.dtd.

use serde::{Deserialize, Serialize};

use super::common::{AddressHolder, Contact, Extrinsic, ItemDetail, ItemId, MoneyHolder};
use super::{Container, Cxml, Dtd, Payload, Text};

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct OrderRequest {
    #[serde(rename = "OrderRequestHeader", default)]
    pub header: OrderRequestHeader,
    #[serde(rename = "ItemOut", default)]
    pub items: Vec<ItemOut>,
}

impl Payload for OrderRequest {
    const NAME: &'static str = "OrderRequest";
    const CONTAINER: Container = Container::Request;
    const DTD: Dtd = Dtd::Cxml;

    const READS_TREE: bool = true;

    fn read_fast(tree: &super::fast::Tree<'_>) -> Option<Cxml<Self>> {
        super::fast::order_request(tree)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct OrderRequestHeader {
    #[serde(rename = "@orderID", default)]
    pub order_id: Text,
    #[serde(rename = "@orderDate", default)]
    pub order_date: Text,
    #[serde(rename = "@type", skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<Text>,
    #[serde(rename = "Total", skip_serializing_if = "Option::is_none")]
    pub total: Option<MoneyHolder>,
    #[serde(rename = "ShipTo", skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<AddressHolder>,
    #[serde(rename = "BillTo", skip_serializing_if = "Option::is_none")]
    pub bill_to: Option<AddressHolder>,
    #[serde(rename = "Contact", default)]
    pub contacts: Vec<Contact>,
    #[serde(rename = "Extrinsic", default)]
    pub extrinsics: Vec<Extrinsic>,
}

impl OrderRequestHeader {
    /// `type`, defaulting to `new` as the DTD does.
    pub fn order_type(&self) -> &str {
        self.kind.as_deref().map(str::trim).unwrap_or("new")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ItemOut {
    #[serde(rename = "@quantity", default)]
    pub quantity: Text,
    #[serde(
        rename = "@lineNumber",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub line_number: Option<Text>,
    #[serde(
        rename = "@requestedDeliveryDate",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub requested_delivery_date: Option<Text>,
    #[serde(rename = "ItemID", default)]
    pub item_id: ItemId,
    #[serde(rename = "ItemDetail", skip_serializing_if = "Option::is_none")]
    pub item_detail: Option<ItemDetail>,
}
