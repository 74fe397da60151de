//! `absim buyer`: a small procurement system that plays the LINE WORKS bot's
//! part of the setup guide: register the shopper's e-mail, 買い物をする (punch
//! out), pick a delivery address, receive the returned cart, 決済する (send
//! the PO), then see the confirmation and the ship notice arrive; and an
//! administrator's view of who bought what (購入通知). It keeps its own log of
//! what it sent and received, in memory.

use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::BuyerConfig;
use crate::cxml::order_message::PunchOutOrderMessage;
use crate::cxml::{Cxml, read, write};
use crate::i18n::Texts;
use crate::web::Ctx;

/// Where the simulator is and who the buyer is to it.
#[derive(Debug, Clone)]
pub struct BuyerSettings {
    /// The simulator's base URL.
    pub simulator: String,
    /// This buyer's own base URL (for the hook and its cXML endpoints).
    pub base_url: String,
    pub identity: String,
    pub shared_secret: String,
    pub po_url: String,
}

/// Something the buyer sent or received.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub at: String,
    pub direction: &'static str,
    pub what: String,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct CartView {
    pub id: usize,
    pub email: String,
    pub address: String,
    pub lines: Vec<(String, String, String, String)>,
    pub total: String,
    pub poom: Cxml<PunchOutOrderMessage>,
    pub order: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct OrderView {
    pub id: usize,
    pub order_id: String,
    pub email: String,
    pub address: String,
    pub at: String,
    pub answer: String,
    pub lines: Vec<(String, String, String, String)>,
    pub total: String,
    pub confirmation: Option<String>,
    pub ship_notices: Vec<String>,
    pub invoice: Option<String>,
}

#[derive(Debug, Default)]
struct Book {
    email: Option<String>,
    address: String,
    carts: Vec<CartView>,
    orders: Vec<OrderView>,
    log: Vec<LogEntry>,
}

/// The buyer's state: one handle; the book behind a std Mutex held only to
/// read or change it, never across an await.
#[derive(Clone)]
pub struct Buyer(Arc<BuyerInner>);

pub struct BuyerInner {
    pub settings: BuyerSettings,
    book: Mutex<Book>,
    http: reqwest::Client,
}

/// The delivery addresses the shopper picks from (配送先管理).
pub const ADDRESSES: [&str; 2] = [
    "東京都目黒区下目黒1-8-1 本社 総務部",
    "大阪府大阪市北区梅田3-1-1 大阪支店",
];

impl Buyer {
    pub fn new(settings: BuyerSettings) -> Buyer {
        Buyer(Arc::new(BuyerInner {
            settings,
            book: Mutex::new(Book {
                address: ADDRESSES[0].to_owned(),
                ..Book::default()
            }),
            http: reqwest::Client::new(),
        }))
    }

    fn config(&self, email: &str) -> BuyerConfig {
        BuyerConfig {
            identity: self.0.settings.identity.clone(),
            shared_secret: self.0.settings.shared_secret.clone(),
            hook_url: format!("{}/hook", self.0.settings.base_url),
            user_email: email.to_owned(),
            user_agent: "absim reference buyer (LINE WORKS bot)".into(),
        }
    }

    fn log(&self, direction: &'static str, what: impl Into<String>, body: impl Into<String>) {
        self.0.book.lock().expect("book").log.push(LogEntry {
            at: crate::cxml::time::format(&crate::cxml::time::now()),
            direction,
            what: what.into(),
            body: body.into(),
        });
    }

    /// Registers the shopper's e-mail (what the bot asks first).
    pub fn register(&self, email: &str) {
        self.0.book.lock().expect("book").email = Some(email.to_owned());
    }

    pub fn orders(&self) -> Vec<OrderView> {
        self.0.book.lock().expect("book").orders.clone()
    }

    pub fn carts(&self) -> Vec<CartView> {
        self.0.book.lock().expect("book").carts.clone()
    }

    /// 買い物をする: the punchout; gives the StartPage URL.
    pub async fn shop(&self, email: &str) -> anyhow::Result<String> {
        let setup = super::setup_request(
            &self.config(email),
            "create",
            &format!("bot-{}", rand::random::<u32>()),
            &[],
            None,
        );
        self.log("sent", "PunchOutSetupRequest", setup.clone());
        let r = self
            .0
            .http
            .post(format!(
                "{}/eprocurement/punchout",
                self.0.settings.simulator
            ))
            .header("content-type", "text/xml; charset=utf-8")
            .body(setup)
            .send()
            .await?;
        let body = r.text().await?;
        self.log("received", "PunchOutSetupResponse", body.clone());
        let doc = read::<crate::cxml::punchout_setup::PunchOutSetupResponse>(body.as_bytes())
            .map_err(|e| anyhow::anyhow!("the simulator refused the punchout: {e}; {body}"))?;
        doc.doc
            .payload()
            .map(|p| p.start_page.url.clone())
            .ok_or_else(|| anyhow::anyhow!("no StartPage in {body}"))
    }

    /// The hook: reads the returned cart; gives its number.
    pub fn receive_cart(&self, fields: &[(String, String)]) -> anyhow::Result<usize> {
        let poom = super::cart_from_form(fields)?;
        self.log("received", "PunchOutOrderMessage", write::document(&poom));
        let message = poom
            .payload()
            .ok_or_else(|| anyhow::anyhow!("an empty cart message"))?;
        let lines = message
            .items
            .iter()
            .map(|i| {
                (
                    i.item_id.supplier_part_id.clone(),
                    i.item_detail.description_text(),
                    i.quantity.clone(),
                    i.item_detail.unit_price.money.value.clone(),
                )
            })
            .collect();
        let total = message.header.total.money.value.clone();
        let mut book = self.0.book.lock().expect("book");
        let id = book.carts.len() + 1;
        let cart = CartView {
            id,
            email: book.email.clone().unwrap_or_default(),
            address: book.address.clone(),
            lines,
            total,
            poom,
            order: None,
        };
        book.carts.push(cart);
        Ok(id)
    }

    /// 決済する: sends the PO for a cart; gives the order number.
    pub async fn pay(&self, cart_id: usize) -> anyhow::Result<usize> {
        let cart = self
            .carts()
            .into_iter()
            .find(|c| c.id == cart_id)
            .ok_or_else(|| anyhow::anyhow!("there is no cart {cart_id}"))?;
        let order_id = format!("BOT-{}-{cart_id}", std::process::id());
        let payload_id = super::payload_id(&order_id);
        let mut po = super::order_request(
            &self.config(&cart.email),
            cart.poom
                .payload()
                .ok_or_else(|| anyhow::anyhow!("an empty cart"))?,
            &order_id,
            &payload_id,
        );
        if let Some(r) = po.request.as_mut()
            && let Some(pa) = r
                .payload
                .header
                .ship_to
                .as_mut()
                .and_then(|s| s.address.postal_address.as_mut())
        {
            pa.street = vec![cart.address.clone()];
        }
        let body = write::document(&po);
        self.log("sent", "OrderRequest", body.clone());
        let r = self
            .0
            .http
            .post(&self.0.settings.po_url)
            .header("content-type", "text/xml; charset=utf-8")
            .body(body)
            .send()
            .await?;
        let http = r.status().as_u16();
        let answer = r.text().await?;
        self.log("received", "Response to the OrderRequest", answer.clone());
        let status = crate::cxml::read::read_status(answer.as_bytes())
            .map(|s| format!("HTTP {http} · cXML {} {}", s.code, s.text))
            .unwrap_or_else(|_| format!("HTTP {http}"));
        let mut book = self.0.book.lock().expect("book");
        let id = book.orders.len() + 1;
        book.orders.push(OrderView {
            id,
            order_id,
            email: cart.email.clone(),
            address: cart.address.clone(),
            at: crate::cxml::time::format(&crate::cxml::time::now()),
            answer: status,
            lines: cart.lines.clone(),
            total: cart.total.clone(),
            confirmation: None,
            ship_notices: Vec::new(),
            invoice: None,
        });
        if let Some(c) = book.carts.iter_mut().find(|c| c.id == cart_id) {
            c.order = Some(id);
        }
        Ok(id)
    }

    /// A document from the simulator (confirmation, ship notice, invoice).
    pub fn receive_document(&self, kind: &str, body: &str) {
        self.log("received", kind.to_owned(), body.to_owned());
        let order_id = body
            .split("orderID=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .to_owned();
        let summary = summarise(kind, body);
        let mut book = self.0.book.lock().expect("book");
        if let Some(o) = book.orders.iter_mut().find(|o| o.order_id == order_id) {
            match kind {
                "confirmation" => o.confirmation = Some(summary),
                "shipnotice" => o.ship_notices.push(summary),
                _ => o.invoice = Some(summary),
            }
        }
    }
}

/// One line about a received document, for the order page.
fn summarise(kind: &str, body: &str) -> String {
    let attr = |name: &str| {
        body.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .to_owned()
    };
    match kind {
        "confirmation" => format!(
            "{} {} · confirmID {}",
            attr("type"),
            attr("noticeDate"),
            attr("confirmID")
        ),
        "shipnotice" => format!(
            "shipmentID {} · {}",
            attr("shipmentID"),
            attr("shipmentDate")
        ),
        _ => format!("invoiceID {} · {}", attr("invoiceID"), attr("invoiceDate")),
    }
}

#[derive(Template)]
#[template(path = "buyer/home.html")]
struct HomePage {
    t: &'static Texts,
    email: Option<String>,
    address: String,
    addresses: [&'static str; 2],
    carts: Vec<CartView>,
    orders: Vec<OrderView>,
    other_lang_url: String,
}

#[derive(Template)]
#[template(path = "buyer/order.html")]
struct OrderPage {
    t: &'static Texts,
    order: OrderView,
    other_lang_url: String,
}

#[derive(Template)]
#[template(path = "buyer/admin.html")]
struct AdminPage {
    t: &'static Texts,
    orders: Vec<OrderView>,
    log: Vec<LogEntry>,
    other_lang_url: String,
}

fn html(tpl: &impl Template) -> Response {
    match tpl.render() {
        Ok(h) => Html(h).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

fn problem(t: &Texts, status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, Html(format!("<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>absim buyer</title><link rel=\"stylesheet\" href=\"/assets/absim.css\"></head><body><main><h1>{}</h1><p class=\"message\">{}</p><p><a href=\"/\">{}</a></p></main></body></html>",
        t.lang_code,
        t.error_title,
        askama::filters::escape(&message.to_string(), askama::filters::Html).map(|s| s.to_string()).unwrap_or_default(),
        t.back))).into_response()
}

async fn home(State(b): State<Buyer>, ctx: Ctx) -> Response {
    let book = b.0.book.lock().expect("book");
    let page = HomePage {
        t: ctx.t,
        email: book.email.clone(),
        address: book.address.clone(),
        addresses: ADDRESSES,
        carts: book.carts.clone(),
        orders: book.orders.clone(),
        other_lang_url: ctx.other_lang_url.clone(),
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
        return problem(ctx.t, StatusCode::BAD_REQUEST, format!("'{email}'"));
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
    let email = {
        let mut book = b.0.book.lock().expect("book");
        if ADDRESSES.contains(&f.address.as_str()) {
            book.address = f.address.clone();
        }
        book.email.clone()
    };
    let Some(email) = email else {
        return problem(ctx.t, StatusCode::BAD_REQUEST, ctx.t.buyer_register_first);
    };
    match b.shop(&email).await {
        Ok(start) => Redirect::to(&start).into_response(),
        Err(e) => problem(ctx.t, StatusCode::BAD_GATEWAY, format!("{e:#}")),
    }
}

/// The hook: the simulator's page posts the cart here.
async fn hook(State(b): State<Buyer>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    match b.receive_cart(&fields) {
        Ok(_) => Redirect::to("/").into_response(),
        Err(e) => problem(ctx.t, StatusCode::BAD_REQUEST, format!("{e:#}")),
    }
}

async fn pay(State(b): State<Buyer>, ctx: Ctx, Path(cart): Path<usize>) -> Response {
    match b.pay(cart).await {
        Ok(order) => Redirect::to(&format!("/orders/{order}")).into_response(),
        Err(e) => problem(ctx.t, StatusCode::BAD_GATEWAY, format!("{e:#}")),
    }
}

async fn order(State(b): State<Buyer>, ctx: Ctx, Path(id): Path<usize>) -> Response {
    match b.orders().into_iter().find(|o| o.id == id) {
        Some(order) => html(&OrderPage {
            t: ctx.t,
            order,
            other_lang_url: ctx.other_lang_url.clone(),
        }),
        None => problem(ctx.t, StatusCode::NOT_FOUND, ctx.t.not_found),
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
        other_lang_url: ctx.other_lang_url.clone(),
    })
}

/// The simulator's confirmations, ship notices and invoices.
async fn cxml_in(State(b): State<Buyer>, Path(kind): Path<String>, body: String) -> Response {
    b.receive_document(&kind, &body);
    let answer = write::document(&crate::domain::documents::status_response(
        super::payload_id("answer"),
        crate::cxml::Status::ok(),
    ));
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
        .route(
            "/assets/absim.css",
            get(|| async {
                (
                    [("content-type", "text/css; charset=utf-8")],
                    include_str!("../../templates/absim.css"),
                )
            }),
        )
        .with_state(buyer)
}

/// Connects to a simulator: reads the default group's credentials and PO
/// URL through its API and points the group's endpoints at this buyer.
pub async fn connect(
    simulator: &str,
    base_url: &str,
    admin_token: Option<&str>,
) -> anyhow::Result<BuyerSettings> {
    let http = crate::api_client(admin_token, std::time::Duration::from_secs(30))?;
    let simulator = simulator.trim_end_matches('/').to_owned();
    let g: serde_json::Value = serde_json::from_str(
        &http
            .get(format!("{simulator}/api/v1/groups/1"))
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("reaching the simulator at {simulator}: {e}"))?
            .text()
            .await?,
    )?;
    let patch = serde_json::json!({
        "order_confirmation_url": format!("{base_url}/cxml/confirmation"),
        "ship_notice_url": format!("{base_url}/cxml/shipnotice"),
        "invoice_url": format!("{base_url}/cxml/invoice"),
    });
    http.patch(format!("{simulator}/api/v1/groups/1"))
        .header("content-type", "application/json")
        .body(patch.to_string())
        .send()
        .await?;
    let field = |k: &str| g[k].as_str().unwrap_or_default().to_owned();
    Ok(BuyerSettings {
        simulator,
        base_url: base_url.to_owned(),
        identity: field("identity"),
        shared_secret: field("shared_secret"),
        po_url: field("po_request_url"),
    })
}
