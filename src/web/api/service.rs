//! The service routes: liveness, readiness, metrics, version, and the
//! request journal.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiResult, Q, empty_as_none};
use crate::AppState;
use axum::response::{IntoResponse, Response};

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

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JournalQuery {
    /// in | out (empty: both).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub direction: Option<String>,
    /// A part of the path or URL (empty: any).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub target: Option<String>,
    /// The HTTP status (empty: any).
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(maximum = 65535)]
    pub status: Option<u16>,
    /// Only the exchanges filed under this group (empty: any). A refused
    /// punchout is filed under the group whose system login it carried.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub group: Option<u32>,
    /// At most this many (default 50; more than 500 counts as 500; empty:
    /// the default).
    #[serde(default, deserialize_with = "empty_as_none")]
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
    if let Some(d) = q.direction.as_deref()
        && d != "in"
        && d != "out"
    {
        return Err(ApiError::bad_request(format!(
            "direction '{d}' is neither in nor out"
        )));
    }
    let rows = state
        .store
        .journal(
            crate::store::JournalFilter {
                direction: q.direction,
                target: q.target,
                status: q.status,
                group: q.group,
                refused: false,
            },
            q.limit.unwrap_or(50).min(500),
        )
        .await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|(id, e)| ExchangeView {
                id,
                at: crate::cxml::time::format(&e.at),
                direction: e.direction.into(),
                method: e.method.into(),
                target: e.target,
                status: e.status,
                group_id: e.group_id,
                note: e.note,
                request: String::from_utf8_lossy(&e.request).into_owned(),
                response: String::from_utf8_lossy(&e.response).into_owned(),
                replica: e.replica.to_string(),
            })
            .collect(),
    ))
}
