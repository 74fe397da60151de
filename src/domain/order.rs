//! Purchase orders: the checks an OrderRequest passes before absim answers
//! `200 OK`, the order as the test log keeps it, and the documents exchanged
//! for it.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::account::{Group, secrets_match};
use super::pricing::{PricingRules, Quote};
use crate::cxml::order_request::OrderRequest;
use crate::cxml::{Cxml, Deviation, Header, Status, Text};

pub const ALL_DOC_KINDS: [DocKind; 12] = [
    DocKind::SetupRequest,
    DocKind::SetupResponse,
    DocKind::OrderMessage,
    DocKind::OrderRequest,
    DocKind::OrderResponse,
    DocKind::Confirmation,
    DocKind::ConfirmationAnswer,
    DocKind::ShipNotice,
    DocKind::ShipNoticeAnswer,
    DocKind::Invoice,
    DocKind::InvoiceAnswer,
    DocKind::OciCart,
];

/// Which document of an exchange a record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocKind {
    SetupRequest,
    SetupResponse,
    OrderMessage,
    OrderRequest,
    OrderResponse,
    Confirmation,
    ConfirmationAnswer,
    ShipNotice,
    ShipNoticeAnswer,
    Invoice,
    InvoiceAnswer,
    /// An SAP OCI cart: the NEW_ITEM fields, form-encoded.
    OciCart,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        self.file_stem()
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        ALL_DOC_KINDS.into_iter().find(|k| k.as_str() == s)
    }

    pub fn file_stem(self) -> &'static str {
        match self {
            DocKind::SetupRequest => "punchout-setup-request",
            DocKind::SetupResponse => "punchout-setup-response",
            DocKind::OrderMessage => "punchout-order-message",
            DocKind::OrderRequest => "order-request",
            DocKind::OrderResponse => "order-response",
            DocKind::Confirmation => "confirmation-request",
            DocKind::ConfirmationAnswer => "confirmation-answer",
            DocKind::ShipNotice => "ship-notice-request",
            DocKind::ShipNoticeAnswer => "ship-notice-answer",
            DocKind::Invoice => "invoice-detail-request",
            DocKind::InvoiceAnswer => "invoice-answer",
            DocKind::OciCart => "oci-cart",
        }
    }

    /// Documents absim wrote (as opposed to received).
    pub fn is_outbound(self) -> bool {
        matches!(
            self,
            DocKind::SetupResponse
                | DocKind::OrderMessage
                | DocKind::OrderResponse
                | DocKind::Confirmation
                | DocKind::ShipNotice
                | DocKind::Invoice
                | DocKind::OciCart
        )
    }
}

/// A raw document as received or sent, bytes as they were.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: DocKind,
    pub at: DateTime<FixedOffset>,
    /// Shared with the request or the answer it is (no copy of either).
    pub body: bytes::Bytes,
}

impl Document {
    pub fn new(kind: DocKind, body: impl Into<bytes::Bytes>) -> Self {
        Document {
            kind,
            at: crate::cxml::time::now(),
            body: body.into(),
        }
    }
}

/// A stored document without its body (for listings).
#[derive(Debug, Clone)]
pub struct DocumentMeta {
    pub id: i64,
    pub kind: DocKind,
    pub at: DateTime<FixedOffset>,
    pub size: usize,
}

/// 発注書詳細: one PO line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrderLine {
    pub line_number: u32,
    pub asin: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aux_id: Option<Text>,
    pub description: String,
    pub unit_price: Decimal,
    pub currency: Text,
    pub quantity: Decimal,
    pub unit_of_measure: Text,
}

impl OrderLine {
    pub fn total(&self) -> Decimal {
        self.unit_price * self.quantity
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestResult {
    Success,
    Failure,
}

impl TestResult {
    pub fn parse(s: &str) -> Option<TestResult> {
        match s {
            "success" => Some(TestResult::Success),
            "failure" => Some(TestResult::Failure),
            _ => None,
        }
    }
}

/// テスト結果 as marked by a person.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mark {
    pub result: TestResult,
    pub by: String,
    pub at: DateTime<FixedOffset>,
    /// A note with the mark (the JSON API takes one).
    #[serde(default)]
    pub comment: Option<String>,
}

/// An accepted purchase order as the test log keeps it. Its documents and
/// deliveries are stored beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Order {
    /// The row's number (the store sets it; not kept in the stored body).
    #[serde(default, skip_serializing)]
    pub no: u64,
    pub group_id: u32,
    /// 発注番号: the buyer's orderID.
    pub order_id: Text,
    pub order_date: String,
    pub payload_id: String,
    pub scenario: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    pub received_at: DateTime<FixedOffset>,
    pub lines: Vec<OrderLine>,
    /// The Total the PO states.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub po_total: Option<Decimal>,
    /// absim's pricing of the PO lines.
    pub quote: Quote,
    /// The Amazon order number (confirmID).
    pub confirm_id: Text,
    /// 納品番号 (shipmentID).
    pub delivery_number: Text,
    /// 発送識別子 (ShipmentIdentifier).
    pub shipment_identifier: Text,
    pub carrier: Text,
    pub deployment_mode: Text,
    /// The person's mark (the store keeps it in columns of its own).
    #[serde(default, skip_serializing)]
    pub mark: Option<Mark>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deviations: Vec<Deviation>,
    /// What absim confirms, ships and invoices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfilment: Option<super::fulfilment::Fulfilment>,
    /// Set when the PO was refused: the answer it got.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
    /// The CI run open for the group when the PO arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
}

