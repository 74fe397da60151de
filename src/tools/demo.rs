//! `absim buyer` and `absim demo`: the reference buyer on its own, and
//! absim with the buyer in one process, the basic order run headlessly so
//! that a newcomer sees a complete flow (and a filled test log) in seconds.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::buyer::system::OrderView;
use crate::buyer::web::{self, Buyer};
use crate::cli::BuyerArgs;
use crate::{AppState, Settings};

/// Serves the reference buyer against a running simulator until `shutdown`.
pub async fn buyer(
    addr: SocketAddr,
    simulator: &str,
    admin_token: Option<&str>,
    options: web::BuyerOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let settings = web::connect(simulator, &base, admin_token, &options).await?;
    println!("absim buyer (参照用購買システム): {base}/");
    println!("  管理者 (購入通知): {base}/admin");
    println!("  simulator: {}", settings.simulator);
    let buyer = Buyer::new(settings);
    if let Some(email) = &options.email {
        buyer.register(email);
    }
    axum::serve(listener, web::app(buyer))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// `absim buyer`: the reference buyer against a running absim until
/// `shutdown`.
pub async fn buyer_command(
    b: BuyerArgs,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let options = web::BuyerOptions {
        group: b.group,
        auto_pay: b.auto_pay,
        mistakes: web::Mistakes::parse(&b.mistakes).map_err(anyhow::Error::msg)?,
        email: b.email,
    };
    buyer(
        b.addr,
        &b.simulator,
        b.admin_token.as_deref(),
        options,
        shutdown,
    )
    .await
}

/// `absim demo`: absim and the buyer with the basic order done, serving
/// until `shutdown`.
pub async fn demo_command(
    addr: SocketAddr,
    buyer_addr: SocketAddr,
    marketplace: &str,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let demo = start(addr, buyer_addr, marketplace).await?;
    println!("absim demo: the basic order ran end to end.");
    println!("  marketplace:                {}", demo.marketplace);
    println!("  購買システム (buyer):       {}/", demo.buyer);
    println!("  購入通知 (administrator):   {}/admin", demo.buyer);
    println!("  テストログ (test log entry): {}", demo.entry);
    println!("  absim:                      {}/", demo.absim);
    println!("Ctrl-C stops both.");
    shutdown.await;
    demo.stop().await;
    Ok(())
}

/// Stops the demo's absim.
type Stop = tokio::sync::oneshot::Sender<()>;
/// A server of the demo, serving.
type Task = tokio::task::JoinHandle<()>;

/// A running demo: absim and the buyer, with the basic order done.
pub struct Demo {
    /// The store the demo's group buys in, and its name.
    pub marketplace: String,
    pub absim: String,
    pub buyer: String,
    /// The test log entry of the basic order.
    pub entry: String,
    pub buyer_handle: Buyer,
    pub state: AppState,
    stop: Option<Stop>,
    tasks: Vec<Task>,
}

impl Demo {
    /// Stops both servers.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        for t in self.tasks.drain(..) {
            t.abort();
            let _ = t.await;
        }
    }
}

/// Starts absim (in memory) and the buyer, and runs the basic order
/// headlessly through the buyer: register, 買い物をする, a cart with the
/// guide's desk returned to the buyer, 決済する, then the confirmation and the
/// ship notice; the group buys in `marketplace`, the buyer ships to its
/// sample address.
pub async fn start(
    absim_addr: SocketAddr,
    buyer_addr: SocketAddr,
    marketplace: &str,
) -> anyhow::Result<Demo> {
    let (state, absim, stop, absim_task) = start_absim(absim_addr, marketplace).await?;
    let (buyer, buyer_base, buyer_task) = start_buyer(buyer_addr, &absim).await?;
    let order = place_basic_order(&buyer, &absim).await?;
    await_documents(&buyer, order).await?;
    let (orders, _) = state.store.orders(1, &Default::default(), 1).await?;
    let no = orders
        .first()
        .map(|o| o.no)
        .context("the order is in the test log")?;
    let group = state.default_group().await?;
    let market = state.market(&group);
    Ok(Demo {
        marketplace: format!("{} ({})", market.code, market.name),
        entry: format!("{absim}/groups/1/log/{no}"),
        absim,
        buyer: buyer_base,
        buyer_handle: buyer,
        state,
        stop: Some(stop),
        tasks: vec![absim_task, buyer_task],
    })
}

