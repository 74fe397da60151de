//! A test-log entry: every section of the guide for one order.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::mail::{MailRow, mail_rows};
use super::mark_line;
use crate::AppState;
use crate::cxml::Deviation;
use crate::domain::Group;
use crate::domain::checks::{self, Outcome, Verdict};
use crate::domain::delivery::{Attempt, Delivery, DeliveryKind, DeliveryState};
use crate::domain::fulfilment::Fulfilment;
use crate::domain::order::{DocKind, DocumentMeta, Order, TestResult};
use crate::domain::pricing::{Quote, TaxBasis};
use crate::domain::scenario::PartStatus;
use crate::domain::session::Session;
use crate::i18n::{Lang, Texts};
use crate::store::StoreError;
use crate::web::settings::group_or_404;
use crate::web::{Chrome, Ctx, PageError, PagePath, render, show_time};
use rust_decimal::Decimal;

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
            state: t.scheduled.as_str(),
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
        state: state.as_str(),
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
    /// 送信済み for what absim sent, 受け取り済み for what it received.
    pub direction: &'static str,
    pub at: String,
    pub href: String,
}

pub(super) fn doc_label(t: &'static Texts, kind: DocKind) -> &'static str {
    match kind {
        DocKind::SetupRequest => t.doc_setup_request.as_str(),
        DocKind::SetupResponse => t.doc_setup_response.as_str(),
        DocKind::OrderMessage => t.doc_order_message.as_str(),
        DocKind::OrderRequest => t.doc_order_request.as_str(),
        DocKind::OrderResponse => t.doc_order_response.as_str(),
        DocKind::Confirmation => t.doc_confirmation.as_str(),
        DocKind::ConfirmationAnswer => t.doc_confirmation_answer.as_str(),
        DocKind::ShipNotice => t.doc_ship_notice.as_str(),
        DocKind::ShipNoticeAnswer => t.doc_ship_notice_answer.as_str(),
        DocKind::Invoice => t.doc_invoice.as_str(),
        DocKind::InvoiceAnswer => t.doc_invoice_answer.as_str(),
        DocKind::OciCart => t.doc_oci_cart.as_str(),
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

/// One tax charged (税金の見積もり): the line it is on (or shipping, or the
/// whole order), the tax with its category and region, its rate.
pub struct TaxRow {
    pub basis: String,
    pub name: String,
    pub rate: String,
    pub taxable: String,
    pub amount: String,
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
    /// Whether the PO was matched to a punchout session.
    has_session: bool,
    lines: Vec<EntryLine>,
    po_total: String,
    header_type: String,
    confirmed: Vec<ConfirmedRow>,
    tax: String,
    shipping: String,
    discount: String,
    total: String,
    taxes: Vec<TaxRow>,
    tax_exempt: bool,
    confirmation: DeliveryView,
    shipments: Vec<ShipmentView>,
    invoice: Option<DeliveryView>,
    decisions: Vec<String>,
    checks: Vec<CheckRow>,
    verdict: &'static str,
    verdict_class: &'static str,
    mark: Option<String>,
    documents: Vec<DocLink>,
    deviations: Vec<super::DeviationRow>,
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
            label: t.credentials.as_str(),
            value: if s.setup.credentials_valid {
                t.valid
            } else {
                t.invalid
            }
            .to_owned()
            .to_string(),
            required: true,
            ok: s.setup.credentials_valid,
        },
        SetupField {
            label: t.email.as_str(),
            value: received(&s.setup.email).to_owned().to_string(),
            required: true,
            ok: s.setup.email.is_some(),
        },
        SetupField {
            label: t.hook_url.as_str(),
            value: received(&s.setup.hook_url).to_owned().to_string(),
            required: true,
            ok: s.setup.hook_url.is_some(),
        },
        SetupField {
            label: t.first_name.as_str(),
            value: received(&s.setup.first_name).to_owned().to_string(),
            required: false,
            ok: s.setup.first_name.is_some(),
        },
        SetupField {
            label: t.last_name.as_str(),
            value: received(&s.setup.last_name).to_owned().to_string(),
            required: false,
            ok: s.setup.last_name.is_some(),
        },
        SetupField {
            label: t.ubu.as_str(),
            value: if s.setup.ubu.is_some() {
                t.present
            } else {
                t.absent
            }
            .to_owned()
            .to_string(),
            required: false,
            ok: s.setup.ubu.is_some(),
        },
    ]
}

pub(super) async fn load_order(
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
    let group = group_or_404(&state, t, gid).await?;
    let order = load_order(&state, t, gid, no).await?;
    let evidence = gather(&state, &order)
        .await
        .map_err(|e| PageError::internal(t, &e))?;
    let chrome = ctx.group_chrome(format!("{} {}", t.po_number, order.order_id), &group, "log");
    Ok(render(&EntryPage::new(
        t, &state, chrome, group, order, evidence,
    )))
}

/// What an entry shows besides its order, as read from the store.
struct Evidence {
    checked: crate::web::Checked,
    documents: Vec<DocumentMeta>,
    mails: Vec<crate::store::Mail>,
}

async fn gather(state: &AppState, order: &Order) -> Result<Evidence, StoreError> {
    let checked = crate::web::check_entry(state, order).await?;
    let session_id = checked.session.as_ref().map(|s| s.id.clone());
    let documents = state.store.documents_of(order.no, session_id).await?;
    let mails = state.store.mails(order.group_id, Some(order.no)).await?;
    Ok(Evidence {
        checked,
        documents,
        mails,
    })
}

impl EntryPage {
    fn new(
        t: &'static Texts,
        state: &AppState,
        chrome: Chrome,
        group: Group,
        order: Order,
        evidence: Evidence,
    ) -> EntryPage {
        let lang = t.lang_code;
        let Evidence {
            checked,
            documents,
            mails,
        } = evidence;
        let scenario = state.scenarios.get_or_basic(&order.scenario);
        let session = checked.session.as_deref();
        let plan = order.fulfilment.as_ref();
        let q = plan.map(|p| p.quote.clone()).unwrap_or_default();
        let market = state.market(&group);
        let money = |amount| market.pricing.currency.display(t.lang, amount);
        let delivery = |kind, step| {
            let found = checked
                .deliveries
                .iter()
                .find(|(d, _)| d.kind == kind && d.step == step);
            delivery_view(t, found, &state.clock)
        };
        let (verdict, verdict_class) = verdict(t, &checked.checks);
        EntryPage {
            t,
            chrome,
            scenario: scenario.name.get(lang.as_str()).to_owned(),
            scenario_description: scenario.description.get(lang.as_str()).to_owned(),
            look_for: scenario
                .look_for
                .iter()
                .map(|l| l.get(lang.as_str()).to_owned())
                .collect(),
            received: show_time(&order.received_at),
            refusal: refusal_line(&order, t.lang),
            setup_received: session.map(|s| show_time(&s.setup.received_at)),
            setup_fields: session.map(|s| setup_fields(t, s)).unwrap_or_default(),
            has_session: session.is_some(),
            poom_sent: session
                .and_then(|s| s.returns.last())
                .map(|r| show_time(&r.sent_at)),
            lines: entry_lines(&market.catalog, &order, money),
            po_total: money(po_total(&order)),
            header_type: plan.map(|p| p.header_type.to_string()).unwrap_or_default(),
            confirmed: plan
                .map(|p| confirmed_rows(t, p, money))
                .unwrap_or_default(),
            tax: money(q.tax),
            shipping: money(q.shipping),
            discount: money(-q.discount),
            total: money(q.total),
            taxes: tax_rows(&q, money),
            tax_exempt: q.exempt,
            confirmation: delivery(DeliveryKind::Confirmation, 0),
            shipments: plan
                .map(|p| shipment_views(t, p, |i| delivery(DeliveryKind::ShipNotice, i)))
                .unwrap_or_default(),
            invoice: plan
                .filter(|p| p.invoice)
                .map(|_| delivery(DeliveryKind::Invoice, 0)),
            decisions: plan.map(|p| decision_lines(p, t.lang)).unwrap_or_default(),
            checks: check_rows(&checked.checks, t.lang),
            verdict,
            verdict_class,
            mark: order.mark.as_ref().map(|m| mark_line(t, m)),
            documents: doc_links(t, group.id, order.no, &documents),
            deviations: super::deviation_rows(deviations(session, &order), t.lang),
            mails: mail_rows(t, mails),
            group,
            order,
        }
    }
}

/// Why absim refused the PO, in the page's language.
fn refusal_line(order: &Order, lang: Lang) -> Option<String> {
    let r = order.refusal.as_ref()?;
    Some(format!(
        "cXML {} {} — {}",
        r.code,
        r.text,
        r.message_in(lang)
    ))
}

/// The PO's own total, or the sum of its lines where it gave none.
fn po_total(order: &Order) -> Decimal {
    order
        .po_total
        .unwrap_or_else(|| order.lines.iter().map(|l| l.total()).sum())
}

/// What was read leniently, in the punchout and in the PO.
fn deviations<'a>(
    session: Option<&'a Session>,
    order: &'a Order,
) -> impl Iterator<Item = &'a Deviation> {
    session
        .into_iter()
        .flat_map(|s| s.setup.deviations.iter())
        .chain(&order.deviations)
}

