//! `absim run`: runs scenarios end to end with the reference buyer, against
//! an absim started in-process (in memory, on a free port) or a running one
//! (`--target`), in parallel where asked, and reports each scenario's
//! automatic checks: a readable summary, JUnit XML and JSON.
//!
//! The buyer drives punchouts and POs over cXML as a procurement system does,
//! and the cart through the JSON API. Its endpoints for confirmations, ship
//! notices and invoices are a small server the runner starts; for a running
//! absim the runner points the group's endpoints at it.

mod markets;
mod scenario;
mod target;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use serde_json::json;

use crate::buyer::BuyerConfig;
use crate::domain::scenario::{Scenario, Scenarios, Section};
use target::Target;

pub use markets::{MarketChoice, junit as markets_junit, play_markets, summary as markets_summary};

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
    /// The store the run's group buys in (`--marketplace`), set through
    /// the API for the run; None keeps the group's.
    pub marketplace: Option<String>,
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
    /// The store the catalogue was played in (JP, DE, ...).
    pub marketplace: String,
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
        crate::tools::junit::write("absim", &[self.junit_suite("absim scenarios".into())])
    }

    /// The run as one JUnit test suite named `name`.
    fn junit_suite(&self, name: String) -> crate::tools::junit::Suite {
        crate::tools::junit::Suite {
            name,
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
        }
    }
}

/// Runs the scenarios and gives the report.
pub async fn play(options: SuiteOptions) -> anyhow::Result<SuiteReport> {
    let started = Instant::now();
    let endpoints = target::start_endpoints().await?;
    let http =
        crate::buyer::api::api_client(options.admin_token.as_deref(), Duration::from_secs(30))?;
    // The absim to run against: in-process unless a target is given.
    let (target, scenarios, in_process) = match &options.target {
        Some(base) => {
            let (target, scenarios) = target::reach(base, &options, http).await?;
            (target, scenarios, None)
        }
        None => {
            let (target, scenarios, server) = target::start_in_process(&options, http).await?;
            (target, scenarios, Some(server))
        }
    };
    let group = point_endpoints(&target, &endpoints, options.marketplace.as_deref()).await?;
    let chosen = choose(&options, &scenarios)?;
    let cfg = BuyerConfig {
        identity: target.identity.clone(),
        shared_secret: target.secret.clone(),
        hook_url: format!("{endpoints}/cxml/hook"),
        user_email: "qa@example.co.jp".into(),
        user_agent: "absim run (reference buyer)".into(),
        address: crate::buyer::store_address(&group.marketplace).with_context(|| {
            format!(
                "absim ships no marketplace file for '{}'",
                group.marketplace
            )
        })?,
    };
    let target = Arc::new(target);
    let results = play_all(chosen, &target, &cfg, &group, &options).await;
    // A running absim's group goes back to its own store, even after a failure.
    if let Some(before) = group.marketplace_before.as_deref() {
        let restore = json!({ "marketplace": before });
        let restored = target.json(reqwest::Method::PATCH, "/api/v1/groups/1", Some(restore));
        restored.await?;
    }
    let report = SuiteReport {
        target: target.base.clone(),
        marketplace: group.marketplace.clone(),
        results: results?,
        seconds: started.elapsed().as_secs_f64(),
    };
    if let Some(server) = in_process {
        server.stop().await;
    }
    Ok(report)
}

/// The run's group as the buyer needs it.
#[derive(Debug, Clone)]
pub(super) struct RunGroup {
    pub(super) po_url: String,
    /// The store it buys in for the run.
    pub(super) marketplace: String,
    /// Its store before the run, when the run changed it.
    pub(super) marketplace_before: Option<String>,
}