/// absim in memory, serving until the sender is used; its documents follow
/// a PO after a second, so that the demo shows them arriving. Its default
/// group buys in `marketplace`, as `--marketplace` sets it.
async fn start_absim(
    addr: SocketAddr,
    marketplace: &str,
) -> anyhow::Result<(AppState, String, Stop, Task)> {
    let listener = TcpListener::bind(addr).await.context("binding absim")?;
    let addr = listener.local_addr()?;
    let settings = Settings {
        addr,
        base_url: format!("http://{addr}"),
        data_dir: None,
        confirmation_delay: Duration::from_secs(1),
        ship_notice_delay: Duration::from_secs(1),
        marketplace: Some(marketplace.to_owned()),
        ..Settings::default()
    };
    let state = AppState::new(settings).await?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let run_state = state.clone();
    let task = tokio::spawn(async move {
        let _ = crate::serve(listener, run_state, async {
            let _ = stop_rx.await;
        })
        .await;
    });
    Ok((state, format!("http://{addr}"), stop_tx, task))
}

/// The reference buyer, connected to the absim at `absim`.
async fn start_buyer(addr: SocketAddr, absim: &str) -> anyhow::Result<(Buyer, String, Task)> {
    let listener = TcpListener::bind(addr).await.context("binding the buyer")?;
    let base = format!("http://{}", listener.local_addr()?);
    let buyer = Buyer::new(web::connect(absim, &base, None, &Default::default()).await?);
    let app = web::app(buyer.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((buyer, base, task))
}

/// The shopper's part, headless: register, punch out, put the guide's desk
/// in the cart, return it to the buyer, and pay; gives the buyer's order.
async fn place_basic_order(buyer: &Buyer, absim: &str) -> anyhow::Result<usize> {
    buyer.register("demo.user@example.co.jp");
    let start = buyer.shop("demo.user@example.co.jp").await?;
    let sid = start.rsplit('/').next().unwrap_or_default().to_owned();
    let http = reqwest::Client::new();
    http.put(format!("{absim}/api/v1/sessions/{sid}/cart"))
        .header("content-type", "application/json")
        .body(r#"{"lines":[{"asin":"B087JWRCP5","quantity":1}]}"#)
        .send()
        .await?
        .error_for_status()?;
    http.post(format!("{absim}/api/v1/sessions/{sid}/checkout"))
        .header("content-type", "application/json")
        .body(r#"{"post":true}"#)
        .send()
        .await?
        .error_for_status()?;
    let cart = buyer
        .carts()
        .last()
        .map(|c| c.id)
        .context("the cart reached the buyer")?;
    buyer.pay(cart).await
}

/// Waits (up to 30 s) for the confirmation and the ship notice of `order`
/// to reach the buyer.
async fn await_documents(buyer: &Buyer, order: usize) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let o = buyer.orders().into_iter().find(|o| o.id == order);
        if o.is_some_and(|o| documents_arrived(&o)) {
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "the confirmation and ship notice did not arrive within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The basic order is through once its confirmation and a ship notice have
/// arrived.
fn documents_arrived(order: &OrderView) -> bool {
    order.confirmation.is_some() && !order.ship_notices.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buyer::system::{Amounts, Notice, PoOutcome};

    fn order() -> OrderView {
        OrderView {
            id: 1,
            order_id: "BOT-1-1".into(),
            email: String::new(),
            address: String::new(),
            at: String::new(),
            placed: std::time::Instant::now(),
            answer: String::new(),
            outcome: PoOutcome::Accepted,
            lines: Vec::new(),
            amounts: Amounts::default(),
            confirmation: None,
            ship_notices: Vec::new(),
            invoice: None,
        }
    }

    fn notice() -> Notice {
        Notice {
            id: "n".into(),
            date: String::new(),
            kind: String::new(),
        }
    }

    #[test]
    fn the_basic_order_is_through_once_a_confirmation_and_a_ship_notice_arrived() {
        let mut o = order();
        assert!(!documents_arrived(&o));
        o.confirmation = Some(notice());
        assert!(!documents_arrived(&o), "a confirmation alone");
        o.ship_notices.push(notice());
        assert!(documents_arrived(&o));
        o.confirmation = None;
        assert!(!documents_arrived(&o), "a ship notice alone");
    }
}