impl Order {
    /// The unit of measure of PO line `line_number` (`EA` when the order has
    /// no such line), as its confirmation, ship notices and invoice print it.
    pub fn unit_of_measure(&self, line_number: u32) -> &str {
        self.lines
            .iter()
            .find(|l| l.line_number == line_number)
            .map_or("EA", |l| l.unit_of_measure.as_str())
    }
}

/// How a refused PO was answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Refusal {
    pub code: u16,
    pub text: String,
    /// The message as sent to the buyer.
    pub message: String,
    /// The same reason in Japanese, for the test log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_ja: Option<String>,
}

impl Refusal {
    /// The reason in a page's language (English when no Japanese exists).
    pub fn message_in(&self, lang: &str) -> &str {
        match (&self.message_ja, lang) {
            (Some(ja), "ja") => ja,
            _ => &self.message,
        }
    }
}

/// A PO that passed every check but the duplicate checks the store makes.
#[derive(Debug, Clone)]
pub struct ValidOrder {
    pub order_id: Text,
    pub order_date: String,
    pub payload_id: String,
    pub lines: Vec<OrderLine>,
    pub po_total: Option<Decimal>,
    pub deviations: Vec<Deviation>,
}

/// Why a PO is refused: the cXML Status the buyer receives (in English, as
/// Amazon answers) and the same reason in Japanese for the test log.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub status: Status,
    pub ja: Option<String>,
}

impl From<Status> for Rejection {
    /// A refusal whose reason exists in English only.
    fn from(status: Status) -> Rejection {
        Rejection { status, ja: None }
    }
}

impl Rejection {
    /// The record the test log keeps of it.
    pub fn refusal(&self) -> Refusal {
        Refusal {
            code: self.status.code,
            text: self.status.text.clone(),
            message: self.status.message.clone(),
            message_ja: self.ja.clone(),
        }
    }
}

impl From<&crate::cxml::read::ReadError> for Rejection {
    /// A document that could not be read: its Status, and what went wrong
    /// in Japanese (the parser's own detail stays as it is).
    fn from(e: &crate::cxml::read::ReadError) -> Rejection {
        use crate::cxml::read::ReadError as E;
        let ja = match e {
            E::Empty => "本文が空です。cXML 文書を送ってください".to_owned(),
            E::NotUtf8(d) => format!("本文が UTF-8 ではありません ({d})"),
            E::EntityDeclared => {
                "DOCTYPE が実体 (ENTITY) を宣言しています。absim は実体を展開も取得もしません"
                    .to_owned()
            }
            E::NotXml(d) => format!("本文が整形式の XML ではありません: {d}"),
            E::TooDeep => "要素の入れ子が深すぎます".to_owned(),
            E::WrongRoot(r) => format!("ルート要素が <{r}> です。cXML 文書は <cXML> で始まります"),
            E::WrongPayload {
                expected,
                container,
                found,
            } => format!("<{container}> には {expected} が必要ですが、{found} を受け取りました"),
            E::Malformed(d) => format!("文書が cXML の形に合いません: {d}"),
        };
        Rejection {
            status: e.status(),
            ja: Some(ja),
        }
    }
}

impl From<&crate::domain::scenario::PoRefusal> for Rejection {
    fn from(r: &crate::domain::scenario::PoRefusal) -> Rejection {
        Rejection {
            status: Status::new(r.code, r.text.clone(), r.message.clone()),
            ja: r.message_ja.clone(),
        }
    }
}

fn reject(code: u16, text: &str, en: impl Into<String>, ja: impl Into<String>) -> Rejection {
    Rejection {
        status: Status::new(code, text, en),
        ja: Some(ja.into()),
    }
}

