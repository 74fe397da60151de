//! The JSON API under `/api/v1`, for QA automation. It reads and writes the
//! same store as the pages (one record path). Errors are JSON with a stable
//! `code` and a human `message`. The OpenAPI document at
//! `/api/v1/openapi.json` is generated from these handlers by utoipa.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::domain::account::{
    PurchasingSystem, generate_identity, generate_secret, generate_token, validate_endpoint,
    validate_identity, validate_secret,
};
use crate::domain::checks::{self, Outcome, Verdict};
use crate::domain::fault::{FaultKind, FaultPlan};
use crate::domain::order::{Mark, Order, TestResult};
use crate::domain::safeguard::{Action, QuantityAction, Tolerances};
use crate::domain::scenario::Section;
use crate::domain::session::Session;
use crate::domain::{CartField, Group, Mode};
use crate::store::{GroupError, OrderFilter, StoreError};

/// An API error: HTTP status, a stable code, and a message for people.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    /// Stable: `not_found`, `bad_request`, `conflict`, `forbidden`,
    /// `internal`.
    pub code: &'static str,
    pub message: String,
    #[serde(skip)]
    status: StatusCode,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            status,
        }
    }

    fn not_found(what: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", what)
    }

    fn bad_request(why: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", why)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "an API request failed inside absim");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "absim failed internally; try again",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self)).into_response()
    }
}

/// JSON bodies, query strings and paths whose rejections are API errors.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|axum::Json(v)| Json(v))
            .map_err(|e: JsonRejection| ApiError::bad_request(e.body_text()))
    }
}

pub struct Q<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Q(v))
            .map_err(|e: QueryRejection| ApiError::bad_request(e.body_text()))
    }
}

pub struct P<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for P<T> {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| P(v))
            .map_err(|e: PathRejection| ApiError::bad_request(e.body_text()))
    }
}

type ApiResult<T> = Result<axum::Json<T>, ApiError>;

async fn group_of(state: &AppState, gid: u32) -> Result<Group, ApiError> {
    state
        .store
        .group(gid)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("there is no group {gid}")))
}

impl From<GroupError> for ApiError {
    fn from(e: GroupError) -> Self {
        match e {
            GroupError::Refused(why) => ApiError::bad_request(why),
            GroupError::NotFound(gid) => ApiError::not_found(format!("there is no group {gid}")),
            GroupError::Store(e) => e.into(),
        }
    }
}

// ---- views -------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TolerancesView {
    pub price_increase_percent: u32,
    /// remove-line | cancel-order
    pub price_action: String,
    /// ship-available | backorder | cancel-order
    pub quantity_action: String,
    pub max_shipping_yen: Option<u64>,
    pub max_delivery_days: Option<u32>,
    /// remove-line | cancel-order
    pub delivery_action: String,
    pub amazon_only: bool,
}

impl From<&Tolerances> for TolerancesView {
    fn from(t: &Tolerances) -> Self {
        TolerancesView {
            price_increase_percent: t.price_increase_percent,
            price_action: t.price_action.as_str().into(),
            quantity_action: t.quantity_action.as_str().into(),
            max_shipping_yen: t.max_shipping_yen,
            max_delivery_days: t.max_delivery_days,
            delivery_action: t.delivery_action.as_str().into(),
            amazon_only: t.amazon_only,
        }
    }
}

