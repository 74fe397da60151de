//! ShipNoticeRequest (ASN, 事前出荷通知): what absim sends when an order
//! ships, Fulfill.dtd.

use serde::{Deserialize, Serialize};

use super::common::OrderReference;
use super::{Container, Dtd, Payload};

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ShipNoticeRequest {
    #[serde(rename = "ShipNoticeHeader", default)]
    pub header: ShipNoticeHeader,
    #[serde(rename = "ShipControl", default)]
    pub controls: Vec<ShipControl>,
    #[serde(rename = "ShipNoticePortion", default)]
    pub portions: Vec<ShipNoticePortion>,
}

impl Payload for ShipNoticeRequest {
    const NAME: &'static str = "ShipNoticeRequest";
    const CONTAINER: Container = Container::Request;
    const DTD: Dtd = Dtd::Fulfill;
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ShipNoticeHeader {
    #[serde(rename = "@shipmentID", default)]
    pub shipment_id: String,
    #[serde(rename = "@operation", default)]
    pub operation: String,
    #[serde(rename = "@noticeDate", default)]
    pub notice_date: String,
    #[serde(
        rename = "@shipmentDate",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub shipment_date: Option<String>,
    #[serde(
        rename = "@deliveryDate",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub delivery_date: Option<String>,
    #[serde(
        rename = "@shipmentType",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub shipment_type: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ShipControl {
    #[serde(rename = "CarrierIdentifier", default)]
    pub carriers: Vec<CarrierIdentifier>,
    #[serde(rename = "ShipmentIdentifier", default)]
    pub shipment_identifiers: Vec<String>,
    #[serde(
        rename = "PackageIdentification",
        skip_serializing_if = "Option::is_none"
    )]
    pub package: Option<PackageIdentification>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct CarrierIdentifier {
    #[serde(rename = "@domain", default)]
    pub domain: String,
    #[serde(rename = "$text", default)]
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct PackageIdentification {
    #[serde(rename = "@rangeBegin")]
    pub range_begin: u32,
    #[serde(rename = "@rangeEnd")]
    pub range_end: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ShipNoticePortion {
    #[serde(rename = "OrderReference", default)]
    pub order_reference: OrderReference,
    #[serde(rename = "ShipNoticeItem", default)]
    pub items: Vec<ShipNoticeItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ShipNoticeItem {
    #[serde(rename = "@quantity", default)]
    pub quantity: String,
    #[serde(rename = "@lineNumber", default)]
    pub line_number: String,
    #[serde(rename = "UnitOfMeasure", default)]
    pub unit_of_measure: String,
}
