//! What a CI job runs against a running absim to test its own purchasing
//! system: `absim group create|delete`, `absim open-run`, `absim shop`
//! (the shopper's part, headless) and `absim verify` (the verdict, as
//! JUnit and JSON, and the exit code). Each is a thin client of the JSON
//! API; absim decides every check (see `domain::run`).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::cli::{
    GroupAction, GroupCreateArgs, OpenRunArgs, ScenariosArgs, ShopArgs, TargetArgs, VerifyArgs,
};

/// A running absim's API.
struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    fn new(t: &TargetArgs) -> anyhow::Result<Api> {
        Ok(Api {
            base: t.target.trim_end_matches('/').to_owned(),
            http: crate::buyer::api::api_client(
                t.admin_token.as_deref(),
                Duration::from_secs(660),
            )?,
        })
    }

    /// Calls the API; a non-2xx answer is an error with absim's message.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let (status, v) =
            crate::buyer::api::call_api(&self.http, &self.base, method, path, body).await?;
        if status == reqwest::StatusCode::UNAUTHORIZED {
            bail!(
                "{} needs its admin token: pass --admin-token or set ABSIM_ADMIN_TOKEN",
                self.base
            );
        }
        if !status.is_success() {
            let message = v["message"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or(v.to_string());
            bail!("{path} answered {status}: {message}");
        }
        Ok(v)
    }
}

/// `absim group create|delete`.
pub async fn group(action: GroupAction) -> anyhow::Result<()> {
    match action {
        GroupAction::Create(args) => create_group(*args).await,
        GroupAction::Delete { target, gid } => {
            Api::new(&target)?
                .call(
                    reqwest::Method::DELETE,
                    &format!("/api/v1/groups/{gid}"),
                    None,
                )
                .await?;
            println!("group {gid} deleted");
            Ok(())
        }
    }
}

async fn create_group(a: GroupCreateArgs) -> anyhow::Result<()> {
    let mut body = serde_json::Map::new();
    for (key, value) in [
        ("name", &a.name),
        ("purchasing_system", &a.purchasing_system),
        ("identity", &a.identity),
        ("shared_secret", &a.shared_secret),
        ("order_confirmation_url", &a.confirmation_url),
        ("ship_notice_url", &a.ship_notice_url),
        ("invoice_url", &a.invoice_url),
        ("cart_field", &a.cart_field),
        ("marketplace", &a.marketplace),
    ] {
        if let Some(v) = value {
            body.insert(key.into(), json!(v));
        }
    }
    if a.tax_exempt {
        body.insert("tax_exempt".into(), json!(true));
    }
    let g = Api::new(&a.target)?
        .call(
            reqwest::Method::POST,
            "/api/v1/groups",
            Some(Value::Object(body)),
        )
        .await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&g)?);
    } else {
        let f = |k: &str| g[k].as_str().unwrap_or_default().to_owned();
        println!("group {} ({})", g["id"], f("name"));
        let exempt = if g["tax_exempt"] == json!(true) {
            ", tax-exempt"
        } else {
            ""
        };
        println!(
            "  marketplace:                           {}{exempt}",
            f("marketplace")
        );
        println!("  a system login (From/Sender Identity): {}", f("identity"));
        println!(
            "  b password (SharedSecret):             {}",
            f("shared_secret")
        );
        println!(
            "    Punchout URL:                        {}",
            f("punchout_url")
        );
        println!(
            "  c PO Request URL:                      {}",
            f("po_request_url")
        );
    }
    Ok(())
}

