//! What every page is built with: the request's language and the link to
//! the other one (remembered in a cookie), the page context (`Ctx`), the
//! chrome around a page (title, group, menu, message after an action), the
//! readable error page, and extractors whose rejections are such pages.

use askama::Template;
use axum::extract::{FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::{Lang, Texts};

/// The paths a PunchOutSetupRequest is posted to.
pub(super) const PUNCHOUT_PATHS: [&str; 4] = [
    "/eprocurement/punchout",
    "/eprocurement/punchout/test",
    "/punchout",
    "/punchout/test",
];

/// Whether `path` is one of the [`PUNCHOUT_PATHS`].
pub(super) fn is_punchout(path: &str) -> bool {
    PUNCHOUT_PATHS.contains(&path)
}

/// The language of the store of the group a page belongs to, set on the
/// request by the edge (see [`store_language`]): the pages' language where
/// the request chose none.
#[derive(Debug, Clone, Copy)]
pub(super) struct StoreLanguage(pub Lang);

/// The pages' language where nothing was chosen: the group's store's, or
/// Japanese outside a group.
fn fallback(extensions: &axum::http::Extensions) -> Lang {
    extensions.get::<StoreLanguage>().map_or(Lang::Ja, |s| s.0)
}

/// The language of the store of the group whose page `request` asks for
/// (`/groups/{gid}/…`, a storefront `/s/{sid}/…`), when the request chose
/// no language itself; None otherwise, or when there is no such group (the
/// handler says so). Asked before the handler runs, so that error pages
/// speak it too.
pub(super) async fn store_language(
    state: &crate::AppState,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
) -> Option<Lang> {
    let query_lang = uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v.into_owned())
    });
    if Lang::chosen(query_lang.as_deref(), headers).is_some() {
        return None;
    }
    let mut segments = uri.path().split('/').skip(1);
    let gid = match (segments.next(), segments.next()) {
        (Some("groups"), Some(gid)) => gid.parse::<u32>().ok()?,
        (Some("s"), Some(sid)) if !sid.is_empty() => state.store.session(sid).await.ok()??.group_id,
        _ => return None,
    };
    let group = state.store.group(gid).await.ok()??;
    Some(Lang::of_store(&state.market(&group).language))
}

/// A request's language choice and the links of the page it may answer
/// with: see [`Language::answer`].
pub(super) struct Language {
    /// A `?lang=` choice, remembered in a first-party cookie.
    chosen: Option<Lang>,
    /// None for the cXML endpoints, which answer no page.
    links: Option<PageLinks>,
}

impl Language {
    pub(super) fn of(request: &Request) -> Language {
        let uri = request.uri();
        let chosen = uri
            .query()
            .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "lang"))
            .and_then(|(_, v)| Lang::parse(&v));
        let path = uri.path();
        let cxml = path.starts_with("/po/") || is_punchout(path);
        Language {
            chosen,
            links: (!cxml).then(|| {
                PageLinks::of(
                    request.method(),
                    uri,
                    request.headers(),
                    fallback(request.extensions()),
                )
            }),
        }
    }

    /// Runs `answer` with the page's links at hand (for error pages) and
    /// remembers a `?lang=` choice.
    pub(super) async fn answer(self, answer: impl Future<Output = Response>) -> Response {
        let mut response = match self.links {
            Some(links) => PAGE_LINKS.scope(links, answer).await,
            None => answer.await,
        };
        if let Some(lang) = self.chosen
            && let Ok(v) = HeaderValue::from_str(&format!(
                "absim_lang={}; Path=/; SameSite=Lax; Max-Age=31536000",
                lang.code()
            ))
        {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
        response
    }
}

/// What every page handler needs: the language, its texts, and the link to
/// the same page in the other language.
pub struct Ctx {
    pub lang: Lang,
    pub t: &'static Texts,
    /// The same page in each language.
    pub languages: Languages,
    /// What the action before this page did (`?done=`), to be said.
    pub message: Option<Message>,
}

