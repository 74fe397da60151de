//! The storefront a punchout session opens: top page, search, product pages,
//! cart and checkout review (the cart's return is `cart_return`). The session
//! lives in the URL (`/s/<session>/...`), so the storefront works inside an
//! iframe without third-party cookies.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Ctx, PageError, PageForm, PagePath, PageQuery, render};
use crate::AppState;
use crate::domain::catalog::{Category, Product};
use crate::domain::session::{MAX_LINE_QUANTITY, Session};
use crate::domain::{Group, Marketplace, Mode};
use crate::i18n::Lang;
use crate::i18n::Texts;

/// The shop around every storefront page's content: its session, its cart
/// count, the categories and the search box.
pub struct Shop<'a> {
    pub sid: String,
    /// An inspect session: nothing can change.
    pub read_only: bool,
    pub cart_count: u32,
    pub categories: &'a [Category],
    pub query: String,
    /// The page speaks the store's language: its own category names.
    pub in_store_language: bool,
}

impl Shop<'_> {
    /// A category's name on this page: the store's own on a page in the
    /// store's language, else the English one.
    pub fn category_name<'c>(&self, c: &'c Category) -> &'c str {
        if self.in_store_language {
            &c.name
        } else {
            &c.en
        }
    }
}

/// A product as a page row.
pub struct Row<'a> {
    pub p: &'a Product,
    pub price: String,
    /// Its category's picture.
    pub picture: String,
}

impl<'a> Row<'a> {
    fn of(p: &'a Product, market: &Marketplace, lang: Lang) -> Row<'a> {
        Row {
            p,
            price: market.pricing.currency.display(lang, p.price),
            picture: crate::web::assets::picture(&p.category),
        }
    }
}

fn rows<'a>(
    (market, lang): (&Marketplace, Lang),
    products: impl IntoIterator<Item = &'a Product>,
) -> Vec<Row<'a>> {
    products
        .into_iter()
        .map(|p| Row::of(p, market, lang))
        .collect()
}

/// How stale a session's last activity may be before a page view renews it.
const TOUCH_EVERY_MS: i64 = 60_000;

/// The session of a storefront page and its group (whose mode the banner
/// shows).
pub(super) async fn load(
    state: &AppState,
    ctx: &Ctx,
    sid: &str,
) -> Result<(Arc<Session>, Arc<Group>), PageError> {
    let now = state.clock.now_ms();
    let lifetime = state.settings.session_lifetime.as_millis() as i64;
    let expired = || PageError::new(ctx.t, StatusCode::GONE, ctx.t.session_expired);
    let Some(session) = state
        .store
        .session(sid)
        .await
        .map_err(|e| PageError::internal(ctx.t, &e))?
    else {
        // One the store forgot after it expired is told so; its id says
        // when it was made.
        return Err(match crate::domain::ids::session_created_ms(sid) {
            Some(made) if now - made > lifetime && made <= now => expired(),
            _ => PageError::new(ctx.t, StatusCode::NOT_FOUND, ctx.t.session_unknown),
        });
    };
    let idle_ms = now - session.touched_at_ms;
    if idle_ms > lifetime {
        return Err(expired());
    }
    // Browsing is activity too; recorded at most once a minute so that
    // page views do not each cost a write.
    if idle_ms > TOUCH_EVERY_MS {
        state
            .store
            .update_session(sid, move |s| {
                s.touched_at_ms = now;
                ((), None)
            })
            .await
            .map_err(|e| PageError::internal(ctx.t, &e))?;
    }
    let group = state
        .store
        .group(session.group_id)
        .await
        .map_err(|e| PageError::internal(ctx.t, &e))?
        .ok_or_else(|| PageError::new(ctx.t, StatusCode::NOT_FOUND, ctx.t.session_unknown))?;
    Ok((session, group))
}

/// A storefront page's chrome: the brand leads to the session's home, the
/// banner names the mode.
pub(super) fn chrome(ctx: &Ctx, title: impl Into<String>, session: &Session, mode: Mode) -> Chrome {
    let mut c = ctx.shopper_chrome(title, Some(format!("/s/{}", session.id)));
    c.banner = Some(match mode {
        Mode::Test => ctx.t.test_mode_banner.as_str(),
        Mode::Active => ctx.t.active_mode_banner.as_str(),
    });
    c
}

fn shop<'a>(market: &'a Marketplace, ctx: &Ctx, session: &Session, query: &str) -> Shop<'a> {
    Shop {
        sid: session.id.clone(),
        read_only: session.read_only,
        cart_count: session.cart.item_count(),
        categories: &market.catalog.categories,
        query: query.to_owned(),
        in_store_language: ctx.lang == Lang::of_store(&market.language),
    }
}

#[derive(Template)]
#[template(path = "storefront/home.html")]
struct HomePage<'a> {
    t: &'static Texts,
    chrome: Chrome,
    shop: Shop<'a>,
    products: Vec<Row<'a>>,
}

