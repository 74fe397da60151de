//! The test UI: the scenario page (以下のシナリオのテスト), the test log
//! (テストログ), a log entry with every section of the guide, marks, the raw
//! documents, and the order search (発注の検索).

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::settings::{basic_passed, group_or_404};
use super::{Chrome, Ctx, PageError, PageForm, PagePath, PageQuery, render, show_time};
use crate::AppState;
use crate::cxml::Deviation;
use crate::domain::Group;
use crate::domain::order::{Delivery, DocKind, Document, Mark, Order, TestResult};
use crate::domain::pricing::yen;
use crate::domain::session::Session;
use crate::i18n::Texts;
use crate::store::OrderFilter;

use super::po::BASIC_SCENARIO;

/// The name of a scenario id in the page's language.
fn scenario_name(t: &Texts, id: &str) -> String {
    match id {
        BASIC_SCENARIO => t.basic_order.to_owned(),
        other => other.to_owned(),
    }
}

fn mark_line(t: &Texts, mark: &Mark) -> String {
    match mark.result {
        TestResult::Success => t.f(t.marked_success, &mark.by),
        TestResult::Failure => t.f(t.marked_failure, &mark.by),
    }
}

#[derive(Template)]
#[template(path = "testing/scenarios.html")]
struct ScenariosPage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    total_logs: usize,
    basic_logs: usize,
    mark: Option<String>,
    mark_failed: bool,
    unlocked: bool,
    /// The optional sections: title and the text shown while locked.
    sections: [(&'static str, &'static str); 3],
}

pub async fn scenarios(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid)?;
    let mark = state.store.latest_mark(gid, BASIC_SCENARIO);
    Ok(render(&ScenariosPage {
        t: ctx.t,
        chrome: ctx.chrome(
            ctx.t.f(ctx.t.tests_title, group.purchasing_system.as_str()),
            Some(gid),
        ),
        total_logs: state.store.orders(gid, &OrderFilter::default()).len(),
        basic_logs: state.store.count_orders(gid, BASIC_SCENARIO),
        mark_failed: mark
            .as_ref()
            .is_some_and(|m| m.result == TestResult::Failure),
        mark: mark.as_ref().map(|m| mark_line(ctx.t, m)),
        unlocked: basic_passed(&state, gid),
        sections: [
            (ctx.t.optional_tests, ctx.t.optional_locked),
            (ctx.t.safeguard_tests, ctx.t.safeguard_locked),
            (ctx.t.advanced_tests, ctx.t.advanced_locked),
        ],
        group,
    }))
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
    pub order_id: String,
    pub scenario: String,
    pub received: String,
    pub result: &'static str,
    pub result_class: &'static str,
}

fn log_rows(t: &'static Texts, orders: &[Order]) -> Vec<LogRow> {
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
                scenario: scenario_name(t, &o.scenario),
                received: show_time(&o.received_at),
                result,
                result_class,
            }
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
}

