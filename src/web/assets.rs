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
        "copy.js",
        "text/javascript; charset=utf-8",
        include_str!("../../templates/copy.js"),
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

/// The storefront's pictures: one drawing per category, in
/// `templates/pictures/`, drawn for absim (nothing is fetched from
/// outside); `generic.svg` for a category without its own.
static PICTURES: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/templates/pictures");

/// The address of a category's picture.
pub fn picture(category: &str) -> String {
    let name = format!("{category}.svg");
    if PICTURES.get_file(&name).is_some() {
        format!("/assets/pictures/{name}")
    } else {
        "/assets/pictures/generic.svg".to_owned()
    }
}

/// `/assets/{name}`, `/assets/pictures/{name}` and `/favicon.ico`
/// (browsers ask for it whatever the page links to).
pub fn routes<S: Clone + Send + Sync + 'static>() -> axum::Router<S> {
    axum::Router::new()
        .route(
            "/assets/{name}",
            get(|Path(name): Path<String>| async move { asset(&name) }),
        )
        .route(
            "/assets/pictures/{name}",
            get(|Path(name): Path<String>| async move { picture_file(&name) }),
        )
        .route("/favicon.ico", get(|| async { asset("favicon.svg") }))
}

fn picture_file(name: &str) -> Response {
    match PICTURES.get_file(name) {
        Some(file) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            file.contents(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such picture").into_response(),
    }
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
