//! `POST /eprocurement/punchout` (and `/test`): the PunchOutSetupRequest.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;

use super::{cxml_error, cxml_error_as, cxml_internal, cxml_reply};
use crate::AppState;
use crate::cxml::punchout_setup::{EMAIL_PATHS, HOOK_URL_PATH, PunchOutSetupRequest};
use crate::cxml::{Status, read, time, write};
use crate::domain::account::{secrets_match, validate_endpoint};
use crate::domain::order::{DocKind, Document};
use crate::domain::session::{Cart, Session, SetupRecord};
use crate::domain::{documents, ids};

pub async fn setup(
    State(state): State<AppState>,
    super::journal::Received(body): super::journal::Received,
) -> Response {
    let received_at = time::now();
    let inbound = match read::<PunchOutSetupRequest>(&body) {
        Ok(d) => d,
        Err(e) => return cxml_error(&state, e.status()),
    };
    let doc = &inbound.doc;
    let request = doc.payload().expect("read() guarantees the payload");

    let sender = doc
        .header
        .as_ref()
        .map(|h| h.sender.credentials.as_slice())
        .unwrap_or_default();
    let group = match authenticate(&state, sender).await {
        Ok(Ok(group)) => group,
        Ok(Err(refusal)) => return cxml_error(&state, refusal),
        Err(e) => return super::cxml_internal(&state, &e),
    };

    match request.operation.trim() {
        "create" | "edit" | "inspect" => {}
        "source" => {
            return cxml_error_as(
                &state,
                group.cxml_errors,
                Status::new(
                    450,
                    "Not Implemented",
                    "operation=\"source\" (sourcing) is not supported; use create, edit or inspect",
                ),
            );
        }
        op => {
            return cxml_error_as(
                &state,
                group.cxml_errors,
                Status::new(
                    400,
                    "Bad Request",
                    format!(
                        "operation=\"{op}\" is not one of create, edit, inspect, source; absim needs create"
                    ),
                ),
            );
        }
    }

    let hook = request.hook_url();
    let email = request.user_email();
    if hook.is_none() || email.is_none() {
        let mut missing = String::new();
        if hook.is_none() {
            missing.push_str(&format!(
                " The HOOK URL element, found at {HOOK_URL_PATH}, is missing."
            ));
        }
        if email.is_none() {
            missing.push_str(&format!(
                " The EMAIL element, found at {EMAIL_PATHS}, is missing."
            ));
        }
        return cxml_error_as(
            &state,
            group.cxml_errors,
            Status::new(
                403,
                "failure",
                format!(
                    "CXML POSR with payloadId {{{}}} is missing the following Mandatory data.{missing}",
                    doc.payload_id
                ),
            ),
        );
    }
    let hook = hook.expect("checked above");
    if let Err(e) = validate_endpoint(hook) {
        return cxml_error_as(
            &state,
            group.cxml_errors,
            Status::new(
                400,
                "Bad Request",
                format!("BrowserFormPost/URL {e}; the cart can only be returned to an http(s) URL"),
            ),
        );
    }

    let mut deviations = inbound.deviations.clone();
    deviations.extend(crate::domain::order::header_deviations(
        doc.header.as_ref(),
        &group,
    ));
    let operation = request.operation.trim().to_owned();
    let (scenario, note) = state.choose_scenario(
        crate::cxml::extrinsic(&request.extrinsics, "absim.scenario"),
        &group.selected_scenario,
    );
    deviations.extend(note);
    // edit and inspect reopen the returned cart from its ItemOut.
    let (cart_ref, cart) = if operation == "create" {
        (ids::cart_reference(), Cart::default())
    } else {
        rebuild_cart(&state, request, &mut deviations)
    };
    let session_id = ids::session_id(state.clock.now_ms());
    let start_page = format!("{}/s/{session_id}", state.settings.base_url);
    let response = Bytes::from(write::document(&documents::setup_response(
        state.payload_ids.next(),
        start_page,
    )));
    let session = Session {
        id: session_id,
        group_id: group.id,
        setup: SetupRecord {
            received_at,
            payload_id: doc.payload_id.to_string(),
            operation: operation.clone(),
            buyer_cookie: request.buyer_cookie.clone(),
            credentials_valid: true,
            email: email.map(str::to_owned),
            hook_url: Some(hook.to_owned()),
            first_name: request.first_name().map(str::to_owned),
            last_name: request.last_name().map(str::to_owned),
            ubu: request.user_business_unit().map(str::to_owned),
            deviations,
        },
        cart_ref,
        cart,
        returns: Vec::new(),
        read_only: operation == "inspect",
        scenario: scenario.into(),
        oci: None,
        touched_at_ms: state.clock.now_ms(),
        run_id: group.run_at(state.clock.now_ms()),
    };
    let documents = vec![
        Document {
            kind: DocKind::SetupRequest,
            at: received_at,
            body: body.clone(),
        },
        Document::new(DocKind::SetupResponse, response.clone()),
    ];
    let session_id = session.id.clone();
    if let Err(e) = state
        .store
        .insert_session(session, documents, state.settings.max_sessions)
        .await
    {
        return cxml_internal(&state, &e);
    }
    tracing::info!(group = group.id, session = %session_id, "punchout session opened");
    cxml_reply(200, response)
}