/// Checks the Sender credential against the group: Identity equal (any case
/// of domain), SharedSecret equal in constant time.
pub fn sender_matches(header: Option<&Header>, group: &Group) -> bool {
    header.is_some_and(|h| {
        h.sender.credentials.iter().any(|c| {
            c.identity.trim() == group.identity
                && c.shared_secret
                    .as_deref()
                    .is_some_and(|s| secrets_match(s.trim(), &group.shared_secret))
        })
    })
}

/// Header checks that are notes, not refusals: From should name the group,
/// To should be Amazon in domain NetworkId.
pub fn header_deviations(header: Option<&Header>, group: &Group) -> Vec<Deviation> {
    let mut out = Vec::new();
    let Some(h) = header else { return out };
    if !h
        .from
        .credentials
        .iter()
        .any(|c| c.identity.trim() == group.identity)
    {
        out.push(Deviation::new(
            "from-mismatch",
            format!(
                "no From credential names the system login '{}' (the Sender did)",
                group.identity
            ),
        ));
    }
    if !h.to.credentials.iter().any(|c| {
        c.identity.trim().eq_ignore_ascii_case("Amazon")
            && c.domain.eq_ignore_ascii_case("NetworkId")
    }) {
        out.push(Deviation::new(
            "to-not-amazon",
            "the To credential should be Identity 'Amazon' in domain 'NetworkId'",
        ));
    }
    out
}

fn parse_quantity(s: &str) -> Option<Decimal> {
    s.trim()
        .parse::<Decimal>()
        .ok()
        .filter(|q| *q > Decimal::ZERO)
}

/// Most lines one PO may have.
pub const MAX_LINES: usize = 1000;