pub async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(sid): PagePath<String>,
) -> Result<Response, PageError> {
    let (session, group) = load(&state, &ctx, &sid).await?;
    let market = state.market(&group);
    Ok(render(&HomePage {
        t: ctx.t,
        chrome: chrome(&ctx, ctx.t.store_tagline, &session, group.mode),
        shop: shop(market, &ctx, &session, ""),
        products: rows(
            (market, ctx.lang),
            market.catalog.products().iter().take(12),
        ),
    }))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    category: String,
}

#[derive(Template)]
#[template(path = "storefront/search.html")]
struct SearchPage<'a> {
    t: &'static Texts,
    chrome: Chrome,
    shop: Shop<'a>,
    heading: String,
    count: String,
    products: Vec<Row<'a>>,
}

pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(sid): PagePath<String>,
    PageQuery(q): PageQuery<SearchQuery>,
) -> Result<Response, PageError> {
    let (session, group) = load(&state, &ctx, &sid).await?;
    let market = state.market(&group);
    let category = market.catalog.category(q.category.trim());
    let found = market
        .catalog
        .search(&q.q, category.map(|c| c.code.as_str()), ctx.lang);
    let s = shop(market, &ctx, &session, &q.q);
    let heading = match (q.q.trim().is_empty(), category) {
        (true, Some(c)) => s.category_name(c).to_owned(),
        (true, None) => ctx.t.all_products.to_string(),
        (false, _) => format!("「{}」", q.q.trim()),
    };
    Ok(render(&SearchPage {
        t: ctx.t,
        chrome: chrome(&ctx, heading.clone(), &session, group.mode),
        count: ctx.t.f(ctx.t.results_count, found.len()),
        heading,
        shop: s,
        products: rows((market, ctx.lang), found),
    }))
}

#[derive(Template)]
#[template(path = "storefront/product.html")]
struct ProductPage<'a> {
    t: &'static Texts,
    chrome: Chrome,
    shop: Option<Shop<'a>>,
    row: Row<'a>,
    category: String,
    max_quantity: u32,
}

pub async fn product(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((sid, asin)): PagePath<(String, String)>,
) -> Result<Response, PageError> {
    let (session, group) = load(&state, &ctx, &sid).await?;
    let market = state.market(&group);
    let p = market
        .catalog
        .get(&asin)
        .ok_or_else(|| PageError::new(ctx.t, StatusCode::NOT_FOUND, ctx.t.product_unknown))?;
    let s = shop(market, &ctx, &session, "");
    let category = market
        .catalog
        .category(&p.category)
        .map(|c| s.category_name(c).to_owned())
        .unwrap_or_default();
    Ok(render(&ProductPage {
        t: ctx.t,
        chrome: chrome(&ctx, p.title.clone(), &session, group.mode),
        shop: Some(s),
        row: Row::of(p, market, ctx.lang),
        category,
        max_quantity: MAX_LINE_QUANTITY,
    }))
}

/// `/dp/<asin>`: the detailPageURL of the Japanese store's POOM items
/// (the other stores' point at the store's site), outside any session.
pub async fn detail_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(asin): PagePath<String>,
) -> Result<Response, PageError> {
    let market = state.marketplaces.japan();
    let p = market
        .catalog
        .get(&asin)
        .ok_or_else(|| PageError::new(ctx.t, StatusCode::NOT_FOUND, ctx.t.product_unknown))?;
    let category = market
        .catalog
        .category(&p.category)
        .map(|c| {
            if ctx.lang == Lang::of_store(&market.language) {
                c.name.clone()
            } else {
                c.en.clone()
            }
        })
        .unwrap_or_default();
    Ok(render(&ProductPage {
        t: ctx.t,
        chrome: ctx.shopper_chrome(p.title.clone(), None),
        shop: None,
        row: Row::of(p, market, ctx.lang),
        category,
        max_quantity: MAX_LINE_QUANTITY,
    }))
}

/// A cart line as the cart and checkout pages show it.
pub struct CartRow<'a> {
    pub line: u32,
    pub p: &'a Product,
    pub quantity: u32,
    pub unit_price: String,
    pub line_total: String,
}

pub struct Totals {
    pub subtotal: String,
    pub tax: String,
    pub shipping: String,
    pub discount: String,
    pub total: String,
}

impl Totals {
    /// A cart's estimates in its store, for a group that is or is not
    /// tax-exempt (the discount shown as the minus it is).
    fn of((market, lang): (&Marketplace, Lang), session: &Session, group: &Group) -> Totals {
        let q = session
            .cart
            .quote(market, &market.destination(None, group.tax_exempt));
        let money = |amount| market.pricing.currency.display(lang, amount);
        Totals {
            subtotal: money(q.subtotal),
            tax: money(q.tax),
            shipping: money(q.shipping),
            discount: money(-q.discount),
            total: money(q.total),
        }
    }
}

