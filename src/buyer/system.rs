//! The reference buyer as a procurement system: its book (the registered
//! shopper, the returned carts, the orders and what came back for them, a
//! log of every document), the punchout, the PO with a resend after a 5xx
//! answer, and the documents absim posts. `web` puts pages on it.

use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;

use super::BuyerConfig;
use crate::cxml::order_message::PunchOutOrderMessage;
use crate::cxml::order_request::OrderRequest;
use crate::cxml::{Cxml, Money, read, write};
use crate::domain::pricing::Currency;
use crate::i18n::Lang;

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
    /// The simulator's group the buyer orders in (for links to its test
    /// log).
    pub group: u32,
    /// Send the PO as soon as a cart with items comes back (a system that
    /// orders without a person pressing 決済する: CI runs).
    pub auto_pay: bool,
    /// Mistakes made on purpose, to see absim's verdict fail.
    pub mistakes: Mistakes,
    /// Where its orders go: the sample address of its group's store.
    pub address: crate::domain::marketplace::SampleAddress,
}

/// Mistakes the reference buyer can make on purpose (`--mistake`), so that
/// a CI example or a demo shows a failing verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mistakes {
    /// PO lines without the cart's SupplierPartAuxiliaryID.
    pub drop_aux_id: bool,
    /// No resend after a 5xx answer to a PO.
    pub no_retry: bool,
    /// A PO even for a cart that came back empty.
    pub order_empty_cart: bool,
}

impl Mistakes {
    /// Reads `drop-aux-id`, `no-retry`, `order-empty-cart`.
    pub fn parse(names: &[String]) -> Result<Mistakes, String> {
        let mut m = Mistakes::default();
        for n in names {
            match n.trim() {
                "drop-aux-id" => m.drop_aux_id = true,
                "no-retry" => m.no_retry = true,
                "order-empty-cart" => m.order_empty_cart = true,
                other => {
                    return Err(format!(
                        "'{other}' is not a mistake the buyer knows: drop-aux-id, no-retry, order-empty-cart"
                    ));
                }
            }
        }
        Ok(m)
    }
}

/// Something the buyer sent or received.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub at: String,
    pub sent: bool,
    /// The document's cXML name, or `po-answer` for the answer to a PO.
    pub what: String,
    pub body: String,
}

/// A returned cart's amounts, as the storefront's checkout shows them: the
/// POOM's Total is the subtotal; its Tax and Shipping (with the discount in
/// the Shipping's Modifications) make the 合計金額.
#[derive(Debug, Clone, Default)]
pub struct Amounts {
    /// None for a cart without a readable Total.
    currency: Option<Currency>,
    subtotal: Decimal,
    tax: Decimal,
    shipping: Decimal,
    discount: Decimal,
}

/// [`Amounts`] as a page in one language writes them.
pub struct Shown {
    pub subtotal: String,
    pub tax: String,
    pub shipping: String,
    pub discount: String,
    pub total: String,
}

impl Amounts {
    fn of(message: &PunchOutOrderMessage) -> Amounts {
        let h = &message.header;
        let amount = |m: Option<&Money>| m.and_then(Money::amount).unwrap_or_default();
        Amounts {
            currency: Some(currency_of(&h.total.money)),
            subtotal: amount(Some(&h.total.money)),
            tax: amount(h.tax.as_ref().map(|t| &t.money)),
            shipping: amount(h.shipping.as_ref().map(|s| &s.money)),
            discount: h
                .shipping
                .as_ref()
                .map(|s| s.discount())
                .unwrap_or_default(),
        }
    }

    /// The amounts as `lang` (a page's, by value or by reference) writes them (the discount with its minus sign).
    pub fn shown(&self, lang: impl std::borrow::Borrow<Lang>) -> Shown {
        let lang = *lang.borrow();
        let show = |amount: Decimal| match &self.currency {
            Some(c) => c.display(lang, amount),
            None => amount.to_string(),
        };
        Shown {
            subtotal: show(self.subtotal),
            tax: show(self.tax),
            shipping: show(self.shipping),
            discount: show(-self.discount),
            total: show(self.subtotal + self.tax + self.shipping - self.discount),
        }
    }
}

