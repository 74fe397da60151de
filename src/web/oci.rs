//! `GET`/`POST /eprocurement/oci`: an SAP OCI catalogue call opens the same
//! storefront; the cart goes back as `NEW_ITEM-*` fields (see `storefront`).

use axum::extract::{RawForm, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Ctx, PageError};
use crate::AppState;
use crate::cxml::{Deviation, time};
use crate::domain::account::{secrets_match, validate_endpoint};
use crate::domain::ids;
use crate::domain::session::{Cart, Session, SetupRecord};
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
    validate_endpoint(&login.hook_url)
        .map_err(|m| PageError::new(t, StatusCode::BAD_REQUEST, format!("HOOK_URL {m}")))?;
    let (scenario, _) = state.scenarios.choose(None, &group.selected_scenario);
    let session_id = ids::session_id(state.clock.now_ms());
    let mut deviations = Vec::new();
    if !login.ret.ok_code.eq_ignore_ascii_case("ADDI") {
        deviations.push(Deviation::new(
            "oci-okcode",
            format!("~OkCode is '{}'; SAP expects ADDI", login.ret.ok_code),
        ));
    }
    let session = Session {
        id: session_id.clone(),
        group_id: group.id,
        setup: SetupRecord {
            received_at: time::now(),
            payload_id: String::new(),
            operation: "oci".into(),
            buyer_cookie: String::new(),
            credentials_valid: true,
            email: None,
            hook_url: Some(login.hook_url.clone()),
            first_name: None,
            last_name: None,
            ubu: None,
            deviations,
        },
        cart_ref: ids::cart_reference(),
        cart: Cart::default(),
        returns: Vec::new(),
        scenario: scenario.into(),
        read_only: false,
        oci: Some(login.ret.clone()),
        touched_at_ms: state.clock.now_ms(),
        run_id: group.run_at(state.clock.now_ms()),
    };
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
