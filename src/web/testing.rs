//! The test UI: the scenario page (以下のシナリオのテスト), the test log
//! (テストログ), a log entry with every section of the guide, marks, the raw
//! documents, and the order search (発注の検索).

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::settings::group_or_404;
use super::{Chrome, Ctx, PageError, PageForm, PagePath, PageQuery, render, show_time};
use crate::AppState;
use crate::cxml::Deviation;
use crate::domain::Group;
use crate::domain::checks::{self, Outcome, Verdict};
use crate::domain::delivery::{Attempt, Delivery, DeliveryKind, DeliveryState};
use crate::domain::order::{DocKind, DocumentMeta, Mark, Order, TestResult};
use crate::domain::pricing::yen;
use crate::domain::scenario::{PartStatus, Section};
use crate::domain::session::Session;
use crate::i18n::Texts;
use crate::store::{FaultRecord, OrderFilter, StoreError};

/// The name of a scenario id in the page's language.
fn scenario_name(state: &AppState, t: &Texts, id: &str) -> String {
    state
        .scenarios
        .get(id)
        .map(|s| s.name.get(t.lang_code).to_owned())
        .unwrap_or_else(|| id.to_owned())
}

fn mark_line(t: &Texts, mark: &Mark) -> String {
    match mark.result {
        TestResult::Success => t.f(t.marked_success, &mark.by),
        TestResult::Failure => t.f(t.marked_failure, &mark.by),
    }
}

/// A scenario as its card shows it.
pub struct ScenarioCard {
    pub id: String,
    pub name: String,
    pub description: String,
    pub steps: Vec<String>,
    pub logs: usize,
    pub mark: Option<String>,
    pub mark_failed: bool,
    pub selected: bool,
    pub unlocked: bool,
    /// The scenarios it waits for, by name.
    pub waits_for: String,
}

pub struct SectionView {
    pub id: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub locked_text: &'static str,
    pub cards: Vec<ScenarioCard>,
}

#[derive(Template)]
#[template(path = "testing/scenarios.html")]
struct ScenariosPage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    total_logs: usize,
    sections: Vec<SectionView>,
}

pub async fn scenarios(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let lang = t.lang_code;
    let group = group_or_404(&state, t, gid).await?;
    let internal = |e: StoreError| PageError::internal(t, &e);
    let marks = passed_scenarios(&state, t, gid).await?;
    let mut sections = Vec::new();
    for section in Section::ALL {
        let (title, intro, locked_text) = match section {
            Section::Basic => (t.first_test, t.first_test_desc, ""),
            Section::Checkout => (t.optional_tests, "", t.optional_locked),
            Section::Safeguard => (t.safeguard_tests, t.safeguard_intro, t.safeguard_locked),
            Section::Advanced => (t.advanced_tests, "", t.advanced_locked),
        };
        let mut cards = Vec::new();
        for sc in state.scenarios.section(section) {
            let mark = state
                .store
                .latest_mark(gid, &sc.id)
                .await
                .map_err(internal)?;
            let waiting: Vec<String> = sc
                .requires
                .iter()
                .filter(|r| !marks.contains(*r))
                .map(|r| scenario_name(&state, t, r))
                .collect();
            cards.push(ScenarioCard {
                id: sc.id.clone(),
                name: sc.name.get(lang).to_owned(),
                description: sc.description.get(lang).to_owned(),
                steps: sc.steps.iter().map(|s| s.get(lang).to_owned()).collect(),
                logs: state
                    .store
                    .count_orders(gid, Some(&sc.id))
                    .await
                    .map_err(internal)?,
                mark_failed: mark
                    .as_ref()
                    .is_some_and(|m| m.result == TestResult::Failure),
                mark: mark.as_ref().map(|m| mark_line(t, m)),
                selected: group.selected_scenario == sc.id,
                unlocked: waiting.is_empty(),
                waits_for: waiting.join(", "),
            });
        }
        sections.push(SectionView {
            id: section.as_str(),
            title,
            intro,
            locked_text,
            cards,
        });
    }
    Ok(render(&ScenariosPage {
        t,
        chrome: ctx.chrome(
            t.f(t.tests_title, group.purchasing_system.as_str()),
            Some(gid),
        ),
        total_logs: state
            .store
            .count_orders(gid, None)
            .await
            .map_err(internal)?,
        sections,
        group,
    }))
}

