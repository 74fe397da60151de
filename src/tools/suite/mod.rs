//! `absim run`: runs scenarios end to end with the reference buyer, against
//! an absim started in-process (in memory, on a free port) or a running one
//! (`--target`), in parallel where asked, and reports each scenario's
//! automatic checks: a readable summary, JUnit XML and JSON.
//!
//! The buyer drives punchouts and POs over cXML as a procurement system does,
//! and the cart through the JSON API. Its endpoints for confirmations, ship
//! notices and invoices are a small server the runner starts; for a running
//! absim the runner points the group's endpoints at it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;
use serde_json::{Value, json};

use crate::buyer::{self, BuyerConfig};
use crate::cxml::order_message::{ItemIn, PunchOutOrderMessage};
use crate::cxml::order_request::OrderRequest;
use crate::cxml::{Cxml, Extrinsic, read, write};
use crate::domain::scenario::{Expectation, Scenario};

/// What `absim run` was asked.
#[derive(Debug, Clone, Default)]
pub struct SuiteOptions {
    /// Scenario ids; empty with `all` for every scenario.
    pub scenarios: Vec<String>,
    pub all: bool,
    /// A running absim (base URL); None starts one in-process.
    pub target: Option<String>,
    pub identity: Option<String>,
    pub shared_secret: Option<String>,
    pub jobs: usize,
    /// Where the in-process absim reads scenario files (None: embedded).
    pub scenarios_dir: Option<std::path::PathBuf>,
    /// How long one scenario may wait for its documents.
    pub timeout: Duration,
    /// The target's admin token, when it has one.
    pub admin_token: Option<String>,
}

/// One scenario's result.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    pub id: String,
    pub section: String,
    pub name: String,
    pub passed: bool,
    /// The failed checks' sentences (or why the run could not finish).
    pub failures: Vec<String>,
    pub seconds: f64,
    /// The log entry the scenario produced, if any.
    pub entry: Option<u64>,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteReport {
    pub target: String,
    pub results: Vec<ScenarioResult>,
    pub seconds: f64,
}

impl SuiteReport {
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| !r.passed).count()
    }

    /// The readable summary `absim run` prints.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for r in &self.results {
            out.push_str(&format!(
                "{} {} ({:.1} s) {}\n",
                if r.passed { "PASS" } else { "FAIL" },
                r.id,
                r.seconds,
                r.name
            ));
            for f in &r.failures {
                out.push_str(&format!("     - {f}\n"));
            }
        }
        out.push_str(&format!(
            "\n{} passed, {} failed\n",
            self.results.len() - self.failed(),
            self.failed()
        ));
        out
    }

    /// JUnit XML: one testcase per scenario, failures with the check
    /// sentences.
    pub fn junit(&self) -> String {
        crate::tools::junit::write(
            "absim",
            &[crate::tools::junit::Suite {
                name: "absim scenarios".into(),
                seconds: self.seconds,
                cases: self
                    .results
                    .iter()
                    .map(|r| crate::tools::junit::Case {
                        classname: format!("absim.{}", r.section),
                        name: format!("{}: {}", r.id, r.name),
                        seconds: r.seconds,
                        failures: if r.passed {
                            Vec::new()
                        } else if r.failures.is_empty() {
                            vec!["failed".into()]
                        } else {
                            r.failures.clone()
                        },
                    })
                    .collect(),
            }],
        )
    }
}

/// The buyer's endpoints: accept every document with a cXML 200, except
/// the first confirmation of an endpoint-retry run, answered with an error.
struct Endpoints {
    base: String,
    failed_once: Arc<Mutex<HashSet<String>>>,
}

