//! Admin protection. With `--admin-token` set, the test UI, the settings and
//! the JSON API need the token: API clients send `Authorization: Bearer`,
//! people type it once on the login page and keep an HttpOnly, SameSite
//! cookie. The storefront, the punchout and PO endpoints and the assets stay
//! open: buyers reach those, authenticated by their cXML credentials.

use askama::Template;
use axum::Form;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Ctx, render};
use crate::AppState;
use crate::domain::account::secrets_match;
use crate::i18n::Texts;

const COOKIE: &str = "absim_admin";

/// Paths that need the token when one is set.
fn protected(path: &str) -> bool {
    path == "/"
        || path == "/groups"
        || path == "/metrics"
        || path.starts_with("/groups/")
        || path.starts_with("/api/")
}

/// Whether the request carries the token, as a bearer header or the cookie.
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| secrets_match(t.trim(), token));
    bearer
        || headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().strip_prefix("absim_admin="))
            .any(|t| secrets_match(t, token))
}

/// Whether the request may reach its route: no admin token is set, the
/// route is open, or the request carries the token.
pub fn admitted(state: &AppState, request: &Request) -> bool {
    state.settings.admin_token.as_deref().is_none_or(|token| {
        !protected(request.uri().path()) || authorized(request.headers(), token)
    })
}

/// Lets a request through, or refuses it when it lacks the admin token.
pub async fn gate(state: &AppState, request: Request, next: Next) -> Response {
    if admitted(state, &request) {
        return next.run(request).await;
    }
    let path = request.uri().path();
    if path.starts_with("/api/") || path == "/metrics" {
        let mut answer = super::api::ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this absim needs its admin token: send Authorization: Bearer <token>",
        )
        .into_response();
        answer.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer realm=\"absim\""),
        );
        return answer;
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let next_param: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
    if request.method() == axum::http::Method::GET {
        Redirect::to(&format!("/login?next={next_param}")).into_response()
    } else {
        let (mut parts, _) = request.into_parts();
        let ctx = match <Ctx as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            &mut parts, state,
        )
        .await
        {
            Ok(ctx) => ctx,
            Err(never) => match never {},
        };
        login_page(
            &ctx,
            StatusCode::UNAUTHORIZED,
            Some(ctx.t.admin_login_needed.as_str()),
            &target,
        )
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    t: &'static Texts,
    chrome: Chrome,
    message: Option<&'a str>,
    next: &'a str,
}

fn login_page(ctx: &Ctx, status: StatusCode, message: Option<&str>, next: &str) -> Response {
    let page = LoginPage {
        t: ctx.t,
        chrome: ctx.shopper_chrome(ctx.t.admin_login_title, None),
        message,
        next,
    };
    let mut r = render(&page);
    *r.status_mut() = status;
    r
}

/// Only a local path: `next` never sends the browser to another site.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

pub async fn show(ctx: Ctx, Query(q): Query<LoginQuery>) -> Response {
    login_page(&ctx, StatusCode::OK, None, safe_next(q.next.as_deref()))
}

#[derive(Deserialize)]
pub struct LoginForm {
    token: String,
    next: Option<String>,
}

pub async fn login(State(state): State<AppState>, ctx: Ctx, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(f.next.as_deref());
    let Some(token) = state.settings.admin_token.as_deref() else {
        return Redirect::to(next).into_response();
    };
    if !secrets_match(f.token.trim(), token) {
        tracing::info!("an admin login with a wrong token");
        return login_page(
            &ctx,
            StatusCode::UNAUTHORIZED,
            Some(ctx.t.admin_login_wrong.as_str()),
            next,
        );
    }
    let secure = if state.settings.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000{secure}",
        f.token.trim()
    );
    let mut r = Redirect::to(next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_admin_surface_is_protected() {
        for p in ["/", "/groups", "/groups/1/log", "/api/v1/groups"] {
            assert!(protected(p), "{p}");
        }
        for p in [
            "/s/abc",
            "/dp/B087JWRCP5",
            "/eprocurement/punchout",
            "/po/token",
            "/assets/absim.css",
            "/healthz",
            "/login",
            "/groupsx",
        ] {
            assert!(!protected(p), "{p}");
        }
    }

    #[test]
    fn the_token_is_read_from_bearer_or_cookie() {
        let mut h = HeaderMap::new();
        assert!(!authorized(&h, "s3cret"));
        h.insert(header::AUTHORIZATION, "Bearer s3cret".parse().unwrap());
        assert!(authorized(&h, "s3cret"));
        assert!(!authorized(&h, "s3cre"));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "absim_lang=en; absim_admin=s3cret".parse().unwrap(),
        );
        assert!(authorized(&h, "s3cret"));
        assert!(!authorized(&h, "other"));
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/groups/1/log?x=1")), "/groups/1/log?x=1");
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