/// The scenarios of a group whose latest mark is 成功.
pub async fn passed_scenarios(
    state: &AppState,
    t: &'static Texts,
    gid: u32,
) -> Result<Vec<String>, PageError> {
    let mut out = Vec::new();
    for sc in state.scenarios.all() {
        let mark = state
            .store
            .latest_mark(gid, &sc.id)
            .await
            .map_err(|e| PageError::internal(t, &e))?;
        if mark.is_some_and(|m| m.result == TestResult::Success) {
            out.push(sc.id.clone());
        }
    }
    Ok(out)
}

/// テストシナリオを選択します: new punchouts and orders of the group get
/// this scenario.
pub async fn select_scenario(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((gid, id)): PagePath<(u32, String)>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    group_or_404(&state, t, gid).await?;
    let scenario = state
        .scenarios
        .get(&id)
        .ok_or_else(|| PageError::new(t, StatusCode::NOT_FOUND, t.not_found))?;
    let passed = passed_scenarios(&state, t, gid).await?;
    if let Some(missing) = scenario.requires.iter().find(|r| !passed.contains(*r)) {
        return Err(PageError::new(
            t,
            StatusCode::CONFLICT,
            t.f(t.scenario_locked, scenario_name(&state, t, missing)),
        ));
    }
    state
        .store
        .update_group(gid, {
            let id = id.clone();
            move |g| {
                g.selected_scenario = id;
                Ok(())
            }
        })
        .await
        .map_err(|e| PageError::new(t, StatusCode::BAD_REQUEST, e.message()))?;
    Ok(Redirect::to(&format!("/groups/{gid}/tests#{id}")).into_response())
}

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
                order_id: o.order_id.clone(),
                scenario: scenario_name(state, t, &o.scenario),
                refused: o
                    .refusal
                    .as_ref()
                    .map(|r| t.f(t.refused_with, format!("{} {}", r.code, r.text))),
                received: show_time(&o.received_at),
                result,
                result_class,
            }
        })
        .collect()
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

fn fault_rows(faults: &[FaultRecord]) -> Vec<FaultRow> {
    faults
        .iter()
        .map(|f| FaultRow {
            at: show_time(&f.at),
            kind: f.kind.as_str(),
            payload_id: f.payload_id.clone().unwrap_or_default(),
            order_id: f.order_id.clone().unwrap_or_default(),
            detail: f.detail.clone(),
        })
        .collect()
}

/// A punchout session as the log lists it.
pub struct SessionRow {
    pub at: String,
    pub operation: String,
    pub scenario: String,
    pub returns: usize,
    pub last_items: String,
    pub deviations: Vec<Deviation>,
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
            deviations: s.setup.deviations.clone(),
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
    scenarios: Vec<(String, String)>,
    faults: Vec<FaultRow>,
    sessions: Vec<SessionRow>,
}

fn showing(t: &Texts, shown: usize, total: usize) -> String {
    if shown == total {
        t.f(t.showing, total)
    } else {
        t.f(t.f(t.showing_of, shown).as_str(), total)
    }
}