/// Every check of an OrderRequest that needs no memory of earlier orders.
/// The Status names the problem; Amazon's rejection codes (001-001,
/// 001-005) are in its `text`.
pub fn validate_order(
    doc: &Cxml<OrderRequest>,
    group: &Group,
    mut deviations: Vec<Deviation>,
) -> Result<ValidOrder, Rejection> {
    if !sender_matches(doc.header.as_ref(), group) {
        let identities: Vec<&str> = doc
            .header
            .iter()
            .flat_map(|h| &h.sender.credentials)
            .map(|c| c.identity.trim())
            .collect();
        let (why, ja) = if identities.contains(&group.identity.as_str()) {
            (
                format!(
                    "the Sender Identity is this group's system login '{}', but the SharedSecret (パスワード) differs",
                    group.identity
                ),
                format!(
                    "Sender の Identity はこのグループのシステムログイン '{}' ですが、SharedSecret (パスワード) が違います",
                    group.identity
                ),
            )
        } else {
            (
                format!(
                    "the Sender Identity {:?} is not this PO Request URL's group's system login '{}'",
                    identities, group.identity
                ),
                format!(
                    "Sender の Identity {:?} は、この PO Request URL のグループのシステムログイン '{}' ではありません",
                    identities, group.identity
                ),
            )
        };
        return Err(reject(
            401,
            "Unauthorized",
            format!("Invalid or unrecognized sender credentials: {why}"),
            format!("送信者の認証情報が正しくありません: {ja}"),
        ));
    }
    deviations.extend(header_deviations(doc.header.as_ref(), group));
    let payload_id = doc.payload_id.trim();
    if payload_id.is_empty() {
        return Err(reject(
            400,
            "Bad Request",
            "the cXML element has no payloadID; every document needs a unique one",
            "cXML 要素に payloadID がありません。文書ごとに一意の payloadID が必要です",
        ));
    }
    let order = doc.payload().expect("read() guarantees the payload");
    if order.items.len() > MAX_LINES {
        return Err(reject(
            413,
            "Request Entity Too Large",
            format!(
                "the OrderRequest has {} ItemOut lines; absim takes at most {MAX_LINES} per order (split it)",
                order.items.len()
            ),
            format!(
                "OrderRequest に ItemOut が {} 行あります。absim が受け付けるのは 1 注文 {MAX_LINES} 行までです (分割してください)",
                order.items.len()
            ),
        ));
    }
    let h = &order.header;
    let kind = h.order_type();
    if kind != "new" {
        return Err(reject(
            400,
            "001-001",
            format!(
                "001-001: OrderRequest type=\"{kind}\" is not supported; Amazon Business accepts only type=\"new\" (send a new order instead of an update or a delete)"
            ),
            format!(
                "001-001: OrderRequest の type=\"{kind}\" には対応していません。Amazonビジネスが受け付けるのは type=\"new\" だけです (変更や取り消しではなく新しい注文を送ってください)"
            ),
        ));
    }
    if h.ship_to.is_none() {
        return Err(reject(
            400,
            "001-005",
            "001-005: the OrderRequestHeader has no ShipTo; Amazon Business needs a ship-to address on every order",
            "001-005: OrderRequestHeader に ShipTo がありません。Amazonビジネスはすべての注文に配送先住所を必要とします",
        ));
    }
    let order_id = h.order_id.trim();
    if order_id.is_empty() {
        return Err(reject(
            400,
            "Bad Request",
            "the OrderRequestHeader has no orderID",
            "OrderRequestHeader に orderID (発注番号) がありません",
        ));
    }
    if h.bill_to.is_none() {
        deviations.push(Deviation::new(
            "no-bill-to",
            "the OrderRequestHeader has no BillTo (required by the DTD)",
        ));
    }
    if h.total.is_none() {
        deviations.push(Deviation::new(
            "no-total",
            "the OrderRequestHeader has no Total (required by the DTD)",
        ));
    }
    if order.items.is_empty() {
        return Err(reject(
            400,
            "Bad Request",
            "the OrderRequest has no ItemOut",
            "OrderRequest に ItemOut (注文明細) がありません",
        ));
    }
    let mut lines = Vec::with_capacity(order.items.len());
    for (i, item) in order.items.iter().enumerate() {
        let position = i + 1;
        let line_number = match item.line_number.as_deref().map(str::trim) {
            Some(n) => n.parse::<u32>().map_err(|_| {
                reject(
                    400,
                    "Bad Request",
                    format!("ItemOut {position} has lineNumber '{n}', which is not a whole number"),
                    format!("ItemOut {position} の lineNumber '{n}' が整数ではありません"),
                )
            })?,
            None => {
                deviations.push(Deviation::new(
                    "no-line-number",
                    format!(
                        "ItemOut {position} has no lineNumber; confirmations and ship notices need one, so absim uses {position}"
                    ),
                ));
                position as u32
            }
        };
        let quantity = parse_quantity(&item.quantity).ok_or_else(|| {
            reject(
                400,
                "Bad Request",
                format!(
                    "ItemOut line {line_number} has quantity '{}'; expected a number above zero",
                    item.quantity
                ),
                format!(
                    "ItemOut 行{line_number} の数量 '{}' が 0 より大きい数ではありません",
                    item.quantity
                ),
            )
        })?;
        let asin = item.item_id.supplier_part_id.trim();
        if asin.is_empty() {
            return Err(reject(
                400,
                "Bad Request",
                format!("ItemOut line {line_number} has no ItemID/SupplierPartID (the ASIN)"),
                format!("ItemOut 行{line_number} に ItemID/SupplierPartID (ASIN) がありません"),
            ));
        }
        let detail = item.item_detail.as_ref();
        let (unit_price, currency) = match detail {
            Some(d) => {
                let price = d.unit_price.money.amount().ok_or_else(|| {
                    reject(
                        400,
                        "Bad Request",
                        format!(
                            "ItemOut line {line_number} has UnitPrice '{}', which is not a number",
                            d.unit_price.money.value
                        ),
                        format!(
                            "ItemOut 行{line_number} の UnitPrice '{}' が数値ではありません",
                            d.unit_price.money.value
                        ),
                    )
                })?;
                (price, d.unit_price.money.currency.clone())
            }
            None => {
                deviations.push(Deviation::new(
                    "no-item-detail",
                    format!(
                        "ItemOut line {line_number} has no ItemDetail; its price is taken as 0"
                    ),
                ));
                (Decimal::ZERO, Text::from("JPY"))
            }
        };
        if let Some(d) = detail
            && d.classification.is_empty()
        {
            deviations.push(Deviation::new(
                "no-classification",
                format!("ItemOut line {line_number} has no Classification (required by the DTD)"),
            ));
        }
        lines.push(OrderLine {
            line_number,
            asin: asin.into(),
            aux_id: item
                .item_id
                .supplier_part_auxiliary_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Text::from),
            description: detail.map(|d| d.description_text()).unwrap_or_default(),
            unit_price,
            currency,
            quantity,
            unit_of_measure: detail
                .map(|d| Text::from(d.unit_of_measure.trim()))
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| "EA".into()),
        });
    }
    Ok(ValidOrder {
        order_id: order_id.into(),
        order_date: h.order_date.as_str().to_owned(),
        payload_id: payload_id.to_owned(),
        lines,
        po_total: h.total.as_ref().and_then(|t| t.money.amount()),
        deviations,
    })
}

/// Prices the PO's lines with the catalogue's rules.
pub fn price_order(lines: &[OrderLine], rules: &PricingRules) -> Quote {
    rules.price(lines.iter().map(OrderLine::total).sum())
}