/// Points the target's default group at the buyer's endpoints for this
/// run, in `marketplace` where one is asked; gives the group.
async fn point_endpoints(
    target: &Target,
    endpoints: &str,
    marketplace: Option<&str>,
) -> anyhow::Result<RunGroup> {
    let store_of = |g: &serde_json::Value| g["marketplace"].as_str().unwrap_or("JP").to_owned();
    let before = target
        .json(reqwest::Method::GET, "/api/v1/groups/1", None)
        .await?;
    let mut patch = json!({
        "order_confirmation_url": format!("{endpoints}/cxml/confirmation"),
        "ship_notice_url": format!("{endpoints}/cxml/shipnotice"),
        "invoice_url": format!("{endpoints}/cxml/invoice"),
    });
    if let Some(code) = marketplace {
        patch["marketplace"] = json!(code);
    }
    let group = target
        .json(reqwest::Method::PATCH, "/api/v1/groups/1", Some(patch))
        .await
        .context(
            "setting the run's group (an absim older than marketplaces cannot take --marketplace)",
        )?;
    let (now, was) = (store_of(&group), store_of(&before));
    Ok(RunGroup {
        po_url: group["po_request_url"]
            .as_str()
            .context("a PO Request URL")?
            .to_owned(),
        marketplace_before: (now != was).then_some(was),
        marketplace: now,
    })
}

/// The scenarios to play: those named, in the order named, or every one,
/// section by section, when none is named or `all` is asked.
fn choose(options: &SuiteOptions, scenarios: &Scenarios) -> anyhow::Result<Vec<Scenario>> {
    if options.all || options.scenarios.is_empty() {
        return Ok(Section::ALL
            .iter()
            .flat_map(|s| scenarios.section(*s))
            .cloned()
            .collect());
    }
    options
        .scenarios
        .iter()
        .map(|id| {
            scenarios
                .get(id)
                .cloned()
                .with_context(|| format!("there is no scenario '{id}'"))
        })
        .collect()
}

/// Plays the scenarios, `jobs` at a time, each bounded by the options'
/// timeout; gives their results in the order chosen.
async fn play_all(
    chosen: Vec<Scenario>,
    target: &Arc<Target>,
    cfg: &BuyerConfig,
    group: &RunGroup,
    options: &SuiteOptions,
) -> anyhow::Result<Vec<ScenarioResult>> {
    let semaphore = Arc::new(tokio::sync::Semaphore::new(options.jobs.max(1)));
    let timeout = options.timeout;
    let tasks: Vec<_> = chosen
        .into_iter()
        .enumerate()
        .map(|(n, s)| {
            let (target, cfg, group, semaphore) = (
                target.clone(),
                cfg.clone(),
                group.clone(),
                semaphore.clone(),
            );
            tokio::spawn(async move {
                let _permit = semaphore.acquire().await;
                let t0 = Instant::now();
                let outcome = scenario::play_one(&target, &cfg, &group, &s, n, timeout).await;
                result_of(&s, outcome, t0.elapsed().as_secs_f64())
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await?);
    }
    Ok(results)
}

/// A scenario's result: passed when it finished with no failed check; a
/// run that could not finish fails with the reason.
fn result_of(
    s: &Scenario,
    outcome: anyhow::Result<(Vec<String>, Option<u64>)>,
    seconds: f64,
) -> ScenarioResult {
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
        seconds,
        entry,
    }
}

/// `absim run`: the summary on stdout, the reports where asked; false when
/// a scenario failed. `--marketplace all` plays the catalogue in each store.
pub async fn run_command(args: crate::cli::RunArgs) -> anyhow::Result<bool> {
    let choice = MarketChoice::parse(args.marketplace.as_deref())?;
    let options = SuiteOptions {
        scenarios: args.scenarios,
        all: args.all,
        target: args.target,
        identity: args.identity,
        shared_secret: args.shared_secret,
        jobs: args.jobs,
        scenarios_dir: args.scenarios_dir,
        timeout: std::time::Duration::from_secs(args.timeout),
        admin_token: args.admin_token,
        marketplace: None,
    };
    let reports = play_markets(options, &choice).await?;
    print!("{}", markets::summary(&reports, &choice));
    if let Some(path) = &args.junit {
        std::fs::write(path, markets::junit(&reports, &choice))?;
    }
    if let Some(path) = &args.json {
        std::fs::write(path, markets::json(&reports, &choice)?)?;
    }
    Ok(reports.iter().all(|r| r.failed() == 0))
}

#[cfg(test)]
mod tests;
