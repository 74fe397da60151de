//! The JSON API under `/api/v1`, for QA automation. It reads and writes the
//! same store as the pages (one record path). Errors are JSON with a stable
//! `code` and a human `message`. The OpenAPI document at
//! `/api/v1/openapi.json` is generated from these handlers by utoipa.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::domain::Group;
use crate::domain::order::TestResult;
use crate::store::{GroupError, StoreError};

/// An API error: HTTP status, a stable code, and a message for people.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    /// Stable: `bad_request`, `unauthorized`, `forbidden`, `not_found`,
    /// `conflict`, `payload_too_large`, `unsupported_media_type`,
    /// `hook_unreachable`, `internal`, `unavailable`.
    pub code: &'static str,
    pub message: String,
    #[serde(skip)]
    status: StatusCode,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
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
        match e {
            StoreError::Unavailable(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "absim's database is unavailable; try again shortly",
            ),
            _ => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "absim failed internally; try again",
            ),
        }
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
        let axum::Json(mut value) = axum::Json::<serde_json::Value>::from_request(req, state)
            .await
            .map_err(json_rejection)?;
        whole_numbers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(Json)
            .map_err(|e| {
                // The field that broke, where it is not the body as a whole.
                match e.path().to_string().as_str() {
                    "." => ApiError::bad_request(e.inner().to_string()),
                    path => ApiError::bad_request(format!("{path}: {}", e.inner())),
                }
            })
    }
}

/// JSON Schema counts `91.0` an integer: schema-driven clients send it so.
/// Numbers with a zero fraction become integers before the body meets its
/// type; `91.5` stays, and an integer field refuses it by name.
fn whole_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// A body absim could not take as JSON: the wrong type, too large, not JSON.
fn json_rejection(e: JsonRejection) -> ApiError {
    match e.status() {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the body is larger than --max-body-bytes",
        ),
        // A syntax error (400) or a value of the wrong shape (422): both
        // are a bad request here.
        _ => ApiError::bad_request(e.body_text()),
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

/// An optional query value where empty means absent (`?result=` is no
/// filter): what HTML forms and many clients send for a field left blank.
fn empty_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let value: Option<String> = serde::Deserialize::deserialize(d)?;
    match value.as_deref() {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

async fn group_of(state: &AppState, gid: u32) -> Result<Group, ApiError> {
    state
        .store
        .group(gid)
        .await?
        .map(Arc::unwrap_or_clone)
        .ok_or_else(|| ApiError::not_found(format!("there is no group {gid}")))
}

impl From<GroupError> for ApiError {
    fn from(e: GroupError) -> Self {
        match e {
            GroupError::Refused(why) => ApiError::bad_request(why),
            e @ GroupError::IdentityTaken(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            GroupError::NotFound(gid) => ApiError::not_found(format!("there is no group {gid}")),
            GroupError::Store(e) => e.into(),
        }
    }
}

mod contract;
mod groups;
mod orders;
mod runs;
mod scenarios;
mod service;
mod sessions;

fn result_text(r: TestResult) -> &'static str {
    match r {
        TestResult::Success => "success",
        TestResult::Failure => "failure",
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "absim API",
        description = "Amazon Business test-mode simulator: groups, scenarios, punchout sessions, orders and the request journal."
    ),
    tags(
        (name = "service"), (name = "groups"), (name = "scenarios"),
        (name = "sessions"), (name = "orders"), (name = "runs"), (name = "journal")
    )
)]
struct ApiDoc;

/// The API routes and the OpenAPI document generated from them.
pub fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(service::healthz))
        .routes(routes!(service::readyz))
        .routes(routes!(service::metrics))
        .routes(routes!(service::version))
        .routes(routes!(groups::list_groups, groups::create_group))
        .routes(routes!(
            groups::get_group,
            groups::patch_group,
            groups::delete_group
        ))
        .routes(routes!(groups::regenerate_credentials))
        .routes(routes!(scenarios::list_scenarios))
        .routes(routes!(scenarios::select_scenario))
        .routes(routes!(scenarios::reset_scenario))
        .routes(routes!(scenarios::reset_group))
        .routes(routes!(sessions::list_sessions))
        .routes(routes!(sessions::get_session))
        .routes(routes!(sessions::put_cart))
        .routes(routes!(sessions::checkout))
        .routes(routes!(orders::list_orders))
        .routes(routes!(orders::get_order))
        .routes(routes!(orders::mark_order))
        .routes(routes!(service::journal))
        .routes(routes!(runs::open_run))
        .routes(routes!(runs::get_run, runs::cancel_run))
        .routes(routes!(runs::shopper))
        .routes(routes!(runs::mark_run))
        .split_for_parts();
    (router, api)
}

/// The route of the OpenAPI document: the generated one completed for this
/// absim (see `contract`).
pub fn openapi_route(
    generated: &utoipa::openapi::OpenApi,
    state: &AppState,
) -> axum::Router<AppState> {
    let doc = std::sync::Arc::new(contract::document(generated, state));
    axum::Router::new().route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    )
}