/// The currency of an amount, marked by ISO's symbol, or by its code when
/// it is not an ISO 4217 one.
fn currency_of(money: &Money) -> Currency {
    Currency::iso(&money.currency).unwrap_or_else(|| Currency {
        code: money.currency.clone(),
        minor_units: 2,
        symbol: format!("{} ", money.currency),
    })
}

/// A unit price as a document gave it, shown in a page's language.
#[derive(Debug, Clone)]
pub struct Price(Money);

impl Price {
    /// The price as `lang` writes it, or the document's text when it is
    /// not a number.
    pub fn shown(&self, lang: impl std::borrow::Borrow<Lang>) -> String {
        let lang = *lang.borrow();
        match self.0.amount() {
            Some(amount) => currency_of(&self.0).display(lang, amount),
            None => self.0.value.to_string(),
        }
    }
}

/// A line of a cart or an order: ASIN, title, quantity, unit price.
pub type Line = (String, String, String, Price);

#[derive(Debug, Clone)]
pub struct CartView {
    pub id: usize,
    pub email: String,
    pub address: String,
    pub lines: Vec<Line>,
    pub amounts: Amounts,
    pub poom: Cxml<PunchOutOrderMessage>,
    pub order: Option<usize>,
}

/// What became of a PO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoOutcome {
    /// Answered 2xx in HTTP and in cXML.
    Accepted,
    /// Refused, with the answer's cXML code and absim's message (or the
    /// HTTP status when the answer carries no cXML Status).
    Refused { code: u16, reason: String },
}

/// A document the simulator sent for an order: its id, date and (for a
/// confirmation) its type.
#[derive(Debug, Clone)]
pub struct Notice {
    pub id: String,
    pub date: String,
    pub kind: String,
}

#[derive(Debug, Clone)]
pub struct OrderView {
    pub id: usize,
    pub order_id: String,
    pub email: String,
    pub address: String,
    pub at: String,
    pub placed: std::time::Instant,
    /// The answer as received: HTTP and cXML status.
    pub answer: String,
    pub outcome: PoOutcome,
    pub lines: Vec<Line>,
    pub amounts: Amounts,
    pub confirmation: Option<Notice>,
    pub ship_notices: Vec<Notice>,
    pub invoice: Option<Notice>,
}

impl OrderView {
    pub fn refused(&self) -> bool {
        matches!(self.outcome, PoOutcome::Refused { .. })
    }

    /// Whether a confirmation or a ship notice may still come: the PO was
    /// accepted, one of them is missing, and it was placed in the last two
    /// minutes (the order page reloads itself until then).
    pub fn awaiting(&self) -> bool {
        !self.refused()
            && (self.confirmation.is_none() || self.ship_notices.is_empty())
            && self.placed.elapsed() < std::time::Duration::from_secs(120)
    }
}

#[derive(Debug, Default)]
pub(super) struct Book {
    pub(super) email: Option<String>,
    pub(super) address: String,
    pub(super) carts: Vec<CartView>,
    pub(super) orders: Vec<OrderView>,
    pub(super) log: Vec<LogEntry>,
}

/// The buyer's state: one handle; the book behind a std Mutex held only to
/// read or change it, never across an await.
#[derive(Clone)]
pub struct Buyer(pub(super) Arc<BuyerInner>);

pub struct BuyerInner {
    pub settings: BuyerSettings,
    pub(super) book: Mutex<Book>,
    http: reqwest::Client,
}

/// The delivery addresses the shopper picks from (配送先管理) in the
/// Japanese store.
pub const ADDRESSES: [&str; 2] = [
    "東京都目黒区下目黒1-8-1 本社 総務部",
    "大阪府大阪市北区梅田3-1-1 大阪支店",
];

impl Buyer {
    /// Whether a cart this buyer received should be paid at once.
    pub fn pays_at_once(&self, cart_id: usize) -> bool {
        let s = &self.0.settings;
        s.auto_pay
            && self
                .carts()
                .iter()
                .find(|c| c.id == cart_id)
                .is_some_and(|c| !c.lines.is_empty() || s.mistakes.order_empty_cart)
    }