/// `absim open-run`.
/// `absim scenarios`: a group's scenarios, one a line, as the test UI's
/// scenario page lists them.
pub async fn scenarios(a: ScenariosArgs) -> anyhow::Result<()> {
    let list = Api::new(&a.target)?
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/groups/{}/scenarios", a.group),
            None,
        )
        .await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    println!(
        "{:<28} {:<9} {:<8} {:>6}  name",
        "id", "state", "mark", "orders"
    );
    for s in list.as_array().into_iter().flatten() {
        let state = if s["selected"] == true {
            "selected"
        } else if s["unlocked"] == true {
            "unlocked"
        } else {
            "locked"
        };
        println!(
            "{:<28} {:<9} {:<8} {:>6}  {}",
            s["id"].as_str().unwrap_or_default(),
            state,
            s["mark"].as_str().unwrap_or("-"),
            s["orders"],
            s["name_en"].as_str().unwrap_or_default()
        );
    }
    Ok(())
}

pub async fn open_run(a: OpenRunArgs) -> anyhow::Result<()> {
    let run = open(
        &Api::new(&a.target)?,
        a.group,
        &a.scenario,
        a.timeout,
        a.lang.as_deref(),
    )
    .await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&run)?);
    } else {
        print_opened(&run);
    }
    Ok(())
}

async fn open(
    api: &Api,
    group: u32,
    scenario: &str,
    timeout: u64,
    lang: Option<&str>,
) -> anyhow::Result<Value> {
    let mut asked = json!({ "scenario": scenario, "timeout_secs": timeout });
    if let Some(lang) = lang {
        asked["lang"] = json!(lang);
    }
    api.call(
        reqwest::Method::POST,
        &format!("/api/v1/groups/{group}/runs"),
        Some(asked),
    )
    .await
}

fn print_opened(run: &Value) {
    println!(
        "run {} opened: {} ({}) for group {}",
        run["id"].as_str().unwrap_or_default(),
        run["scenario"].as_str().unwrap_or_default(),
        run["scenario_name"].as_str().unwrap_or_default(),
        run["group_id"]
    );
    for (i, step) in run["steps"].as_array().into_iter().flatten().enumerate() {
        println!("  {}. {}", i + 1, step.as_str().unwrap_or_default());
    }
}

/// `absim shop`.
pub async fn shop(a: ShopArgs) -> anyhow::Result<()> {
    let mut lines = Vec::new();
    let items = if a.items.is_empty() && !a.empty {
        vec!["B087JWRCP5:1".to_owned()]
    } else {
        a.items.clone()
    };
    for item in &items {
        let (asin, quantity) = item.split_once(':').unwrap_or((item.as_str(), "1"));
        let quantity: u32 = quantity
            .trim()
            .parse()
            .with_context(|| format!("'{item}': the quantity after ':' is not a whole number"))?;
        lines.push(json!({ "asin": asin.trim(), "quantity": quantity }));
    }
    let done = Api::new(&a.target)?
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/runs/{}/shopper", a.run),
            Some(json!({ "lines": lines, "empty": a.empty, "wait_secs": a.wait.min(600) })),
        )
        .await?;
    println!(
        "shopped in session {}: the cart went to the hook ({}), HTTP {}",
        done["session_id"].as_str().unwrap_or_default(),
        done["checkout"]["field"].as_str().unwrap_or_default(),
        done["checkout"]["posted_status"]
    );
    Ok(())
}

/// One run's result, as `verify` reports it.
struct Outcome {
    run: Value,
    seconds: f64,
}

impl Outcome {
    fn passed(&self) -> bool {
        self.run["state"] == "passed"
    }
}

/// `absim verify`: true when every run passed.
pub async fn verify(a: VerifyArgs) -> anyhow::Result<bool> {
    let api = Api::new(&a.target)?;
    let mut outcomes = match &a.run {
        Some(run) => vec![wait(&api, run, a.timeout).await?],
        None => run_scenarios(&api, &a).await?,
    };
    if let Some(comment) = &a.mark {
        mark_decided(&api, &mut outcomes, comment).await?;
    }
    let passed = outcomes.iter().filter(|o| o.passed()).count();
    println!(
        "\n{passed} of {} run(s) passed against {}",
        outcomes.len(),
        api.base
    );
    write_reports(&a, &api.base, &outcomes)?;
    Ok(passed == outcomes.len())
}

