//! `absim run`: a passing and a failing scenario, the JUnit file parsed back,
//! the JSON report, and the binary's exit code.

use std::time::Duration;

use absim::tools::suite::{SuiteOptions, play};

/// A scenario folder with the basic order and one whose expectation the
/// reference buyer cannot meet (it expects a refusal nothing provokes).
fn scenario_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let basic = include_str!("../../scenarios/basic.toml");
    std::fs::write(dir.path().join("basic.toml"), basic).unwrap();
    std::fs::write(
        dir.path().join("impossible.toml"),
        r#"
id = "impossible"
section = "advanced"
name = { ja = "ありえない拒否", en = "An impossible refusal" }
description = { ja = "コード 999 での拒否を期待します。", en = "Expects a refusal with code 999." }
refusal = "999"
"#,
    )
    .unwrap();
    dir
}

#[derive(Debug, serde::Deserialize)]
struct Suites {
    #[serde(rename = "@tests")]
    tests: u32,
    #[serde(rename = "@failures")]
    failures: u32,
    testsuite: Suite,
}

#[derive(Debug, serde::Deserialize)]
struct Suite {
    testcase: Vec<Case>,
}

#[derive(Debug, serde::Deserialize)]
struct Case {
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "@classname")]
    classname: String,
    failure: Option<Failure>,
}

#[derive(Debug, serde::Deserialize)]
struct Failure {
    #[serde(rename = "@message")]
    message: String,
    #[serde(rename = "$text")]
    text: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passing_and_a_failing_scenario_are_reported_in_junit_and_json() {
    let dir = scenario_dir();
    let report = play(SuiteOptions {
        scenarios: vec!["basic".into(), "impossible".into()],
        jobs: 2,
        scenarios_dir: Some(dir.path().to_path_buf()),
        timeout: Duration::from_secs(20),
        ..SuiteOptions::default()
    })
    .await
    .unwrap();
    assert_eq!(report.results.len(), 2);
    assert_eq!(report.failed(), 1);
    let basic = report.results.iter().find(|r| r.id == "basic").unwrap();
    assert!(basic.passed, "{:?}", basic.failures);
    let impossible = report
        .results
        .iter()
        .find(|r| r.id == "impossible")
        .unwrap();
    assert!(!impossible.passed);
    assert!(
        impossible.failures[0].contains("expects the PO to be refused with 999"),
        "{:?}",
        impossible.failures
    );
    let summary = report.summary();
    assert!(
        summary.contains("PASS basic") && summary.contains("FAIL impossible"),
        "{summary}"
    );
    assert!(summary.contains("1 passed, 1 failed"));

    let junit: Suites = quick_xml::de::from_str(&report.junit()).unwrap();
    assert_eq!((junit.tests, junit.failures), (2, 1));
    let failed = junit
        .testsuite
        .testcase
        .iter()
        .find(|c| c.failure.is_some())
        .unwrap();
    assert_eq!(failed.name, "impossible: An impossible refusal");
    assert_eq!(failed.classname, "absim.advanced");
    let f = failed.failure.as_ref().unwrap();
    assert!(f.message.contains("999") && f.text.contains("999"));
    let passed = junit
        .testsuite
        .testcase
        .iter()
        .find(|c| c.failure.is_none())
        .unwrap();
    assert_eq!(passed.name, "basic: Basic order");

    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["results"].as_array().unwrap().len(), 2);
}

#[test]
fn the_binary_runs_the_catalogue_and_exits_non_zero_on_a_failure() {
    let dir = scenario_dir();
    let junit = dir.path().join("report.xml");
    let ok = std::process::Command::new(env!("CARGO_BIN_EXE_absim"))
        .args(["run", "basic", "--junit"])
        .arg(&junit)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("1 passed, 0 failed"));
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<testsuites")
    );
    let failing = std::process::Command::new(env!("CARGO_BIN_EXE_absim"))
        .args(["run", "impossible", "--scenarios-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(failing.status.code(), Some(1));
    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_absim"))
        .args(["run", "no-such-scenario"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no-such-scenario"));
}
