//! `absim buyer`: a small procurement system that plays the LINE WORKS bot's
//! part of the setup guide: register the shopper's e-mail, 買い物をする (punch
//! out), pick a delivery address, receive the returned cart, 決済する (send
//! the PO), then see the confirmation and the ship notice arrive; and an
//! administrator's view of who bought what (購入通知). It keeps its own log of
//! what it sent and received, in memory.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub use super::system::{
    ADDRESSES, Amounts, Buyer, BuyerSettings, CartView, LogEntry, Mistakes, Notice, OrderView,
    PoOutcome,
};
use crate::cxml::write;
use crate::i18n::Texts;
use crate::web::Ctx;

#[derive(Template)]
#[template(path = "buyer/home.html")]
struct HomePage {
    t: &'static Texts,
    email: Option<String>,
    address: String,
    addresses: Vec<String>,
    carts: Vec<CartView>,
    orders: Vec<OrderView>,
    languages: crate::web::Languages,
}

#[derive(Template)]
#[template(path = "buyer/order.html")]
struct OrderPage {
    t: &'static Texts,
    order: OrderView,
    /// The order's entry in the simulator's test log (found by its PO
    /// number).
    log_url: String,
    languages: crate::web::Languages,
}

/// Words for what the buyer shows in cXML's terms.
trait Words {
    fn t(&self) -> &'static Texts;

    /// A confirmation's type (ConfirmationHeader/@type) in the page's
    /// language.
    fn confirm_type(&self, kind: &str) -> &'static str {
        let t = self.t();
        match kind {
            "accept" => t.confirm_accept.as_str(),
            "allDetail" | "detail" => t.confirm_detail.as_str(),
            "reject" => t.confirm_reject.as_str(),
            "backordered" => t.confirm_backordered.as_str(),
            _ => t.confirm_other.as_str(),
        }
    }

    /// A logged document's name in the page's language.
    fn document_name<'a>(&self, what: &'a str) -> &'a str {
        let t = self.t();
        match what {
            "po-answer" => t.buyer_po_answer.as_str(),
            "confirmation" => t.confirmation_received.as_str(),
            "shipnotice" => t.ship_received.as_str(),
            "invoice" => t.invoice_received.as_str(),
            other => other,
        }
    }
}

impl Words for OrderPage {
    fn t(&self) -> &'static Texts {
        self.t
    }
}

impl Words for AdminPage {
    fn t(&self) -> &'static Texts {
        self.t
    }
}

#[derive(Template)]
#[template(path = "buyer/admin.html")]
struct AdminPage {
    t: &'static Texts,
    orders: Vec<OrderView>,
    log: Vec<LogEntry>,
    languages: crate::web::Languages,
}

