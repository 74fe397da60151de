//! absim: an offline Amazon Business test-mode simulator.
//!
//! How a purchase order travels: `web::po` takes the body -> `cxml::read`
//! reads it with its deviations -> `domain::order` authenticates and checks it
//! -> `store` records it -> the `200 OK` leaves -> `outbound` produces the
//! confirmation and the ship notice, posts them to the buyer and records each
//! answer -> `web::testing` shows the same records in the test log. Nothing
//! travels back up: `cxml` and `domain` never import `web` or `store`.

pub mod buyer;
pub mod cli;
pub mod clock;
pub mod config;
pub mod cxml;
pub mod domain;
pub mod fixtures;
pub mod i18n;
pub mod mailer;
pub mod metrics;
pub mod oci;
pub mod outbound;
pub mod process;
pub mod retention;
pub mod store;
pub mod tools;
pub mod web;

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

pub use config::Settings;
use cxml::write::PayloadIds;
use domain::Catalog;
use outbound::Outbox;
use store::Store;

/// The group made at the first start, which `--identity` and the other
/// start-up flags set.
pub const DEFAULT_GROUP: u32 = 1;

/// Shared state: one cheap handle, cloned into every handler and the worker.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub settings: Settings,
    pub store: Store,
    /// Read-only after start: no lock needed.
    pub catalog: Catalog,
    /// The test scenarios, read-only after start.
    pub scenarios: domain::scenario::Catalogue,
    pub outbox: Outbox,
    pub payload_ids: PayloadIds,
    /// Due times of the durable queue follow this clock.
    pub clock: clock::Clock,
    /// One pooled client for every outbound post.
    pub http: reqwest::Client,
    /// Counters and histograms for `/metrics`.
    pub metrics: metrics::Metrics,
    /// Set when shutdown begins: `/readyz` answers 503 and answers carry
    /// `Connection: close`, so that load balancers move away.
    pub draining: std::sync::atomic::AtomicBool,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Builds the state: loads the catalogue and opens the store, creating
    /// the default group with the configured credentials if there is none.
    pub async fn new(settings: Settings) -> anyhow::Result<AppState> {
        let catalog = match &settings.catalog {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading the catalogue {}", path.display()))?;
                Catalog::parse(&text, &path.display().to_string())?
            }
            None => Catalog::embedded(),
        };
        let scenarios = match &settings.scenarios {
            Some(dir) => domain::scenario::Catalogue::load_dir(dir),
            None => domain::scenario::Catalogue::embedded(),
        }
        .map_err(|e| anyhow::anyhow!("a scenario file is invalid: {e}"))?;
        if let Some(id) = &settings.identity {
            domain::account::validate_identity(id).map_err(anyhow::Error::msg)?;
        }
        if let Some(secret) = &settings.shared_secret {
            domain::account::validate_secret(secret).map_err(anyhow::Error::msg)?;
        }
        let confirmation_url = settings
            .order_confirmation_url
            .as_deref()
            .map(domain::account::validate_endpoint)
            .transpose()
            .map_err(anyhow::Error::msg)?
            .flatten();
        let invoice_url = settings
            .invoice_url
            .as_deref()
            .map(domain::account::validate_endpoint)
            .transpose()
            .map_err(anyhow::Error::msg)?
            .flatten();
        let ship_notice_url = settings
            .ship_notice_url
            .as_deref()
            .map(domain::account::validate_endpoint)
            .transpose()
            .map_err(anyhow::Error::msg)?
            .flatten();
        if let Some(dir) = &settings.data_dir
            && settings.database_url.is_none()
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the data dir {}", dir.display()))?;
        }
        let (seed_identity, seed_secret) =
            (settings.identity.clone(), settings.shared_secret.clone());
        let location = settings.location();
        let store = Store::open(
            store::StoreConfig {
                location: location.clone(),
                durability: settings.durability,
                replica: settings.replica_id.clone(),
                // A claim outlives the longest post (the outbound timeout)
                // by a margin, so that it is never taken over mid-post.
                lease: settings.outbound_timeout + std::time::Duration::from_secs(5),
            },
            move |g| {
                if let Some(id) = seed_identity {
                    g.identity = id;
                }
                if let Some(s) = seed_secret {
                    g.shared_secret = s;
                }
            },
        )
        .await
        .with_context(|| match &location {
            store::Location::Postgres(url) => format!("opening the PostgreSQL database {url}"),
            store::Location::File(path) => format!("opening the database {}", path.display()),
            store::Location::Memory => "opening the in-memory database".to_owned(),
        })?;
        // Flags given at this start win over what the database remembers.
        let faults = settings.faults.clone();
        let cxml_errors = settings.cxml_errors;
        let (identity, secret) = (settings.identity.clone(), settings.shared_secret.clone());
        store
            .update_group(DEFAULT_GROUP, move |g| {
                if let Some(id) = identity {
                    g.identity = id;
                }
                if let Some(s) = secret {
                    g.shared_secret = s;
                }
                if confirmation_url.is_some() {
                    g.order_confirmation_url = confirmation_url;
                }
                if ship_notice_url.is_some() {
                    g.ship_notice_url = ship_notice_url;
                }
                if invoice_url.is_some() {
                    g.invoice_url = invoice_url;
                }
                if let Some(plan) = faults {
                    g.faults = plan;
                }
                if let Some(form) = cxml_errors {
                    g.cxml_errors = form;
                }
                Ok(())
            })
            .await
            .map_err(|e| anyhow::anyhow!(e.message()))?;
        let http = reqwest::Client::builder()
            .timeout(settings.outbound_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("building the HTTP client")?;
        let host = url::Url::parse(&settings.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "absim.local".into());
        let payload_ids = PayloadIds::new(&settings.replica_id, format!("absim.{host}"));
        let metrics = metrics::Metrics::new(&settings.replica_id, store.engine());
        Ok(AppState(Arc::new(Inner {
            settings,
            store,
            catalog,
            scenarios,
            outbox: Outbox::default(),
            metrics,
            draining: Default::default(),
            payload_ids,
            clock: clock::Clock::new(),
            http,
        })))
    }

    /// The default group (the first, made at the first start).
    pub async fn default_group(&self) -> Result<domain::Group, store::StoreError> {
        self.store
            .group(DEFAULT_GROUP)
            .await?
            .map(Arc::unwrap_or_clone)
            .ok_or_else(|| store::StoreError::Corrupt("the default group is missing".into()))
    }

    pub fn punchout_url(&self) -> String {
        format!("{}/eprocurement/punchout", self.settings.base_url)
    }

    /// Whether the API may post a cart to this hook URL server-side: only
    /// to hosts the operator allowed.
    pub fn hook_allowed(&self, hook: &str) -> bool {
        url::Url::parse(hook)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned())
            })
            .is_some_and(|h| self.settings.allowed_hook_hosts.contains(&h))
    }

    /// Shutdown begins: `/readyz` fails at once, requests are still served
    /// for `--shutdown-grace` (a load balancer's next check moves traffic
    /// away), then the listener may close.
    pub async fn begin_drain(&self) {
        self.draining
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let grace = self.settings.shutdown_grace;
        tracing::info!(
            grace_secs = grace.as_secs_f64(),
            "shutting down: /readyz answers 503, requests are still served for the grace period"
        );
        tokio::time::sleep(grace).await;
        tracing::info!("closing the listener; finishing the requests in flight");
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn po_url(&self, group: &domain::Group) -> String {
        format!("{}/po/{}", self.settings.base_url, group.po_token)
    }
}