async fn start_endpoints() -> anyhow::Result<Endpoints> {
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
        let order_id = text
            .split("orderID=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .to_owned();
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
        .with_state(failed_once.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Endpoints { base, failed_once })
}

/// A running absim the run talks to.
struct Target {
    base: String,
    identity: String,
    secret: String,
    http: reqwest::Client,
}

impl Target {
    async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let (status, v) =
            crate::tools::call_api(&self.http, &self.base, method, path, body).await?;
        if !status.is_success() {
            bail!("{path} answered {status}: {v}");
        }
        Ok(v)
    }

    async fn post_xml(&self, path: &str, body: String) -> anyhow::Result<(u16, String)> {
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

const DESK: &str = "B087JWRCP5";
const PEN: &str = "B001TK8QMA";

/// The cart a scenario's buyer builds.
fn items_for(s: &Scenario) -> Vec<(&'static str, u32)> {
    if s.shipping_yen.is_some() {
        // Below the free-shipping threshold, so that shipping is charged.
        vec![(PEN, 1)]
    } else {
        vec![(DESK, 1), (PEN, 3)]
    }
}

async fn open(
    t: &Target,
    cfg: &BuyerConfig,
    operation: &str,
    cart: &[ItemIn],
    scenario: &str,
) -> anyhow::Result<String> {
    let setup = buyer::setup_request(
        cfg,
        operation,
        &format!("run-{scenario}"),
        cart,
        Some(scenario),
    );
    let (status, body) = t.post_xml("/eprocurement/punchout", setup).await?;
    if status != 200 {
        bail!("the punchout ({operation}) was answered {status}: {body}");
    }
    let doc = read::<crate::cxml::punchout_setup::PunchOutSetupResponse>(body.as_bytes())?;
    let url = doc
        .doc
        .payload()
        .map(|p| p.start_page.url.clone())
        .context("a StartPage")?;
    Ok(url.rsplit('/').next().unwrap_or_default().to_owned())
}

async fn checkout(
    t: &Target,
    sid: &str,
    empty: bool,
) -> anyhow::Result<Cxml<PunchOutOrderMessage>> {
    let v = t
        .json(
            reqwest::Method::POST,
            &format!("/api/v1/sessions/{sid}/checkout"),
            Some(json!({ "empty": empty })),
        )
        .await?;
    let xml = v["punch_out_order_message"]
        .as_str()
        .context("a PunchOutOrderMessage")?;
    Ok(read::<PunchOutOrderMessage>(xml.as_bytes())?.doc)
}

async fn set_cart(t: &Target, sid: &str, items: &[(&str, u32)]) -> anyhow::Result<()> {
    let lines: Vec<Value> = items
        .iter()
        .map(|(a, q)| json!({ "asin": a, "quantity": q }))
        .collect();
    t.json(
        reqwest::Method::PUT,
        &format!("/api/v1/sessions/{sid}/cart"),
        Some(json!({ "lines": lines })),
    )
    .await?;
    Ok(())
}

/// Runs one scenario as a well-behaved buyer; returns the failures.
async fn play_one(
    t: &Target,
    cfg: &BuyerConfig,
    po_url: &str,
    s: &Scenario,
    n: usize,
    timeout: Duration,
) -> anyhow::Result<(Vec<String>, Option<u64>)> {
    let id = s.id.as_str();
    let order_id = format!("RUN-{id}-{n}-{}", std::process::id());
    let sid = open(t, cfg, "create", &[], id).await?;
    set_cart(t, &sid, &items_for(s)).await?;
    if s.expect.contains(&Expectation::NoOrder) {
        let cart = checkout(t, &sid, true).await?;
        let m = cart.message.as_ref().context("a Message")?;
        let mut failures = Vec::new();
        if !m.payload.items.is_empty() {
            failures.push("the empty cart came back with items".to_owned());
        }
        if m.status.as_ref().map(|s| s.code) != Some(204) {
            failures.push("the empty cart's PunchOutOrderMessage has no Status 204".to_owned());
        }
        // A well-behaved buyer sends no PO.
        return Ok((failures, None));
    }
    let mut cart = checkout(t, &sid, false).await?;
    if s.expect.contains(&Expectation::EditSetup) || s.expect.contains(&Expectation::InspectSetup) {
        let items = cart.payload().context("a cart")?.items.clone();
        let operation = if s.expect.contains(&Expectation::EditSetup) {
            "edit"
        } else {
            "inspect"
        };
        let again = open(t, cfg, operation, &items, id).await?;
        if operation == "edit" {
            set_cart(t, &again, &[(PEN, 2)]).await?;
        }
        let returned = checkout(t, &again, false).await?;
        if operation == "edit" {
            cart = returned;
        }
    }
    let mut po: Cxml<OrderRequest> = buyer::order_request(
        cfg,
        cart.payload().context("a cart")?,
        &order_id,
        &format!("{order_id}.1@runner.absim"),
    );
    let request = &mut po.request.as_mut().context("a Request")?.payload;
    request
        .header
        .extrinsics
        .push(Extrinsic::new("absim.scenario", id));
    let mut twice = false;
    match s.refusal.as_deref() {
        Some("001-001") => request.header.kind = Some("update".into()),
        Some("001-005") => request.header.ship_to = None,
        Some("409") => twice = true,
        Some("401") => {
            if let Some(h) = po.header.as_mut()
                && let Some(c) = h.sender.credentials.first_mut()
            {
                c.shared_secret = Some("wrongSecret1".into());
            }
        }
        _ => {}
    }
    let (mut status, mut answer) = t.post_xml(po_url, write::document(&po)).await?;
    // A refusal may come as HTTP 200 with the code only in the cXML Status.
    let code = |status: u16, answer: &str| {
        crate::cxml::read::read_status(answer.as_bytes()).map_or(status, |s| s.code)
    };
    if (500..600).contains(&code(status, &answer))
        && s.expect.contains(&Expectation::RetriedAfterFault)
    {
        // The same document again: the same payloadID.
        (status, answer) = t.post_xml(po_url, write::document(&po)).await?;
    }
    if twice {
        po.payload_id = compact_str::format_compact!("{order_id}.2@runner.absim");
        (status, answer) = t.post_xml(po_url, write::document(&po)).await?;
    }
    let _ = (status, answer);
    // The entry, then its verdict once the documents are through.
    let list = t
        .json(
            reqwest::Method::GET,
            &format!("/api/v1/groups/1/orders?po={order_id}&limit=1"),
            None,
        )
        .await?;
    let no = list["orders"][0]["no"]
        .as_u64()
        .with_context(|| format!("no log entry for {order_id}"))?;
    let started = Instant::now();
    loop {
        let detail = t
            .json(
                reqwest::Method::GET,
                &format!("/api/v1/groups/1/orders/{no}"),
                None,
            )
            .await?;
        let verdict = detail["verdict"].as_str().unwrap_or_default();
        if verdict != "pending" {
            let failures = detail["checks"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["outcome"] == "fail")
                .map(|c| c["en"].as_str().unwrap_or_default().to_owned())
                .collect();
            return Ok((failures, Some(no)));
        }
        if started.elapsed() > timeout {
            bail!(
                "the documents of entry {no} were not through within {} s",
                timeout.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs the scenarios and gives the report.
pub async fn play(options: SuiteOptions) -> anyhow::Result<SuiteReport> {
    let started = Instant::now();
    let endpoints = start_endpoints().await?;
    let http = crate::tools::api_client(options.admin_token.as_deref(), Duration::from_secs(30))?;
    // The absim to run against: in-process unless a target is given.
    let (target, scenarios, _server) = match &options.target {
        Some(base) => {
            let base = base.trim_end_matches('/').to_owned();
            let answer = http
                .get(format!("{base}/api/v1/groups/1"))
                .send()
                .await
                .with_context(|| format!("reaching {base}"))?;
            if answer.status() == reqwest::StatusCode::UNAUTHORIZED {
                anyhow::bail!(
                    "{base} needs its admin token: pass --admin-token or set ABSIM_ADMIN_TOKEN"
                );
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
                Some(dir) => crate::domain::scenario::Catalogue::load_dir(dir)?,
                None => crate::domain::scenario::Catalogue::embedded()?,
            };
            (
                Target {
                    base,
                    identity,
                    secret,
                    http: http.clone(),
                },
                scenarios,
                None,
            )
        }
        None => {
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
            let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
            let run_state = state.clone();
            let server = tokio::spawn(async move {
                let _ = crate::serve(listener, run_state, async {
                    let _ = stop_rx.await;
                })
                .await;
            });
            (
                Target {
                    base: format!("http://{addr}"),
                    identity: g.identity,
                    secret: g.shared_secret,
                    http: http.clone(),
                },
                scenarios,
                Some((stop_tx, server)),
            )
        }
    };
    // The buyer's endpoints for this run.
    target
        .json(
            reqwest::Method::PATCH,
            "/api/v1/groups/1",
            Some(json!({
                "order_confirmation_url": format!("{}/cxml/confirmation", endpoints.base),
                "ship_notice_url": format!("{}/cxml/shipnotice", endpoints.base),
                "invoice_url": format!("{}/cxml/invoice", endpoints.base),
            })),
        )
        .await?;
    let group = target
        .json(reqwest::Method::GET, "/api/v1/groups/1", None)
        .await?;
    let po_url = group["po_request_url"]
        .as_str()
        .context("a PO Request URL")?
        .to_owned();

    let chosen: Vec<Scenario> = if options.all || options.scenarios.is_empty() {
        crate::domain::scenario::Section::ALL
            .iter()
            .flat_map(|s| scenarios.section(*s))
            .cloned()
            .collect()
    } else {
        options
            .scenarios
            .iter()
            .map(|id| {
                scenarios
                    .get(id)
                    .cloned()
                    .with_context(|| format!("there is no scenario '{id}'"))
            })
            .collect::<anyhow::Result<_>>()?
    };
    let cfg = BuyerConfig {
        identity: target.identity.clone(),
        shared_secret: target.secret.clone(),
        hook_url: format!("{}/cxml/hook", endpoints.base),
        user_email: "qa@example.co.jp".into(),
        user_agent: "absim run (reference buyer)".into(),
    };
    let target = Arc::new(target);
    let jobs = options.jobs.max(1);
    let semaphore = Arc::new(tokio::sync::Semaphore::new(jobs));
    let mut tasks = Vec::new();
    for (n, s) in chosen.into_iter().enumerate() {
        let (target, cfg, po_url, semaphore) = (
            target.clone(),
            cfg.clone(),
            po_url.clone(),
            semaphore.clone(),
        );
        let timeout = options.timeout;
        tasks.push(tokio::spawn(async move {
            let _permit = semaphore.acquire().await;
            let t0 = Instant::now();
            let outcome = play_one(&target, &cfg, &po_url, &s, n, timeout).await;
            let (failures, entry) = match outcome {
                Ok(r) => r,
                Err(e) => (vec![format!("the run could not finish: {e:#}")], None),
            };
            ScenarioResult {
                id: s.id.clone(),
                section: s.section.as_str().into(),
                name: s.name.en.clone(),
                passed: failures.is_empty(),
                failures,
                seconds: t0.elapsed().as_secs_f64(),
                entry,
            }
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await?);
    }
    let _ = &endpoints.failed_once;
    let report = SuiteReport {
        target: target.base.clone(),
        results,
        seconds: started.elapsed().as_secs_f64(),
    };
    if let Some((stop, server)) = _server {
        let _ = stop.send(());
        let _ = server.await;
    }
    Ok(report)
}

/// `absim run`: the summary on stdout, the reports where asked; false when
/// a scenario failed.
pub async fn run_command(args: crate::cli::RunArgs) -> anyhow::Result<bool> {
    let report = play(SuiteOptions {
        scenarios: args.scenarios,
        all: args.all,
        target: args.target,
        identity: args.identity,
        shared_secret: args.shared_secret,
        jobs: args.jobs,
        scenarios_dir: args.scenarios_dir,
        timeout: std::time::Duration::from_secs(args.timeout),
        admin_token: args.admin_token,
    })
    .await?;
    print!("{}", report.summary());
    println!("({:.1} s against {})", report.seconds, report.target);
    if let Some(path) = &args.junit {
        std::fs::write(path, report.junit())?;
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)?;
    }
    Ok(report.failed() == 0)
}
