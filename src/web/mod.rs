//! The web layer, thin: extract, call `domain` and `store`, render. Routes and
//! middleware are assembled here in one place.
//!
//! Error policy: cXML endpoints answer every problem with a cXML `Status`
//! (see [`cxml_reply`]); pages answer with a readable error page
//! ([`PageError`]). Client errors are logged at info level with their reason,
//! never with credentials.

mod admin;
mod api;
mod assets;
mod journal;
mod oci;
mod po;
mod punchout;
mod settings;
mod storefront;
mod testing;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::AppState;
use crate::cxml::{Status, write};
use crate::domain::documents;
use crate::i18n::{Lang, Texts};

pub fn router(state: AppState) -> Router {
    // The cXML endpoints: every exchange goes into the request journal.
    let cxml = Router::new()
        .route("/eprocurement/punchout", post(punchout::setup))
        .route("/eprocurement/punchout/test", post(punchout::setup))
        .route("/po/{token}", post(po::intake))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            journal::inbound,
        ))
        .layer(axum::extract::DefaultBodyLimit::disable());
    let (api, generated) = api::routes();
    let api = api.merge(api::openapi_route(&generated, &state));
    Router::new()
        .route("/", get(home))
        .merge(cxml)
        .merge(api)
        .route("/eprocurement/oci", get(oci::get).post(oci::post))
        .route("/s/{sid}", get(storefront::home))
        .route("/s/{sid}/search", get(storefront::search))
        .route("/s/{sid}/dp/{asin}", get(storefront::product))
        .route("/s/{sid}/cart", get(storefront::cart))
        .route("/s/{sid}/cart/add", post(storefront::add))
        .route("/s/{sid}/cart/update", post(storefront::update))
        .route("/s/{sid}/checkout", get(storefront::checkout))
        .route("/s/{sid}/submit", post(storefront::submit))
        .route("/dp/{asin}", get(storefront::detail_page))
        .route(
            "/groups/{gid}/settings",
            get(settings::show).post(settings::save),
        )
        .route(
            "/groups/{gid}/mode",
            get(settings::confirm_mode).post(settings::switch_mode),
        )
        .route("/groups/{gid}/tests", get(testing::scenarios))
        .route(
            "/groups/{gid}/scenarios/{id}/select",
            post(testing::select_scenario),
        )
        .route("/groups/{gid}/log", get(testing::log))
        .route("/groups/{gid}/log/{no}", get(testing::entry))
        .route("/groups/{gid}/log/{no}/mark", post(testing::mark))
        .route("/groups/{gid}/log/{no}/docs/{id}", get(testing::document))
        .route(
            "/groups/{gid}/log/{no}/deliveries/{id}/resend",
            post(testing::resend),
        )
        .route("/groups/{gid}/faults", post(settings::save_faults))
        .route(
            "/groups/{gid}/tolerances",
            get(settings::show_tolerances).post(settings::save_tolerances),
        )
        .route("/groups/{gid}/payment", post(settings::save_payment))
        .route("/groups", get(settings::groups).post(settings::add_group))
        .route("/groups/{gid}/orders", get(testing::order_search))
        .route("/groups/{gid}/mail", get(testing::outbox))
        .route("/groups/{gid}/mail/{id}", get(testing::mail))
        .route("/login", get(admin::show).post(admin::login))
        .route("/assets/absim.css", get(assets::css))
        .route("/assets/autopost.js", get(assets::autopost_js))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            admin::gate,
        ))
        .layer(axum::middleware::from_fn(remember_language))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.settings.request_timeout,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.settings.max_body_bytes,
        ))
        // Outermost: it sees every answer, the timeout's 408 included.
        .layer(axum::middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

async fn home() -> Redirect {
    Redirect::to(&format!("/groups/{}/settings", crate::DEFAULT_GROUP))
}

async fn not_found(ctx: Ctx) -> PageError {
    PageError::new(ctx.t, StatusCode::NOT_FOUND, ctx.t.not_found)
}

/// A log entry's evidence as read from the store, with its automatic
/// checks: the test-log page and the JSON API show the same.
pub(crate) struct Checked {
    pub session: Option<std::sync::Arc<crate::domain::session::Session>>,
    pub deliveries: Vec<(
        crate::domain::delivery::Delivery,
        Vec<crate::domain::delivery::Attempt>,
    )>,
    pub checks: Vec<crate::domain::checks::Check>,
}

pub(crate) async fn check_entry(
    state: &AppState,
    order: &crate::domain::order::Order,
) -> Result<Checked, crate::store::StoreError> {
    let session = match order.session_id.as_deref() {
        Some(s) => state.store.session(s).await?,
        None => None,
    };
    let cart_sessions = match &session {
        Some(s) => state.store.sessions_for_cart(&s.cart_ref).await?,
        None => Vec::new(),
    };
    let deliveries = state.store.deliveries_of(order.no).await?;
    let faults = state.store.faults(order.group_id, 500).await?;
    let checks = crate::domain::checks::run(&crate::domain::checks::Evidence {
        order,
        scenario: state.scenario_or_basic(&order.scenario),
        session: session.as_deref(),
        cart_sessions: &cart_sessions,
        deliveries: &deliveries,
        faults: &faults,
    });
    Ok(Checked {
        session,
        deliveries,
        checks,
    })
}

/// Counts every answer by route pattern and status and times it (see
/// `/metrics`); while absim shuts down, answers carry `Connection: close`,
/// so that clients and load balancers open their next connection
/// elsewhere.
async fn observe(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let method = request.method().clone();
    let mut response = next.run(request).await;
    let route = route.as_deref().unwrap_or("unmatched");
    let status = response.status().as_u16();
    state
        .metrics
        .request(route, method.as_str(), status, started.elapsed());
    match status {
        408 => tracing::warn!(
            route,
            limit_secs = state.settings.request_timeout.as_secs(),
            "refused a request for its time (--request-timeout)"
        ),
        // cXML bodies are refused (and logged) by the journal, which reads
        // them; this is the JSON API's and the pages' limit.
        413 if !route.starts_with("/po/") && !route.starts_with("/eprocurement/punchout") => {
            tracing::warn!(
                route,
                limit = state.settings.max_body_bytes,
                "refused a request for its size (--max-body-bytes)"
            )
        }
        _ => {}
    }
    if state.is_draining() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Security headers on every answer. Pages get a Content-Security-Policy
/// that allows no inline script (the cart's auto-post is an absim-served
/// file) and no external resource; the test UI may not be framed by other
/// sites, while the storefront may (buyers embed it in iframes).
async fn security_headers(request: Request, next: Next) -> Response {
    let storefront = {
        let p = request.uri().path();
        p.starts_with("/s/") || p.starts_with("/dp/") || p.starts_with("/eprocurement/")
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let csp = if storefront {
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'"
        } else {
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
        };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    response
}

/// A `?lang=` choice is remembered in a first-party cookie.
async fn remember_language(request: Request, next: Next) -> Response {
    let chosen = request
        .uri()
        .query()
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "lang"))
        .and_then(|(_, v)| Lang::parse(&v));
    let (_, link) = language_of(request.method(), request.uri(), request.headers());
    let mut response = LANG_LINK.scope(link, next.run(request)).await;
    if let Some(lang) = chosen
        && let Ok(v) = HeaderValue::from_str(&format!(
            "absim_lang={}; Path=/; SameSite=Lax; Max-Age=31536000",
            lang.code()
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// What every page handler needs: the language, its texts, and the link to
/// the same page in the other language.
pub struct Ctx {
    pub lang: Lang,
    pub t: &'static Texts,
    pub other_lang_url: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let uri = OriginalUri::from_request_parts(parts, state)
            .await
            .map(|u| u.0)
            .unwrap_or_else(|_| parts.uri.clone());
        let (lang, other_lang_url) = language_of(&parts.method, &uri, &parts.headers);
        Ok(Ctx {
            lang,
            t: lang.texts(),
            other_lang_url,
        })
    }
}

tokio::task_local! {
    /// The language link of the page being answered, for pages built
    /// without a `Ctx` (error pages).
    static LANG_LINK: String;
}

/// A request's language, and the link to its page in the other language:
/// the same page and query (a page answering a form post links to the page
/// the form was on, since the post's own URL answers only posts).
fn language_of(
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
) -> (Lang, String) {
    let query_lang = uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v.into_owned())
    });
    let lang = Lang::negotiate(query_lang.as_deref(), headers);
    let mut query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k != "lang")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    query.push(("lang".into(), lang.texts().other_lang_code.into()));
    let qs = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    let path = if method == axum::http::Method::GET {
        uri.path().to_owned()
    } else {
        page_of_post(uri.path())
    };
    (lang, format!("{path}?{qs}"))
}

