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

#[cfg(test)]
mod layers;
mod state;

use std::future::Future;

use tokio::net::TcpListener;

pub use config::Settings;
pub use state::{AppState, DEFAULT_GROUP, Inner, Outbox};

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
        let worker = tokio::spawn(
            outbound::deliver_until_stopped(state.clone(), stop_rx.clone()).in_current_span(),
        );
        let retention =
            tokio::spawn(retention::prune_until_stopped(state.clone(), stop_rx).in_current_span());
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