impl TolerancesView {
    fn parse(&self) -> Result<Tolerances, String> {
        let t = Tolerances {
            price_increase_percent: self.price_increase_percent,
            price_action: Action::parse(&self.price_action)?,
            quantity_action: QuantityAction::parse(&self.quantity_action)?,
            max_shipping_yen: self.max_shipping_yen,
            max_delivery_days: self.max_delivery_days,
            delivery_action: Action::parse(&self.delivery_action)?,
            amazon_only: self.amazon_only,
        };
        t.validate()?;
        Ok(t)
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FaultsView {
    /// http500-html | http503 | cxml500 | timeout | delay | malformed; null: off
    pub kind: Option<String>,
    pub remaining: Option<u32>,
    pub share_percent: Option<u8>,
    pub delay_ms: u64,
    pub timeout_secs: u64,
}

impl From<&FaultPlan> for FaultsView {
    fn from(p: &FaultPlan) -> Self {
        FaultsView {
            kind: p.kind.map(|k| k.as_str().to_owned()),
            remaining: p.remaining,
            share_percent: p.share_percent,
            delay_ms: p.delay_ms,
            timeout_secs: p.timeout_secs,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    pub id: u32,
    pub name: String,
    pub purchasing_system: String,
    /// a: システムログイン (cXML From/Sender Identity)
    pub identity: String,
    /// b: パスワード (cXML SharedSecret)
    pub shared_secret: String,
    pub punchout_url: String,
    /// c: PO Request URL
    pub po_request_url: String,
    /// test | active
    pub mode: String,
    pub order_confirmation_url: Option<String>,
    pub ship_notice_url: Option<String>,
    pub invoice_url: Option<String>,
    /// cxml-urlencoded | cxml-base64
    pub cart_field: String,
    pub selected_scenario: String,
    pub tolerances: TolerancesView,
    pub faults: FaultsView,
}

fn group_view(state: &AppState, g: &Group) -> GroupView {
    GroupView {
        id: g.id,
        name: g.name.clone(),
        purchasing_system: g.purchasing_system.as_str().into(),
        identity: g.identity.clone(),
        shared_secret: g.shared_secret.clone(),
        punchout_url: state.punchout_url(),
        po_request_url: state.po_url(g),
        mode: match g.mode {
            Mode::Test => "test",
            Mode::Active => "active",
        }
        .into(),
        order_confirmation_url: g.order_confirmation_url.clone(),
        ship_notice_url: g.ship_notice_url.clone(),
        invoice_url: g.invoice_url.clone(),
        cart_field: g.cart_field.name().into(),
        selected_scenario: g.selected_scenario.clone(),
        tolerances: (&g.tolerances).into(),
        faults: (&g.faults).into(),
    }
}

/// What `PATCH /groups/{gid}` may change; absent fields stay. An empty
/// endpoint string clears it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    pub name: Option<String>,
    pub purchasing_system: Option<String>,
    pub identity: Option<String>,
    pub shared_secret: Option<String>,
    pub mode: Option<String>,
    pub order_confirmation_url: Option<String>,
    pub ship_notice_url: Option<String>,
    pub invoice_url: Option<String>,
    pub cart_field: Option<String>,
    pub tolerances: Option<TolerancesView>,
    pub faults: Option<FaultsView>,
}

#[utoipa::path(get, path = "/healthz", tag = "service",
    responses((status = 200, description = "absim is serving", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

#[utoipa::path(get, path = "/readyz", tag = "service",
    responses(
        (status = 200, description = "ready: the database answers and carries this absim's schema", body = String),
        (status = 503, description = "not ready, with the reason: the database is unreachable or not migrated, or absim is shutting down", body = String)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.is_draining() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    match state.store.ready().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {e}")).into_response()
        }
    }
}

#[utoipa::path(get, path = "/metrics", tag = "service",
    responses(
        (status = 200, description = "Prometheus metrics (OpenMetrics text): requests by route and status, latency, POs, deliveries, the queue, sessions, the database pool", content_type = "application/openmetrics-text", body = String),
        (status = 401, description = "an admin token is set and the request does not carry it", body = ApiError)))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let text = state
        .metrics
        .render(&state.store, state.clock.now_ms())
        .await;
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub name: &'static str,
    pub version: &'static str,
    pub cxml_version: &'static str,
}

#[utoipa::path(get, path = "/api/v1/version", tag = "service",
    responses((status = 200, body = VersionView)))]
pub async fn version() -> axum::Json<VersionView> {
    axum::Json(VersionView {
        name: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        cxml_version: crate::cxml::CXML_VERSION,
    })
}

#[utoipa::path(get, path = "/api/v1/groups", tag = "groups",
    responses((status = 200, body = Vec<GroupView>)))]
