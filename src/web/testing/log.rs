//! テストログ and 発注の検索: orders, punchouts and faults of a group.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::scenario_name;
use crate::AppState;
use crate::domain::Group;
use crate::domain::order::{Order, TestResult};
use crate::domain::scenario::Section;
use crate::domain::session::Session;
use crate::i18n::Texts;
use crate::store::{FaultRecord, OrderFilter, StoreError};
use crate::web::settings::group_or_404;
use crate::web::{Chrome, Ctx, PageError, PagePath, PageQuery, render, show_time};

/// Query of the test log and the order search. Dates are `YYYY-MM-DD`.
#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    scenario: String,
    #[serde(default)]
    po: String,
    #[serde(default)]
    asin: String,
    #[serde(default)]
    result: String,
}

impl LogQuery {
    fn is_empty(&self) -> bool {
        [
            &self.q,
            &self.from,
            &self.to,
            &self.scenario,
            &self.po,
            &self.asin,
            &self.result,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }

    fn filter(&self, t: &'static Texts) -> Result<OrderFilter, PageError> {
        let date = |s: &str| -> Result<Option<chrono::NaiveDate>, PageError> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    PageError::new(
                        t,
                        StatusCode::BAD_REQUEST,
                        format!("'{s}': {} (YYYY-MM-DD)", t.received_date),
                    )
                })
        };
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(OrderFilter {
            from: date(&self.from)?,
            to: date(&self.to)?,
            scenario: some(&self.scenario),
            text: some(&self.q),
            order_id: some(&self.po),
            asin: some(&self.asin),
            result: match self.result.as_str() {
                "success" => Some(Some(TestResult::Success)),
                "failure" => Some(Some(TestResult::Failure)),
                "unmarked" => Some(None),
                _ => None,
            },
        })
    }
}

/// A test-log row.
pub struct LogRow {
    pub no: u64,
    /// For a refused PO: what it was answered.
    pub refused: Option<String>,
    pub order_id: String,
    pub scenario: String,
    pub received: String,
    pub result: &'static str,
    pub result_class: &'static str,
}

fn log_rows(state: &AppState, t: &'static Texts, orders: &[Order]) -> Vec<LogRow> {
    orders
        .iter()
        .map(|o| {
            let (result, result_class) = match o.mark.as_ref().map(|m| m.result) {
                None => (t.unmarked, "unmarked"),
                Some(TestResult::Success) => (t.success, "success"),
                Some(TestResult::Failure) => (t.failure, "failure"),
            };
            LogRow {
                no: o.no,
                order_id: o.order_id.to_string(),
                scenario: scenario_name(state, t, &o.scenario),
                refused: o
                    .refusal
                    .as_ref()
                    .map(|r| t.f(t.refused_with, format!("{} {}", r.code, r.text))),
                received: show_time(&o.received_at),
                result: result.as_str(),
                result_class,
            }
        })
        .collect()
}

/// `absim buyer` pointed at this simulator and group.
fn buyer_command(state: &AppState, group: &Group) -> String {
    let mut c = format!("absim buyer --simulator {}", state.settings.base_url);
    if group.id != crate::DEFAULT_GROUP {
        c.push_str(&format!(" --group {}", group.id));
    }
    c
}

/// Most rows a log page lists.
const PAGE_ROWS: usize = 200;

/// An injected fault as the log shows it.
pub struct FaultRow {
    pub at: String,
    pub kind: &'static str,
    pub payload_id: String,
    pub order_id: String,
    pub detail: String,
}

fn fault_rows(t: &'static Texts, faults: &[FaultRecord]) -> Vec<FaultRow> {
    faults
        .iter()
        .map(|f| FaultRow {
            at: show_time(&f.at),
            kind: f.kind.name_in(t),
            payload_id: f.payload_id.clone().unwrap_or_default(),
            order_id: f.order_id.clone().unwrap_or_default(),
            detail: f.detail.clone(),
        })
        .collect()
}

/// A request absim refused, filed under the group: a punchout with the
/// group's system login and a wrong password, a PO to its URL (or one cut
/// short) that could not be taken.
pub struct RefusedRow {
    pub at: String,
    /// What was asked: the path, as the journal has it.
    pub target: String,
    pub status: String,
    /// absim's answer, as the buyer received it.
    pub answer: String,
}

/// Most refused requests the log lists.
const REFUSED_ROWS: usize = 10;