fn html(tpl: &impl Template) -> Response {
    match tpl.render() {
        Ok(h) => Html(h).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[derive(Template)]
#[template(path = "buyer/problem.html")]
struct ProblemPage<'a> {
    t: &'static Texts,
    message: &'a str,
    languages: crate::web::Languages,
}

/// A page that says what went wrong, in the page's language, with the way
/// back to the buyer's start.
fn problem(ctx: &Ctx, status: StatusCode, message: impl std::fmt::Display) -> Response {
    let message = message.to_string();
    let mut page = html(&ProblemPage {
        t: ctx.t,
        message: &message,
        languages: ctx.languages.clone(),
    });
    *page.status_mut() = status;
    page
}

/// Any other address: the buyer's own 404 page, not the browser's.
async fn unknown_page(ctx: Ctx) -> Response {
    problem(&ctx, StatusCode::NOT_FOUND, ctx.t.not_found)
}

async fn home(State(b): State<Buyer>, ctx: Ctx) -> Response {
    let addresses = b.addresses();
    let book = b.0.book.lock().expect("book");
    let page = HomePage {
        t: ctx.t,
        email: book.email.clone(),
        address: book.address.clone(),
        addresses,
        carts: book.carts.clone(),
        orders: book.orders.clone(),
        languages: ctx.languages.clone(),
    };
    drop(book);
    html(&page)
}

#[derive(Deserialize)]
struct RegisterForm {
    email: String,
}

async fn register(State(b): State<Buyer>, ctx: Ctx, Form(f): Form<RegisterForm>) -> Response {
    let email = f.email.trim();
    if !email.contains('@') {
        let why = crate::note!("setting-not-email", value = email);
        return problem(&ctx, StatusCode::BAD_REQUEST, why.render(ctx.t.lang));
    }
    b.0.book.lock().expect("book").email = Some(email.to_owned());
    Redirect::to("/").into_response()
}

#[derive(Deserialize)]
struct ShopForm {
    #[serde(default)]
    address: String,
}

/// 買い物をする with the chosen address: the browser goes to the StartPage.
async fn shop(State(b): State<Buyer>, ctx: Ctx, Form(f): Form<ShopForm>) -> Response {
    let addresses = b.addresses();
    let email = {
        let mut book = b.0.book.lock().expect("book");
        if addresses.contains(&f.address) {
            book.address = f.address.clone();
        }
        book.email.clone()
    };
    let Some(email) = email else {
        return problem(&ctx, StatusCode::BAD_REQUEST, ctx.t.buyer_register_first);
    };
    match b.shop(&email).await {
        Ok(start) => Redirect::to(&start).into_response(),
        Err(e) => problem(&ctx, StatusCode::BAD_GATEWAY, format!("{e:#}")),
    }
}

/// The hook: the simulator's page posts the cart here.
async fn hook(State(b): State<Buyer>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    match b.receive_cart(&fields) {
        Ok(cart) => {
            if b.pays_at_once(cart) {
                // Ordering without a person: the PO goes out now, while
                // the shopper's browser moves on.
                let b = b.clone();
                tokio::spawn(async move {
                    if let Err(e) = b.pay(cart).await {
                        tracing::warn!(error = %e, cart, "the buyer could not send its PO");
                    }
                });
            }
            // The new cart, in view: carts are listed newest first.
            Redirect::to(&format!("/#cart-{cart}")).into_response()
        }
        Err(e) => problem(&ctx, StatusCode::BAD_REQUEST, format!("{e:#}")),
    }
}

async fn pay(State(b): State<Buyer>, ctx: Ctx, Path(cart): Path<usize>) -> Response {
    if !b.carts().iter().any(|c| c.id == cart) {
        return problem(&ctx, StatusCode::NOT_FOUND, ctx.t.buyer_cart_unknown);
    }
    match b.pay(cart).await {
        Ok(order) => Redirect::to(&format!("/orders/{order}")).into_response(),
        Err(e) => problem(
            &ctx,
            StatusCode::BAD_GATEWAY,
            ctx.t.f(ctx.t.buyer_po_not_sent, format!("{e:#}")),
        ),
    }
}

async fn order(State(b): State<Buyer>, ctx: Ctx, Path(id): Path<usize>) -> Response {
    match b.orders().into_iter().find(|o| o.id == id) {
        Some(order) => html(&OrderPage {
            t: ctx.t,
            log_url: format!(
                "{}/groups/{}/orders?po={}",
                b.0.settings.simulator,
                b.0.settings.group,
                url::form_urlencoded::byte_serialize(order.order_id.as_bytes()).collect::<String>()
            ),
            order,
            languages: ctx.languages.clone(),
        }),
        None => problem(&ctx, StatusCode::NOT_FOUND, ctx.t.not_found),
    }
}

async fn admin(State(b): State<Buyer>, ctx: Ctx) -> Response {
    let (orders, log) = {
        let book = b.0.book.lock().expect("book");
        (
            book.orders.clone(),
            book.log.iter().rev().take(50).cloned().collect(),
        )
    };
    html(&AdminPage {
        t: ctx.t,
        orders,
        log,
        languages: ctx.languages.clone(),
    })
}

/// The simulator's confirmations, ship notices and invoices.
async fn cxml_in(State(b): State<Buyer>, Path(kind): Path<String>, body: String) -> Response {
    b.receive_document(&kind, &body);
    let answer = write::status_document(&super::payload_id("answer"), &crate::cxml::Status::ok());
    ([("content-type", "text/xml; charset=utf-8")], answer).into_response()
}

/// The buyer's pages and endpoints.
pub fn app(buyer: Buyer) -> axum::Router {
    axum::Router::new()
        .route("/", get(home))
        .route("/register", post(register))
        .route("/shop", post(shop))
        .route("/hook", post(hook))
        .route("/carts/{id}/pay", post(pay))
        .route("/orders/{id}", get(order))
        .route("/admin", get(admin))
        .route("/cxml/{kind}", post(cxml_in))
        .merge(crate::web::assets::routes())
        .fallback(unknown_page)
        .with_state(buyer)
}

/// Connects to a simulator: reads the default group's credentials and PO
/// URL through its API and points the group's endpoints at this buyer.
pub async fn connect(
    simulator: &str,
    base_url: &str,
    admin_token: Option<&str>,
    options: &BuyerOptions,
) -> anyhow::Result<BuyerSettings> {
    let http = super::api::api_client(admin_token, std::time::Duration::from_secs(30))?;
    let simulator = simulator.trim_end_matches('/').to_owned();
    let gid = if options.group == 0 {
        crate::DEFAULT_GROUP
    } else {
        options.group
    };
    let group = format!("{simulator}/api/v1/groups/{gid}");
    let answer = http
        .get(&group)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("reaching the simulator at {simulator}: {e}"))?;
    anyhow::ensure!(
        answer.status().is_success(),
        "the simulator answered {} for group {gid}: {}",
        answer.status(),
        answer.text().await.unwrap_or_default()
    );
    let g: serde_json::Value = serde_json::from_str(&answer.text().await?)?;
    let patch = serde_json::json!({
        "order_confirmation_url": format!("{base_url}/cxml/confirmation"),
        "ship_notice_url": format!("{base_url}/cxml/shipnotice"),
        "invoice_url": format!("{base_url}/cxml/invoice"),
    });
    http.patch(&group)
        .header("content-type", "application/json")
        .body(patch.to_string())
        .send()
        .await?
        .error_for_status()?;
    let field = |k: &str| g[k].as_str().unwrap_or_default().to_owned();
    Ok(BuyerSettings {
        simulator,
        base_url: base_url.to_owned(),
        identity: field("identity"),
        shared_secret: field("shared_secret"),
        po_url: field("po_request_url"),
        group: gid,
        auto_pay: options.auto_pay,
        mistakes: options.mistakes,
        // The group's store (a simulator without marketplaces is Japan's).
        address: super::store_address(g["marketplace"].as_str().unwrap_or("JP"))
            .or_else(|| super::store_address("JP"))
            .ok_or_else(|| anyhow::anyhow!("absim's marketplace files are invalid"))?,
    })
}

/// How `absim buyer` plays its part.
#[derive(Debug, Clone, Default)]
pub struct BuyerOptions {
    /// The simulator's group whose credentials the buyer uses (and whose
    /// endpoints it points at itself); 0 means the default group.
    pub group: u32,
    /// Send the PO as soon as a cart with items comes back.
    pub auto_pay: bool,
    pub mistakes: Mistakes,
    /// The shopper's e-mail, registered at start.
    pub email: Option<String>,
}