/// 税金の見積もり in detail: each tax charged, on what, at which rate.
fn tax_rows(q: &Quote, money: impl Fn(Decimal) -> String) -> Vec<TaxRow> {
    q.taxes
        .iter()
        .map(|c| TaxRow {
            basis: match c.basis {
                TaxBasis::Line(n) => n.to_string(),
                TaxBasis::Shipping => "shipping".into(),
                TaxBasis::Order => "*".into(),
            },
            name: match &c.region {
                Some(region) => format!("{} ({}, {region})", c.name, c.category),
                None => format!("{} ({})", c.name, c.category),
            },
            rate: format!("{}%", c.rate.normalize()),
            taxable: money(c.taxable),
            amount: money(c.amount),
        })
        .collect()
}

/// The verdict of an entry's checks, and its style.
fn verdict(t: &'static Texts, checks: &[checks::Check]) -> (&'static str, &'static str) {
    match checks::verdict(checks) {
        Verdict::Success => (t.verdict_success.as_str(), "success"),
        Verdict::Failure => (t.verdict_failure.as_str(), "failure"),
        Verdict::Pending => (t.verdict_pending.as_str(), "pending"),
    }
}

/// 発注書詳細: the PO's lines, titled as the catalogue titles them (the
/// PO's own description for ASINs absim does not sell).
fn entry_lines(
    catalog: &crate::domain::Catalog,
    order: &Order,
    money: impl Fn(Decimal) -> String,
) -> Vec<EntryLine> {
    order
        .lines
        .iter()
        .map(|l| EntryLine {
            line_number: l.line_number,
            asin: l.asin.to_string(),
            description: catalog
                .get(&l.asin)
                .map(|p| p.title.clone())
                .unwrap_or_else(|| l.description.clone()),
            unit_price: money(l.unit_price),
            quantity: l.quantity.normalize().to_string(),
            total: money(l.total()),
        })
        .collect()
}

