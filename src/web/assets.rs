//! Static assets, served by absim itself (no external requests from pages):
//! the style sheet, the favicon and the few scripts the pages load (the CSP
//! forbids inline script). The reference buyer serves the same files.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Name, content type and body of each asset.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "absim.css",
        "text/css; charset=utf-8",
        include_str!("../../templates/absim.css"),
    ),
    (
        "autopost.js",
        "text/javascript; charset=utf-8",
        include_str!("../../templates/autopost.js"),
    ),
    (
        "back.js",
        "text/javascript; charset=utf-8",
        include_str!("../../templates/back.js"),
    ),
    (
        "refresh.js",
        "text/javascript; charset=utf-8",
        include_str!("../../templates/refresh.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../../templates/favicon.svg"),
    ),
];

/// `/assets/{name}` and `/favicon.ico` (browsers ask for it whatever the
/// page links to).
pub fn routes<S: Clone + Send + Sync + 'static>() -> axum::Router<S> {
    axum::Router::new()
        .route(
            "/assets/{name}",
            get(|Path(name): Path<String>| async move { asset(&name) }),
        )
        .route("/favicon.ico", get(|| async { asset("favicon.svg") }))
}

fn asset(name: &str) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, body)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
