//! CI runs: "scenario X for group G" for a team testing its own purchasing
//! system. Open one, play the shopper's part without a browser, read the
//! verdict (decided by `domain::run` from what the group received while
//! the run was open), and mark its orders from it.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::sessions::{
    CartLineInput, CheckoutInput, CheckoutView, check_lines, return_cart, set_cart,
};
use super::{ApiError, ApiResult, Json, P, group_of};
use crate::AppState;
use crate::cxml::time;
use crate::domain::checks::Check;
use crate::domain::order::{Mark, Order, TestResult};
use crate::domain::run::{self, Run, RunEvidence, RunRequest, RunState, StoredCheck, outcome_text};
use crate::domain::session::Session;
use crate::i18n::Lang;
use crate::store::{RunError, StoreError};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunInput {
    /// The scenario's id (GET /api/v1/groups/{gid}/scenarios).
    pub scenario: String,
    /// Seconds the run waits for the purchasing system (default 300).
    #[schema(minimum = 1, maximum = 86400)]
    pub timeout_secs: Option<u64>,
    /// The language of the steps and sentences: ja, en, de, fr, it or es
    /// (default: the group's store's, ja for Japan).
    pub lang: Option<String>,
    /// Seconds no PO may arrive after an empty cart (default 5).
    #[schema(minimum = 0, maximum = 3600)]
    pub quiet_secs: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunCheckView {
    /// A stable name: one JUnit test case per name.
    pub name: String,
    /// pass | fail | pending | n/a
    pub outcome: String,
    /// The sentence in the run's language.
    pub sentence: String,
    /// The sentence's message id (locales/domain/), the same in every
    /// language.
    pub id: String,
    pub ja: String,
    pub en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    pub id: String,
    pub group_id: u32,
    pub scenario: String,
    pub scenario_name: String,
    /// open | passed | failed | timed_out | cancelled
    pub state: String,
    pub lang: String,
    /// What the purchasing system must do, in the run's language.
    pub steps: Vec<String>,
    /// What a person would look for (探すもの), in the run's language.
    pub look_for: Vec<String>,
    pub opened_at: String,
    pub deadline: String,
    pub closed_at: Option<String>,
    pub checks: Vec<RunCheckView>,
    /// The log entries of the run's POs.
    pub orders: Vec<u64>,
    /// The run's punchout sessions, oldest first.
    pub sessions: Vec<String>,
    /// Where the purchasing system sends its PunchOutSetupRequest.
    pub punchout_url: String,
    /// Where it sends its POs (the group's c).
    pub po_request_url: String,
    /// The comment the run's orders were marked with, if they were.
    pub marked: Option<String>,
}

/// A run with what belongs to it and its checks as of now.
struct Judged {
    run: Run,
    checks: Vec<Check>,
    sessions: Vec<Session>,
    orders: Vec<Order>,
}

/// Judges an open run from its records; a run that is decided now is
/// closed (its group is free again). A closed run keeps its checks.
async fn judge(state: &AppState, mut run: Run) -> Result<Judged, StoreError> {
    let (sessions, orders, faults) = state.store.run_records(&run.id).await?;
    if !run.state.is_open() {
        let checks = run.checks.iter().map(Check::from).collect();
        return Ok(Judged {
            run,
            checks,
            sessions,
            orders,
        });
    }
    let mut entries = Vec::with_capacity(orders.len());
    for o in &orders {
        entries.push((o.clone(), crate::web::check_entry(state, o).await?.checks));
    }
    let (now_state, checks) = run::evaluate(
        &run,
        &RunEvidence {
            scenario: state.scenarios.get_or_basic(&run.scenario),
            sessions: &sessions,
            orders: &entries,
            faults: &faults,
            now_ms: state.clock.now_ms(),
        },
    );
    if !now_state.is_open() {
        run.state = now_state;
        run.closed_at = Some(crate::cxml::time::now());
        run.checks = checks.iter().map(StoredCheck::from).collect();
        state.store.save_run(run.clone()).await?;
        tracing::info!(run = %run.id, group = run.group_id, scenario = %run.scenario, state = now_state.as_str(), "a run was decided");
    }
    Ok(Judged {
        run,
        checks,
        sessions,
        orders,
    })
}

async fn view(state: &AppState, j: Judged) -> Result<RunView, ApiError> {
    let Judged {
        run,
        checks,
        sessions,
        orders,
    } = j;
    let group = group_of(state, run.group_id).await?;
    let scenario = state.scenarios.get_or_basic(&run.scenario);
    let text = |t: &crate::domain::scenario::Text| t.get(&run.lang).to_owned();
    Ok(RunView {
        id: run.id.clone(),
        group_id: run.group_id,
        scenario: run.scenario.clone(),
        scenario_name: text(&scenario.name),
        state: run.state.as_str().into(),
        lang: run.lang.clone(),
        steps: scenario.steps.iter().map(text).collect(),
        look_for: scenario.look_for.iter().map(text).collect(),
        opened_at: crate::cxml::time::format(&run.opened_at),
        deadline: chrono::DateTime::from_timestamp_millis(run.deadline_ms)
            .map(|d| crate::cxml::time::format(&d.with_timezone(&crate::cxml::time::jst())))
            .unwrap_or_default(),
        closed_at: run.closed_at.as_ref().map(crate::cxml::time::format),
        checks: checks
            .iter()
            .map(|c| RunCheckView {
                name: c.name.clone(),
                outcome: outcome_text(c.outcome).into(),
                sentence: c.text(Lang::parse(&run.lang).unwrap_or(Lang::Ja)),
                id: c.note.id().to_owned(),
                ja: c.text(Lang::Ja),
                en: c.en(),
            })
            .collect(),
        orders: orders.iter().map(|o| o.no).collect(),
        sessions: sessions.iter().map(|s| s.id.clone()).collect(),
        punchout_url: state.punchout_url(),
        po_request_url: state.po_url(&group),
        marked: run.marked.clone(),
    })
}

async fn run_of(state: &AppState, rid: &str) -> Result<Run, ApiError> {
    state
        .store
        .run(rid)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("there is no run '{rid}'")))
}

