//! `absim buyer` and `absim demo`: the reference buyer on its own, and
//! absim with the buyer in one process, the basic order run headlessly so
//! that a newcomer sees a complete flow (and a filled test log) in seconds.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

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
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let demo = start(addr, buyer_addr).await?;
    println!("absim demo: the basic order ran end to end.");
    println!("  購買システム (buyer):       {}/", demo.buyer);
    println!("  購入通知 (administrator):   {}/admin", demo.buyer);
    println!("  テストログ (test log entry): {}", demo.entry);
    println!("  absim:                      {}/", demo.absim);
    println!("Ctrl-C stops both.");
    shutdown.await;
    demo.stop().await;
    Ok(())
}

/// A running demo: absim and the buyer, with the basic order done.
pub struct Demo {
    pub absim: String,
    pub buyer: String,
    /// The test log entry of the basic order.
    pub entry: String,
    pub buyer_handle: Buyer,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
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
/// ship notice.
pub async fn start(absim_addr: SocketAddr, buyer_addr: SocketAddr) -> anyhow::Result<Demo> {
    let listener = TcpListener::bind(absim_addr)
        .await
        .context("binding absim")?;
    let addr = listener.local_addr()?;
    let settings = Settings {
        addr,
        base_url: format!("http://{addr}"),
        data_dir: None,
        confirmation_delay: Duration::from_secs(1),
        ship_notice_delay: Duration::from_secs(1),
        ..Settings::default()
    };
    let state = AppState::new(settings).await?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let run_state = state.clone();
    let absim_task = tokio::spawn(async move {
        let _ = crate::serve(listener, run_state, async {
            let _ = stop_rx.await;
        })
        .await;
    });
    let absim = format!("http://{addr}");

    let buyer_listener = TcpListener::bind(buyer_addr)
        .await
        .context("binding the buyer")?;
    let buyer_base = format!("http://{}", buyer_listener.local_addr()?);
    let buyer = Buyer::new(web::connect(&absim, &buyer_base, None, &Default::default()).await?);
    let app = web::app(buyer.clone());
    let buyer_task = tokio::spawn(async move {
        let _ = axum::serve(buyer_listener, app).await;
    });

    // The basic order, headless.
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
    let order = buyer.pay(cart).await?;
    // Wait for the confirmation and the ship notice to reach the buyer.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let o = buyer.orders().into_iter().find(|o| o.id == order);
        if o.is_some_and(|o| o.confirmation.is_some() && !o.ship_notices.is_empty()) {
            break;
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "the confirmation and ship notice did not arrive within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (orders, _) = state.store.orders(1, &Default::default(), 1).await?;
    let no = orders
        .first()
        .map(|o| o.no)
        .context("the order is in the test log")?;
    Ok(Demo {
        entry: format!("{absim}/groups/1/log/{no}"),
        absim,
        buyer: buyer_base,
        buyer_handle: buyer,
        state,
        stop: Some(stop_tx),
        tasks: vec![absim_task, buyer_task],
    })
}
