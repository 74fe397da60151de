//! A team's own purchasing system tested in CI: a group per pipeline, runs,
//! the headless shopper and the verdict as JUnit, with the reference buyer
//! started as its own process (`absim buyer --auto-pay`) playing the system
//! under test, well-behaved or with a mistake made on purpose.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;

async fn api(app: &TestApp, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
    let r = app
        .http
        .request(method, app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The reference buyer as its own process: the system under test.
struct SystemUnderTest {
    child: Child,
    base: String,
}

impl SystemUnderTest {
    /// Starts `absim buyer --auto-pay` for group `gid` (it points the group's
    /// endpoints at itself), with `mistakes` made on purpose.
    async fn start(app: &TestApp, gid: u64, mistakes: &[&str]) -> SystemUnderTest {
        let mut command = Command::new(env!("CARGO_BIN_EXE_absim"));
        command
            .args(["buyer", "--addr", "127.0.0.1:0", "--simulator", &app.base])
            .args(["--group", &gid.to_string(), "--auto-pay"])
            .args(["--email", "tanaka@example.co.jp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for m in mistakes {
            command.args(["--mistake", m]);
        }
        let mut child = command.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = tokio::task::spawn_blocking(move || {
            let first = lines
                .next()
                .expect("the buyer printed its address")
                .unwrap();
            std::thread::spawn(move || for _ in lines {});
            first
                .split_whitespace()
                .last()
                .unwrap()
                .trim_end_matches('/')
                .to_owned()
        })
        .await
        .unwrap();
        SystemUnderTest { child, base }
    }

    /// The system under test punches out (買い物をする).
    async fn punch_out(&self) {
        let r = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(format!("{}/shop", self.base))
            .form(&[("address", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "the buyer punched out");
    }
}

impl Drop for SystemUnderTest {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn new_group(app: &TestApp, name: &str) -> u64 {
    let (status, g) = api(
        app,
        reqwest::Method::POST,
        "/api/v1/groups",
        json!({"name": name}),
    )
    .await;
    assert_eq!(status, 201, "{g}");
    g["id"].as_u64().unwrap()
}

async fn open_run(app: &TestApp, gid: u64, scenario: &str, timeout: u64) -> String {
    let (status, run) = api(
        app,
        reqwest::Method::POST,
        &format!("/api/v1/groups/{gid}/runs"),
        json!({"scenario": scenario, "timeout_secs": timeout, "lang": "en", "quiet_secs": 1}),
    )
    .await;
    assert_eq!(status, 201, "{run}");
    assert_eq!(run["state"], "open");
    assert!(!run["steps"].as_array().unwrap().is_empty(), "{run}");
    run["id"].as_str().unwrap().to_owned()
}

async fn shop(app: &TestApp, run: &str, body: Value) -> Value {
    let (status, done) = api(
        app,
        reqwest::Method::POST,
        &format!("/api/v1/runs/{run}/shopper"),
        body,
    )
    .await;
    assert_eq!(status, 200, "{done}");
    done
}

/// Parses a JUnit report into (test case name, failure message or None).
fn junit_cases(xml: &str) -> Vec<(String, Option<String>)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let attr = |e: &quick_xml::events::BytesStart, name: &str| {
        e.try_get_attribute(name).unwrap().map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .unwrap()
                .into_owned()
        })
    };
    let mut cases = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.name().0 == "testcase" => {
                cases.push((attr(&e, "name").unwrap(), None));
            }
            Event::Start(e) | Event::Empty(e) if e.name().0 == "failure" => {
                cases.last_mut().unwrap().1 = attr(&e, "message");
            }
            Event::Eof => return cases,
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pipeline_group_is_created_and_deleted_through_the_api_and_the_cli() {
    let app = spawn_app().await;
    let (status, g) = api(
        &app,
        reqwest::Method::POST,
        "/api/v1/groups",
        json!({"name": "pipeline-7", "identity": "Pipeline7", "shared_secret": "pipe7Secret",
               "order_confirmation_url": "http://127.0.0.1:9/confirm"}),
    )
    .await;
    assert_eq!(status, 201, "{g}");
    assert_eq!(g["identity"], "Pipeline7");
    assert!(g["po_request_url"].as_str().unwrap().contains("/po/"));
    assert_eq!(g["order_confirmation_url"], "http://127.0.0.1:9/confirm");
    let gid = g["id"].as_u64().unwrap();

    // The same login again, and a password that breaks the rule.
    let (status, e) = api(
        &app,
        reqwest::Method::POST,
        "/api/v1/groups",
        json!({"identity": "Pipeline7"}),
    )
    .await;
    assert_eq!((status, e["code"].as_str()), (409, Some("conflict")), "{e}");
    assert!(e["message"].as_str().unwrap().contains("Pipeline7"), "{e}");
    let (status, e) = api(
        &app,
        reqwest::Method::POST,
        "/api/v1/groups",
        json!({"shared_secret": "short"}),
    )
    .await;
    assert_eq!(status, 400, "{e}");
    assert!(e["message"].as_str().unwrap().contains("6"), "{e}");

    let (status, _) = api(
        &app,
        reqwest::Method::DELETE,
        &format!("/api/v1/groups/{gid}"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let gone = app.get_page(&format!("/api/v1/groups/{gid}")).await;
    assert_eq!(gone.status, 404);
    let (status, e) = api(&app, reqwest::Method::DELETE, "/api/v1/groups/1", json!({})).await;
    assert_eq!(status, 409, "{e}");

    // The CLI prints the group for scripts, and deletes it.
    let (code, out) = absim_cli(&app, &["group", "create", "--name", "cli-pipe", "--json"]).await;
    assert_eq!(code, 0, "{out}");
    let g: Value = serde_json::from_str(&out).unwrap();
    assert!(g["shared_secret"].as_str().unwrap().len() >= 6);
    let id = g["id"].to_string();
    let (code, out) = absim_cli(&app, &["group", "delete", &id]).await;
    assert_eq!(code, 0, "{out}");
    let (code, out) = absim_cli(&app, &["group", "create", "--shared-secret", "x"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("400"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_basic_order_of_a_well_behaved_system_passes_with_every_check_a_passing_case() {
    let app = spawn_app().await;
    let gid = new_group(&app, "ci-basic").await;
    let sut = SystemUnderTest::start(&app, gid, &[]).await;
    let run = open_run(&app, gid, "basic", 60).await;
    sut.punch_out().await;
    shop(
        &app,
        &run,
        json!({"lines": [{"asin": "B087JWRCP5", "quantity": 1}], "wait_secs": 10}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let report = dir.path().join("report.json");
    let (code, out) = absim_cli(
        &app,
        &[
            "verify",
            "--run",
            &run,
            "--timeout",
            "30",
            "--junit",
            junit.to_str().unwrap(),
            "--json",
            report.to_str().unwrap(),
            "--mark",
            "CI build 42",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS PO lines match the cart"), "{out}");
    let cases = junit_cases(&std::fs::read_to_string(&junit).unwrap());
    let names: Vec<&str> = cases.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, linked_po_case_names(), "{cases:?}");
    assert!(cases.iter().all(|(_, f)| f.is_none()), "{cases:?}");
    for name in [
        "punchout",
        "cart returned",
        "PO",
        "confirmation",
        "ship notice 1",
    ] {
        assert!(cases.iter().any(|(n, _)| n == name), "{name}: {cases:?}");
    }
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["passed"], true);
    // The report is written after the marks, and says so.
    assert_eq!(json["runs"][0]["marked"], "CI build 42", "{json}");
    // The people looking at the UI see the same verdict.
    let no = json["runs"][0]["orders"][0].as_u64().unwrap();
    let entry = app
        .get_page(&format!("/api/v1/groups/{gid}/orders/{no}"))
        .await;
    let entry: Value = serde_json::from_str(&entry.body).unwrap();
    assert_eq!(
        (entry["mark"].as_str(), entry["mark_comment"].as_str()),
        (Some("success"), Some("CI build 42"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_system_that_drops_the_aux_id_fails_naming_the_line() {
    let app = spawn_app().await;
    let gid = new_group(&app, "ci-aux").await;
    let sut = SystemUnderTest::start(&app, gid, &["drop-aux-id"]).await;
    let run = open_run(&app, gid, "basic", 60).await;
    sut.punch_out().await;
    shop(
        &app,
        &run,
        json!({"lines": [{"asin": "B087JWRCP5", "quantity": 1}], "wait_secs": 10}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let (code, out) = absim_cli(
        &app,
        &[
            "verify",
            "--run",
            &run,
            "--timeout",
            "30",
            "--junit",
            junit.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 1, "{out}");
    let cases = junit_cases(&std::fs::read_to_string(&junit).unwrap());
    // The report keeps the test cases of a linked PO's: the punchout's
    // checks fail with the reason, and the lines' check says what to fix.
    let names: Vec<&str> = cases.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, linked_po_case_names(), "{cases:?}");
    let failure = |name: &str| {
        cases
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, f)| f.clone())
            .unwrap_or_else(|| panic!("{name} did not fail: {cases:?}"))
    };
    assert!(failure("PO linked to its punchout").contains("SupplierPartAuxiliaryID"));
    assert!(failure("punchout credentials").contains("linked to no punchout"));
    assert_eq!(
        failure("PO lines match the cart"),
        "Line 1: no SupplierPartAuxiliaryID (echo the cart's value)."
    );
}

/// The JUnit test case names of a run whose PO is linked to its punchout
/// and passes, in their order.
fn linked_po_case_names() -> [&'static str; 13] {
    [
        "punchout",
        "cart returned",
        "PO",
        "PO linked to its punchout",
        "punchout credentials",
        "punchout e-mail",
        "punchout hook URL",
        "PO lines match the cart",
        "PO Total",
        "orderID unique",
        "ShipTo and BillTo",
        "confirmation",
        "ship notice 1",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_system_that_never_resends_after_a_503_times_out_saying_so() {
    let app = spawn_app().await;
    let gid = new_group(&app, "ci-retry").await;
    let sut = SystemUnderTest::start(&app, gid, &["no-retry"]).await;
    let run = open_run(&app, gid, "advanced-po-retry", 3).await;
    sut.punch_out().await;
    shop(
        &app,
        &run,
        json!({"lines": [{"asin": "B087JWRCP5", "quantity": 1}], "wait_secs": 10}),
    )
    .await;
    let (code, out) = absim_cli(&app, &["verify", "--run", &run, "--timeout", "10"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("TIMED_OUT"), "{out}");
    assert!(
        out.contains("No PO was sent again after the injected fault (http503"),
        "{out}"
    );
    // The well-behaved buyer resends the same document and passes.
    let gid = new_group(&app, "ci-retry-ok").await;
    let sut = SystemUnderTest::start(&app, gid, &[]).await;
    let run = open_run(&app, gid, "advanced-po-retry", 30).await;
    sut.punch_out().await;
    shop(
        &app,
        &run,
        json!({"lines": [{"asin": "B087JWRCP5", "quantity": 1}], "wait_secs": 10}),
    )
    .await;
    let (code, out) = absim_cli(&app, &["verify", "--run", &run, "--timeout", "30"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS PO sent again after the fault"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_po_after_an_empty_cart_fails_the_empty_cart_scenario() {
    let app = spawn_app().await;
    for (mistakes, expect_pass) in [(vec![], true), (vec!["order-empty-cart"], false)] {
        let gid = new_group(&app, "ci-empty").await;
        let sut = SystemUnderTest::start(&app, gid, &mistakes).await;
        let run = open_run(&app, gid, "checkout-empty-cart", 30).await;
        sut.punch_out().await;
        shop(&app, &run, json!({"empty": true, "wait_secs": 10})).await;
        let (code, out) = absim_cli(&app, &["verify", "--run", &run, "--timeout", "30"]).await;
        if expect_pass {
            assert_eq!(code, 0, "{out}");
            assert!(out.contains("PASS no PO after an empty cart"), "{out}");
        } else {
            assert_eq!(code, 1, "{out}");
            assert!(
                out.contains("FAIL no PO after an empty cart: A PO (orderID"),
                "{out}"
            );
        }
    }
}

#[tokio::test]
async fn a_run_nobody_takes_part_in_times_out_naming_what_never_arrived() {
    let app = spawn_app().await;
    let gid = new_group(&app, "ci-idle").await;
    let run = open_run(&app, gid, "basic", 1).await;
    // Another run cannot open while this one is.
    let (status, e) = api(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/groups/{gid}/runs"),
        json!({"scenario": "basic"}),
    )
    .await;
    assert_eq!(status, 409, "{e}");
    // The run's deadline is in absim's clock, which follows tokio's.
    advance_clock(Duration::from_millis(1100)).await;
    let (_, v) = api(
        &app,
        reqwest::Method::GET,
        &format!("/api/v1/runs/{run}"),
        json!({}),
    )
    .await;
    assert_eq!(v["state"], "timed_out", "{v}");
    let failed: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "fail")
        .map(|c| c["en"].as_str().unwrap())
        .collect();
    assert!(
        failed[0].contains("Not within 1 s: No punchout"),
        "{failed:?}"
    );
    assert!(
        failed.iter().any(|f| f.contains("No cart was returned")),
        "{failed:?}"
    );
    assert!(
        failed
            .iter()
            .any(|f| f.contains("No PO (OrderRequest) arrived")),
        "{failed:?}"
    );
    // The group is free again.
    open_run(&app, gid, "basic", 5).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_pipelines_on_two_groups_see_only_their_own_orders() {
    let app = spawn_app().await;
    let (a, b) = (
        new_group(&app, "pipe-a").await,
        new_group(&app, "pipe-b").await,
    );
    let (sut_a, sut_b) = (
        SystemUnderTest::start(&app, a, &[]).await,
        SystemUnderTest::start(&app, b, &[]).await,
    );
    let (run_a, run_b) = (
        open_run(&app, a, "basic", 60).await,
        open_run(&app, b, "basic", 60).await,
    );
    tokio::join!(sut_a.punch_out(), sut_b.punch_out());
    tokio::join!(
        shop(
            &app,
            &run_a,
            json!({"lines": [{"asin": "B087JWRCP5", "quantity": 1}], "wait_secs": 10})
        ),
        shop(
            &app,
            &run_b,
            json!({"lines": [{"asin": "B001TK8QMA", "quantity": 3}], "wait_secs": 10})
        ),
    );
    let (args_a, args_b) = (
        ["verify", "--run", &run_a, "--timeout", "30"],
        ["verify", "--run", &run_b, "--timeout", "30"],
    );
    let (ra, rb) = tokio::join!(absim_cli(&app, &args_a), absim_cli(&app, &args_b));
    assert_eq!((ra.0, rb.0), (0, 0), "{}\n{}", ra.1, rb.1);
    for (gid, asin, other) in [
        (a, "B087JWRCP5", "B001TK8QMA"),
        (b, "B001TK8QMA", "B087JWRCP5"),
    ] {
        let list: Value = serde_json::from_str(
            &app.get_page(&format!("/api/v1/groups/{gid}/orders"))
                .await
                .body,
        )
        .unwrap();
        assert_eq!(list["total"], 1, "{list}");
        let no = list["orders"][0]["no"].as_u64().unwrap();
        let order = app.state.store.order(no).await.unwrap().unwrap();
        assert_eq!(order.lines[0].asin, asin);
        assert!(order.lines.iter().all(|l| l.asin != other));
    }
}

/// The job's driver: for each of `runs` lines the `--each` hook writes to
/// `hooks` (run, scenario, group), the system under test punches out and
/// the run's shopper returns the scenario's cart.
async fn drive_each_run(
    app: &TestApp,
    sut: &SystemUnderTest,
    hooks: &std::path::Path,
    runs: usize,
) {
    for turn in 0..runs {
        let what = format!("hook call {} of {runs}", turn + 1);
        let line = eventually(&what, Duration::from_secs(60), async || {
            let lines = std::fs::read_to_string(hooks).unwrap_or_default();
            lines.lines().nth(turn).map(str::to_owned)
        })
        .await;
        let mut parts = line.split_whitespace();
        let (run, scenario) = (parts.next().unwrap(), parts.next().unwrap());
        sut.punch_out().await;
        let lines = if scenario == "checkout-multi-line" {
            json!([{"asin": "B087JWRCP5", "quantity": 1}, {"asin": "B001TK8QMA", "quantity": 3}])
        } else {
            json!([{"asin": "B087JWRCP5", "quantity": 1}])
        };
        shop(app, run, json!({"lines": lines, "wait_secs": 10})).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_runs_scenarios_in_turn_calling_the_hook_for_each() {
    let app = spawn_app().await;
    let gid = new_group(&app, "ci-each").await;
    let sut = SystemUnderTest::start(&app, gid, &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let hooks = dir.path().join("hooks.log");
    // The hook tells the job's driver which run to drive; here the test is
    // the driver: it makes the system under test punch out and shops.
    let each = format!("echo {{run}} {{scenario}} {{group}} >> {}", hooks.display());
    let junit = dir.path().join("all.xml");
    let (group, junit_path) = (gid.to_string(), junit.to_str().unwrap());
    let verify = [
        "verify",
        "--group",
        &group,
        "basic",
        "checkout-multi-line",
        "--each",
        &each,
        "--timeout",
        "30",
        "--junit",
        junit_path,
    ];
    let ((code, out), ()) = tokio::join!(
        absim_cli(&app, &verify),
        drive_each_run(&app, &sut, &hooks, 2),
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 of 2 run(s) passed"), "{out}");
    let logged = std::fs::read_to_string(&hooks).unwrap();
    let scenarios: Vec<&str> = logged
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(scenarios, ["basic", "checkout-multi-line"]);
    assert!(
        logged.lines().all(|l| l.ends_with(&format!(" {gid}"))),
        "{logged}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert!(xml.contains("several lines"), "{xml}");
}

#[tokio::test]
async fn a_delivery_the_buyer_never_acknowledges_is_named_at_the_timeout() {
    let mut app = spawn_app_with(|s| s.retry.base = Duration::from_secs(3600)).await;
    app.receiver.answer("/confirm", Answer::html(500));
    let run = open_run(&app, 1, "basic", 2).await;
    app.punch_out().await;
    // The test is the purchasing system here: the run's shopper returns a
    // cart to the receiver's hook, and the PO follows it.
    shop(
        &app,
        &run,
        json!({"lines": [{"asin": "B087JWRCP5", "quantity": 1}]}),
    )
    .await;
    let cart = cart_from_hook(&app.receiver.next("/hook").await);
    assert_eq!(
        app.send_po(&app.po_for(&cart, "UNACKED-1")).await.status,
        200
    );
    app.receiver.next("/confirm").await;
    // absim records the attempt once it has read the buyer's answer; then
    // the run's deadline passes in absim's clock, which follows tokio's.
    let no = app.last_entry().await;
    eventually(
        "the confirmation's failed attempt to be recorded",
        Duration::from_secs(5),
        async || {
            let deliveries = app.state.store.deliveries_of(no).await.unwrap();
            deliveries.iter().any(|(_, attempts)| !attempts.is_empty())
        },
    )
    .await;
    advance_clock(Duration::from_millis(2100)).await;
    let (_, v) = api(
        &app,
        reqwest::Method::GET,
        &format!("/api/v1/runs/{run}"),
        json!({}),
    )
    .await;
    assert_eq!(v["state"], "timed_out", "{v}");
    let confirmation = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "confirmation")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(confirmation["outcome"], "fail");
    let text = confirmation["en"].as_str().unwrap();
    assert!(
        text.contains("Not within 2 s: The buyer has not acknowledged the ConfirmationRequest yet (attempt 1: HTTP 500"),
        "{text}"
    );
}

/// `absim scenarios` lists a group's scenarios with their state, as the
/// scenario page does.
#[tokio::test]
async fn the_scenarios_command_lists_each_with_its_state() {
    let app = spawn_app().await;
    let (code, out) = absim_cli(&app, &["scenarios", "--group", "1"]).await;
    assert_eq!(code, 0, "{out}");
    let line = |id: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no {id}: {out}"))
            .to_owned()
    };
    assert!(line("basic").contains(" selected "), "{out}");
    assert!(line("checkout-multi-line").contains(" locked "), "{out}");
    let (code, json) = absim_cli(&app, &["scenarios", "--json"]).await;
    assert_eq!(code, 0, "{json}");
    let list: Value = serde_json::from_str(&json).unwrap();
    assert!(list.as_array().unwrap().len() > 10);
}
