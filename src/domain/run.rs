//! A run: "scenario X for group G", opened by a CI job that tests its own
//! purchasing system. While it is open, everything the group receives
//! belongs to it (punchouts, carts, POs, refusals, the faults injected into
//! PO answers, and through the orders their deliveries and the buyer's
//! answers). [`evaluate`] turns that evidence into the run's checks: what
//! must have arrived (a punchout, a returned cart, a PO, or no PO after an
//! empty cart) and the automatic checks of the PO's log entry. The run is
//! decided once no check is pending; at its deadline every pending check
//! fails with what never arrived.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::checks::{Check, Outcome};
use super::fault::FaultRecord;
use super::order::Order;
use super::scenario::{Expectation, Scenario};
use super::session::Session;
use crate::i18n::Note;
use crate::note;

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Open,
    Passed,
    Failed,
    /// The deadline passed with a check still pending.
    TimedOut,
    /// Closed by the CI job before it was decided.
    Cancelled,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Open => "open",
            RunState::Passed => "passed",
            RunState::Failed => "failed",
            RunState::TimedOut => "timed_out",
            RunState::Cancelled => "cancelled",
        }
    }

    pub fn is_open(self) -> bool {
        self == RunState::Open
    }
}

/// A run, as stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Run {
    pub id: String,
    pub group_id: u32,
    pub scenario: String,
    /// The language of its steps and sentences: `ja`, `en`, `de`, `fr`,
    /// `it` or `es`.
    pub lang: String,
    pub opened_at: DateTime<FixedOffset>,
    /// Unix ms after which the run times out.
    pub deadline_ms: i64,
    /// How long nothing must happen where the scenario expects nothing
    /// (no PO after an empty cart), in ms.
    pub quiet_ms: i64,
    pub state: RunState,
    pub closed_at: Option<DateTime<FixedOffset>>,
    /// The checks as decided when the run closed.
    #[serde(default)]
    pub checks: Vec<StoredCheck>,
    /// Set once the run's orders were marked from its verdict.
    #[serde(default)]
    pub marked: Option<String>,
}

/// A check as a closed run keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredCheck {
    pub name: String,
    /// pass | fail | pending | n/a
    pub outcome: String,
    #[serde(flatten)]
    pub note: Note,
}

pub fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Pending => "pending",
        Outcome::NotApplicable => "n/a",
    }
}

impl From<&Check> for StoredCheck {
    fn from(c: &Check) -> Self {
        StoredCheck {
            name: c.name.clone(),
            outcome: outcome_text(c.outcome).into(),
            note: c.note.clone(),
        }
    }
}

impl From<&StoredCheck> for Check {
    fn from(c: &StoredCheck) -> Self {
        let outcome = match c.outcome.as_str() {
            "pass" => Outcome::Pass,
            "fail" => Outcome::Fail,
            "pending" => Outcome::Pending,
            _ => Outcome::NotApplicable,
        };
        Check::new(c.name.clone(), outcome, c.note.clone())
    }
}

/// What the group received while the run was open.
pub struct RunEvidence<'a> {
    pub scenario: &'a Scenario,
    /// The run's punchout sessions, oldest first.
    pub sessions: &'a [Session],
    /// The run's orders (accepted and refused), oldest first, each with the
    /// automatic checks of its log entry.
    pub orders: &'a [(Order, Vec<Check>)],
    /// Faults injected into the run's PO answers.
    pub faults: &'a [FaultRecord],
    pub now_ms: i64,
}

fn pending(name: &str, note: Note) -> Check {
    Check::new(name, Outcome::Pending, note)
}

/// The run's checks and where it stands now.
pub fn evaluate(run: &Run, e: &RunEvidence) -> (RunState, Vec<Check>) {
    let mut checks = Vec::new();
    checks.push(match e.sessions.first() {
        Some(s) => Check::pass(
            "punchout",
            note!("run-punched-out", operation = s.setup.operation.as_str()),
        ),
        None => pending("punchout", note!("run-no-punchout")),
    });
    let last_return = e
        .sessions
        .iter()
        .flat_map(|s| s.returns.iter())
        .max_by_key(|r| r.sent_at);
    checks.push(match last_return {
        Some(r) => Check::pass(
            "cart returned",
            note!("run-cart-returned", count = r.lines.len()),
        ),
        None => pending("cart returned", note!("run-no-cart")),
    });
    if e.scenario.expect.contains(&Expectation::NoOrder) {
        no_order_checks(run, e, last_return.map(|r| r.sent_at), &mut checks);
    } else {
        order_checks(e, &mut checks);
    }
    let decided = !checks.iter().any(|c| c.outcome == Outcome::Pending);
    if decided {
        let failed = checks.iter().any(|c| c.outcome == Outcome::Fail);
        let state = if failed {
            RunState::Failed
        } else {
            RunState::Passed
        };
        return (state, checks);
    }
    if e.now_ms >= run.deadline_ms {
        // The clock of due times and the wall clock may differ by a few ms.
        let secs = ((run.deadline_ms - run.opened_at.timestamp_millis()) as f64 / 1000.0).round();
        for c in checks.iter_mut().filter(|c| c.outcome == Outcome::Pending) {
            c.outcome = Outcome::Fail;
            c.note = note!(
                "run-timed-out",
                secs = secs.to_string(),
                check = c.note.clone()
            );
        }
        return (RunState::TimedOut, checks);
    }
    (RunState::Open, checks)
}

