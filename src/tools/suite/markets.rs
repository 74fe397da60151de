//! `absim run --marketplace`: the catalogue played in one store, or in each
//! store absim ships with (`all`), one report per store, in turn: the runs
//! share the target's default group, which buys in one store at a time.

use anyhow::Context;

use super::{SuiteOptions, SuiteReport, play};
use crate::domain::marketplace::Marketplaces;

/// Where `absim run` plays its scenarios.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarketChoice {
    /// In the store the group already buys in.
    Group,
    /// In this store (a code absim ships a file for).
    One(String),
    /// In every store absim ships with, in the order of their codes.
    All,
}

impl MarketChoice {
    /// Reads `--marketplace`: absent, `all`, or a store's code in any case.
    pub fn parse(arg: Option<&str>) -> anyhow::Result<MarketChoice> {
        let Some(arg) = arg.map(str::trim) else {
            return Ok(MarketChoice::Group);
        };
        if arg.eq_ignore_ascii_case("all") {
            return Ok(MarketChoice::All);
        }
        let code = shipped()?
            .check_code(arg)
            .map_err(|e| anyhow::anyhow!("--marketplace: {e}, or all"))?;
        Ok(MarketChoice::One(code))
    }

    /// The store of each run: None keeps the group's.
    fn runs(&self) -> anyhow::Result<Vec<Option<String>>> {
        Ok(match self {
            MarketChoice::Group => vec![None],
            MarketChoice::One(code) => vec![Some(code.clone())],
            MarketChoice::All => shipped()?
                .codes()
                .into_iter()
                .map(|c| Some(c.to_owned()))
                .collect(),
        })
    }
}

/// The stores absim ships with: the buyer knows their sample addresses.
fn shipped() -> anyhow::Result<Marketplaces> {
    Marketplaces::embedded().context("absim's marketplace files")
}

/// Plays the scenarios of `options` in each store `choice` names, one store
/// after the other; gives a report per store.
pub async fn play_markets(
    options: SuiteOptions,
    choice: &MarketChoice,
) -> anyhow::Result<Vec<SuiteReport>> {
    let mut reports = Vec::new();
    for marketplace in choice.runs()? {
        let options = SuiteOptions {
            marketplace,
            ..options.clone()
        };
        reports.push(play(options).await?);
    }
    Ok(reports)
}

/// What `absim run` prints: each store's summary (under a heading of its
/// own when there are several), then the totals.
pub fn summary(reports: &[SuiteReport], choice: &MarketChoice) -> String {
    let mut out = String::new();
    if *choice != MarketChoice::All {
        for r in reports {
            out.push_str(&r.summary());
            out.push_str(&format!(
                "({:.1} s against {}, marketplace {})\n",
                r.seconds, r.target, r.marketplace
            ));
        }
        return out;
    }
    for r in reports {
        out.push_str(&format!("== marketplace {} ==\n", r.marketplace));
        out.push_str(&r.summary());
        out.push('\n');
    }
    let failed: usize = reports.iter().map(SuiteReport::failed).sum();
    let played: usize = reports.iter().map(|r| r.results.len()).sum();
    let seconds: f64 = reports.iter().map(|r| r.seconds).sum();
    let each: Vec<String> = reports
        .iter()
        .map(|r| {
            let passed = r.results.len() - r.failed();
            format!("{} {passed}/{}", r.marketplace, r.results.len())
        })
        .collect();
    out.push_str(&format!("marketplaces: {}\n", each.join(", ")));
    out.push_str(&format!(
        "{} passed, {failed} failed in {} marketplaces ({seconds:.1} s)\n",
        played - failed,
        reports.len()
    ));
    out
}

/// The JUnit report: one test suite per store when there are several.
pub fn junit(reports: &[SuiteReport], choice: &MarketChoice) -> String {
    match (choice, reports) {
        (MarketChoice::All, _) => {
            let suites: Vec<_> = reports
                .iter()
                .map(|r| r.junit_suite(format!("absim scenarios ({})", r.marketplace)))
                .collect();
            crate::tools::junit::write("absim", &suites)
        }
        (_, [one]) => one.junit(),
        _ => crate::tools::junit::write("absim", &[]),
    }
}

/// The JSON report: the run's, or `{"marketplaces": [...], "failed": n}`
/// for several stores.
pub fn json(reports: &[SuiteReport], choice: &MarketChoice) -> anyhow::Result<String> {
    let value = match (choice, reports) {
        (MarketChoice::All, _) | (_, []) => serde_json::json!({
            "marketplaces": reports,
            "failed": reports.iter().map(SuiteReport::failed).sum::<usize>(),
        }),
        (_, [one, ..]) => serde_json::to_value(one)?,
    };
    Ok(serde_json::to_string_pretty(&value)?)
}