/// The whole HTTP application.
pub fn app(state: AppState) -> axum::Router {
    web::router(state)
}

/// How long a client may take to send a request's headers (slowloris), and
/// how long an idle keep-alive connection stays open (as nginx does); the
/// body and the handling are bounded by `--request-timeout`.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Serves HTTP/1.1 on `listener` until `shutdown`, then lets requests in
/// flight finish. This is `axum::serve` plus what it cannot configure: a
/// timer, so that hyper closes connections whose headers do not arrive
/// within [`HEADER_READ_TIMEOUT`].
pub async fn serve_http(
    listener: TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tracing::Instrument;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, go on.
                        tracing::warn!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = hyper_util::service::TowerToHyperService::new(app.clone());
                let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                // Each connection logs under the caller's span (the replica).
                tokio::spawn(
                    async move {
                        let _ = conn.await;
                    }
                    .in_current_span(),
                );
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Serves `state` on `listener` with the delivery worker and the
/// retention pass until `shutdown` completes. Then: `/readyz` fails for
/// `--shutdown-grace` while requests are still served, the listener
/// closes, requests in flight finish, the worker finishes its posts, and
/// the store commits and closes; each step is logged. Every log line of
/// this process names its replica.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    use tracing::Instrument;
    let span = tracing::info_span!("replica", id = %state.settings.replica_id);
    async move {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let worker =
            tokio::spawn(outbound::run_worker(state.clone(), stop_rx.clone()).in_current_span());
        let retention = tokio::spawn(retention::run(state.clone(), stop_rx).in_current_span());
        let draining = state.clone();
        let shutdown = async move {
            shutdown.await;
            draining.begin_drain().await;
        };
        serve_http(listener, app(state.clone()), shutdown).await;
        tracing::info!("connections drained; stopping the delivery worker");
        let _ = stop_tx.send(true);
        let _ = worker.await;
        let _ = retention.await;
        let queued = state
            .store
            .queue_stats()
            .await
            .map(|q| q.depth)
            .unwrap_or(0);
        // Everything accepted is committed; stop the writer cleanly.
        state.store.close().await;
        tracing::info!(
            deliveries_queued = queued,
            "absim stopped; queued deliveries stay in the database for the next start"
        );
        Ok(())
    }
    .instrument(span)
    .await
}
