//! Static assets, served by absim itself (no external requests from pages).

use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = include_str!("../../templates/absim.css");
const AUTOPOST_JS: &str = include_str!("../../templates/autopost.js");

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

pub async fn autopost_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        AUTOPOST_JS,
    )
}