/// The page a form posted to `path` was on, for links from the page that
/// answers the post (the same path where a form posts to its own page).
fn page_of_post(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    match segments.as_slice() {
        ["", "groups", g, "log", n, "mark"] | ["", "groups", g, "log", n, "deliveries", _, "resend"] => {
            format!("/groups/{g}/log/{n}")
        }
        ["", "groups", g, "faults" | "payment"] => format!("/groups/{g}/settings"),
        ["", "groups", g, "scenarios", _, "select"] => format!("/groups/{g}/tests"),
        ["", "s", sid, "cart", "add" | "update"] => format!("/s/{sid}/cart"),
        ["", "s", sid, "submit"] => format!("/s/{sid}/checkout"),
        _ => path.to_owned(),
    }
}

/// The page chrome every template gets.
pub struct Chrome {
    pub title: String,
    pub other_lang_url: String,
    /// The group whose navigation to show (test UI pages).
    pub group_id: Option<u32>,
    /// Shown above the storefront: the mode banner.
    pub banner: Option<&'static str>,
}

impl Ctx {
    pub fn chrome(&self, title: impl Into<String>, group_id: Option<u32>) -> Chrome {
        Chrome {
            title: title.into(),
            other_lang_url: self.other_lang_url.clone(),
            group_id,
            banner: None,
        }
    }
}

/// Renders a template as an HTML response.
pub fn render(tpl: &impl Template) -> Response {
    match tpl.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: &'static Texts,
    chrome: Chrome,
    message: &'a str,
}