/// An empty cart came back: no PO may follow within the quiet time.
fn no_order_checks(
    run: &Run,
    e: &RunEvidence,
    returned_at: Option<DateTime<FixedOffset>>,
    checks: &mut Vec<Check>,
) {
    let Some(returned_at) = returned_at else {
        checks.push(pending(
            "no PO after an empty cart",
            note!("run-waiting-empty-cart"),
        ));
        return;
    };
    if let Some((order, _)) = e.orders.last() {
        checks.push(Check::fail(
            "no PO after an empty cart",
            note!(
                "run-po-after-empty-cart",
                order_id = order.order_id.as_str()
            ),
        ));
        return;
    }
    let quiet_until = returned_at.timestamp_millis() + run.quiet_ms;
    if e.now_ms >= quiet_until {
        checks.push(Check::pass(
            "no PO after an empty cart",
            note!("run-quiet-after-empty-cart", secs = run.quiet_ms / 1000),
        ));
    } else {
        checks.push(pending(
            "no PO after an empty cart",
            note!("run-watching-after-empty-cart"),
        ));
    }
}

/// A PO must arrive; the newest one's log entry checks decide.
fn order_checks(e: &RunEvidence, checks: &mut Vec<Check>) {
    let Some((order, entry)) = e.orders.last() else {
        let faulted = e.faults.iter().find(|f| f.payload_id.is_some());
        checks.push(match faulted {
            Some(f) => pending(
                "PO",
                note!(
                    "run-not-resent",
                    fault = f.kind.as_str(),
                    payload_id = f.payload_id.as_deref().unwrap_or_default()
                ),
            ),
            None => pending("PO", note!("run-no-po")),
        });
        return;
    };
    checks.push(Check::pass(
        "PO",
        note!("run-po-arrived", order_id = order.order_id.as_str()),
    ));
    // A scenario that expects a refusal waits for the PO that gets it (the
    // duplicate after the first, say).
    if e.scenario.refusal.is_some() && order.refusal.is_none() {
        let expected = e.scenario.refusal.as_deref().unwrap_or_default();
        checks.push(pending(
            "refusal",
            note!("run-waiting-refusal", expected = expected),
        ));
        return;
    }
    checks.extend(entry.iter().cloned());
}

/// The longest a run may wait for the purchasing system.
pub const MAX_RUN_SECS: u64 = 24 * 3600;

/// What a CI job asks of a new run; unset values take their defaults.
#[derive(Debug, Clone, Default)]
pub struct RunRequest<'a> {
    pub timeout_secs: Option<u64>,
    pub quiet_secs: Option<u64>,
    pub lang: Option<&'a str>,
}