/// 注文の確認: each confirmed part of each line, with why it differs from
/// the PO (a delivery time, a changed price).
fn confirmed_rows(
    t: &'static Texts,
    plan: &Fulfilment,
    money: impl Fn(Decimal) -> String + Copy,
) -> Vec<ConfirmedRow> {
    plan.lines
        .iter()
        .flat_map(|l| {
            l.parts.iter().map(move |part| {
                let (status, status_class) = match part.status {
                    PartStatus::Accept => (t.ordered.to_string(), "success"),
                    PartStatus::Backordered => (t.backordered.to_string(), "pending"),
                    PartStatus::Reject => (t.rejected.to_string(), "failure"),
                };
                let mut note = part
                    .reason
                    .as_ref()
                    .map(|r| r.render(t.lang))
                    .unwrap_or_default();
                if let Some(days) = part.delivery_days {
                    note = t.f(t.delivery_in_days, days);
                }
                if l.price_changed() && part.status != PartStatus::Reject {
                    note = t.f(t.price_changed_from, money(l.po_price));
                }
                let rejected = part.status == PartStatus::Reject;
                ConfirmedRow {
                    line_number: l.line_number,
                    unit_price: money(l.unit_price),
                    quantity: part.quantity.normalize().to_string(),
                    status: status.to_string(),
                    status_class,
                    total: money(if rejected {
                        Decimal::ZERO
                    } else {
                        l.unit_price * part.quantity
                    }),
                    note,
                }
            })
        })
        .collect()
}

/// 事前出荷通知: each shipment with its delivery (`delivery(i)` for the
/// i-th ship notice) and what it carries.
fn shipment_views(
    t: &'static Texts,
    plan: &Fulfilment,
    delivery: impl Fn(u32) -> DeliveryView,
) -> Vec<ShipmentView> {
    plan.shipments
        .iter()
        .enumerate()
        .map(|(i, s)| ShipmentView {
            n: i + 1,
            delivery: delivery(i as u32),
            shipment_id: s.shipment_id.to_string(),
            tracking: s.tracking.to_string(),
            items: s
                .items
                .iter()
                .map(|(line, q)| t.f2(t.line_quantity, line, q.normalize()))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}

/// What the safeguards decided, in the page's language.
fn decision_lines(plan: &Fulfilment, lang: Lang) -> Vec<String> {
    plan.decisions.iter().map(|d| d.render(lang)).collect()
}

fn check_rows(checks: &[checks::Check], lang: Lang) -> Vec<CheckRow> {
    checks
        .iter()
        .map(|c| CheckRow {
            class: match c.outcome {
                Outcome::Pass => "pass",
                Outcome::Fail => "fail",
                Outcome::Pending => "pending",
                Outcome::NotApplicable => "na",
            },
            text: c.text(lang),
        })
        .collect()
}

pub(super) fn doc_links(
    t: &'static Texts,
    gid: u32,
    no: u64,
    docs: &[DocumentMeta],
) -> Vec<DocLink> {
    docs.iter()
        .map(|d| DocLink {
            label: doc_label(t, d.kind),
            direction: if d.kind.sent_by_absim() {
                t.sent.as_str()
            } else {
                t.received.as_str()
            },
            at: show_time(&d.at),
            href: format!("/groups/{gid}/log/{no}/docs/{}", d.id),
        })
        .collect()
}