pub(super) fn cart_rows<'a>(
    (market, lang): (&'a Marketplace, Lang),
    session: &Session,
) -> Vec<CartRow<'a>> {
    let money = |amount| market.pricing.currency.display(lang, amount);
    session
        .cart
        .lines
        .iter()
        .filter_map(|l| {
            let p = market.catalog.get(&l.asin)?;
            Some(CartRow {
                line: l.line,
                p,
                quantity: l.quantity,
                unit_price: money(p.price),
                line_total: money(p.price * rust_decimal::Decimal::from(l.quantity)),
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "storefront/cart.html")]
struct CartPage<'a> {
    t: &'static Texts,
    chrome: Chrome,
    shop: Shop<'a>,
    rows: Vec<CartRow<'a>>,
    totals: Totals,
    max_quantity: u32,
}

pub async fn cart(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(sid): PagePath<String>,
) -> Result<Response, PageError> {
    let (session, group) = load(&state, &ctx, &sid).await?;
    let market = state.market(&group);
    Ok(render(&CartPage {
        t: ctx.t,
        chrome: chrome(&ctx, ctx.t.cart, &session, group.mode),
        rows: cart_rows((market, ctx.lang), &session),
        totals: Totals::of((market, ctx.lang), &session, &group),
        shop: shop(market, &ctx, &session, ""),
        max_quantity: MAX_LINE_QUANTITY,
    }))
}

#[derive(Deserialize)]
pub struct AddForm {
    asin: String,
    #[serde(default)]
    quantity: Option<String>,
}

fn parse_quantity(
    t: &'static Texts,
    raw: Option<&str>,
    allow_zero: bool,
) -> Result<u32, PageError> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("1");
    raw.parse::<u32>()
        .ok()
        .filter(|q| (allow_zero || *q > 0) && *q <= MAX_LINE_QUANTITY)
        .ok_or_else(|| {
            PageError::new(
                t,
                StatusCode::BAD_REQUEST,
                format!("{}: '{raw}' (0–{MAX_LINE_QUANTITY})", t.quantity),
            )
        })
}

pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(sid): PagePath<String>,
    PageForm(form): PageForm<AddForm>,
) -> Result<Response, PageError> {
    let quantity = parse_quantity(ctx.t, form.quantity.as_deref(), false)?;
    // Every store sells the same ASINs.
    let product = state
        .marketplaces
        .japan()
        .catalog
        .get(&form.asin)
        .ok_or_else(|| PageError::new(ctx.t, StatusCode::NOT_FOUND, ctx.t.product_unknown))?;
    let asin = product.asin.clone();
    let now = state.clock.now_ms();
    let changed = state
        .store
        .update_session(&sid, move |s| {
            if s.read_only {
                return (false, None);
            }
            s.cart.add(&asin, quantity);
            s.touched_at_ms = now;
            (true, None)
        })
        .await
        .map_err(|e| PageError::internal(ctx.t, &e))?
        .ok_or_else(|| PageError::new(ctx.t, StatusCode::NOT_FOUND, ctx.t.session_unknown))?;
    if !changed {
        return Err(PageError::new(
            ctx.t,
            StatusCode::CONFLICT,
            ctx.t.read_only_cart,
        ));
    }
    Ok(Redirect::to(&format!("/s/{sid}/cart")).into_response())
}

#[derive(Deserialize)]
pub struct UpdateForm {
    line: u32,
    #[serde(default)]
    quantity: Option<String>,
    #[serde(default)]
    remove: Option<String>,
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(sid): PagePath<String>,
    PageForm(form): PageForm<UpdateForm>,
) -> Result<Response, PageError> {
    let quantity = if form.remove.is_some() {
        0
    } else {
        parse_quantity(ctx.t, form.quantity.as_deref(), true)?
    };
    let line = form.line;
    let now = state.clock.now_ms();
    let changed = state
        .store
        .update_session(&sid, move |s| {
            if s.read_only {
                return (false, None);
            }
            s.cart.set_quantity(line, quantity);
            s.touched_at_ms = now;
            (true, None)
        })
        .await
        .map_err(|e| PageError::internal(ctx.t, &e))?
        .ok_or_else(|| PageError::new(ctx.t, StatusCode::NOT_FOUND, ctx.t.session_unknown))?;
    if !changed {
        return Err(PageError::new(
            ctx.t,
            StatusCode::CONFLICT,
            ctx.t.read_only_cart,
        ));
    }
    Ok(Redirect::to(&format!("/s/{sid}/cart")).into_response())
}

#[derive(Template)]
#[template(path = "storefront/checkout.html")]
struct CheckoutPage<'a> {
    t: &'static Texts,
    chrome: Chrome,
    shop: Shop<'a>,
    rows: Vec<CartRow<'a>>,
    totals: Totals,
}

pub async fn checkout(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(sid): PagePath<String>,
) -> Result<Response, PageError> {
    let (session, group) = load(&state, &ctx, &sid).await?;
    let market = state.market(&group);
    Ok(render(&CheckoutPage {
        t: ctx.t,
        chrome: chrome(&ctx, ctx.t.checkout_title, &session, group.mode),
        rows: cart_rows((market, ctx.lang), &session),
        totals: Totals::of((market, ctx.lang), &session, &group),
        shop: shop(market, &ctx, &session, ""),
    }))
}