/// A new open run of `scenario` for group `group_id`, or why its request
/// breaks a rule: a timeout from 1 s to [`MAX_RUN_SECS`] (300 by default),
/// a quiet time up to an hour (5 s by default), a language the pages speak
/// (Japanese by default).
pub fn open(
    id: String,
    group_id: u32,
    scenario: &Scenario,
    asked: &RunRequest,
    opened_at: DateTime<FixedOffset>,
    now_ms: i64,
) -> Result<Run, String> {
    let timeout = asked.timeout_secs.unwrap_or(300);
    if !(1..=MAX_RUN_SECS).contains(&timeout) {
        return Err(format!(
            "timeout_secs {timeout} is not between 1 and {MAX_RUN_SECS}"
        ));
    }
    let quiet = asked.quiet_secs.unwrap_or(5);
    if quiet > 3600 {
        return Err(format!("quiet_secs {quiet} is over 3600"));
    }
    let lang = match asked.lang.map(|l| (l, crate::i18n::Lang::parse(l))) {
        None => "ja".to_owned(),
        Some((_, Some(lang))) => lang.code().to_owned(),
        Some((other, None)) => {
            return Err(format!(
                "lang '{other}' is not one of ja, en, de, fr, it, es"
            ));
        }
    };
    Ok(Run {
        id,
        group_id,
        scenario: scenario.id.clone(),
        lang,
        opened_at,
        deadline_ms: now_ms + (timeout * 1000) as i64,
        quiet_ms: (quiet * 1000) as i64,
        state: RunState::Open,
        closed_at: None,
        checks: Vec::new(),
        marked: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scenario::Scenarios;

    /// A run closed by an absim whose checks had no ids reads back with
    /// its sentences; a new one keeps its note.
    #[test]
    fn stored_checks_of_before_and_after_notes_read_back() {
        let old: StoredCheck = serde_json::from_str(
            r#"{"name":"PO","outcome":"pass","ja":"発注書を受信しました。","en":"A PO arrived."}"#,
        )
        .unwrap();
        let check = Check::from(&old);
        assert_eq!(check.outcome, Outcome::Pass);
        assert_eq!(check.text(crate::i18n::Lang::Ja), "発注書を受信しました。");
        assert_eq!(check.en(), "A PO arrived.");
        let new = StoredCheck::from(&Check::pass(
            "PO",
            note!("run-po-arrived", order_id = "PO-1"),
        ));
        let json = serde_json::to_string(&new).unwrap();
        assert!(json.contains(r#""id":"run-po-arrived""#), "{json}");
        let back: StoredCheck = serde_json::from_str(&json).unwrap();
        assert_eq!(back, new);
        assert_eq!(Check::from(&back).en(), "A PO (orderID 'PO-1') arrived.");
    }

    fn run(scenario: &str) -> Run {
        Run {
            id: "r1".into(),
            group_id: 2,
            scenario: scenario.into(),
            lang: "en".into(),
            opened_at: DateTime::parse_from_rfc3339("2026-11-29T10:00:00+09:00").unwrap(),
            deadline_ms: DateTime::parse_from_rfc3339("2026-11-29T10:05:00+09:00")
                .unwrap()
                .timestamp_millis(),
            quiet_ms: 5_000,
            state: RunState::Open,
            closed_at: None,
            checks: Vec::new(),
            marked: None,
        }
    }

    fn names(checks: &[Check]) -> Vec<(&str, Outcome)> {
        checks
            .iter()
            .map(|c| (c.name.as_str(), c.outcome))
            .collect()
    }

    #[test]
    fn a_run_opens_with_its_defaults_and_refuses_values_past_their_rules() {
        let scenarios = Scenarios::embedded().unwrap();
        let basic = scenarios.get("basic").unwrap();
        let at = DateTime::parse_from_rfc3339("2026-11-29T10:00:00+09:00").unwrap();
        let opened = open("r2".into(), 3, basic, &RunRequest::default(), at, 1_000).unwrap();
        assert_eq!(
            (opened.deadline_ms, opened.quiet_ms, opened.lang.as_str()),
            (301_000, 5_000, "ja")
        );
        assert!(opened.state.is_open());
        let refuse = |asked: RunRequest| open("r".into(), 3, basic, &asked, at, 0).unwrap_err();
        let long = refuse(RunRequest {
            timeout_secs: Some(MAX_RUN_SECS + 1),
            ..RunRequest::default()
        });
        assert!(long.starts_with("timeout_secs 86401 "), "{long}");
        let never = refuse(RunRequest {
            timeout_secs: Some(0),
            ..RunRequest::default()
        });
        assert!(never.contains("between 1 and"), "{never}");
        let quiet = refuse(RunRequest {
            quiet_secs: Some(3601),
            ..RunRequest::default()
        });
        assert_eq!(quiet, "quiet_secs 3601 is over 3600");
        let lang = refuse(RunRequest {
            lang: Some("pt"),
            ..RunRequest::default()
        });
        assert_eq!(lang, "lang 'pt' is not one of ja, en, de, fr, it, es");
    }

    #[test]
    fn nothing_arrived_is_open_then_times_out_naming_each_missing_step() {
        let scenarios = Scenarios::embedded().unwrap();
        let r = run("basic");
        let mut e = RunEvidence {
            scenario: scenarios.get("basic").unwrap(),
            sessions: &[],
            orders: &[],
            faults: &[],
            now_ms: r.opened_at.timestamp_millis() + 1000,
        };
        let (state, checks) = evaluate(&r, &e);
        assert_eq!(state, RunState::Open);
        assert_eq!(
            names(&checks),
            [
                ("punchout", Outcome::Pending),
                ("cart returned", Outcome::Pending),
                ("PO", Outcome::Pending)
            ]
        );
        e.now_ms = r.deadline_ms;
        let (state, checks) = evaluate(&r, &e);
        assert_eq!(state, RunState::TimedOut);
        assert!(checks.iter().all(|c| c.outcome == Outcome::Fail));
        assert!(
            checks[0].en().starts_with("Not within 300 s: No punchout"),
            "{}",
            checks[0].en()
        );
        assert!(checks[2].en().contains("No PO (OrderRequest) arrived"));
    }

    #[test]
    fn a_fault_without_a_resend_says_so_at_the_deadline() {
        let scenarios = Scenarios::embedded().unwrap();
        let r = run("advanced-po-retry");
        let fault = FaultRecord {
            group_id: 2,
            at: r.opened_at,
            kind: crate::domain::fault::FaultKind::Http503,
            payload_id: Some("p-1@buyer".into()),
            order_id: Some("PO-1".into()),
            detail: String::new(),
            run_id: Some("r1".into()),
        };
        let e = RunEvidence {
            scenario: scenarios.get("advanced-po-retry").unwrap(),
            sessions: &[],
            orders: &[],
            faults: std::slice::from_ref(&fault),
            now_ms: r.deadline_ms + 1,
        };
        let (state, checks) = evaluate(&r, &e);
        assert_eq!(state, RunState::TimedOut);
        let po = checks.iter().find(|c| c.name == "PO").unwrap();
        assert!(
            po.en().contains(
                "No PO was sent again after the injected fault (http503, payloadID 'p-1@buyer')"
            ),
            "{}",
            po.en()
        );
    }
}
