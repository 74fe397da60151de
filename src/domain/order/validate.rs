//! The checks an OrderRequest passes before absim answers `200 OK`, those
//! that need no memory of earlier orders (the store makes the duplicate
//! checks).

use rust_decimal::Decimal;

use super::line::OrderLine;
use super::rejection::Rejection;
use crate::cxml::order_request::{ItemOut, OrderRequest, OrderRequestHeader};
use crate::cxml::{Cxml, Deviation, Header, ItemDetail, Status, Text};
use crate::domain::account::{Group, secrets_match};
use crate::i18n::{Lang, Note};
use crate::note;

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

/// A refusal whose message the buyer receives in English, as Amazon
/// answers, and the test log shows in the page's language.
fn reject(code: u16, text: &str, note: Note) -> Rejection {
    Rejection {
        status: Status::new(code, text, note.render(Lang::En)),
        note: Some(Box::new(note)),
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
        out.push(
            Deviation::new(
                "from-mismatch",
                format!(
                    "no From credential names the system login '{}' (the Sender did)",
                    group.identity
                ),
            )
            .with("login", &group.identity),
        );
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

/// Most lines one PO may have.
pub const MAX_LINES: usize = 1000;

/// Every check of an OrderRequest that needs no memory of earlier orders.
/// The Status names the problem; Amazon's rejection codes (001-001,
/// 001-005) are in its `text`. The first refusal wins, so the steps run in
/// the order a buyer's developer fixes them: the sender, the envelope, the
/// header, then each line.
pub fn validate_order(
    doc: &Cxml<OrderRequest>,
    group: &Group,
    mut deviations: Vec<Deviation>,
) -> Result<ValidOrder, Rejection> {
    authenticate_sender(doc.header.as_ref(), group)?;
    deviations.extend(header_deviations(doc.header.as_ref(), group));
    let payload_id = require_payload_id(&doc.payload_id)?;
    let order = doc.payload().expect("read() guarantees the payload");
    check_line_count(order.items.len())?;
    let h = &order.header;
    let order_id = check_order_header(h, &mut deviations)?;
    if order.items.is_empty() {
        return Err(reject(400, "Bad Request", note!("refusal-no-item-out")));
    }
    let mut lines = Vec::with_capacity(order.items.len());
    for (i, item) in order.items.iter().enumerate() {
        lines.push(read_line(i + 1, item, &mut deviations)?);
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

/// Refuses a PO whose Sender is not this group's (401), telling a wrong
/// password apart from a login that belongs to no such group.
pub(super) fn authenticate_sender(header: Option<&Header>, group: &Group) -> Result<(), Rejection> {
    if sender_matches(header, group) {
        return Ok(());
    }
    let identities: Vec<&str> = header
        .iter()
        .flat_map(|h| &h.sender.credentials)
        .map(|c| c.identity.trim())
        .collect();
    let login = group.identity.as_str();
    Err(reject(
        401,
        "Unauthorized",
        if identities.contains(&login) {
            note!("refusal-sender-secret", login = login)
        } else {
            note!(
                "refusal-sender-identity",
                sent = format!("{identities:?}"),
                login = login
            )
        },
    ))
}

/// The trimmed payloadID; a document without one is refused, as every
/// document needs a unique one.
pub(super) fn require_payload_id(payload_id: &str) -> Result<&str, Rejection> {
    let payload_id = payload_id.trim();
    if payload_id.is_empty() {
        return Err(reject(400, "Bad Request", note!("refusal-no-payload-id")));
    }
    Ok(payload_id)
}

/// Refuses a PO of more than [`MAX_LINES`] lines (413), before any of its
/// lines is read.
pub(super) fn check_line_count(items: usize) -> Result<(), Rejection> {
    if items > MAX_LINES {
        return Err(reject(
            413,
            "Request Entity Too Large",
            note!("refusal-too-many-lines", items = items, max = MAX_LINES),
        ));
    }
    Ok(())
}

/// The header's refusals (a type other than `new`: 001-001; no ShipTo:
/// 001-005; no orderID) and its notes (no BillTo, no Total, which Amazon
/// does without); the trimmed orderID when it passes.
pub(super) fn check_order_header<'h>(
    h: &'h OrderRequestHeader,
    deviations: &mut Vec<Deviation>,
) -> Result<&'h str, Rejection> {
    let kind = h.order_type();
    if kind != "new" {
        return Err(reject(
            400,
            "001-001",
            note!("refusal-order-type", kind = kind),
        ));
    }
    if h.ship_to.is_none() {
        return Err(reject(400, "001-005", note!("refusal-no-ship-to")));
    }
    let order_id = h.order_id.trim();
    if order_id.is_empty() {
        return Err(reject(400, "Bad Request", note!("refusal-no-order-id")));
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
    Ok(order_id)
}

/// Reads ItemOut number `position` (1-based) into an order line: refuses
/// what no confirmation could be written from (no ASIN, a quantity or
/// price that is not a number) and notes what absim can do without.
pub(super) fn read_line(
    position: usize,
    item: &ItemOut,
    deviations: &mut Vec<Deviation>,
) -> Result<OrderLine, Rejection> {
    let line_number = read_line_number(position, item.line_number.as_deref(), deviations)?;
    let quantity = read_quantity(line_number, &item.quantity)?;
    let asin = item.item_id.supplier_part_id.trim();
    if asin.is_empty() {
        return Err(reject(
            400,
            "Bad Request",
            note!("refusal-no-asin", line = line_number),
        ));
    }
    let detail = item.item_detail.as_ref();
    let (unit_price, currency) = read_unit_price(line_number, detail, deviations)?;
    if let Some(d) = detail
        && d.classification.is_empty()
    {
        deviations.push(
            Deviation::new(
                "no-classification",
                format!("ItemOut line {line_number} has no Classification (required by the DTD)"),
            )
            .with("line", line_number),
        );
    }
    Ok(OrderLine {
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
        // The store's class is set by the intake, which knows the store.
        tax_class: "standard".into(),
    })
}

/// The line's lineNumber, which must be a whole number; without one the
/// line takes its position, and the deviation says so, since confirmations
/// and ship notices name lines by number.
pub(super) fn read_line_number(
    position: usize,
    line_number: Option<&str>,
    deviations: &mut Vec<Deviation>,
) -> Result<u32, Rejection> {
    match line_number.map(str::trim) {
        Some(n) => n.parse::<u32>().map_err(|_| {
            reject(
                400,
                "Bad Request",
                note!("refusal-line-number", position = position, sent = n),
            )
        }),
        None => {
            deviations.push(Deviation::new(
                "no-line-number",
                format!(
                    "ItemOut {position} has no lineNumber; confirmations and ship notices need one, so absim uses {position}"
                ),
            )
            .with("position", position));
            Ok(position as u32)
        }
    }
}

/// The line's quantity, which must be a number above zero.
pub(super) fn read_quantity(line_number: u32, quantity: &str) -> Result<Decimal, Rejection> {
    quantity
        .trim()
        .parse::<Decimal>()
        .ok()
        .filter(|q| *q > Decimal::ZERO)
        .ok_or_else(|| {
            reject(
                400,
                "Bad Request",
                note!("refusal-quantity", line = line_number, sent = quantity),
            )
        })
}

/// The line's unit price and currency. A price that is not a number is
/// refused; a line without ItemDetail is priced at 0 yen, and noted.
pub(super) fn read_unit_price(
    line_number: u32,
    detail: Option<&ItemDetail>,
    deviations: &mut Vec<Deviation>,
) -> Result<(Decimal, Text), Rejection> {
    let Some(d) = detail else {
        deviations.push(
            Deviation::new(
                "no-item-detail",
                format!("ItemOut line {line_number} has no ItemDetail; its price is taken as 0"),
            )
            .with("line", line_number),
        );
        return Ok((Decimal::ZERO, Text::from("JPY")));
    };
    let money = &d.unit_price.money;
    let price = money.amount().ok_or_else(|| {
        reject(
            400,
            "Bad Request",
            note!(
                "refusal-unit-price",
                line = line_number,
                sent = money.value.as_str()
            ),
        )
    })?;
    Ok((price, money.currency.clone()))
}