async fn refused_rows(state: &AppState, gid: u32) -> Result<Vec<RefusedRow>, StoreError> {
    let filter = crate::store::JournalFilter {
        direction: Some("in".into()),
        group: Some(gid),
        refused: true,
        ..Default::default()
    };
    Ok(state
        .store
        .journal(filter, REFUSED_ROWS)
        .await?
        .into_iter()
        .map(|(_, e)| RefusedRow {
            at: show_time(&e.at),
            status: e.status.map(|s| s.to_string()).unwrap_or_default(),
            answer: e.note.unwrap_or_default(),
            target: e.target,
        })
        .collect())
}

/// A punchout session as the log lists it.
pub struct SessionRow {
    pub at: String,
    pub operation: String,
    pub scenario: String,
    pub returns: usize,
    pub last_items: String,
    pub deviations: Vec<super::DeviationRow>,
}

fn session_rows(state: &AppState, t: &Texts, sessions: &[Session]) -> Vec<SessionRow> {
    sessions
        .iter()
        .map(|s| SessionRow {
            at: show_time(&s.setup.received_at),
            operation: s.setup.operation.clone(),
            scenario: scenario_name(state, t, &s.scenario),
            returns: s.returns.len(),
            last_items: s
                .returns
                .last()
                .map(|r| r.lines.len().to_string())
                .unwrap_or_else(|| "—".into()),
            deviations: super::deviation_rows(&s.setup.deviations, t.lang),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "testing/log.html")]
struct LogPage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    query: LogQuery,
    rows: Vec<LogRow>,
    showing: String,
    /// No order at all yet: the page says how to start.
    empty_group: bool,
    /// The command that starts the reference buyer for this group.
    buyer_command: String,
    scenarios: Vec<(String, String)>,
    faults: Vec<FaultRow>,
    sessions: Vec<SessionRow>,
    refused: Vec<RefusedRow>,
}

fn showing(t: &Texts, shown: usize, total: usize) -> String {
    if shown == total {
        t.f(t.showing, total)
    } else {
        t.f2(t.showing_of, shown, total)
    }
}

/// The group and the rows of its orders the query matches (the first
/// [`PAGE_ROWS`]), with how many match in all: the log and the order search
/// show the same.
async fn matching(
    state: &AppState,
    t: &'static Texts,
    gid: u32,
    query: &LogQuery,
) -> Result<(Group, Vec<LogRow>, usize), PageError> {
    let group = group_or_404(state, t, gid).await?;
    let (orders, total) = state
        .store
        .orders(gid, &query.filter(t)?, PAGE_ROWS)
        .await
        .map_err(|e| PageError::internal(t, &e))?;
    Ok((group, log_rows(state, t, &orders), total))
}

pub async fn log(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageQuery(query): PageQuery<LogQuery>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let (group, rows, total) = matching(&state, t, gid, &query).await?;
    let faults = state
        .store
        .faults(gid, 50)
        .await
        .map_err(|e| PageError::internal(t, &e))?;
    Ok(render(&LogPage {
        t,
        chrome: ctx.group_chrome(t.f(t.log_title, group.label()), &group, "log"),
        showing: showing(t, rows.len(), total),
        empty_group: total == 0 && query.is_empty(),
        buyer_command: buyer_command(&state, &group),
        scenarios: Section::ALL
            .iter()
            .flat_map(|s| state.scenarios.section(*s))
            .map(|s| (s.id.clone(), s.name.get(t.lang_code.as_str()).to_owned()))
            .collect(),
        faults: fault_rows(t, &faults),
        refused: refused_rows(&state, gid)
            .await
            .map_err(|e| PageError::internal(t, &e))?,
        sessions: session_rows(
            &state,
            t,
            &state
                .store
                .recent_sessions(gid, 20)
                .await
                .map_err(|e| PageError::internal(t, &e))?,
        ),
        rows,
        query,
        group,
    }))
}

#[derive(Template)]
#[template(path = "testing/search.html")]
struct SearchPage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    query: LogQuery,
    rows: Vec<LogRow>,
    showing: String,
    empty_group: bool,
    buyer_command: String,
}

pub async fn order_search(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageQuery(query): PageQuery<LogQuery>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let (group, rows, total) = matching(&state, t, gid, &query).await?;
    Ok(render(&SearchPage {
        t,
        chrome: ctx.group_chrome(t.search_title, &group, "orders"),
        showing: showing(t, rows.len(), total),
        empty_group: total == 0 && query.is_empty(),
        buyer_command: buyer_command(&state, &group),
        rows,
        query,
        group,
    }))
}