pub async fn log(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageQuery(query): PageQuery<LogQuery>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let group = group_or_404(&state, t, gid).await?;
    let (orders, total) = state
        .store
        .orders(gid, &query.filter(t)?, PAGE_ROWS)
        .await
        .map_err(|e| PageError::internal(t, &e))?;
    let faults = state
        .store
        .faults(gid, 50)
        .await
        .map_err(|e| PageError::internal(t, &e))?;
    let rows = log_rows(&state, t, &orders);
    Ok(render(&LogPage {
        t,
        chrome: ctx.chrome(
            t.f(t.log_title, group.purchasing_system.as_str()),
            Some(gid),
        ),
        showing: showing(t, rows.len(), total),
        scenarios: Section::ALL
            .iter()
            .flat_map(|s| state.scenarios.section(*s))
            .map(|s| (s.id.clone(), s.name.get(t.lang_code).to_owned()))
            .collect(),
        faults: fault_rows(&faults),
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
}

pub async fn order_search(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageQuery(query): PageQuery<LogQuery>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let group = group_or_404(&state, t, gid).await?;
    let (orders, total) = state
        .store
        .orders(gid, &query.filter(t)?, PAGE_ROWS)
        .await
        .map_err(|e| PageError::internal(t, &e))?;
    let rows = log_rows(&state, t, &orders);
    Ok(render(&SearchPage {
        t,
        chrome: ctx.chrome(t.search_title, Some(gid)),
        showing: showing(t, rows.len(), total),
        rows,
        query,
        group,
    }))
}

/// A yes/no field of パンチアウト設定の詳細.
pub struct SetupField {
    pub label: &'static str,
    pub value: String,
    pub required: bool,
    pub ok: bool,
}

pub struct EntryLine {
    pub line_number: u32,
    pub asin: String,
    pub description: String,
    pub unit_price: String,
    pub quantity: String,
    pub total: String,
}

/// 注文の確認 / 事前出荷通知: where a delivery stands and its attempts.
pub struct DeliveryView {
    pub id: Option<i64>,
    pub state: &'static str,
    pub state_class: &'static str,
    pub sent_at: String,
    pub next_try: String,
    pub target: Option<String>,
    pub error: Option<String>,
    pub attempts: Vec<AttemptRow>,
    pub can_resend: bool,
}

pub struct AttemptRow {
    pub at: String,
    pub http_status: String,
    pub cxml_status: String,
    pub error: String,
    pub duration_ms: u64,
}

fn delivery_view(
    t: &'static Texts,
    d: Option<&(Delivery, Vec<Attempt>)>,
    clock: &crate::clock::Clock,
) -> DeliveryView {
    let Some((d, attempts)) = d else {
        return DeliveryView {
            id: None,
            state: t.scheduled,
            state_class: "pending",
            sent_at: String::new(),
            next_try: String::new(),
            target: None,
            error: None,
            attempts: Vec::new(),
            can_resend: false,
        };
    };
    let (state, state_class) = match d.state {
        DeliveryState::Pending if d.attempts == 0 => (t.scheduled, "pending"),
        DeliveryState::Pending => (t.retrying, "retrying"),
        DeliveryState::InFlight => (t.sending, "pending"),
        DeliveryState::Delivered => (t.sent, "success"),
        DeliveryState::Failed => (t.delivery_failed, "failure"),
    };
    let next_try = if d.state == DeliveryState::Pending && d.attempts > 0 {
        let wait_s = ((d.due_at_ms - clock.now_ms()).max(0) + 999) / 1000;
        t.f(t.next_try_in, wait_s)
    } else {
        String::new()
    };
    DeliveryView {
        id: Some(d.id),
        state,
        state_class,
        sent_at: d.sent_at.as_ref().map(show_time).unwrap_or_default(),
        next_try,
        target: d.target.clone(),
        error: d.last_error.clone(),
        attempts: attempts
            .iter()
            .map(|a| AttemptRow {
                at: show_time(&a.at),
                http_status: a.http_status.map(|s| s.to_string()).unwrap_or_default(),
                cxml_status: a.cxml_status.map(|s| s.to_string()).unwrap_or_default(),
                error: a.error.clone().unwrap_or_default(),
                duration_ms: a.duration_ms,
            })
            .collect(),
        can_resend: matches!(d.state, DeliveryState::Failed | DeliveryState::Delivered),
    }
}

pub struct DocLink {
    pub label: &'static str,
    pub at: String,
    pub href: String,
}

fn doc_label(t: &'static Texts, kind: DocKind) -> &'static str {
    match kind {
        DocKind::SetupRequest => t.doc_setup_request,
        DocKind::SetupResponse => t.doc_setup_response,
        DocKind::OrderMessage => t.doc_order_message,
        DocKind::OrderRequest => t.doc_order_request,
        DocKind::OrderResponse => t.doc_order_response,
        DocKind::Confirmation => t.doc_confirmation,
        DocKind::ConfirmationAnswer => t.doc_confirmation_answer,
        DocKind::ShipNotice => t.doc_ship_notice,
        DocKind::ShipNoticeAnswer => t.doc_ship_notice_answer,
        DocKind::Invoice => t.doc_invoice,
        DocKind::InvoiceAnswer => t.doc_invoice_answer,
        DocKind::OciCart => t.doc_oci_cart,
    }
}

/// A confirmed part of a line (注文の確認).
pub struct ConfirmedRow {
    pub line_number: u32,
    pub unit_price: String,
    pub quantity: String,
    pub status: String,
    pub status_class: &'static str,
    pub total: String,
    pub note: String,
}

/// One ship notice of the order (事前出荷通知).
pub struct ShipmentView {
    pub n: usize,
    pub delivery: DeliveryView,
    pub shipment_id: String,
    pub tracking: String,
    pub items: String,
}

pub struct CheckRow {
    pub class: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "testing/entry.html")]
struct EntryPage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    order: Order,
    scenario: String,
    scenario_description: String,
    look_for: Vec<String>,
    received: String,
    refusal: Option<String>,
    setup_received: Option<String>,
    setup_fields: Vec<SetupField>,
    poom_sent: Option<String>,
    lines: Vec<EntryLine>,
    po_total: String,
    header_type: String,
    confirmed: Vec<ConfirmedRow>,
    tax: String,
    shipping: String,
    discount: String,
    total: String,
    confirmation: DeliveryView,
    shipments: Vec<ShipmentView>,
    invoice: Option<DeliveryView>,
    decisions: Vec<String>,
    checks: Vec<CheckRow>,
    verdict: &'static str,
    verdict_class: &'static str,
    mark: Option<String>,
    documents: Vec<DocLink>,
    deviations: Vec<Deviation>,
    mails: Vec<MailRow>,
}

impl EntryPage {
    fn marked(&self, result: &str) -> bool {
        self.order
            .mark
            .as_ref()
            .is_some_and(|m| TestResult::parse(result) == Some(m.result))
    }
}

fn setup_fields(t: &'static Texts, s: &Session) -> Vec<SetupField> {
    let received = |v: &Option<String>| {
        if v.is_some() {
            t.received
        } else {
            t.not_received
        }
    };
    vec![
        SetupField {
            label: t.credentials,
            value: if s.setup.credentials_valid {
                t.valid
            } else {
                t.invalid
            }
            .to_owned(),
            required: true,
            ok: s.setup.credentials_valid,
        },
        SetupField {
            label: t.email,
            value: received(&s.setup.email).to_owned(),
            required: true,
            ok: s.setup.email.is_some(),
        },
        SetupField {
            label: t.hook_url,
            value: received(&s.setup.hook_url).to_owned(),
            required: true,
            ok: s.setup.hook_url.is_some(),
        },
        SetupField {
            label: t.first_name,
            value: received(&s.setup.first_name).to_owned(),
            required: false,
            ok: s.setup.first_name.is_some(),
        },
        SetupField {
            label: t.last_name,
            value: received(&s.setup.last_name).to_owned(),
            required: false,
            ok: s.setup.last_name.is_some(),
        },
        SetupField {
            label: t.ubu,
            value: if s.setup.ubu.is_some() {
                t.present
            } else {
                t.absent
            }
            .to_owned(),
            required: false,
            ok: s.setup.ubu.is_some(),
        },
    ]
}

async fn load_order(
    state: &AppState,
    t: &'static Texts,
    gid: u32,
    no: u64,
) -> Result<Order, PageError> {
    state
        .store
        .order(no)
        .await
        .map_err(|e| PageError::internal(t, &e))?
        .filter(|o| o.group_id == gid)
        .ok_or_else(|| PageError::new(t, StatusCode::NOT_FOUND, t.not_found))
}

pub async fn entry(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((gid, no)): PagePath<(u32, u64)>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let lang = t.lang_code;
    let internal = |e: StoreError| PageError::internal(t, &e);
    let group = group_or_404(&state, t, gid).await?;
    let order = load_order(&state, t, gid, no).await?;
    let super::Checked {
        session,
        deliveries,
        checks,
    } = super::check_entry(&state, &order).await.map_err(internal)?;
    let scenario = state.scenario_or_basic(&order.scenario);
    let docs = state
        .store
        .documents_of(no, session.as_ref().map(|s| s.id.clone()))
        .await
        .map_err(internal)?;
    let (verdict, verdict_class) = match checks::verdict(&checks) {
        Verdict::Success => (t.verdict_success, "success"),
        Verdict::Failure => (t.verdict_failure, "failure"),
        Verdict::Pending => (t.verdict_pending, "pending"),
    };
    let of_kind = |k: DeliveryKind, step: u32| {
        deliveries
            .iter()
            .find(|(d, _)| d.kind == k && d.step == step)
    };
    let mut deviations = Vec::new();
    if let Some(s) = &session {
        deviations.extend(s.setup.deviations.iter().cloned());
    }
    deviations.extend(order.deviations.iter().cloned());
    let plan = order.fulfilment.clone();
    let q = plan.as_ref().map(|p| p.quote).unwrap_or_default();
    let confirmed = plan
        .iter()
        .flat_map(|p| &p.lines)
        .flat_map(|l| {
            l.parts.iter().map(move |part| {
                let (status, status_class) = match part.status {
                    PartStatus::Accept => (t.ordered.to_owned(), "success"),
                    PartStatus::Backordered => (t.backordered.to_owned(), "pending"),
                    PartStatus::Reject => (t.rejected.to_owned(), "failure"),
                };
                let mut note = part.reason.clone().unwrap_or_default();
                if let Some(days) = part.delivery_days {
                    note = t.f(t.delivery_in_days, days);
                }
                if l.price_changed() && part.status != PartStatus::Reject {
                    note = t.f(t.price_changed_from, format!("{:.2}", l.po_price));
                }
                ConfirmedRow {
                    line_number: l.line_number,
                    unit_price: format!("{:.2}", l.unit_price),
                    quantity: part.quantity.normalize().to_string(),
                    status,
                    status_class,
                    total: if part.status == PartStatus::Reject {
                        "0.00".to_owned()
                    } else {
                        format!("{:.2}", l.unit_price * part.quantity)
                    },
                    note,
                }
            })
        })
        .collect();
    let shipments = plan
        .iter()
        .flat_map(|p| p.shipments.iter().enumerate())
        .map(|(i, s)| ShipmentView {
            n: i + 1,
            delivery: delivery_view(t, of_kind(DeliveryKind::ShipNotice, i as u32), &state.clock),
            shipment_id: s.shipment_id.clone(),
            tracking: s.tracking.clone(),
            items: s
                .items
                .iter()
                .map(|(line, q)| t.f(t.f(t.line_quantity, line).as_str(), q.normalize()))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    Ok(render(&EntryPage {
        t,
        chrome: ctx.chrome(format!("{} {}", t.po_number, order.order_id), Some(gid)),
        scenario: scenario.name.get(lang).to_owned(),
        scenario_description: scenario.description.get(lang).to_owned(),
        look_for: scenario
            .look_for
            .iter()
            .map(|l| l.get(lang).to_owned())
            .collect(),
        received: show_time(&order.received_at),
        refusal: order
            .refusal
            .as_ref()
            .map(|r| format!("cXML {} {} — {}", r.code, r.text, r.message)),
        setup_received: session.as_ref().map(|s| show_time(&s.setup.received_at)),
        setup_fields: session
            .as_ref()
            .map(|s| setup_fields(t, s))
            .unwrap_or_default(),
        poom_sent: session
            .as_ref()
            .and_then(|s| s.returns.last())
            .map(|r| show_time(&r.sent_at)),
        lines: order
            .lines
            .iter()
            .map(|l| EntryLine {
                line_number: l.line_number,
                asin: l.asin.clone(),
                // The catalogue's title, as the guide shows it; the PO's
                // own description for ASINs absim does not sell.
                description: state
                    .catalog
                    .get(&l.asin)
                    .map(|p| p.title.clone())
                    .unwrap_or_else(|| l.description.clone()),
                unit_price: format!("{:.2}", l.unit_price),
                quantity: l.quantity.normalize().to_string(),
                total: format!("{:.2}", l.total()),
            })
            .collect(),
        po_total: format!(
            "{:.2}",
            order
                .po_total
                .unwrap_or_else(|| order.lines.iter().map(|l| l.total()).sum())
        ),
        header_type: plan
            .as_ref()
            .map(|p| p.header_type.clone())
            .unwrap_or_default(),
        confirmed,
        tax: yen(q.tax),
        shipping: yen(q.shipping),
        discount: yen(q.discount),
        total: yen(q.total),
        confirmation: delivery_view(t, of_kind(DeliveryKind::Confirmation, 0), &state.clock),
        shipments,
        invoice: plan
            .as_ref()
            .filter(|p| p.invoice)
            .map(|_| delivery_view(t, of_kind(DeliveryKind::Invoice, 0), &state.clock)),
        decisions: plan
            .iter()
            .flat_map(|p| &p.decisions)
            .map(|d| {
                if lang == "en" {
                    d.en.clone()
                } else {
                    d.ja.clone()
                }
            })
            .collect(),
        checks: checks
            .iter()
            .map(|c| CheckRow {
                class: match c.outcome {
                    Outcome::Pass => "pass",
                    Outcome::Fail => "fail",
                    Outcome::Pending => "pending",
                    Outcome::NotApplicable => "na",
                },
                text: c.text(lang).to_owned(),
            })
            .collect(),
        verdict,
        verdict_class,
        mark: order.mark.as_ref().map(|m| mark_line(t, m)),
        documents: doc_links(t, gid, no, &docs),
        deviations,
        mails: mail_rows(t, state.store.mails(gid, Some(no)).await.map_err(internal)?),
        group,
        order,
    }))
}

fn doc_links(t: &'static Texts, gid: u32, no: u64, docs: &[DocumentMeta]) -> Vec<DocLink> {
    docs.iter()
        .map(|d| DocLink {
            label: doc_label(t, d.kind),
            at: show_time(&d.at),
            href: format!("/groups/{gid}/log/{no}/docs/{}", d.id),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct MarkForm {
    #[serde(default)]
    result: String,
}

/// 保存する: records the mark and returns to the scenario page, as the guide
/// does.
pub async fn mark(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((gid, no)): PagePath<(u32, u64)>,
    PageForm(form): PageForm<MarkForm>,
) -> Result<Response, PageError> {
    let result = TestResult::parse(&form.result).ok_or_else(|| {
        PageError::new(
            ctx.t,
            StatusCode::BAD_REQUEST,
            format!(
                "{}: {} / {}",
                ctx.t.mark_prompt, ctx.t.success, ctx.t.failure
            ),
        )
    })?;
    load_order(&state, ctx.t, gid, no).await?;
    let mark = Mark {
        result,
        by: "SystemAdmin".into(),
        at: crate::cxml::time::now(),
        comment: None,
    };
    state
        .store
        .set_mark(no, mark)
        .await
        .map_err(|e| PageError::internal(ctx.t, &e))?;
    Ok(Redirect::to(&format!("/groups/{gid}/tests")).into_response())
}

/// 再送: queues a failed (or delivered) document again, due now.
pub async fn resend(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((gid, no, id)): PagePath<(u32, u64, i64)>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    load_order(&state, t, gid, no).await?;
    let delivery = state
        .store
        .delivery(id)
        .await
        .map_err(|e| PageError::internal(t, &e))?
        .filter(|d| d.order_no == no)
        .ok_or_else(|| PageError::new(t, StatusCode::NOT_FOUND, t.not_found))?;
    let queued = state
        .store
        .resend(delivery.id, state.clock.now_ms())
        .await
        .map_err(|e| PageError::internal(t, &e))?;
    if !queued {
        return Err(PageError::new(t, StatusCode::CONFLICT, t.resend_pending));
    }
    state.outbox.wake();
    Ok(Redirect::to(&format!("/groups/{gid}/log/{no}")).into_response())
}

#[derive(Deserialize)]
pub struct DocQuery {
    #[serde(default)]
    download: Option<String>,
}

/// A raw document: shown as plain text (never rendered as markup), or
/// downloaded as XML.
pub async fn document(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((gid, no, id)): PagePath<(u32, u64, i64)>,
    PageQuery(q): PageQuery<DocQuery>,
) -> Result<Response, PageError> {
    let order = load_order(&state, ctx.t, gid, no).await?;
    let doc = state
        .store
        .document(id)
        .await
        .map_err(|e| PageError::internal(ctx.t, &e))?
        .filter(|d| {
            d.order_no == Some(no) || (d.session_id.is_some() && d.session_id == order.session_id)
        })
        .ok_or_else(|| PageError::new(ctx.t, StatusCode::NOT_FOUND, ctx.t.not_found))?;
    let headers = if q.download.is_some() {
        [
            (header::CONTENT_TYPE, "application/xml".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-{}.xml\"",
                    order
                        .order_id
                        .replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
                    doc.meta.kind.file_stem()
                ),
            ),
        ]
    } else {
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, "inline".to_owned()),
        ]
    };
    Ok((headers, doc.body).into_response())
}

/// An e-mail as the outbox shows it.
pub struct MailRow {
    pub id: i64,
    pub order_no: Option<u64>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub at: String,
    pub smtp: &'static str,
    pub smtp_error: Option<String>,
}

fn mail_rows(t: &'static Texts, mails: Vec<crate::store::Mail>) -> Vec<MailRow> {
    mails
        .into_iter()
        .map(|m| MailRow {
            id: m.id,
            order_no: m.order_no,
            smtp: match m.smtp.as_str() {
                "sent" => t.smtp_sent,
                "failed" => t.smtp_failed,
                _ => t.smtp_none,
            },
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
            at: show_time(&m.created_at),
            smtp_error: m.smtp_error,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "testing/outbox.html")]
struct OutboxPage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    mails: Vec<MailRow>,
    /// Showing one e-mail (with its body) rather than the list.
    single: bool,
}

/// The outbox of order e-mails (PO確認のメール).
pub async fn outbox(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let group = group_or_404(&state, t, gid).await?;
    let mails = state
        .store
        .mails(gid, None)
        .await
        .map_err(|e| PageError::internal(t, &e))?;
    Ok(render(&OutboxPage {
        t,
        chrome: ctx.chrome(t.outbox_title, Some(gid)),
        group,
        mails: mail_rows(t, mails),
        single: false,
    }))
}

/// One e-mail of the outbox.
pub async fn mail(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((gid, id)): PagePath<(u32, i64)>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let group = group_or_404(&state, t, gid).await?;
    let mails: Vec<crate::store::Mail> = state
        .store
        .mails(gid, None)
        .await
        .map_err(|e| PageError::internal(t, &e))?
        .into_iter()
        .filter(|m| m.id == id)
        .collect();
    if mails.is_empty() {
        return Err(PageError::new(t, StatusCode::NOT_FOUND, t.not_found));
    }
    Ok(render(&OutboxPage {
        t,
        chrome: ctx.chrome(t.outbox_title, Some(gid)),
        group,
        mails: mail_rows(t, mails),
        single: true,
    }))
}