pub async fn list_groups(State(state): State<AppState>) -> ApiResult<Vec<GroupView>> {
    Ok(axum::Json(
        state
            .store
            .groups()
            .await?
            .iter()
            .map(|g| group_view(&state, g))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/groups/{gid}", tag = "groups",
    params(("gid" = u32, Path, description = "group id")),
    responses((status = 200, body = GroupView), (status = 404, body = ApiError)))]
pub async fn get_group(State(state): State<AppState>, P(gid): P<u32>) -> ApiResult<GroupView> {
    Ok(axum::Json(group_view(
        &state,
        &group_of(&state, gid).await?,
    )))
}

#[utoipa::path(patch, path = "/api/v1/groups/{gid}", tag = "groups",
    params(("gid" = u32, Path, description = "group id")),
    request_body = GroupPatch,
    responses((status = 200, body = GroupView), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn patch_group(
    State(state): State<AppState>,
    P(gid): P<u32>,
    Json(patch): Json<GroupPatch>,
) -> ApiResult<GroupView> {
    let g = state
        .store
        .update_group(gid, move |g| {
            if let Some(n) = &patch.name {
                if n.trim().is_empty() {
                    return Err("name is empty".into());
                }
                g.name = n.trim().to_owned();
            }
            if let Some(p) = &patch.purchasing_system {
                g.purchasing_system = PurchasingSystem::parse(p)?;
            }
            if let Some(id) = &patch.identity {
                validate_identity(id)?;
                g.identity = id.clone();
            }
            if let Some(s) = &patch.shared_secret {
                validate_secret(s)?;
                g.shared_secret = s.clone();
            }
            if let Some(m) = &patch.mode {
                g.mode = match m.as_str() {
                    "test" => Mode::Test,
                    "active" => Mode::Active,
                    other => return Err(format!("mode '{other}' is neither test nor active")),
                };
            }
            if let Some(u) = &patch.order_confirmation_url {
                g.order_confirmation_url = validate_endpoint(u)?;
            }
            if let Some(u) = &patch.ship_notice_url {
                g.ship_notice_url = validate_endpoint(u)?;
            }
            if let Some(u) = &patch.invoice_url {
                g.invoice_url = validate_endpoint(u)?;
            }
            if let Some(f) = &patch.cart_field {
                g.cart_field = CartField::parse(f)?;
            }
            if let Some(t) = &patch.tolerances {
                g.tolerances = t.parse()?;
            }
            if let Some(f) = &patch.faults {
                let plan = FaultPlan {
                    kind: f.kind.as_deref().map(FaultKind::parse).transpose()?,
                    remaining: f.remaining,
                    share_percent: f.share_percent,
                    delay_ms: f.delay_ms,
                    timeout_secs: f.timeout_secs,
                };
                plan.validate()?;
                g.faults = plan;
            }
            Ok(())
        })
        .await?;
    Ok(axum::Json(group_view(&state, &g)))
}

#[utoipa::path(post, path = "/api/v1/groups/{gid}/credentials", tag = "groups",
    params(("gid" = u32, Path, description = "group id")),
    responses((status = 200, description = "new system login, password and PO Request URL", body = GroupView), (status = 404, body = ApiError)))]