impl From<RunError> for ApiError {
    fn from(e: RunError) -> Self {
        match e {
            RunError::NoGroup(gid) => ApiError::not_found(format!("there is no group {gid}")),
            RunError::Busy(_) => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
            RunError::Store(e) => e.into(),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/groups/{gid}/runs", tag = "runs",
    params(("gid" = u32, Path, description = "group id")),
    request_body = RunInput,
    responses(
        (status = 201, description = "the run is open: the group's selected scenario is now the run's, and what the group receives until the run is decided or times out belongs to it", body = RunView),
        (status = 400, description = "a value breaks its rule, or there is no such scenario", body = ApiError),
        (status = 404, description = "no such group", body = ApiError),
        (status = 409, description = "another run of the group is open", body = ApiError)))]
pub async fn open_run(
    State(state): State<AppState>,
    P(gid): P<u32>,
    Json(input): Json<RunInput>,
) -> Result<(StatusCode, axum::Json<RunView>), ApiError> {
    let scenario = state.scenarios.get(input.scenario.trim()).ok_or_else(|| {
        ApiError::bad_request(format!(
            "there is no scenario '{}' (GET /api/v1/groups/{gid}/scenarios lists them)",
            input.scenario
        ))
    })?;
    // Unless asked, a run speaks the group's store's language, as its
    // pages do.
    let group = group_of(&state, gid).await?;
    let store_lang = Lang::of_store(&state.market(&group).language).code();
    let asked = RunRequest {
        timeout_secs: input.timeout_secs,
        quiet_secs: input.quiet_secs,
        lang: Some(input.lang.as_deref().unwrap_or(store_lang)),
    };
    let now_ms = state.clock.now_ms();
    let id = format!(
        "run-{}",
        crate::domain::account::generate_token(12).to_lowercase()
    );
    let run = crate::domain::run::open(id, gid, scenario, &asked, time::now(), now_ms)
        .map_err(ApiError::bad_request)?;
    let run = state.store.open_run(run, now_ms).await?;
    tracing::info!(run = %run.id, group = gid, scenario = %run.scenario, "a run was opened");
    let judged = judge(&state, run).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&state, judged).await?)))
}

#[utoipa::path(get, path = "/api/v1/runs/{rid}", tag = "runs",
    params(("rid" = String, Path, description = "run id")),
    responses(
        (status = 200, description = "the run with its checks as of now; once no check is pending (or the deadline passed) it is closed with its verdict", body = RunView),
        (status = 404, body = ApiError)))]
pub async fn get_run(State(state): State<AppState>, P(rid): P<String>) -> ApiResult<RunView> {
    let run = run_of(&state, &rid).await?;
    let judged = judge(&state, run).await?;
    Ok(axum::Json(view(&state, judged).await?))
}

#[utoipa::path(delete, path = "/api/v1/runs/{rid}", tag = "runs",
    params(("rid" = String, Path, description = "run id")),
    responses(
        (status = 200, description = "the run is cancelled (or was decided already) and its group free", body = RunView),
        (status = 404, body = ApiError)))]
