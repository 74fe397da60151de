//! The test log: entries with their checks, deliveries and documents,
//! and marks.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiResult, Json, P, Q, empty_as_none, group_of, result_text};
use crate::AppState;
use crate::domain::checks::{self, Outcome, Verdict};
use crate::domain::delivery::{Attempt, Delivery};
use crate::domain::order::{DocumentMeta, Mark, Order, TestResult};
use crate::i18n::Lang;
use crate::store::OrderFilter;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// Received on or after this day, YYYY-MM-DD (empty: no filter; an
    /// impossible date is refused).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub from: Option<String>,
    /// Received on or before this day, YYYY-MM-DD (empty: no filter).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub to: Option<String>,
    /// A scenario id (empty: any).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub scenario: Option<String>,
    /// Matches the PO number, confirmID, ASINs and titles (empty: any).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub q: Option<String>,
    /// A part of the PO number (empty: any).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub po: Option<String>,
    /// A part of an ASIN (empty: any).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub asin: Option<String>,
    /// success | failure | unmarked (empty: any).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub result: Option<String>,
    /// At most this many (default 100; more than 1000 counts as 1000;
    /// empty: the default).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSummary {
    pub no: u64,
    pub order_id: String,
    pub payload_id: String,
    pub scenario: String,
    pub received_at: String,
    /// success | failure, or null when unmarked
    pub mark: Option<String>,
    pub mark_comment: Option<String>,
    /// Set for a refused PO: "code text".
    pub refused: Option<String>,
    pub confirm_id: String,
}

fn summary(o: &Order) -> OrderSummary {
    OrderSummary {
        no: o.no,
        order_id: o.order_id.to_string(),
        payload_id: o.payload_id.clone(),
        scenario: o.scenario.to_string(),
        received_at: crate::cxml::time::format(&o.received_at),
        mark: o.mark.as_ref().map(|m| result_text(m.result).into()),
        mark_comment: o.mark.as_ref().and_then(|m| m.comment.clone()),
        refused: o.refusal.as_ref().map(|r| format!("{} {}", r.code, r.text)),
        confirm_id: o.confirm_id.to_string(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderList {
    pub total: usize,
    pub orders: Vec<OrderSummary>,
}

fn filter_of(q: &OrderQuery) -> Result<OrderFilter, ApiError> {
    let date = |s: &Option<String>| -> Result<Option<chrono::NaiveDate>, ApiError> {
        // Empty was absent already (see empty_as_none).
        s.as_deref()
            .map(|s| {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| ApiError::bad_request(format!("'{s}' is not a date (YYYY-MM-DD)")))
            })
            .transpose()
    };
    Ok(OrderFilter {
        from: date(&q.from)?,
        to: date(&q.to)?,
        scenario: q.scenario.clone(),
        text: q.q.clone(),
        order_id: q.po.clone(),
        asin: q.asin.clone(),
        result: match q.result.as_deref() {
            None => None,
            Some("success") => Some(Some(TestResult::Success)),
            Some("failure") => Some(Some(TestResult::Failure)),
            Some("unmarked") => Some(None),
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "result '{other}' is not success, failure or unmarked"
                )));
            }
        },
    })
}