/// Opens a run per scenario of the group, runs the `--each` command for
/// it, and waits for its verdict.
async fn run_scenarios(api: &Api, a: &VerifyArgs) -> anyhow::Result<Vec<Outcome>> {
    let group = a.group.context("--group or --run")?;
    let scenarios = if a.all {
        api.call(
            reqwest::Method::GET,
            &format!("/api/v1/groups/{group}/scenarios"),
            None,
        )
        .await?
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str().map(str::to_owned))
        .collect()
    } else {
        a.scenarios.clone()
    };
    if scenarios.is_empty() {
        bail!("name the scenarios to run, or pass --all");
    }
    let mut outcomes = Vec::new();
    for scenario in &scenarios {
        let run = open(api, group, scenario, a.timeout, a.lang.as_deref()).await?;
        print_opened(&run);
        let id = run["id"].as_str().unwrap_or_default().to_owned();
        if let Some(each) = &a.each {
            run_each(each_command(each, &id, scenario, group, &api.base)).await?;
        }
        outcomes.push(wait(api, &id, a.timeout).await?);
    }
    Ok(outcomes)
}

/// The `--each` command for one run, its placeholders filled in.
fn each_command(template: &str, run: &str, scenario: &str, group: u32, target: &str) -> String {
    template
        .replace("{run}", run)
        .replace("{scenario}", scenario)
        .replace("{group}", &group.to_string())
        .replace("{target}", target)
}

/// Runs an `--each` command in a shell. Its failure is told but does not
/// stop the run, whose verdict says what happened.
async fn run_each(command: String) -> anyhow::Result<()> {
    let shell = command.clone();
    let status = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(&shell)
            .status()
    })
    .await?
    .with_context(|| format!("running '{command}'"))?;
    if !status.success() {
        eprintln!("  the --each command failed ({status}); the run goes on until its verdict");
    }
    Ok(())
}

/// Whether a run has its verdict (and so may be marked).
fn is_decided(run: &Value) -> bool {
    matches!(
        run["state"].as_str(),
        Some("passed" | "failed" | "timed_out")
    )
}

/// `--mark`: marks every decided run with the comment, and keeps the run
/// as the mark left it, so that the reports say it was marked.
async fn mark_decided(api: &Api, outcomes: &mut [Outcome], comment: &str) -> anyhow::Result<()> {
    for o in outcomes.iter_mut().filter(|o| is_decided(&o.run)) {
        let id = o.run["id"].as_str().unwrap_or_default().to_owned();
        o.run = api
            .call(
                reqwest::Method::POST,
                &format!("/api/v1/runs/{id}/mark"),
                Some(json!({ "comment": comment })),
            )
            .await?;
    }
    Ok(())
}