pub async fn cancel_run(State(state): State<AppState>, P(rid): P<String>) -> ApiResult<RunView> {
    let run = run_of(&state, &rid).await?;
    let mut judged = judge(&state, run).await?;
    if judged.run.state.is_open() {
        judged.run.state = RunState::Cancelled;
        judged.run.closed_at = Some(crate::cxml::time::now());
        judged.run.checks = judged.checks.iter().map(StoredCheck::from).collect();
        state.store.save_run(judged.run.clone()).await?;
    }
    Ok(axum::Json(view(&state, judged).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ShopperInput {
    /// The cart to return: each ASIN's quantity.
    pub lines: Vec<CartLineInput>,
    /// Leave with an empty cart instead.
    pub empty: bool,
    /// Seconds to wait for the purchasing system's punchout (default 0).
    #[schema(maximum = 600)]
    pub wait_secs: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShopperView {
    /// The run's latest punchout session, the one shopped in.
    pub session_id: String,
    /// The cart as returned, and the hook's HTTP status.
    pub checkout: CheckoutView,
}

#[utoipa::path(post, path = "/api/v1/runs/{rid}/shopper", tag = "runs",
    params(("rid" = String, Path, description = "run id")),
    request_body = ShopperInput,
    responses(
        (status = 200, description = "the cart was put together in the run's latest punchout session and 承認を依頼する pressed: the PunchOutOrderMessage was posted to the BrowserFormPost URL", body = ShopperView),
        (status = 400, description = "an ASIN not in the catalogue, a quantity too large, a wait too long", body = ApiError),
        (status = 403, description = "the hook's host is not allowed (--allow-hook-host)", body = ApiError),
        (status = 404, description = "no such run, or no punchout within wait_secs", body = ApiError),
        (status = 409, description = "the run is closed, or its session is read-only (inspect)", body = ApiError),
        (status = 502, description = "the hook could not be reached", body = ApiError)))]
pub async fn shopper(
    State(state): State<AppState>,
    P(rid): P<String>,
    Json(input): Json<ShopperInput>,
) -> ApiResult<ShopperView> {
    if input.wait_secs > 600 {
        return Err(ApiError::bad_request(format!(
            "wait_secs {} is over 600",
            input.wait_secs
        )));
    }
    check_lines(&state, &input.lines)?;
    let run = run_of(&state, &rid).await?;
    if !run.state.is_open() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("run {rid} is {} already", run.state.as_str()),
        ));
    }
    let session = wait_for_punchout(&state, &rid, input.wait_secs).await?;
    if !input.empty {
        set_cart(&state, &session.id, &input.lines).await?;
    }
    // The cart as it is now (the session was evicted only if absim holds
    // more sessions than --max-sessions).
    let session = state
        .store
        .session(&session.id)
        .await?
        .unwrap_or_else(|| Arc::new(session));
    let checkout = return_cart(
        &state,
        &session,
        &CheckoutInput {
            empty: input.empty,
            post: true,
        },
    )
    .await?;
    Ok(axum::Json(ShopperView {
        session_id: session.id.clone(),
        checkout,
    }))
}

/// The run's latest punchout session, waiting up to `wait_secs` for the
/// purchasing system to punch out.
async fn wait_for_punchout(
    state: &AppState,
    rid: &str,
    wait_secs: u64,
) -> Result<Session, ApiError> {
    let until = tokio::time::Instant::now() + Duration::from_secs(wait_secs);
    loop {
        if let Some(s) = state.store.run_records(rid).await?.0.pop() {
            return Ok(s);
        }
        if tokio::time::Instant::now() >= until {
            let within = if wait_secs > 0 {
                format!(" within {wait_secs} s")
            } else {
                String::new()
            };
            return Err(ApiError::not_found(format!(
                "run {rid} has no punchout session yet: the purchasing system has not punched out{within}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RunMarkInput {
    /// Kept with each mark: name the CI run (a pipeline URL, a build number).
    pub comment: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/runs/{rid}/mark", tag = "runs",
    params(("rid" = String, Path, description = "run id")),
    request_body = RunMarkInput,
    responses(
        (status = 200, description = "each of the run's orders is marked 成功 (passed) or 失敗 (failed, timed out) with the comment", body = RunView),
        (status = 404, body = ApiError),
        (status = 409, description = "the run is not decided yet, or was cancelled", body = ApiError)))]
pub async fn mark_run(
    State(state): State<AppState>,
    P(rid): P<String>,
    Json(input): Json<RunMarkInput>,
) -> ApiResult<RunView> {
    let run = run_of(&state, &rid).await?;
    let mut judged = judge(&state, run).await?;
    let result = match judged.run.state {
        RunState::Passed => TestResult::Success,
        RunState::Failed | RunState::TimedOut => TestResult::Failure,
        other => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!(
                    "run {rid} is {}: only a decided run marks its orders",
                    other.as_str()
                ),
            ));
        }
    };
    let comment = input
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| format!("CI run {rid}"));
    for o in &judged.orders {
        state
            .store
            .set_mark(
                o.no,
                Mark {
                    result,
                    by: "CI".into(),
                    at: crate::cxml::time::now(),
                    comment: Some(comment.clone()),
                },
            )
            .await?;
    }
    judged.run.marked = Some(comment);
    state.store.save_run(judged.run.clone()).await?;
    Ok(axum::Json(view(&state, judged).await?))
}
