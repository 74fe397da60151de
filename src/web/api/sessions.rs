//! Punchout sessions and their carts: read, change, check out.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiError, ApiResult, Json, P, group_of};
use crate::AppState;
use crate::domain::session::Session;
use crate::web::cart_return::{Returned, record_return};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CartLineView {
    pub line: u32,
    pub asin: String,
    pub quantity: u32,
    /// `<cart>,<line>`: what the POOM and the PO carry.
    pub supplier_part_auxiliary_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: String,
    pub group_id: u32,
    /// create | edit | inspect | oci
    pub operation: String,
    pub scenario: String,
    pub start_page: String,
    pub buyer_cookie: String,
    pub email: Option<String>,
    pub hook_url: Option<String>,
    pub read_only: bool,
    pub cart: Vec<CartLineView>,
    pub carts_returned: usize,
}

fn session_view(state: &AppState, s: &Session) -> SessionView {
    SessionView {
        id: s.id.clone(),
        group_id: s.group_id,
        operation: s.setup.operation.clone(),
        scenario: s.scenario.clone(),
        start_page: format!("{}/s/{}", state.settings.base_url, s.id),
        buyer_cookie: s.setup.buyer_cookie.clone(),
        email: s.setup.email.clone(),
        hook_url: s.setup.hook_url.clone(),
        read_only: s.read_only,
        cart: s
            .cart
            .lines
            .iter()
            .map(|l| CartLineView {
                line: l.line,
                asin: l.asin.clone(),
                quantity: l.quantity,
                supplier_part_auxiliary_id: s.aux_id(l.line),
            })
            .collect(),
        carts_returned: s.returns.len(),
    }
}

#[utoipa::path(get, path = "/api/v1/groups/{gid}/sessions", tag = "sessions",
    params(("gid" = u32, Path, description = "group id")),
    responses((status = 200, description = "the newest 100 punchout sessions", body = Vec<SessionView>), (status = 404, body = ApiError)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    P(gid): P<u32>,
) -> ApiResult<Vec<SessionView>> {
    group_of(&state, gid).await?;
    let sessions = state.store.recent_sessions(gid, 100).await?;
    Ok(axum::Json(
        sessions.iter().map(|s| session_view(&state, s)).collect(),
    ))
}

async fn session_of(state: &AppState, sid: &str) -> Result<std::sync::Arc<Session>, ApiError> {
    state
        .store
        .session(sid)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("there is no punchout session '{sid}'")))
}

#[utoipa::path(get, path = "/api/v1/sessions/{sid}", tag = "sessions",
    params(("sid" = String, Path, description = "session id (the last part of the StartPage URL)")),
    responses((status = 200, body = SessionView), (status = 404, body = ApiError)))]
pub async fn get_session(
    State(state): State<AppState>,
    P(sid): P<String>,
) -> ApiResult<SessionView> {
    Ok(axum::Json(session_view(
        &state,
        &*session_of(&state, &sid).await?,
    )))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CartLineInput {
    /// One of the catalogue's ASINs.
    pub asin: String,
    /// 0 removes the line.
    #[schema(maximum = 9999)]
    pub quantity: u32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartInput {
    /// Each ASIN's quantity; other lines stay.
    pub lines: Vec<CartLineInput>,
}

#[utoipa::path(put, path = "/api/v1/sessions/{sid}/cart", tag = "sessions",
    params(("sid" = String, Path, description = "session id")),
    request_body = CartInput,
    responses((status = 200, body = SessionView), (status = 400, body = ApiError), (status = 404, body = ApiError), (status = 409, description = "an inspect session is read-only", body = ApiError)))]
pub async fn put_cart(
    State(state): State<AppState>,
    P(sid): P<String>,
    Json(input): Json<CartInput>,
) -> ApiResult<SessionView> {
    set_cart(&state, &sid, &input.lines).await?;
    Ok(axum::Json(session_view(
        &state,
        &*session_of(&state, &sid).await?,
    )))
}

/// Sets each ASIN's quantity in a session's cart (0 removes the line);
/// other lines stay.
pub(super) async fn set_cart(
    state: &AppState,
    sid: &str,
    lines: &[CartLineInput],
) -> Result<(), ApiError> {
    check_lines(state, lines)?;
    let changes: Vec<(String, u32)> = lines
        .iter()
        .map(|l| (l.asin.trim().to_owned(), l.quantity))
        .collect();
    set_quantities(state, sid, changes).await
}