#[utoipa::path(get, path = "/api/v1/groups/{gid}/orders", tag = "orders",
    params(("gid" = u32, Path, description = "group id"), OrderQuery),
    responses((status = 200, body = OrderList), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_orders(
    State(state): State<AppState>,
    P(gid): P<u32>,
    Q(query): Q<OrderQuery>,
) -> ApiResult<OrderList> {
    group_of(&state, gid).await?;
    let filter = filter_of(&query)?;
    let limit = query.limit.unwrap_or(100).min(1000);
    let (orders, total) = state.store.orders(gid, &filter, limit).await?;
    Ok(axum::Json(OrderList {
        total,
        orders: orders.iter().map(summary).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckView {
    /// pass | fail | pending | n/a
    pub outcome: String,
    /// The sentence's message id (locales/domain/), the same in every
    /// language.
    pub id: String,
    pub ja: String,
    pub en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    pub at: String,
    pub http_status: Option<u16>,
    pub cxml_status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    /// confirmation | ship_notice | invoice
    pub kind: String,
    pub step: u32,
    /// pending | in_flight | delivered | failed
    pub state: String,
    pub target: Option<String>,
    pub attempts: Vec<AttemptView>,
    pub document_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: i64,
    pub kind: String,
    pub at: String,
    pub size: usize,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub summary: OrderSummary,
    /// success | failure | pending
    pub verdict: String,
    pub checks: Vec<CheckView>,
    pub deliveries: Vec<DeliveryView>,
    pub documents: Vec<DocumentView>,
    pub deviations: Vec<String>,
    /// The confirmation's header type (detail, reject, backordered, ...).
    pub confirmation_type: Option<String>,
}

async fn order_of(state: &AppState, gid: u32, no: u64) -> Result<Order, ApiError> {
    state
        .store
        .order(no)
        .await?
        .filter(|o| o.group_id == gid)
        .ok_or_else(|| ApiError::not_found(format!("group {gid} has no log entry {no}")))
}

#[utoipa::path(get, path = "/api/v1/groups/{gid}/orders/{no}", tag = "orders",
    params(("gid" = u32, Path, description = "group id"), ("no" = u64, Path, description = "log entry number")),
    responses((status = 200, body = OrderDetail), (status = 404, body = ApiError)))]
pub async fn get_order(
    State(state): State<AppState>,
    P((gid, no)): P<(u32, u64)>,
) -> ApiResult<OrderDetail> {
    let order = order_of(&state, gid, no).await?;
    let crate::web::Checked {
        session,
        deliveries,
        checks: found,
    } = crate::web::check_entry(&state, &order).await?;
    let docs = state
        .store
        .documents_of(no, session.as_ref().map(|s| s.id.clone()))
        .await?;
    let mut deviations: Vec<String> = session
        .iter()
        .flat_map(|s| &s.setup.deviations)
        .chain(&order.deviations)
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    deviations.dedup();
    Ok(axum::Json(OrderDetail {
        summary: summary(&order),
        verdict: match checks::verdict(&found) {
            Verdict::Success => "success",
            Verdict::Failure => "failure",
            Verdict::Pending => "pending",
        }
        .into(),
        checks: found.iter().map(CheckView::from).collect(),
        deliveries: deliveries.iter().map(DeliveryView::from).collect(),
        documents: docs.iter().map(|d| DocumentView::of(gid, no, d)).collect(),
        deviations,
        confirmation_type: order.fulfilment.as_ref().map(|f| f.header_type.to_string()),
    }))
}

impl From<&checks::Check> for CheckView {
    fn from(c: &checks::Check) -> CheckView {
        CheckView {
            outcome: match c.outcome {
                Outcome::Pass => "pass",
                Outcome::Fail => "fail",
                Outcome::Pending => "pending",
                Outcome::NotApplicable => "n/a",
            }
            .into(),
            id: c.note.id().to_owned(),
            ja: c.text(Lang::Ja),
            en: c.en(),
        }
    }
}

impl From<&(Delivery, Vec<Attempt>)> for DeliveryView {
    fn from((d, attempts): &(Delivery, Vec<Attempt>)) -> DeliveryView {
        DeliveryView {
            id: d.id,
            kind: d.kind.as_str().into(),
            step: d.step,
            state: d.state.as_str().into(),
            target: d.target.clone(),
            document_id: d.document_id,
            attempts: attempts
                .iter()
                .map(|a| AttemptView {
                    at: crate::cxml::time::format(&a.at),
                    http_status: a.http_status,
                    cxml_status: a.cxml_status,
                    error: a.error.clone(),
                    duration_ms: a.duration_ms,
                })
                .collect(),
        }
    }
}

impl DocumentView {
    /// A stored document of entry `no` of group `gid`, with its download URL.
    fn of(gid: u32, no: u64, d: &DocumentMeta) -> DocumentView {
        DocumentView {
            id: d.id,
            kind: d.kind.as_str().into(),
            at: crate::cxml::time::format(&d.at),
            size: d.size,
            url: format!("/groups/{gid}/log/{no}/docs/{}?download=1", d.id),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkInput {
    /// success (成功) | failure (失敗)
    pub result: String,
    pub comment: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/groups/{gid}/orders/{no}/mark", tag = "orders",
    params(("gid" = u32, Path, description = "group id"), ("no" = u64, Path, description = "log entry number")),
    request_body = MarkInput,
    responses((status = 200, body = OrderSummary), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn mark_order(
    State(state): State<AppState>,
    P((gid, no)): P<(u32, u64)>,
    Json(input): Json<MarkInput>,
) -> ApiResult<OrderSummary> {
    let result = TestResult::parse(&input.result).ok_or_else(|| {
        ApiError::bad_request(format!(
            "result '{}' is neither success nor failure",
            input.result
        ))
    })?;
    order_of(&state, gid, no).await?;
    state
        .store
        .set_mark(
            no,
            Mark {
                result,
                by: "API".into(),
                at: crate::cxml::time::now(),
                comment: input.comment.filter(|c| !c.trim().is_empty()),
            },
        )
        .await?;
    Ok(axum::Json(summary(&order_of(&state, gid, no).await?)))
}
