//! InvoiceDetailRequest: the invoice absim sends after shipment where a
//! scenario asks for one, InvoiceDetail.dtd (1.2.037).

use serde::{Deserialize, Serialize};

use super::common::{Description, ItemId, MoneyHolder, OrderReference, Tax};
use super::{Container, Dtd, Payload};

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct InvoiceDetailRequest {
    #[serde(rename = "InvoiceDetailRequestHeader", default)]
    pub header: InvoiceDetailRequestHeader,
    #[serde(rename = "InvoiceDetailOrder", default)]
    pub orders: Vec<InvoiceDetailOrder>,
    #[serde(rename = "InvoiceDetailSummary", default)]
    pub summary: InvoiceDetailSummary,
}

impl Payload for InvoiceDetailRequest {
    const NAME: &'static str = "InvoiceDetailRequest";
    const CONTAINER: Container = Container::Request;
    const DTD: Dtd = Dtd::InvoiceDetail;
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct InvoiceDetailRequestHeader {
    #[serde(rename = "@invoiceID", default)]
    pub invoice_id: String,
    #[serde(rename = "@purpose", default)]
    pub purpose: String,
    #[serde(rename = "@operation", default)]
    pub operation: String,
    #[serde(rename = "@invoiceDate", default)]
    pub invoice_date: String,
    #[serde(rename = "InvoiceDetailHeaderIndicator", default)]
    pub header_indicator: Empty,
    #[serde(rename = "InvoiceDetailLineIndicator", default)]
    pub line_indicator: Empty,
}

/// An element with no content.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Empty {}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct InvoiceDetailOrder {
    #[serde(rename = "InvoiceDetailOrderInfo", default)]
    pub info: InvoiceDetailOrderInfo,
    #[serde(rename = "InvoiceDetailItem", default)]
    pub items: Vec<InvoiceDetailItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct InvoiceDetailOrderInfo {
    #[serde(rename = "OrderReference", default)]
    pub order_reference: OrderReference,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct InvoiceDetailItem {
    #[serde(rename = "@invoiceLineNumber", default)]
    pub invoice_line_number: String,
    #[serde(rename = "@quantity", default)]
    pub quantity: String,
    #[serde(rename = "UnitOfMeasure", default)]
    pub unit_of_measure: String,
    #[serde(rename = "UnitPrice", default)]
    pub unit_price: MoneyHolder,
    #[serde(rename = "InvoiceDetailItemReference", default)]
    pub reference: InvoiceDetailItemReference,
    #[serde(rename = "SubtotalAmount", skip_serializing_if = "Option::is_none")]
    pub subtotal: Option<MoneyHolder>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct InvoiceDetailItemReference {
    #[serde(rename = "@lineNumber", default)]
    pub line_number: String,
    #[serde(rename = "ItemID", skip_serializing_if = "Option::is_none")]
    pub item_id: Option<ItemId>,
    #[serde(rename = "Description", skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct InvoiceDetailSummary {
    #[serde(rename = "SubtotalAmount", default)]
    pub subtotal: MoneyHolder,
    #[serde(rename = "Tax", default)]
    pub tax: Tax,
    #[serde(rename = "ShippingAmount", skip_serializing_if = "Option::is_none")]
    pub shipping: Option<MoneyHolder>,
    #[serde(
        rename = "InvoiceDetailDiscount",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount: Option<MoneyHolder>,
    #[serde(rename = "NetAmount", default)]
    pub net: MoneyHolder,
    #[serde(rename = "DueAmount", skip_serializing_if = "Option::is_none")]
    pub due: Option<MoneyHolder>,
}