/// A readable error page.
#[derive(Debug)]
pub struct PageError {
    t: &'static Texts,
    status: StatusCode,
    message: String,
}

impl PageError {
    pub fn new(t: &'static Texts, status: StatusCode, message: impl Into<String>) -> Self {
        PageError {
            t,
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            t: self.t,
            chrome: Chrome {
                title: self.t.error_title.into(),
                other_lang_url: LANG_LINK
                    .try_with(Clone::clone)
                    .unwrap_or_else(|_| "?lang=".to_owned() + self.t.other_lang_code),
                group_id: None,
                banner: None,
            },
            message: &self.message,
        };
        let mut r = render(&page);
        *r.status_mut() = self.status;
        r
    }
}

/// A cXML answer: the document with the HTTP status that matches its
/// Status code (4xx and 5xx codes that HTTP knows; 200 otherwise).
pub fn cxml_reply(status_code: u16, body: String) -> Response {
    let http = StatusCode::from_u16(status_code)
        .ok()
        .filter(|s| s.canonical_reason().is_some() && !s.is_informational())
        .unwrap_or(if status_code >= 500 {
            StatusCode::INTERNAL_SERVER_ERROR
        } else if status_code >= 400 {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        });
    (
        http,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A cXML answer carried as `form` says: with the HTTP status that
/// matches its code, or always HTTP 200 (the code only in the Status).
pub fn cxml_reply_as(form: crate::domain::ErrorForm, status_code: u16, body: String) -> Response {
    match form {
        crate::domain::ErrorForm::Code => cxml_reply(status_code, body),
        crate::domain::ErrorForm::Http200 => cxml_reply(200, body),
    }
}

/// Answers a refused cXML request with its Status (the HTTP status equal
/// to its code: the request's group is not known).
pub fn cxml_error(state: &AppState, status: Status) -> Response {
    cxml_error_as(state, crate::domain::ErrorForm::Code, status)
}

/// Answers a refused cXML request of a group with its Status, carried as
/// the group's `form` says.
pub fn cxml_error_as(state: &AppState, form: crate::domain::ErrorForm, status: Status) -> Response {
    tracing::info!(code = status.code, text = %status.text, reason = %status.message, "refused a cXML request");
    let code = status.code;
    let doc = documents::status_response(state.payload_ids.next(), status);
    cxml_reply_as(form, code, write::document(&doc))
}

/// Answers an internal failure on a cXML endpoint, logged once with its
/// cause: 503 when the database is unreachable (nothing was kept; send the
/// document again), else an opaque 500. Buyers retry both.
pub fn cxml_internal(state: &AppState, e: &crate::store::StoreError) -> Response {
    tracing::error!(error = %e, "a cXML request failed inside absim");
    let status = match e {
        crate::store::StoreError::Unavailable(_) => Status::new(
            503,
            "Service Unavailable",
            "absim's database is unavailable, so nothing was kept; send the same document again shortly",
        ),
        _ => Status::new(
            500,
            "Internal Server Error",
            "absim could not process the request; try again",
        ),
    };
    let code = status.code;
    let doc = documents::status_response(state.payload_ids.next(), status);
    cxml_reply(code, write::document(&doc))
}

impl PageError {
    /// An internal failure: an opaque page, logged once with its cause
    /// (503 with what to do when the database is unreachable).
    pub fn internal(t: &'static Texts, e: &crate::store::StoreError) -> PageError {
        tracing::error!(error = %e, "a page failed inside absim");
        match e {
            crate::store::StoreError::Unavailable(_) => {
                PageError::new(t, StatusCode::SERVICE_UNAVAILABLE, t.database_unavailable)
            }
            _ => PageError::new(t, StatusCode::INTERNAL_SERVER_ERROR, t.internal_error),
        }
    }
}

/// Formats a time for pages: `2026-11-29 13:27:31 +09:00`.
pub fn show_time(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.format("%Y-%m-%d %H:%M:%S %:z").to_string()
}

/// A readable error page for an extractor's rejection, in the request's
/// language, keeping its status and reason.
fn rejection_page(lang: Lang, status: StatusCode, reason: String) -> Response {
    PageError::new(lang.texts(), status, reason).into_response()
}

/// A form body; a bad one gets an error page.
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let lang = Lang::negotiate(None, req.headers());
        match axum::extract::Form::<T>::from_request(req, state).await {
            Ok(axum::extract::Form(v)) => Ok(PageForm(v)),
            Err(e) => Err(rejection_page(lang, e.status(), e.body_text())),
        }
    }
}

/// A query string; a bad one gets an error page.
pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let lang = Lang::negotiate(None, &parts.headers);
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(PageQuery(v)),
            Err(e) => Err(rejection_page(lang, e.status(), e.body_text())),
        }
    }
}

/// Path parameters; bad ones get an error page.
pub struct PagePath<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for PagePath<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let lang = Lang::negotiate(None, &parts.headers);
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(PagePath(v)),
            Err(e) => Err(rejection_page(lang, e.status(), e.body_text())),
        }
    }
}
