//! The web layer, thin: extract, call `domain` and `store`, render. Routes and
//! middleware are assembled here in one place.
//!
//! Error policy: cXML endpoints answer every problem with a cXML `Status`
//! (see the `exchange` module); pages answer with a readable error page
//! ([`PageError`]). Client errors are logged at info level with their reason,
//! never with credentials.

mod admin;
mod api;
pub(crate) mod assets;
pub(crate) mod cart_return;
mod exchange;
mod groups;
mod oci;
mod page;
mod po;
mod punchout;
mod settings;
mod storefront;
mod testing;

use axum::Router;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use tower::ServiceBuilder;

use crate::AppState;

pub use page::{
    Chrome, Ctx, Languages, Message, PageError, PageForm, PagePath, PageQuery, render, show_time,
};

pub fn router(state: AppState) -> Router {
    // The cXML endpoints: each reads its body through `exchange::Received`,
    // which journals every exchange. The setup answers on Japan's older
    // paths and on the newer integrations' (`abintegrations.amazon.com/
    // punchout`, `/punchout/test`) alike.
    let mut cxml = Router::new();
    for path in page::PUNCHOUT_PATHS {
        cxml = cxml.route(path, post(punchout::setup).fallback(exchange::other_method));
    }
    let cxml = cxml.route(
        "/po/{token}",
        post(po::intake).fallback(exchange::other_method),
    );
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
        .route("/s/{sid}/submit", post(cart_return::submit))
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
        .route("/groups", get(groups::groups).post(groups::add_group))
        .route("/groups/{gid}/orders", get(testing::order_search))
        .route("/groups/{gid}/mail", get(testing::outbox))
        .route("/groups/{gid}/mail/{id}", get(testing::mail))
        .route("/login", get(admin::show).post(admin::login))
        .merge(assets::routes())
        .fallback(not_found)
        // One layer of the router, outermost first: each `Router::layer`
        // boxes every route once more, and each request clones the boxes
        // inside the boxes (docs/performance.md).
        .layer(
            ServiceBuilder::new()
                // It sees every answer, the timeout's 408 included.
                .layer(axum::middleware::from_fn_with_state(state.clone(), edge))
                .layer(axum::extract::DefaultBodyLimit::max(
                    state.settings.max_body_bytes,
                ))
                .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    state.settings.request_timeout,
                )),
        )
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
    // The lines are checked against the currency of the group's store.
    let market = match state.store.group(order.group_id).await? {
        Some(g) => state.market(&g),
        None => state.marketplaces.japan(),
    };
    let checks = crate::domain::checks::evaluate(&crate::domain::checks::Evidence {
        order,
        scenario: state.scenarios.get_or_basic(&order.scenario),
        currency: &market.pricing.currency,
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

/// Every request's edge, in one middleware (each `from_fn` layer boxes the
/// request's future and the rest of the stack, three or four allocations a
/// request): the admin gate, the page language and the security headers
/// (on every answer, the timeout's 408 included); each answer counted by
/// route pattern and status and timed (see `/metrics`); while absim shuts
/// down, answers carry `Connection: close`, so that clients and load
/// balancers open their next connection elsewhere.
async fn edge(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .cloned();
    let method = request.method().clone();
    let storefront = {
        let p = request.uri().path();
        p.starts_with("/s/")
            || p.starts_with("/dp/")
            || p.starts_with("/eprocurement/")
            || page::is_punchout(p)
    };
    // Only for a request the gate lets through: the language of a refused
    // request's answer must not tell of a group.
    if admin::admitted(&state, &request)
        && let Some(lang) = page::store_language(&state, request.uri(), request.headers()).await
    {
        request.extensions_mut().insert(page::StoreLanguage(lang));
    }
    let language = page::Language::of(&request);
    let mut response = language.answer(admin::gate(&state, request, next)).await;
    security_headers(response.headers_mut(), storefront);
    let route = route.as_ref().map_or("unmatched", |m| m.as_str());
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
        413 if !route.starts_with("/po/") && !page::is_punchout(route) => {
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
fn security_headers(headers: &mut axum::http::HeaderMap, storefront: bool) {
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
}