    pub fn new(settings: BuyerSettings) -> Buyer {
        let address = addresses(&settings.address).swap_remove(0);
        Buyer(Arc::new(BuyerInner {
            settings,
            book: Mutex::new(Book {
                address,
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
            address: self.0.settings.address.clone(),
        }
    }

    /// The delivery addresses the shopper picks from.
    pub fn addresses(&self) -> Vec<String> {
        addresses(&self.0.settings.address)
    }

    fn log(&self, sent: bool, what: impl Into<String>, body: impl Into<String>) {
        self.0.book.lock().expect("book").log.push(LogEntry {
            at: crate::cxml::time::format(&crate::cxml::time::now()),
            sent,
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
        self.log(true, "PunchOutSetupRequest", setup.clone());
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
        self.log(false, "PunchOutSetupResponse", body.clone());
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
        self.log(false, "PunchOutOrderMessage", write::document(&poom));
        let message = poom
            .payload()
            .ok_or_else(|| anyhow::anyhow!("an empty cart message"))?;
        let lines = message
            .items
            .iter()
            .map(|i| {
                (
                    i.item_id.supplier_part_id.to_string(),
                    i.item_detail.description_text(),
                    i.quantity.clone(),
                    Price(i.item_detail.unit_price.money.clone()),
                )
            })
            .collect();
        let amounts = Amounts::of(message);
        let mut book = self.0.book.lock().expect("book");
        let id = book.carts.len() + 1;
        let cart = CartView {
            id,
            email: book.email.clone().unwrap_or_default(),
            address: book.address.clone(),
            lines,
            amounts,
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
        let po = self.purchase_order(&cart, &order_id)?;
        let (http, answer) = self.send_po(write::document(&po)).await?;
        let (status, outcome) = judge_answer(http, &answer);
        let mut book = self.0.book.lock().expect("book");
        let id = book.orders.len() + 1;
        book.orders.push(OrderView {
            id,
            order_id,
            email: cart.email.clone(),
            address: cart.address.clone(),
            at: crate::cxml::time::format(&crate::cxml::time::now()),
            placed: std::time::Instant::now(),
            answer: status,
            outcome,
            lines: cart.lines.clone(),
            amounts: cart.amounts.clone(),
            confirmation: None,
            ship_notices: Vec::new(),
            invoice: None,
        });
        if let Some(c) = book.carts.iter_mut().find(|c| c.id == cart_id) {
            c.order = Some(id);
        }
        Ok(id)
    }

    /// The PO for a returned cart, to the shopper's chosen address, with
    /// the mistakes the buyer was asked to make.
    fn purchase_order(
        &self,
        cart: &CartView,
        order_id: &str,
    ) -> anyhow::Result<Cxml<OrderRequest>> {
        let message = cart
            .poom
            .payload()
            .ok_or_else(|| anyhow::anyhow!("the cart message has no PunchOutOrderMessage"))?;
        let mistakes = self.0.settings.mistakes;
        if message.items.is_empty() && !mistakes.order_empty_cart {
            anyhow::bail!(
                "cart {} came back empty: there is nothing to order",
                cart.id
            );
        }
        let payload_id = super::payload_id(order_id);
        let mut po =
            super::order_request(&self.config(&cart.email), message, order_id, &payload_id);
        // Only the Japanese store's shopper picks among offices (the street
        // names the one picked); elsewhere the store's address goes as it is.
        let picked = (self.0.settings.address.iso_country_code == "JP").then_some(&cart.address);
        if let Some(r) = po.request.as_mut() {
            adjust_order(&mut r.payload, picked.map(String::as_str), mistakes);
        }
        Ok(po)
    }

    /// Posts a PO and gives the answer's HTTP status and body. A 5xx answer
    /// (HTTP or cXML) is retried with the same document, so the same
    /// payloadID, after the Retry-After it names (at most 5 s), three
    /// attempts in all: what a well-behaved purchasing system does.
    async fn send_po(&self, body: String) -> anyhow::Result<(u16, String)> {
        let mut attempt = 1;
        loop {
            self.log(true, "OrderRequest", body.clone());
            let r = self
                .0
                .http
                .post(&self.0.settings.po_url)
                .header("content-type", "text/xml; charset=utf-8")
                .body(body.clone())
                .send()
                .await?;
            let http = r.status().as_u16();
            let wait = r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(1)
                .min(5);
            let answer = r.text().await.unwrap_or_default();
            self.log(false, "po-answer", answer.clone());
            let cxml = crate::cxml::read::read_status(answer.as_bytes()).map(|s| s.code);
            let server_error = http >= 500 || cxml.is_ok_and(|c| c >= 500);
            if !server_error || self.0.settings.mistakes.no_retry || attempt == 3 {
                return Ok((http, answer));
            }
            attempt += 1;
            tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
        }
    }

    /// A document from the simulator (confirmation, ship notice, invoice).
    pub fn receive_document(&self, kind: &str, body: &str) {
        self.log(false, kind.to_owned(), body.to_owned());
        let order_id = super::order_id_in(body);
        let notice = notice(kind, body);
        let mut book = self.0.book.lock().expect("book");
        if let Some(o) = book.orders.iter_mut().find(|o| o.order_id == order_id) {
            match kind {
                "confirmation" => o.confirmation = Some(notice),
                "shipnotice" => o.ship_notices.push(notice),
                _ => o.invoice = Some(notice),
            }
        }
    }
}

/// The delivery addresses a shopper of the store at `home` picks from:
/// Japan's offices, or the store's sample address on one line.
fn addresses(home: &crate::domain::marketplace::SampleAddress) -> Vec<String> {
    if home.iso_country_code == "JP" {
        return ADDRESSES.iter().map(|a| (*a).to_owned()).collect();
    }
    let region = home.state.as_deref().unwrap_or_default();
    let place = [home.city.as_str(), region, home.postal_code.as_str()]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    vec![format!(
        "{}, {}, {} ({})",
        home.street, place, home.country, home.deliver_to
    )]
}

/// Sends an order to the shopper's pick (its street, where the ShipTo has a
/// postal address and one was picked) and makes the mistakes asked for:
/// lines without their SupplierPartAuxiliaryID.
fn adjust_order(order: &mut OrderRequest, picked: Option<&str>, mistakes: Mistakes) {
    if let Some(address) = picked
        && let Some(pa) = order
            .header
            .ship_to
            .as_mut()
            .and_then(|s| s.address.postal_address.as_mut())
    {
        pa.street = smallvec::smallvec![address.into()];
    }
    if mistakes.drop_aux_id {
        for item in &mut order.items {
            item.item_id.supplier_part_auxiliary_id = None;
        }
    }
}

/// What a PO's answer means: the answer as the order page shows it, and
/// accepted (2xx in HTTP and, where the answer is cXML, in its Status) or
/// refused with the cXML code and message (or, for an answer that is not
/// cXML, the HTTP status and the answer's start).
fn judge_answer(http: u16, answer: &str) -> (String, PoOutcome) {
    match crate::cxml::read::read_status(answer.as_bytes()) {
        Ok(s) => {
            let outcome = if (200..300).contains(&http) && (200..300).contains(&s.code) {
                PoOutcome::Accepted
            } else {
                let reason = if s.message.trim().is_empty() {
                    s.text.clone()
                } else {
                    s.message.trim().to_owned()
                };
                PoOutcome::Refused {
                    code: s.code,
                    reason,
                }
            };
            (format!("HTTP {http} · cXML {} {}", s.code, s.text), outcome)
        }
        Err(_) if (200..300).contains(&http) => (format!("HTTP {http}"), PoOutcome::Accepted),
        Err(_) => (
            format!("HTTP {http}"),
            PoOutcome::Refused {
                code: http,
                reason: answer.chars().take(300).collect(),
            },
        ),
    }
}

/// What the order page shows of a received document.
fn notice(kind: &str, body: &str) -> Notice {
    let attr = |name: &str| {
        body.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .to_owned()
    };
    match kind {
        "confirmation" => Notice {
            id: attr("confirmID"),
            date: attr("noticeDate"),
            kind: attr("type"),
        },
        "shipnotice" => Notice {
            id: attr("shipmentID"),
            date: attr("shipmentDate"),
            kind: String::new(),
        },
        _ => Notice {
            id: attr("invoiceID"),
            date: attr("invoiceDate"),
            kind: String::new(),
        },
    }
}

#[cfg(test)]
mod tests;