/// A message after an action, shown at the top of the next page. A redirect
/// names it with `?done=KEY`; only the keys below exist, so nothing from a
/// request reaches the page as text.
#[derive(Debug, Clone, Copy)]
pub struct Message {
    pub text: &'static str,
    /// An error (the action was not done) rather than a confirmation.
    pub error: bool,
    /// Said beside what it is about (the mark's form, the scenario just
    /// selected) rather than at the top, where the page the redirect
    /// scrolls to would leave it unseen (on a phone, above the screen).
    pub beside: bool,
}

impl Message {
    fn of(t: &'static Texts, key: &str) -> Option<Message> {
        let (text, error) = match key {
            "saved" => (t.saved, false),
            "mode-test" => (t.done_mode_test, false),
            "mode-active" => (t.done_mode_active, false),
            "resent" => (t.done_resent, false),
            "marked-success" => (t.done_marked_success, false),
            "marked-failure" => (t.done_marked_failure, false),
            "selected" => (t.done_selected, false),
            "group-added" => (t.done_group_added, false),
            "mark-missing" => (t.mark_missing, true),
            _ => return None,
        };
        Some(Message {
            text: text.as_str(),
            error,
            beside: matches!(key, "mark-missing" | "selected"),
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let uri = OriginalUri::from_request_parts(parts, state)
            .await
            .map(|u| u.0)
            .unwrap_or_else(|_| parts.uri.clone());
        let (lang, languages) = language_of(
            &parts.method,
            &uri,
            &parts.headers,
            fallback(&parts.extensions),
        );
        let t = lang.texts();
        let message = uri.query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "done")
                .and_then(|(_, v)| Message::of(t, &v))
        });
        Ok(Ctx {
            lang,
            t,
            languages,
            message,
        })
    }
}

tokio::task_local! {
    /// What the page being answered links to, for pages built without a
    /// `Ctx` (error pages).
    static PAGE_LINKS: PageLinks;
}

/// The language link of a page, and where its 戻る leads when the browser
/// has no history: a shopper's page back to the storefront (never to an
/// admin page), an admin page to its group's log.
#[derive(Clone)]
struct PageLinks {
    languages: Languages,
    back: Option<String>,
    storefront: bool,
}

impl PageLinks {
    fn of(
        method: &axum::http::Method,
        uri: &axum::http::Uri,
        headers: &axum::http::HeaderMap,
        fallback: Lang,
    ) -> PageLinks {
        let (_, languages) = language_of(method, uri, headers, fallback);
        let segments: Vec<&str> = uri.path().split('/').collect();
        let (back, storefront) = match segments.as_slice() {
            ["", "s", sid, _, ..] => (Some(format!("/s/{sid}")), true),
            ["", "s", ..] | ["", "dp", ..] | ["", "eprocurement", ..] => (None, true),
            ["", "groups", gid, ..] if gid.parse::<u32>().is_ok() => {
                (Some(format!("/groups/{gid}/log")), false)
            }
            _ => (Some("/groups".into()), false),
        };
        PageLinks {
            languages,
            back,
            storefront,
        }
    }
}

/// A link to the page in one language, named in that language.
#[derive(Debug, Clone)]
pub struct LangLink {
    pub code: &'static str,
    pub name: crate::i18n::Msg,
    pub url: String,
    pub current: bool,
}

/// The same page in every language the pages speak.
pub type Languages = Vec<LangLink>;

/// Links to `path` (with `query` but its `lang`) in every language.
fn language_links(path: &str, query: &[(String, String)], current: Lang) -> Languages {
    Lang::ALL
        .into_iter()
        .map(|l| {
            let qs = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .append_pair("lang", l.code())
                .finish();
            LangLink {
                code: l.code(),
                name: l.texts().language_name,
                url: format!("{path}?{qs}"),
                current: l == current,
            }
        })
        .collect()
}