pub async fn regenerate_credentials(
    State(state): State<AppState>,
    P(gid): P<u32>,
) -> ApiResult<GroupView> {
    let g = state
        .store
        .update_group(gid, |g| {
            g.identity = generate_identity();
            g.shared_secret = generate_secret();
            g.po_token = generate_token(48);
            Ok(())
        })
        .await?;
    Ok(axum::Json(group_view(&state, &g)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioView {
    pub id: String,
    /// basic | checkout | safeguard | advanced
    pub section: String,
    pub name_ja: String,
    pub name_en: String,
    pub selected: bool,
    /// Its requirements are marked 成功.
    pub unlocked: bool,
    pub requires: Vec<String>,
    pub orders: usize,
    /// success | failure of the latest mark, if any
    pub mark: Option<String>,
    /// The refusal the scenario expects of absim, if any (e.g. 001-001).
    pub refusal: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/groups/{gid}/scenarios", tag = "scenarios",
    params(("gid" = u32, Path, description = "group id")),
    responses((status = 200, body = Vec<ScenarioView>), (status = 404, body = ApiError)))]
pub async fn list_scenarios(
    State(state): State<AppState>,
    P(gid): P<u32>,
) -> ApiResult<Vec<ScenarioView>> {
    let group = group_of(&state, gid).await?;
    let mut marks = std::collections::HashMap::new();
    for s in state.scenarios.all() {
        marks.insert(s.id.clone(), state.store.latest_mark(gid, &s.id).await?);
    }
    let passed = |id: &str| {
        marks
            .get(id)
            .and_then(|m| m.as_ref())
            .is_some_and(|m| m.result == TestResult::Success)
    };
    let mut out = Vec::new();
    for section in Section::ALL {
        for s in state.scenarios.section(section) {
            out.push(ScenarioView {
                id: s.id.clone(),
                section: section.as_str().into(),
                name_ja: s.name.ja.clone(),
                name_en: s.name.en.clone(),
                selected: group.selected_scenario == s.id,
                unlocked: s.requires.iter().all(|r| passed(r)),
                requires: s.requires.clone(),
                orders: state.store.count_orders(gid, Some(&s.id)).await?,
                mark: marks
                    .get(&s.id)
                    .and_then(|m| m.as_ref())
                    .map(|m| result_text(m.result).into()),
                refusal: s.refusal.clone(),
            });
        }
    }
    Ok(axum::Json(out))
}

fn result_text(r: TestResult) -> &'static str {
    match r {
        TestResult::Success => "success",
        TestResult::Failure => "failure",
    }
}

#[utoipa::path(post, path = "/api/v1/groups/{gid}/scenarios/{id}/select", tag = "scenarios",
    params(("gid" = u32, Path, description = "group id"), ("id" = String, Path, description = "scenario id")),
    responses((status = 200, body = GroupView), (status = 404, body = ApiError)))]
pub async fn select_scenario(
    State(state): State<AppState>,
    P((gid, id)): P<(u32, String)>,
) -> ApiResult<GroupView> {
    if state.scenarios.get(&id).is_none() {
        return Err(ApiError::not_found(format!("there is no scenario '{id}'")));
    }
    let g = state
        .store
        .update_group(gid, move |g| {
            g.selected_scenario = id;
            Ok(())
        })
        .await?;
    Ok(axum::Json(group_view(&state, &g)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResetView {
    /// How many log entries were removed.
    pub removed: usize,
}

#[utoipa::path(post, path = "/api/v1/groups/{gid}/scenarios/{id}/reset", tag = "scenarios",
    params(("gid" = u32, Path, description = "group id"), ("id" = String, Path, description = "scenario id")),
    responses((status = 200, description = "the scenario's logs and state are gone; other scenarios stay", body = ResetView), (status = 404, body = ApiError)))]
pub async fn reset_scenario(
    State(state): State<AppState>,
    P((gid, id)): P<(u32, String)>,
) -> ApiResult<ResetView> {
    group_of(&state, gid).await?;
    if state.scenarios.get(&id).is_none() {
        return Err(ApiError::not_found(format!("there is no scenario '{id}'")));
    }
    let removed = state.store.reset_scenario(gid, &id).await?;
    Ok(axum::Json(ResetView { removed }))
}

#[utoipa::path(post, path = "/api/v1/groups/{gid}/reset", tag = "scenarios",
    params(("gid" = u32, Path, description = "group id")),
    responses((status = 200, description = "the group's whole log is gone; credentials and settings stay", body = ResetView), (status = 404, body = ApiError)))]
pub async fn reset_group(State(state): State<AppState>, P(gid): P<u32>) -> ApiResult<ResetView> {
    group_of(&state, gid).await?;
    let removed = state.store.reset_group(gid).await?;
    Ok(axum::Json(ResetView { removed }))
}

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