/// Writes the JUnit and JSON reports, where asked.
fn write_reports(a: &VerifyArgs, base: &str, outcomes: &[Outcome]) -> anyhow::Result<()> {
    if let Some(path) = &a.junit {
        std::fs::write(path, junit(outcomes))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &a.json {
        std::fs::write(path, serde_json::to_string_pretty(&report(base, outcomes))?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// The JSON report: the target, whether every run passed, and the runs.
fn report(base: &str, outcomes: &[Outcome]) -> Value {
    json!({
        "target": base,
        "passed": outcomes.iter().all(Outcome::passed),
        "runs": outcomes.iter().map(|o| o.run.clone()).collect::<Vec<_>>(),
    })
}

/// Waits for a run's verdict, printing each check as it is decided. A run
/// still open after `timeout` seconds (plus a little, since absim decides
/// at its own deadline) is reported with its pending checks failed.
async fn wait(api: &Api, id: &str, timeout: u64) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let give_up = started + Duration::from_secs(timeout + 10);
    let mut shown: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let mut run = api
            .call(reqwest::Method::GET, &format!("/api/v1/runs/{id}"), None)
            .await?;
        for c in run["checks"].as_array().into_iter().flatten() {
            let (name, outcome) = (
                c["name"].as_str().unwrap_or_default(),
                c["outcome"].as_str().unwrap_or_default(),
            );
            if outcome == "pending" || shown.get(name).is_some_and(|o| o == outcome) {
                continue;
            }
            shown.insert(name.to_owned(), outcome.to_owned());
            // In the run's own language.
            let sentence = c["sentence"].as_str().unwrap_or_default();
            println!("  {} {name}: {sentence}", outcome.to_uppercase());
        }
        if run["state"] != "open" {
            println!(
                "run {id}: {}",
                run["state"].as_str().unwrap_or_default().to_uppercase()
            );
            return Ok(Outcome {
                run,
                seconds: started.elapsed().as_secs_f64(),
            });
        }
        if Instant::now() >= give_up {
            run["state"] = json!("timed_out");
            println!("run {id}: no verdict within {timeout} s");
            return Ok(Outcome {
                run,
                seconds: started.elapsed().as_secs_f64(),
            });
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// A suite per run, a test case per check name (a name with several
/// checks fails when one does, with every failing sentence).
fn junit(outcomes: &[Outcome]) -> String {
    let suites: Vec<crate::tools::junit::Suite> = outcomes
        .iter()
        .map(|o| {
            let scenario = o.run["scenario"].as_str().unwrap_or_default();
            let mut cases: Vec<crate::tools::junit::Case> = Vec::new();
            for c in o.run["checks"].as_array().into_iter().flatten() {
                let name = c["name"].as_str().unwrap_or_default();
                let failed = matches!(c["outcome"].as_str(), Some("fail" | "pending"));
                let sentence = c["en"].as_str().unwrap_or_default().to_owned();
                let case = match cases.iter_mut().find(|k| k.name == name) {
                    Some(k) => k,
                    None => {
                        cases.push(crate::tools::junit::Case {
                            classname: format!("absim.{scenario}"),
                            name: name.to_owned(),
                            seconds: 0.0,
                            failures: Vec::new(),
                        });
                        cases.last_mut().expect("just pushed")
                    }
                };
                if failed {
                    case.failures.push(sentence);
                }
            }
            crate::tools::junit::Suite {
                name: format!(
                    "{scenario} ({}, run {})",
                    o.run["scenario_name"].as_str().unwrap_or_default(),
                    o.run["id"].as_str().unwrap_or_default()
                ),
                seconds: o.seconds,
                cases,
            }
        })
        .collect();
    crate::tools::junit::write("absim verify", &suites)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(state: &str) -> Outcome {
        Outcome {
            run: json!({ "id": format!("run-{state}"), "state": state, "checks": [] }),
            seconds: 1.0,
        }
    }

    #[test]
    fn the_each_command_gets_the_run_scenario_group_and_target() {
        let command = each_command(
            "buyer-bot --run {run} --scenario {scenario} --group {group} --url {target}/{run}",
            "r1",
            "basic",
            7,
            "http://absim.test",
        );
        assert_eq!(
            command,
            "buyer-bot --run r1 --scenario basic --group 7 --url http://absim.test/r1"
        );
    }

    #[test]
    fn only_runs_with_a_verdict_are_decided() {
        for state in ["passed", "failed", "timed_out"] {
            assert!(is_decided(&outcome(state).run), "{state}");
        }
        assert!(!is_decided(&outcome("open").run));
        assert!(!is_decided(&json!({})));
    }

    #[test]
    fn the_report_passes_only_when_every_run_passed() {
        let all = [outcome("passed"), outcome("passed")];
        let one_failed = [outcome("passed"), outcome("failed")];
        assert_eq!(report("http://a", &all)["passed"], true);
        assert_eq!(report("http://a", &one_failed)["passed"], false);
        assert_eq!(
            report("http://a", &one_failed)["runs"][1]["id"],
            "run-failed"
        );
        assert_eq!(report("http://a", &[])["passed"], true);
    }
}