/// A request's language, and the links to its page in each language: the
/// same page and query (a page answering a form post links to the page the
/// form was on, since the post's own URL answers only posts).
fn language_of(
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
    fallback: Lang,
) -> (Lang, Languages) {
    let query_lang = uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v.into_owned())
    });
    let lang = Lang::negotiate_or(query_lang.as_deref(), headers, fallback);
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k != "lang")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let path = if method == axum::http::Method::GET {
        uri.path().to_owned()
    } else {
        page_of_post(uri.path())
    };
    (lang, language_links(&path, &query, lang))
}

/// The page a form posted to `path` was on, for links from the page that
/// answers the post (the same path where a form posts to its own page).
fn page_of_post(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    match segments.as_slice() {
        ["", "groups", g, "log", n, "mark"]
        | ["", "groups", g, "log", n, "deliveries", _, "resend"] => {
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
    pub languages: Languages,
    /// The group whose pages these are (test UI): its id and name, shown in
    /// the title and above the menu.
    pub group: Option<(u32, String)>,
    /// The menu item of this page: settings, tests, log, orders, mail or
    /// groups.
    pub current: &'static str,
    /// Where the brand leads: the group's settings, the storefront's home;
    /// None on pages a shopper may see without a session.
    pub home: Option<String>,
    /// Shown above the storefront: the mode banner.
    pub banner: Option<&'static str>,
    /// What the last action did.
    pub message: Option<Message>,
}

impl Chrome {
    /// Whether `item` is this page's menu item.
    pub fn is(&self, item: &str) -> bool {
        self.current == item
    }
}

impl Ctx {
    /// The chrome of a page outside any group (the groups, the login).
    pub fn chrome(&self, title: impl Into<String>, current: &'static str) -> Chrome {
        Chrome {
            title: title.into(),
            languages: self.languages.clone(),
            group: None,
            current,
            home: Some("/groups".into()),
            banner: None,
            message: self.message,
        }
    }

    /// The chrome of a page a shopper sees: no menu, the brand leading to
    /// the storefront's home (none outside a session).
    pub fn shopper_chrome(&self, title: impl Into<String>, home: Option<String>) -> Chrome {
        Chrome {
            title: title.into(),
            languages: self.languages.clone(),
            group: None,
            current: "",
            home,
            banner: None,
            message: self.message,
        }
    }

    /// The chrome of a group's page: its name in the title and above the
    /// menu, the brand leading to its settings.
    pub fn group_chrome(
        &self,
        title: impl Into<String>,
        group: &crate::domain::Group,
        current: &'static str,
    ) -> Chrome {
        Chrome {
            title: title.into(),
            languages: self.languages.clone(),
            group: Some((group.id, group.name.clone())),
            current,
            home: Some(format!("/groups/{}/settings", group.id)),
            banner: None,
            message: self.message,
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
    /// Where 戻る leads without browser history.
    back: Option<String>,
    /// A shopper's page: no link to the test UI.
    storefront: bool,
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
        let links = PAGE_LINKS
            .try_with(Clone::clone)
            .unwrap_or_else(|_| PageLinks {
                languages: language_links("", &[], self.t.lang),
                back: None,
                storefront: true,
            });
        let page = ErrorPage {
            t: self.t,
            chrome: Chrome {
                title: self.t.error_title.into(),
                languages: links.languages,
                group: None,
                current: "",
                home: if links.storefront {
                    links.back.clone()
                } else {
                    Some("/groups".into())
                },
                banner: None,
                message: None,
            },
            message: &self.message,
            back: links.back,
            storefront: links.storefront,
        };
        let mut r = render(&page);
        *r.status_mut() = self.status;
        r
    }
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
        let lang = Lang::negotiate_or(None, req.headers(), fallback(req.extensions()));
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
        let lang = Lang::negotiate_or(None, &parts.headers, fallback(&parts.extensions));
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
        let lang = Lang::negotiate_or(None, &parts.headers, fallback(&parts.extensions));
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(PagePath(v)),
            Err(e) => Err(rejection_page(lang, e.status(), e.body_text())),
        }
    }
}