/// The cart an edit or inspect punchout carries back in its ItemOut: the
/// same cart reference and line numbers when the SupplierPartAuxiliaryIDs
/// are absim's, so that they stay stable.
fn rebuild_cart(
    state: &AppState,
    request: &PunchOutSetupRequest,
    deviations: &mut Vec<crate::cxml::Deviation>,
) -> (String, Cart) {
    let refs: Vec<(String, u32)> = request
        .items
        .iter()
        .filter_map(|i| {
            ids::parse_aux_id(i.item_id.supplier_part_auxiliary_id.as_deref()?)
                .map(|(c, l)| (c.to_owned(), l))
        })
        .collect();
    let cart_ref = refs
        .first()
        .map(|(c, _)| c.clone())
        .filter(|c| refs.iter().all(|(other, _)| other == c))
        .unwrap_or_else(ids::cart_reference);
    if request.items.is_empty() {
        deviations.push(crate::cxml::Deviation::new(
            "edit-without-items",
            format!(
                "operation=\"{}\" carried no ItemOut, so the cart starts empty",
                request.operation.trim()
            ),
        ));
    }
    let mut cart = Cart::default();
    let mut next = refs.iter().map(|(_, l)| *l).max().unwrap_or(0);
    for item in &request.items {
        let asin = item.item_id.supplier_part_id.trim();
        if state.catalog.get(asin).is_none() {
            deviations.push(crate::cxml::Deviation::new(
                "unknown-item",
                format!("ItemOut {asin} is not in absim's catalogue; it was left out of the cart"),
            ));
            continue;
        }
        let quantity = item
            .quantity
            .trim()
            .parse::<rust_decimal::Decimal>()
            .ok()
            .and_then(|q| rust_decimal::prelude::ToPrimitive::to_u32(&q.trunc()))
            .filter(|q| *q > 0)
            .unwrap_or(1);
        let line = match item
            .item_id
            .supplier_part_auxiliary_id
            .as_deref()
            .and_then(ids::parse_aux_id)
        {
            Some((c, l)) if c == cart_ref => l,
            _ => {
                next += 1;
                next
            }
        };
        cart.restore(line, asin, quantity);
    }
    (cart_ref, cart)
}

/// The group whose system login and password the Sender carries; or 401,
/// saying how close the credentials came: a known system login with the
/// wrong password, or a login no group has.
pub async fn authenticate(
    state: &AppState,
    sender: &[crate::cxml::Credential],
) -> Result<Result<Arc<crate::domain::Group>, Status>, crate::store::StoreError> {
    let mut near = None;
    for c in sender {
        let id = c.identity.trim();
        let Some(g) = state.store.group_by_identity(id).await? else {
            continue;
        };
        let secret = c.shared_secret.as_deref().map(str::trim);
        if secret.is_some_and(|s| secrets_match(s, &g.shared_secret)) {
            return Ok(Ok(g));
        }
        near.get_or_insert((id.to_owned(), g));
    }
    let identities: Vec<&str> = sender.iter().map(|c| c.identity.trim()).collect();
    let why = match (near, identities.first()) {
        (Some((id, g)), _) => format!(
            "the Sender Identity '{id}' is the system login of group {} ({}), but the SharedSecret (パスワード) does not match it",
            g.id, g.name
        ),
        (None, Some(id)) => format!("no group has the system login (Sender Identity) '{id}'"),
        (None, None) => "the Sender has no Credential".to_owned(),
    };
    Ok(Err(Status::new(
        401,
        "Unauthorized",
        format!("Invalid or unrecognized sender credentials: {why}"),
    )))
}
