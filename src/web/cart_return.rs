//! The cart's return to the buyer: 承認を依頼する records the returned cart
//! (the POOM, or the OCI fields) and answers a page whose form carries it to
//! the buyer's BrowserFormPost URL; the JSON API returns carts through the
//! same `record_return`.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use serde::Deserialize;

use super::storefront::{chrome, load};
use super::{Chrome, Ctx, PageError, PageForm, PagePath, render};
use crate::AppState;
use crate::cxml::{time, write};
use crate::domain::catalog::{Catalog, Product};
use crate::domain::documents;
use crate::domain::order::{DocKind, Document};
use crate::domain::session::{CartLine, CartReturn, ReturnedLine, Session};
use crate::domain::{CartField, Marketplace};
use crate::i18n::Texts;

#[derive(Template)]
#[template(path = "storefront/return.html")]
struct ReturnPage {
    t: &'static Texts,
    chrome: Chrome,
    action: String,
    field: &'static str,
    value: String,
}

/// A cart as it went back to the buyer.
pub enum Returned {
    /// A PunchOutOrderMessage, the form field it travels in and the
    /// field's value (the document itself, or its base64).
    Cxml {
        field: &'static str,
        xml: String,
        value: String,
    },
    /// An SAP OCI cart's NEW_ITEM fields.
    Oci { fields: Vec<(String, String)> },
}

/// Builds the returned cart of a session (its cart as given, emptied or
/// not), records it with the session (POOM 送信済み, the document, any OCI
/// cut) and gives it back for the browser form or the API.
pub async fn record_return(
    state: &AppState,
    session: &Session,
    group: &crate::domain::Group,
) -> Result<Returned, crate::store::StoreError> {
    let market = state.market(group);
    let lines = sold_lines(&market.catalog, session);
    let now = time::now();
    let packed = match &session.oci {
        Some(ret) => oci_return(market, &lines, ret),
        None => cxml_return(state, session, group),
    };
    let record = CartReturn {
        sent_at: now,
        payload_id: packed.payload_id,
        field: packed.field.to_owned(),
        lines: snapshot(session, &lines),
    };
    let doc = Document {
        kind: packed.kind,
        at: now,
        body: packed.body.into(),
    };
    let cuts = packed.cuts;
    state
        .store
        .update_session(&session.id, move |s| {
            s.returns.push(record);
            s.setup.deviations.extend(
                cuts.into_iter()
                    .map(|m| crate::cxml::Deviation::new("oci-truncated", &m).with("detail", m)),
            );
            ((), Some(doc))
        })
        .await?;
    Ok(packed.returned)
}

/// The cart's lines with their products (lines of products absim no
/// longer sells are left out).
fn sold_lines<'a>(catalog: &'a Catalog, session: &'a Session) -> Vec<(&'a CartLine, &'a Product)> {
    session
        .cart
        .lines
        .iter()
        .filter_map(|l| Some((l, catalog.get(&l.asin)?)))
        .collect()
}

/// What the test log keeps of each returned line.
fn snapshot(session: &Session, lines: &[(&CartLine, &Product)]) -> Vec<ReturnedLine> {
    lines
        .iter()
        .map(|(l, p)| ReturnedLine {
            aux_id: session.aux_id(l.line),
            asin: p.asin.clone(),
            quantity: l.quantity,
            unit_price: p.price,
            description: p.title.clone(),
        })
        .collect()
}

/// A returned cart as it travels and as it is stored.
struct Packed {
    returned: Returned,
    kind: DocKind,
    body: String,
    field: &'static str,
    payload_id: String,
    /// What OCI's field lengths cut, one sentence each.
    cuts: Vec<String>,
}

/// The cart as SAP OCI's NEW_ITEM fields.
fn oci_return(
    market: &Marketplace,
    lines: &[(&CartLine, &Product)],
    ret: &crate::oci::OciReturnInfo,
) -> Packed {
    let items: Vec<crate::oci::OciItem> = lines
        .iter()
        .map(|(l, p)| crate::oci::OciItem {
            description: p.title.clone(),
            quantity: l.quantity,
            unit: "EA".into(),
            price: p.price,
            currency: market.pricing.currency.code.to_string(),
            lead_time_days: 2,
            vendor_material: p.asin.clone(),
            manufacturer_material: p.part_number.clone(),
            material_group: p.unspsc.clone(),
            product_id: p.asin.clone(),
        })
        .collect();
    let cart = crate::oci::cart_fields(&items, ret);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&cart.fields)
        .finish();
    Packed {
        returned: Returned::Oci {
            fields: cart.fields,
        },
        kind: DocKind::OciCart,
        body,
        field: "oci",
        payload_id: String::new(),
        cuts: cart.truncations,
    }
}

/// The cart as a PunchOutOrderMessage in the group's form field.
fn cxml_return(state: &AppState, session: &Session, group: &crate::domain::Group) -> Packed {
    let payload_id = state.payload_ids.next();
    let xml = write::document(&documents::order_message(
        payload_id.clone(),
        group,
        session,
        state.market(group),
        &state.settings.base_url,
    ));
    let field = group.cart_field.name();
    let value = match group.cart_field {
        CartField::UrlEncoded => xml.clone(),
        CartField::Base64 => base64::engine::general_purpose::STANDARD.encode(xml.as_bytes()),
    };
    Packed {
        returned: Returned::Cxml {
            field,
            xml: xml.clone(),
            value,
        },
        kind: DocKind::OrderMessage,
        body: xml,
        field,
        payload_id,
        cuts: Vec::new(),
    }
}

#[derive(Deserialize)]
pub struct SubmitForm {
    /// Present when the user leaves without sending the cart.
    #[serde(default)]
    empty: Option<String>,
}

/// 承認を依頼する: records the returned cart and answers a page whose form
/// carries it to the buyer's BrowserFormPost URL (HOOK_URL for OCI).
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(sid): PagePath<String>,
    PageForm(form): PageForm<SubmitForm>,
) -> Result<Response, PageError> {
    let (session, group) = load(&state, &ctx, &sid).await?;
    let mut session = Arc::unwrap_or_clone(session);
    let hook = session
        .setup
        .hook_url
        .clone()
        .ok_or_else(|| PageError::new(ctx.t, StatusCode::CONFLICT, ctx.t.no_hook))?;
    if form.empty.is_some() {
        session.cart.lines.clear();
    }
    let returned = record_return(&state, &session, &group)
        .await
        .map_err(|e| PageError::internal(ctx.t, &e))?;
    Ok(match returned {
        Returned::Cxml { field, value, .. } => render(&ReturnPage {
            t: ctx.t,
            chrome: chrome(&ctx, ctx.t.returning, &session, group.mode),
            action: hook,
            field,
            value,
        }),
        Returned::Oci { fields } => render(&OciReturnPage {
            t: ctx.t,
            chrome: chrome(&ctx, ctx.t.returning, &session, group.mode),
            action: hook,
            target: session
                .oci
                .as_ref()
                .map(|o| o.target.clone())
                .unwrap_or_else(|| "_top".into()),
            fields,
        }),
    })
}

#[derive(Template)]
#[template(path = "storefront/oci_return.html")]
struct OciReturnPage {
    t: &'static Texts,
    chrome: Chrome,
    action: String,
    target: String,
    fields: Vec<(String, String)>,
}
