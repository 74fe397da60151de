//! The command-line tools that drive an absim from outside, as a CI job, a
//! QA engineer or a demo does: `absim run` (the scenario suite), `absim
//! verify`, `group`, `open-run` and `shop` (CI verdicts on a team's own
//! system), `absim lint`, `absim buyer` and `absim demo`, `absim bench`, and
//! the JUnit writer they share. They reach absim through its HTTP API, or
//! start one in-process; the server's own modules never import them.

pub mod bench;
pub mod ci;
pub mod demo;
pub mod junit;
pub mod lint;
pub mod suite;

use std::future::Future;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::Command;

/// Runs a tool's command to its end; the exit code says whether it passed.
/// `shutdown` stops the tools that keep serving (`buyer`, `demo`).
pub async fn execute(
    command: Command,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<ExitCode> {
    let passed = match command {
        Command::Serve(_) => anyhow::bail!("`serve` starts the server; it is not a tool"),
        Command::Bench(args) => bench::run(args).await.map(|()| true)?,
        Command::BenchFloor => bench::floor().await.map(|()| true)?,
        Command::Run(args) => suite::run_command(args).await?,
        Command::Buyer(b) => demo::buyer_command(b, shutdown).await.map(|()| true)?,
        Command::Group { action } => ci::group(action).await.map(|()| true)?,
        Command::OpenRun(args) => ci::open_run(args).await.map(|()| true)?,
        Command::Shop(args) => ci::shop(args).await.map(|()| true)?,
        Command::Verify(args) => ci::verify(args).await?,
        Command::Demo { addr, buyer_addr } => demo::demo_command(addr, buyer_addr, shutdown)
            .await
            .map(|()| true)?,
        Command::Lint { files } => {
            let (text, failed) = lint::lint_files(&files);
            print!("{text}");
            !failed
        }
    };
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// An HTTP client for absim's JSON API that sends the admin token, when
/// there is one, as a bearer header.
pub fn api_client(
    admin_token: Option<&str>,
    timeout: std::time::Duration,
) -> anyhow::Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(token) = admin_token {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))
            .context("the admin token must be printable ASCII")?;
        value.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, value);
    }
    Ok(reqwest::Client::builder()
        .timeout(timeout)
        .default_headers(headers)
        .build()?)
}

/// Calls absim's JSON API at `base`: the answer's status and its body as
/// JSON (a body that is not JSON comes back as a JSON string).
pub(crate) async fn call_api(
    http: &reqwest::Client,
    base: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> anyhow::Result<(reqwest::StatusCode, serde_json::Value)> {
    let mut req = http.request(method, format!("{base}{path}"));
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let r = req
        .send()
        .await
        .with_context(|| format!("reaching absim at {base} for {path}"))?;
    let status = r.status();
    let text = r.text().await?;
    let v = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    Ok((status, v))
}
