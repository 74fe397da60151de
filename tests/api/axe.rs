//! axe-core, Deque's accessibility engine, run inside Chromium on each page
//! the browser tests measure: a serious or critical violation of WCAG 2.1
//! A or AA fails the test, naming the rule and the element.
//!
//! The engine is not vendored: the first run fetches the pinned version
//! from the npm registry (`npm pack`) into `target/axe-core/`. Without npm
//! the check says it is skipped, unless `ABSIM_REQUIRE_BROWSER=1`.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::browser::Browser;

const VERSION: &str = "4.14.1";

/// axe.min.js, fetched once per machine; None when it cannot be had.
fn source() -> Option<&'static str> {
    static SOURCE: OnceLock<Option<String>> = OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/axe-core");
            let file = dir.join(format!("axe-{VERSION}.min.js"));
            if !file.exists() {
                fetch(&dir, &file);
            }
            let found = std::fs::read_to_string(&file).ok();
            if found.is_none() {
                assert!(
                    std::env::var("ABSIM_REQUIRE_BROWSER").as_deref() != Ok("1"),
                    "ABSIM_REQUIRE_BROWSER=1 but axe-core {VERSION} could not be fetched with npm"
                );
                eprintln!(
                    "SKIPPED: the accessibility check, axe-core could not be fetched with npm"
                );
            }
            found
        })
        .as_deref()
}

/// `npm pack axe-core@VERSION`, and its axe.min.js kept as `file`.
fn fetch(dir: &PathBuf, file: &PathBuf) {
    let _ = std::fs::create_dir_all(dir);
    let packed = Command::new("npm")
        .args(["pack", "--silent", &format!("axe-core@{VERSION}")])
        .current_dir(dir)
        .output();
    let tarball = dir.join(format!("axe-core-{VERSION}.tgz"));
    if !packed.is_ok_and(|o| o.status.success()) || !tarball.exists() {
        return;
    }
    let extracted = Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .args(["-C", &dir.display().to_string(), "package/axe.min.js"])
        .status();
    if extracted.is_ok_and(|s| s.success()) {
        let _ = std::fs::rename(dir.join("package/axe.min.js"), file);
    }
}

/// Runs axe on the page the browser shows: each serious or critical
/// violation, as "rule (impact): the first elements it names".
pub async fn violations(browser: &Browser) -> Vec<String> {
    let Some(axe) = source() else {
        return Vec::new();
    };
    // WebDriver's scripts run outside the page's CSP, which forbids inline
    // script to the page itself.
    browser
        .execute(&format!("{axe}\nreturn true;"), vec![])
        .await
        .expect("axe-core loads");
    let found = browser
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                  .then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
                    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)))
                  .catch((e) => done([`axe failed: ${e}`]));"#,
            vec![],
        )
        .await
        .expect("axe-core runs");
    match found {
        Value::Array(items) => items
            .into_iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect(),
        other => vec![format!("axe answered {other}")],
    }
}
