//! `GET`/`POST /eprocurement/oci`: an SAP OCI catalogue call opens the same
//! storefront; the cart goes back as `NEW_ITEM-*` fields (see `storefront`).

use axum::extract::{RawForm, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Ctx, PageError};
use crate::AppState;
use crate::cxml::time;
use crate::domain::account::secrets_match;
use crate::oci::OciLogin;

fn pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    open(state, ctx, pairs(query.unwrap_or_default().as_bytes())).await
}

pub async fn post(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    RawForm(form): RawForm,
) -> Result<Response, PageError> {
    let mut params = pairs(&form);
    params.extend(pairs(query.unwrap_or_default().as_bytes()));
    open(state, ctx, params).await
}

async fn open(
    state: AppState,
    ctx: Ctx,
    params: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let login =
        OciLogin::parse(&params).map_err(|m| PageError::new(t, StatusCode::BAD_REQUEST, m))?;
    let group = state
        .store
        .group_by_identity(&login.username)
        .await
        .map_err(|e| PageError::internal(t, &e))?
        .filter(|g| secrets_match(&login.password, &g.shared_secret))
        .ok_or_else(|| PageError::new(t, StatusCode::UNAUTHORIZED, t.oci_unauthorized))?;
    let at = crate::domain::punchout::OciArrival {
        group: &group,
        scenarios: &state.scenarios,
        received_at: time::now(),
        now_ms: state.clock.now_ms(),
    };
    let session = crate::domain::punchout::open_oci(&login, &at)
        .map_err(|m| PageError::new(t, StatusCode::BAD_REQUEST, m))?;
    let session_id = session.id.clone();
    state
        .store
        .insert_session(session, Vec::new(), state.settings.max_sessions)
        .await
        .map_err(|e| PageError::internal(t, &e))?;
    tracing::info!(group = group.id, session = %session_id, "OCI session opened");
    let lang = if login.wants_english() {
        "?lang=en"
    } else {
        ""
    };
    Ok(Redirect::to(&format!("/s/{session_id}{lang}")).into_response())
}
