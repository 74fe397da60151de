//! OrderRequest: the purchase order the buyer sends to the PO Request URL,
//! cXML.dtd; its model and its fast reader (every PO is read by it).

use serde::{Deserialize, Serialize};

use super::common::{AddressHolder, Contact, Extrinsic, ItemDetail, ItemId, MoneyHolder};
use super::fast::{
    Fast, address_holder, contacts, extrinsics, item_detail, item_id, maybe, money_holder, request,
};
use super::tree::Tree;
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

    fn read_fast(tree: &Tree<'_>) -> Option<Cxml<Self>> {
        read_tree(tree)
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

/// Reads an OrderRequest from its document's tree (the document scanned:
/// well-formed, no entity declarations, the payload is an OrderRequest in
/// a Request).
fn read_tree(t: &Tree<'_>) -> Fast<Cxml<OrderRequest>> {
    request(t, "OrderRequest", |payload| {
        Some(OrderRequest {
            header: maybe(t.one(payload, "OrderRequestHeader")?, |h| read_header(t, h))?
                .unwrap_or_default(),
            items: t
                .all(payload, "ItemOut")
                .map(|i| read_item(t, i))
                .collect::<Fast<_>>()?,
        })
    })
}

fn read_header(t: &Tree, id: usize) -> Fast<OrderRequestHeader> {
    t.bare(id)?;
    Some(OrderRequestHeader {
        order_id: t.attr(id, "orderID").unwrap_or_default(),
        order_date: t.attr(id, "orderDate").unwrap_or_default(),
        kind: t.attr(id, "type"),
        total: maybe(t.one(id, "Total")?, |m| money_holder(t, m))?,
        ship_to: maybe(t.one(id, "ShipTo")?, |a| address_holder(t, a))?,
        bill_to: maybe(t.one(id, "BillTo")?, |a| address_holder(t, a))?,
        contacts: contacts(t, id)?,
        extrinsics: extrinsics(t, id)?,
    })
}

fn read_item(t: &Tree, id: usize) -> Fast<ItemOut> {
    t.bare(id)?;
    Some(ItemOut {
        quantity: t.attr(id, "quantity").unwrap_or_default(),
        line_number: t.attr(id, "lineNumber"),
        requested_delivery_date: t.attr(id, "requestedDeliveryDate"),
        item_id: item_id(t, id)?,
        item_detail: maybe(t.one(id, "ItemDetail")?, |d| item_detail(t, d))?,
    })
}
