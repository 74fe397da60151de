//! What a suite run talks to: the absim under test (a running one, or one
//! started in-process) and the buyer's endpoints that receive its
//! documents.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::Value;

use super::SuiteOptions;
use crate::buyer;
use crate::cxml::write;
use crate::domain::scenario::Scenarios;

/// Starts the buyer's endpoints and gives their base URL: they accept every
/// document with a cXML 200, except the first confirmation of an
/// endpoint-retry run, answered with an error.
pub(super) async fn start_endpoints() -> anyhow::Result<String> {
    use axum::body::Bytes;
    use axum::extract::State;
    let failed_once: Arc<Mutex<HashSet<String>>> = Arc::default();
    async fn receive(
        State(failed): State<Arc<Mutex<HashSet<String>>>>,
        body: Bytes,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
        let text = String::from_utf8_lossy(&body);
        // The order's id names the scenario: RUN-<scenario>-<n>.
        let order_id = buyer::order_id_in(&text);
        if order_id.starts_with("RUN-advanced-endpoint-retry")
            && text.contains("<ConfirmationRequest>")
            && failed.lock().expect("lock").insert(order_id)
        {
            return (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "temporarily down",
            )
                .into_response();
        }
        let answer =
            write::status_document(&buyer::payload_id("answer"), &crate::cxml::Status::ok());
        ([("content-type", "text/xml; charset=utf-8")], answer).into_response()
    }
    let app = axum::Router::new()
        .route("/cxml/{kind}", axum::routing::post(receive))
        .with_state(failed_once);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(base)
}

/// A running absim the run talks to.
pub(super) struct Target {
    pub(super) base: String,
    pub(super) identity: String,
    pub(super) secret: String,
    pub(super) http: reqwest::Client,
}

impl Target {
    pub(super) async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let (status, v) =
            crate::buyer::api::call_api(&self.http, &self.base, method, path, body).await?;
        if !status.is_success() {
            bail!("{path} answered {status}: {v}");
        }
        Ok(v)
    }

    pub(super) async fn post_xml(&self, path: &str, body: String) -> anyhow::Result<(u16, String)> {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        let r = self
            .http
            .post(url)
            .header("content-type", "text/xml; charset=utf-8")
            .body(body)
            .send()
            .await?;
        Ok((r.status().as_u16(), r.text().await?))
    }
}

/// A running absim at `base`: its default group's credentials (unless
/// given) and the scenarios it plays, read from the same place it reads
/// them.
pub(super) async fn reach(
    base: &str,
    options: &SuiteOptions,
    http: reqwest::Client,
) -> anyhow::Result<(Target, Scenarios)> {
    let base = base.trim_end_matches('/').to_owned();
    let answer = http
        .get(format!("{base}/api/v1/groups/1"))
        .send()
        .await
        .with_context(|| format!("reaching {base}"))?;
    if answer.status() == reqwest::StatusCode::UNAUTHORIZED {
        bail!("{base} needs its admin token: pass --admin-token or set ABSIM_ADMIN_TOKEN");
    }
    let g: Value = serde_json::from_str(&answer.text().await?)
        .with_context(|| format!("{base} did not answer its API"))?;
    let identity = options
        .identity
        .clone()
        .or_else(|| g["identity"].as_str().map(str::to_owned))
        .context("the target's system login (--identity)")?;
    let secret = options
        .shared_secret
        .clone()
        .or_else(|| g["shared_secret"].as_str().map(str::to_owned))
        .context("the target's password (--shared-secret)")?;
    let scenarios = match &options.scenarios_dir {
        Some(dir) => Scenarios::load_dir(dir)?,
        None => Scenarios::embedded()?,
    };
    let target = Target {
        base,
        identity,
        secret,
        http,
    };
    Ok((target, scenarios))
}

/// An absim started in this process, in memory, on a free port.
pub(super) struct InProcess {
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<()>,
}

impl InProcess {
    /// Stops the server and waits for it.
    pub(super) async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
    }
}

/// Starts an absim in memory whose documents follow a PO at once and whose
/// scenario delays are skipped, so the catalogue runs quickly; retries are
/// short for the same reason.
pub(super) async fn start_in_process(
    options: &SuiteOptions,
    http: reqwest::Client,
) -> anyhow::Result<(Target, Scenarios, InProcess)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let settings = crate::Settings {
        addr,
        base_url: format!("http://{addr}"),
        data_dir: None,
        confirmation_delay: Duration::ZERO,
        ship_notice_delay: Duration::ZERO,
        retry: crate::domain::delivery::RetryPolicy {
            attempts: 3,
            base: Duration::from_millis(200),
            jitter_percent: 0,
        },
        scenarios: options.scenarios_dir.clone(),
        scenario_delay_scale: 0.0,
        ..crate::Settings::default()
    };
    let state = crate::AppState::new(settings).await?;
    let g = state.default_group().await?;
    let scenarios = state.scenarios.clone();
    let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = crate::serve(listener, state, async {
            let _ = stop_rx.await;
        })
        .await;
    });
    let target = Target {
        base: format!("http://{addr}"),
        identity: g.identity,
        secret: g.shared_secret,
        http,
    };
    Ok((target, scenarios, InProcess { stop, server }))
}