pub async fn log(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageQuery(query): PageQuery<LogQuery>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid)?;
    let orders = state.store.orders(gid, &query.filter(ctx.t)?);
    let rows = log_rows(ctx.t, &orders);
    Ok(render(&LogPage {
        t: ctx.t,
        chrome: ctx.chrome(
            ctx.t.f(ctx.t.log_title, group.purchasing_system.as_str()),
            Some(gid),
        ),
        showing: ctx.t.f(ctx.t.showing, rows.len()),
        scenarios: vec![(BASIC_SCENARIO.to_owned(), ctx.t.basic_order.to_owned())],
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
    let group = group_or_404(&state, ctx.t, gid)?;
    let orders = state.store.orders(gid, &query.filter(ctx.t)?);
    let rows = log_rows(ctx.t, &orders);
    Ok(render(&SearchPage {
        t: ctx.t,
        chrome: ctx.chrome(ctx.t.search_title, Some(gid)),
        showing: ctx.t.f(ctx.t.showing, rows.len()),
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

/// 注文の確認 / 事前出荷通知 delivery state.
pub struct DeliveryView {
    pub state: &'static str,
    pub state_class: &'static str,
    pub sent_at: String,
    pub target: Option<String>,
    pub http_status: String,
    pub cxml_status: String,
    pub error: Option<String>,
}

fn delivery_view(t: &'static Texts, d: Option<&Delivery>) -> DeliveryView {
    let Some(d) = d else {
        return DeliveryView {
            state: t.scheduled,
            state_class: "pending",
            sent_at: String::new(),
            target: None,
            http_status: String::new(),
            cxml_status: String::new(),
            error: None,
        };
    };
    let ok = d.succeeded();
    DeliveryView {
        state: if ok { t.sent } else { t.delivery_failed },
        state_class: if ok { "success" } else { "failure" },
        sent_at: d.sent_at.as_ref().map(show_time).unwrap_or_default(),
        target: d.target.clone(),
        http_status: d.http_status.map(|s| s.to_string()).unwrap_or_default(),
        cxml_status: d.cxml_status.map(|s| s.to_string()).unwrap_or_default(),
        error: d.error.clone(),
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
    }
}

#[derive(Template)]
#[template(path = "testing/entry.html")]
struct EntryPage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    order: Order,
    scenario: String,
    received: String,
    setup_received: Option<String>,
    setup_fields: Vec<SetupField>,
    poom_sent: Option<String>,
    lines: Vec<EntryLine>,
    po_total: String,
    tax: String,
    shipping: String,
    discount: String,
    total: String,
    confirmation: DeliveryView,
    ship_notice: DeliveryView,
    mark: Option<String>,
    documents: Vec<DocLink>,
    deviations: Vec<Deviation>,
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

fn load_order(state: &AppState, t: &'static Texts, gid: u32, no: u64) -> Result<Order, PageError> {
    state
        .store
        .order(no)
        .filter(|o| o.group_id == gid)
        .ok_or_else(|| PageError::new(t, StatusCode::NOT_FOUND, t.not_found))
}

pub async fn entry(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((gid, no)): PagePath<(u32, u64)>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let group = group_or_404(&state, t, gid)?;
    let order = load_order(&state, t, gid, no)?;
    let session = order
        .session_id
        .as_deref()
        .and_then(|s| state.store.session(s));
    let mut documents = Vec::new();
    let mut deviations = Vec::new();
    if let Some(s) = &session {
        deviations.extend(s.setup.deviations.iter().cloned());
        documents.extend(doc_links(t, gid, no, "session", &s.documents));
    }
    documents.extend(doc_links(t, gid, no, "order", &order.documents));
    deviations.extend(order.deviations.iter().cloned());
    let q = order.quote;
    Ok(render(&EntryPage {
        t,
        chrome: ctx.chrome(format!("{} {}", t.po_number, order.order_id), Some(gid)),
        scenario: scenario_name(t, &order.scenario),
        received: show_time(&order.received_at),
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
        po_total: order
            .po_total
            .map(|t| format!("{:.2}", t))
            .unwrap_or_else(|| format!("{:.2}", q.subtotal)),
        tax: yen(q.tax),
        shipping: yen(q.shipping),
        discount: yen(q.discount),
        total: yen(q.total),
        confirmation: delivery_view(t, order.confirmation.as_ref()),
        ship_notice: delivery_view(t, order.ship_notice.as_ref()),
        mark: order.mark.as_ref().map(|m| mark_line(t, m)),
        documents,
        deviations,
        group,
        order,
    }))
}

fn doc_links(
    t: &'static Texts,
    gid: u32,
    no: u64,
    source: &str,
    docs: &[Document],
) -> Vec<DocLink> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| DocLink {
            label: doc_label(t, d.kind),
            at: show_time(&d.at),
            href: format!("/groups/{gid}/log/{no}/docs/{source}/{i}"),
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
    load_order(&state, ctx.t, gid, no)?;
    state.store.with_order(no, |o| {
        o.mark = Some(Mark {
            result,
            by: "SystemAdmin".into(),
            at: crate::cxml::time::now(),
        })
    });
    Ok(Redirect::to(&format!("/groups/{gid}/tests")).into_response())
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
    PagePath((gid, no, source, index)): PagePath<(u32, u64, String, usize)>,
    PageQuery(q): PageQuery<DocQuery>,
) -> Result<Response, PageError> {
    let order = load_order(&state, ctx.t, gid, no)?;
    let not_found = || PageError::new(ctx.t, StatusCode::NOT_FOUND, ctx.t.not_found);
    let doc = match source.as_str() {
        "order" => order.documents.get(index).cloned(),
        "session" => order
            .session_id
            .as_deref()
            .and_then(|s| state.store.session(s))
            .and_then(|s| s.documents.get(index).cloned()),
        _ => None,
    }
    .ok_or_else(not_found)?;
    let headers = if q.download.is_some() {
        [
            (
                header::CONTENT_TYPE,
                "application/xml; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-{}.xml\"",
                    order
                        .order_id
                        .replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
                    doc.kind.file_stem()
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