/// Refuses an ASIN no store sells and a quantity too large.
pub(super) fn check_lines(state: &AppState, lines: &[CartLineInput]) -> Result<(), ApiError> {
    for l in lines {
        let asin = l.asin.trim();
        if !state
            .marketplaces
            .all()
            .any(|m| m.catalog.get(asin).is_some())
        {
            return Err(ApiError::bad_request(format!(
                "ASIN '{}' is not in the catalogue",
                l.asin
            )));
        }
        if l.quantity > crate::domain::session::MAX_LINE_QUANTITY {
            return Err(ApiError::bad_request(format!(
                "quantity {} of {} is over {}",
                l.quantity,
                l.asin,
                crate::domain::session::MAX_LINE_QUANTITY
            )));
        }
    }
    Ok(())
}

async fn set_quantities(
    state: &AppState,
    sid: &str,
    changes: Vec<(String, u32)>,
) -> Result<(), ApiError> {
    let changed = state
        .store
        .update_session(sid, move |s| {
            if s.read_only {
                return (false, None);
            }
            for (asin, q) in changes {
                match s.cart.lines.iter().find(|l| l.asin == asin).map(|l| l.line) {
                    Some(line) => {
                        s.cart.set_quantity(line, q);
                    }
                    None if q > 0 => s.cart.add(&asin, q),
                    None => {}
                }
            }
            (true, None)
        })
        .await?
        .ok_or_else(|| ApiError::not_found(format!("there is no punchout session '{sid}'")))?;
    if !changed {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "this session was opened with operation=\"inspect\": the cart cannot change",
        ));
    }
    Ok(())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CheckoutInput {
    /// Return no items (leaving the store without a cart).
    pub empty: bool,
    /// Also post the cart to the session's BrowserFormPost URL, as the
    /// browser would (only to hosts the operator allowed: loopback by
    /// default).
    pub post: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckoutView {
    /// The form field the cart travels in: cxml-urlencoded, cxml-base64 or
    /// oci.
    pub field: String,
    /// The PunchOutOrderMessage (cXML sessions).
    pub punch_out_order_message: Option<String>,
    /// The NEW_ITEM fields (OCI sessions).
    pub oci_fields: Option<Vec<(String, String)>>,
    /// The hook's HTTP status when `post` was asked.
    pub posted_status: Option<u16>,
}

#[utoipa::path(post, path = "/api/v1/sessions/{sid}/checkout", tag = "sessions",
    params(("sid" = String, Path, description = "session id")),
    request_body = CheckoutInput,
    responses((status = 200, body = CheckoutView), (status = 403, description = "the hook's host is not allowed", body = ApiError), (status = 404, body = ApiError)))]
pub async fn checkout(
    State(state): State<AppState>,
    P(sid): P<String>,
    Json(input): Json<CheckoutInput>,
) -> ApiResult<CheckoutView> {
    let session = session_of(&state, &sid).await?;
    Ok(axum::Json(return_cart(&state, &session, &input).await?))
}

/// 承認を依頼する for a session: records the returned cart (empty when
/// asked) and, when asked, posts it to the session's BrowserFormPost URL
/// as the browser would, only to allowed hosts.
pub(super) async fn return_cart(
    state: &AppState,
    session: &Session,
    input: &CheckoutInput,
) -> Result<CheckoutView, ApiError> {
    let group = group_of(state, session.group_id).await?;
    let hook = session.setup.hook_url.clone().unwrap_or_default();
    if input.post && !state.hook_allowed(&hook) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "absim posts carts server-side only to allowed hosts ({}); '{hook}' is not one (--allow-hook-host)",
                state.settings.allowed_hook_hosts.join(", ")
            ),
        ));
    }
    let emptied;
    let session = if input.empty {
        let mut s = session.clone();
        s.cart.lines.clear();
        emptied = s;
        &emptied
    } else {
        session
    };
    let returned = record_return(state, session, &group)
        .await
        .map_err(ApiError::from)?;
    let (field, view) = match returned {
        Returned::Cxml { field, xml, value } => (
            vec![(field.to_owned(), value)],
            CheckoutView {
                field: field.to_owned(),
                punch_out_order_message: Some(xml),
                oci_fields: None,
                posted_status: None,
            },
        ),
        Returned::Oci { fields } => (
            fields.clone(),
            CheckoutView {
                field: "oci".to_owned(),
                punch_out_order_message: None,
                oci_fields: Some(fields),
                posted_status: None,
            },
        ),
    };
    let posted_status = if input.post {
        Some(post_to_hook(state, &hook, &field).await?)
    } else {
        None
    };
    Ok(CheckoutView {
        posted_status,
        ..view
    })
}

/// Posts a returned cart's form fields to the hook as the browser would;
/// the hook's HTTP status.
async fn post_to_hook(
    state: &AppState,
    hook: &str,
    fields: &[(String, String)],
) -> Result<u16, ApiError> {
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let answer = state
        .http
        .post(hook)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .map_err(|e| ApiError::new(StatusCode::BAD_GATEWAY, "hook_unreachable", e.to_string()))?;
    Ok(answer.status().as_u16())
}