#[derive(Debug, Deserialize, ToSchema)]
pub struct CartLineInput {
    pub asin: String,
    /// 0 removes the line.
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
    for l in &input.lines {
        if state.catalog.get(&l.asin).is_none() {
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
    let changes: Vec<(String, u32)> = input
        .lines
        .into_iter()
        .map(|l| (l.asin.trim().to_owned(), l.quantity))
        .collect();
    let changed = state
        .store
        .update_session(&sid, move |s| {
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
    Ok(axum::Json(session_view(
        &state,
        &*session_of(&state, &sid).await?,
    )))
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
    let mut session = std::sync::Arc::unwrap_or_clone(session_of(&state, &sid).await?);
    let group = group_of(&state, session.group_id).await?;
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
    if input.empty {
        session.cart.lines.clear();
    }
    let returned = super::storefront::record_return(&state, &session, &group)
        .await
        .map_err(ApiError::from)?;
    let (field, body_fields) = match &returned {
        super::storefront::Returned::Cxml { field, xml } => {
            let value = match group.cart_field {
                CartField::UrlEncoded => xml.clone(),
                CartField::Base64 => {
                    base64::engine::general_purpose::STANDARD.encode(xml.as_bytes())
                }
            };
            (field.to_string(), vec![(field.to_string(), value)])
        }
        super::storefront::Returned::Oci { fields } => ("oci".to_owned(), fields.clone()),
    };
    let posted_status = if input.post {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&body_fields)
            .finish();
        let r = state
            .http
            .post(&hook)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(|e| {
                ApiError::new(StatusCode::BAD_GATEWAY, "hook_unreachable", e.to_string())
            })?;
        Some(r.status().as_u16())
    } else {
        None
    };
    Ok(axum::Json(match returned {
        super::storefront::Returned::Cxml { xml, .. } => CheckoutView {
            field,
            punch_out_order_message: Some(xml),
            oci_fields: None,
            posted_status,
        },
        super::storefront::Returned::Oci { fields } => CheckoutView {
            field,
            punch_out_order_message: None,
            oci_fields: Some(fields),
            posted_status,
        },
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// Received on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Received on or before (YYYY-MM-DD).
    pub to: Option<String>,
    pub scenario: Option<String>,
    /// Matches the PO number, confirmID, ASINs and titles.
    pub q: Option<String>,
    /// A part of the PO number.
    pub po: Option<String>,
    pub asin: Option<String>,
    /// success | failure | unmarked
    pub result: Option<String>,
    /// At most this many (default 100, at most 1000).
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSummary {
    pub no: u64,
    pub order_id: String,
    pub payload_id: String,
    pub scenario: String,
    pub received_at: String,
    /// success | failure, or null when unmarked
    pub mark: Option<String>,
    pub mark_comment: Option<String>,
    /// Set for a refused PO: "code text".
    pub refused: Option<String>,
    pub confirm_id: String,
}

fn summary(o: &Order) -> OrderSummary {
    OrderSummary {
        no: o.no,
        order_id: o.order_id.clone(),
        payload_id: o.payload_id.clone(),
        scenario: o.scenario.clone(),
        received_at: crate::cxml::time::format(&o.received_at),
        mark: o.mark.as_ref().map(|m| result_text(m.result).into()),
        mark_comment: o.mark.as_ref().and_then(|m| m.comment.clone()),
        refused: o.refusal.as_ref().map(|r| format!("{} {}", r.code, r.text)),
        confirm_id: o.confirm_id.clone(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderList {
    pub total: usize,
    pub orders: Vec<OrderSummary>,
}

fn filter_of(q: &OrderQuery) -> Result<OrderFilter, ApiError> {
    let date = |s: &Option<String>| -> Result<Option<chrono::NaiveDate>, ApiError> {
        s.as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map_err(|_| ApiError::bad_request(format!("'{s}' is not a date (YYYY-MM-DD)")))
            })
            .transpose()
    };
    Ok(OrderFilter {
        from: date(&q.from)?,
        to: date(&q.to)?,
        scenario: q.scenario.clone(),
        text: q.q.clone(),
        order_id: q.po.clone(),
        asin: q.asin.clone(),
        result: match q.result.as_deref() {
            None => None,
            Some("success") => Some(Some(TestResult::Success)),
            Some("failure") => Some(Some(TestResult::Failure)),
            Some("unmarked") => Some(None),
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "result '{other}' is not success, failure or unmarked"
                )));
            }
        },
    })
}

#[utoipa::path(get, path = "/api/v1/groups/{gid}/orders", tag = "orders",
    params(("gid" = u32, Path, description = "group id"), OrderQuery),
    responses((status = 200, body = OrderList), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_orders(
    State(state): State<AppState>,
    P(gid): P<u32>,
    Q(query): Q<OrderQuery>,
) -> ApiResult<OrderList> {
    group_of(&state, gid).await?;
    let filter = filter_of(&query)?;
    let limit = query.limit.unwrap_or(100).min(1000);
    let (orders, total) = state.store.orders(gid, &filter, limit).await?;
    Ok(axum::Json(OrderList {
        total,
        orders: orders.iter().map(summary).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckView {
    /// pass | fail | pending | n/a
    pub outcome: String,
    pub ja: String,
    pub en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    pub at: String,
    pub http_status: Option<u16>,
    pub cxml_status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    /// confirmation | ship_notice | invoice
    pub kind: String,
    pub step: u32,
    /// pending | in_flight | delivered | failed
    pub state: String,
    pub target: Option<String>,
    pub attempts: Vec<AttemptView>,
    pub document_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: i64,
    pub kind: String,
    pub at: String,
    pub size: usize,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub summary: OrderSummary,
    /// success | failure | pending
    pub verdict: String,
    pub checks: Vec<CheckView>,
    pub deliveries: Vec<DeliveryView>,
    pub documents: Vec<DocumentView>,
    pub deviations: Vec<String>,
    /// The confirmation's header type (detail, reject, backordered, ...).
    pub confirmation_type: Option<String>,
}

async fn order_of(state: &AppState, gid: u32, no: u64) -> Result<Order, ApiError> {
    state
        .store
        .order(no)
        .await?
        .filter(|o| o.group_id == gid)
        .ok_or_else(|| ApiError::not_found(format!("group {gid} has no log entry {no}")))
}

#[utoipa::path(get, path = "/api/v1/groups/{gid}/orders/{no}", tag = "orders",
    params(("gid" = u32, Path, description = "group id"), ("no" = u64, Path, description = "log entry number")),
    responses((status = 200, body = OrderDetail), (status = 404, body = ApiError)))]
pub async fn get_order(
    State(state): State<AppState>,
    P((gid, no)): P<(u32, u64)>,
) -> ApiResult<OrderDetail> {
    let order = order_of(&state, gid, no).await?;
    let super::Checked {
        session,
        deliveries,
        checks: found,
    } = super::check_entry(&state, &order).await?;
    let docs = state
        .store
        .documents_of(no, session.as_ref().map(|s| s.id.clone()))
        .await?;
    let mut deviations: Vec<String> = session
        .iter()
        .flat_map(|s| &s.setup.deviations)
        .chain(&order.deviations)
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    deviations.dedup();
    Ok(axum::Json(OrderDetail {
        summary: summary(&order),
        verdict: match checks::verdict(&found) {
            Verdict::Success => "success",
            Verdict::Failure => "failure",
            Verdict::Pending => "pending",
        }
        .into(),
        checks: found
            .iter()
            .map(|c| CheckView {
                outcome: match c.outcome {
                    Outcome::Pass => "pass",
                    Outcome::Fail => "fail",
                    Outcome::Pending => "pending",
                    Outcome::NotApplicable => "n/a",
                }
                .into(),
                ja: c.ja.clone(),
                en: c.en.clone(),
            })
            .collect(),
        deliveries: deliveries
            .iter()
            .map(|(d, attempts)| DeliveryView {
                id: d.id,
                kind: d.kind.as_str().into(),
                step: d.step,
                state: d.state.as_str().into(),
                target: d.target.clone(),
                document_id: d.document_id,
                attempts: attempts
                    .iter()
                    .map(|a| AttemptView {
                        at: crate::cxml::time::format(&a.at),
                        http_status: a.http_status,
                        cxml_status: a.cxml_status,
                        error: a.error.clone(),
                        duration_ms: a.duration_ms,
                    })
                    .collect(),
            })
            .collect(),
        documents: docs
            .iter()
            .map(|d| DocumentView {
                id: d.id,
                kind: d.kind.as_str().into(),
                at: crate::cxml::time::format(&d.at),
                size: d.size,
                url: format!("/groups/{gid}/log/{no}/docs/{}?download=1", d.id),
            })
            .collect(),
        deviations,
        confirmation_type: order.fulfilment.as_ref().map(|f| f.header_type.clone()),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkInput {
    /// success (成功) | failure (失敗)
    pub result: String,
    pub comment: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/groups/{gid}/orders/{no}/mark", tag = "orders",
    params(("gid" = u32, Path, description = "group id"), ("no" = u64, Path, description = "log entry number")),
    request_body = MarkInput,
    responses((status = 200, body = OrderSummary), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn mark_order(
    State(state): State<AppState>,
    P((gid, no)): P<(u32, u64)>,
    Json(input): Json<MarkInput>,
) -> ApiResult<OrderSummary> {
    order_of(&state, gid, no).await?;
    let result = TestResult::parse(&input.result).ok_or_else(|| {
        ApiError::bad_request(format!(
            "result '{}' is neither success nor failure",
            input.result
        ))
    })?;
    state
        .store
        .set_mark(
            no,
            Mark {
                result,
                by: "API".into(),
                at: crate::cxml::time::now(),
                comment: input.comment.filter(|c| !c.trim().is_empty()),
            },
        )
        .await?;
    Ok(axum::Json(summary(&order_of(&state, gid, no).await?)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JournalQuery {
    /// in | out
    pub direction: Option<String>,
    /// A part of the path or URL.
    pub target: Option<String>,
    /// The HTTP status.
    pub status: Option<u16>,
    /// At most this many (default 50, at most 500).
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExchangeView {
    pub id: i64,
    pub at: String,
    /// in (to absim) | out (absim to a buyer)
    pub direction: String,
    pub method: String,
    pub target: String,
    pub status: Option<u16>,
    pub group_id: Option<u32>,
    /// Why it matched nothing or failed (a near-miss explanation).
    pub note: Option<String>,
    pub request: String,
    pub response: String,
    /// The absim process that handled it (`--replica-id`).
    pub replica: String,
}

#[utoipa::path(get, path = "/api/v1/journal", tag = "journal",
    params(JournalQuery),
    responses((status = 200, description = "every HTTP exchange absim had, newest first", body = Vec<ExchangeView>)))]
pub async fn journal(
    State(state): State<AppState>,
    Q(q): Q<JournalQuery>,
) -> ApiResult<Vec<ExchangeView>> {
    let rows = state
        .store
        .journal(
            q.direction,
            q.target,
            q.status,
            q.limit.unwrap_or(50).min(500),
        )
        .await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|(id, e)| ExchangeView {
                id,
                at: crate::cxml::time::format(&e.at),
                direction: e.direction,
                method: e.method,
                target: e.target,
                status: e.status,
                group_id: e.group_id,
                note: e.note,
                request: String::from_utf8_lossy(&e.request).into_owned(),
                response: String::from_utf8_lossy(&e.response).into_owned(),
                replica: e.replica,
            })
            .collect(),
    ))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "absim API",
        description = "Amazon Business test-mode simulator: groups, scenarios, punchout sessions, orders and the request journal."
    ),
    tags(
        (name = "service"), (name = "groups"), (name = "scenarios"),
        (name = "sessions"), (name = "orders"), (name = "journal")
    )
)]
struct ApiDoc;

/// The API routes and the OpenAPI document generated from them.
pub fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
        .routes(routes!(version))
        .routes(routes!(list_groups))
        .routes(routes!(get_group, patch_group))
        .routes(routes!(regenerate_credentials))
        .routes(routes!(list_scenarios))
        .routes(routes!(select_scenario))
        .routes(routes!(reset_scenario))
        .routes(routes!(reset_group))
        .routes(routes!(list_sessions))
        .routes(routes!(get_session))
        .routes(routes!(put_cart))
        .routes(routes!(checkout))
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(mark_order))
        .routes(routes!(journal))
        .split_for_parts();
    let doc = api.clone();
    let router = router.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc) }
        }),
    );
    (router, api)
}
