//! ConfirmationRequest: the order confirmation absim sends after a PO,
//! Fulfill.dtd.

use serde::{Deserialize, Serialize};

use super::common::{Comments, MoneyHolder, OrderReference, Shipping, Tax};
use super::{Container, Dtd, Payload};

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ConfirmationRequest {
    #[serde(rename = "ConfirmationHeader", default)]
    pub header: ConfirmationHeader,
    #[serde(rename = "OrderReference", default)]
    pub order_reference: OrderReference,
    #[serde(rename = "ConfirmationItem", default)]
    pub items: Vec<ConfirmationItem>,
}

impl Payload for ConfirmationRequest {
    const NAME: &'static str = "ConfirmationRequest";
    const CONTAINER: Container = Container::Request;
    const DTD: Dtd = Dtd::Fulfill;
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ConfirmationHeader {
    #[serde(
        rename = "@confirmID",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub confirm_id: Option<String>,
    #[serde(rename = "@operation", default)]
    pub operation: String,
    #[serde(rename = "@type", default)]
    pub kind: String,
    #[serde(rename = "@noticeDate", default)]
    pub notice_date: String,
    #[serde(rename = "Total", skip_serializing_if = "Option::is_none")]
    pub total: Option<MoneyHolder>,
    #[serde(rename = "Shipping", skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    #[serde(rename = "Tax", skip_serializing_if = "Option::is_none")]
    pub tax: Option<Tax>,
    #[serde(rename = "Comments", default)]
    pub comments: Vec<Comments>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ConfirmationItem {
    #[serde(rename = "@quantity", default)]
    pub quantity: String,
    #[serde(rename = "@lineNumber", default)]
    pub line_number: String,
    #[serde(rename = "UnitOfMeasure", default)]
    pub unit_of_measure: String,
    #[serde(rename = "ConfirmationStatus", default)]
    pub statuses: Vec<ConfirmationStatus>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ConfirmationStatus {
    #[serde(rename = "@quantity", default)]
    pub quantity: String,
    #[serde(rename = "@type", default)]
    pub kind: String,
    #[serde(
        rename = "@deliveryDate",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub delivery_date: Option<String>,
    #[serde(rename = "UnitOfMeasure", default)]
    pub unit_of_measure: String,
    #[serde(rename = "UnitPrice", skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<MoneyHolder>,
    #[serde(rename = "Tax", skip_serializing_if = "Option::is_none")]
    pub tax: Option<Tax>,
    #[serde(rename = "Comments", default)]
    pub comments: Vec<Comments>,
}
