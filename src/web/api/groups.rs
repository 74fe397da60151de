//! Groups and their settings: list, read, change, new credentials.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiError, ApiResult, Json, P, group_of};
use crate::AppState;
use crate::domain::account::{
    PurchasingSystem, generate_identity, generate_secret, generate_token, validate_endpoint,
    validate_identity, validate_secret,
};
use crate::domain::fault::{FaultKind, FaultPlan};
use crate::domain::safeguard::{Action, QuantityAction, Tolerances};
use crate::domain::{CartField, Group, Marketplaces, Mode};
use crate::i18n::Note;
use crate::note;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TolerancesView {
    /// The largest unit-price rise accepted, in percent.
    #[schema(maximum = 1000)]
    pub price_increase_percent: u32,
    /// remove-line | cancel-order
    pub price_action: String,
    /// ship-available | backorder | cancel-order
    pub quantity_action: String,
    /// The largest shipping price accepted, in the group's currency (an
    /// older name, `max_shipping_yen`, is read too).
    #[serde(default, alias = "max_shipping_yen")]
    #[schema(value_type = Option<String>, example = "1000")]
    pub max_shipping: Option<rust_decimal::Decimal>,
    #[schema(maximum = 365)]
    pub max_delivery_days: Option<u32>,
    /// remove-line | cancel-order
    pub delivery_action: String,
    pub amazon_only: bool,
}

impl From<&Tolerances> for TolerancesView {
    fn from(t: &Tolerances) -> Self {
        TolerancesView {
            price_increase_percent: t.price_increase_percent,
            price_action: t.price_action.as_str().into(),
            quantity_action: t.quantity_action.as_str().into(),
            max_shipping: t.max_shipping,
            max_delivery_days: t.max_delivery_days,
            delivery_action: t.delivery_action.as_str().into(),
            amazon_only: t.amazon_only,
        }
    }
}

impl TolerancesView {
    fn parse(&self) -> Result<Tolerances, Note> {
        let t = Tolerances {
            price_increase_percent: self.price_increase_percent,
            price_action: Action::parse(&self.price_action)?,
            quantity_action: QuantityAction::parse(&self.quantity_action)?,
            max_shipping: self.max_shipping,
            max_delivery_days: self.max_delivery_days,
            delivery_action: Action::parse(&self.delivery_action)?,
            amazon_only: self.amazon_only,
        };
        t.validate()?;
        Ok(t)
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FaultsView {
    /// http500-html | http503 | cxml500 | timeout | delay | malformed; null: off
    pub kind: Option<String>,
    /// The next this many POs get the fault.
    pub remaining: Option<u32>,
    /// Or this share of POs, in percent.
    #[schema(maximum = 100)]
    pub share_percent: Option<u32>,
    /// For `delay`: milliseconds.
    #[schema(maximum = 600000)]
    pub delay_ms: u64,
    /// For `timeout`: seconds.
    #[schema(maximum = 3600)]
    pub timeout_secs: u64,
}

impl From<&FaultPlan> for FaultsView {
    fn from(p: &FaultPlan) -> Self {
        FaultsView {
            kind: p.kind.map(|k| k.as_str().to_owned()),
            remaining: p.remaining,
            share_percent: p.share_percent.map(u32::from),
            delay_ms: p.delay_ms,
            timeout_secs: p.timeout_secs,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    pub id: u32,
    pub name: String,
    pub purchasing_system: String,
    /// a: システムログイン (cXML From/Sender Identity)
    pub identity: String,
    /// b: パスワード (cXML SharedSecret)
    pub shared_secret: String,
    pub punchout_url: String,
    /// c: PO Request URL
    pub po_request_url: String,
    /// test | active
    pub mode: String,
    pub order_confirmation_url: Option<String>,
    pub ship_notice_url: Option<String>,
    pub invoice_url: Option<String>,
    /// cxml-urlencoded | cxml-base64
    pub cart_field: String,
    /// How refusals of the group's cXML requests travel: code (the HTTP
    /// status equals the cXML code) or http-200.
    pub cxml_errors: String,
    pub selected_scenario: String,
    pub tolerances: TolerancesView,
    pub faults: FaultsView,
    /// The Amazon Business store the group buys from (JP, US, DE, ...).
    #[schema(example = "JP")]
    pub marketplace: String,
    /// Exempt from sales tax (only where the store has an exemption).
    pub tax_exempt: bool,
}

pub(super) fn group_view(state: &AppState, g: &Group) -> GroupView {
    GroupView {
        id: g.id,
        name: g.name.clone(),
        purchasing_system: g.purchasing_system.as_str().into(),
        identity: g.identity.clone(),
        shared_secret: g.shared_secret.clone(),
        punchout_url: state.punchout_url(),
        po_request_url: state.po_url(g),
        mode: match g.mode {
            Mode::Test => "test",
            Mode::Active => "active",
        }
        .into(),
        order_confirmation_url: g.order_confirmation_url.clone(),
        ship_notice_url: g.ship_notice_url.clone(),
        invoice_url: g.invoice_url.clone(),
        cart_field: g.cart_field.name().into(),
        cxml_errors: g.cxml_errors.name().into(),
        selected_scenario: g.selected_scenario.clone(),
        tolerances: (&g.tolerances).into(),
        faults: (&g.faults).into(),
        marketplace: g.marketplace.clone(),
        tax_exempt: g.tax_exempt,
    }
}

/// What `PATCH /groups/{gid}` may change (absent fields stay; an empty
/// endpoint string clears it), and what `POST /groups` may set.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    #[schema(min_length = 1, pattern = r"\S", example = "pipeline-42")]
    pub name: Option<String>,
    pub purchasing_system: Option<String>,
    /// a: システムログイン, 4 to 64 letters, digits, hyphens, underscores.
    #[schema(pattern = "^[A-Za-z0-9_-]{4,64}$", example = "Pipeline0042")]
    pub identity: Option<String>,
    /// b: パスワード, 6 to 30 letters and digits, at least one of each.
    #[schema(
        pattern = "^(?=.*[A-Za-z])(?=.*[0-9])[A-Za-z0-9]{6,30}$",
        example = "pipe42Secret"
    )]
    pub shared_secret: Option<String>,
    pub mode: Option<String>,
    /// An http(s) URL; empty clears it.
    #[schema(
        pattern = r"^\s*(https?://[^\s/?#]+\S*)?\s*$",
        example = "http://127.0.0.1:8081/cxml/confirmation"
    )]
    pub order_confirmation_url: Option<String>,
    #[schema(
        pattern = r"^\s*(https?://[^\s/?#]+\S*)?\s*$",
        example = "http://127.0.0.1:8081/cxml/shipnotice"
    )]
    pub ship_notice_url: Option<String>,
    #[schema(
        pattern = r"^\s*(https?://[^\s/?#]+\S*)?\s*$",
        example = "http://127.0.0.1:8081/cxml/invoice"
    )]
    pub invoice_url: Option<String>,
    pub cart_field: Option<String>,
    pub cxml_errors: Option<String>,
    pub tolerances: Option<TolerancesView>,
    pub faults: Option<FaultsView>,
    /// The store's code, in any case: one of absim's marketplaces.
    #[schema(example = "JP")]
    pub marketplace: Option<String>,
    /// true only for a group in a store with a tax exemption (US): send
    /// the marketplace with it unless the group is already in one.
    #[schema(example = false)]
    pub tax_exempt: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/groups", tag = "groups",
    responses((status = 200, body = Vec<GroupView>)))]
pub async fn list_groups(State(state): State<AppState>) -> ApiResult<Vec<GroupView>> {
    Ok(axum::Json(
        state
            .store
            .groups()
            .await?
            .iter()
            .map(|g| group_view(&state, g))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/groups/{gid}", tag = "groups",
    params(("gid" = u32, Path, description = "group id")),
    responses((status = 200, body = GroupView), (status = 404, body = ApiError)))]
pub async fn get_group(State(state): State<AppState>, P(gid): P<u32>) -> ApiResult<GroupView> {
    Ok(axum::Json(group_view(
        &state,
        &group_of(&state, gid).await?,
    )))
}

#[utoipa::path(patch, path = "/api/v1/groups/{gid}", tag = "groups",
    params(("gid" = u32, Path, description = "group id")),
    request_body = GroupPatch,
    responses(
        (status = 200, body = GroupView),
        (status = 400, description = "a value breaks its rule (the message names it)", body = ApiError),
        (status = 404, body = ApiError),
        (status = 409, description = "the system login is another group's", body = ApiError)))]
pub async fn patch_group(
    State(state): State<AppState>,
    P(gid): P<u32>,
    Json(patch): Json<GroupPatch>,
) -> ApiResult<GroupView> {
    let stores = state.clone();
    let g = state
        .store
        .update_group(gid, move |g| patch.apply(g, &stores.marketplaces))
        .await?;
    Ok(axum::Json(group_view(&state, &g)))
}

impl GroupPatch {
    /// Sets what the patch names, checking each value by its rule.
    fn apply(&self, g: &mut Group, stores: &Marketplaces) -> Result<(), Note> {
        if let Some(n) = &self.name {
            if n.trim().is_empty() {
                return Err(note!("setting-name-empty"));
            }
            g.name = n.trim().to_owned();
        }
        if let Some(p) = &self.purchasing_system {
            g.purchasing_system = PurchasingSystem::parse(p)?;
        }
        if let Some(id) = &self.identity {
            validate_identity(id)?;
            g.identity = id.clone();
        }
        if let Some(s) = &self.shared_secret {
            validate_secret(s)?;
            g.shared_secret = s.clone();
        }
        if let Some(m) = &self.mode {
            g.mode = match m.as_str() {
                "test" => Mode::Test,
                "active" => Mode::Active,
                other => return Err(Note::unknown_value("mode", other, &["test", "active"])),
            };
        }
        if let Some(u) = &self.order_confirmation_url {
            g.order_confirmation_url = validate_endpoint(u)?;
        }
        if let Some(u) = &self.ship_notice_url {
            g.ship_notice_url = validate_endpoint(u)?;
        }
        if let Some(u) = &self.invoice_url {
            g.invoice_url = validate_endpoint(u)?;
        }
        if let Some(f) = &self.cart_field {
            g.cart_field = CartField::parse(f)?;
        }
        if let Some(f) = &self.cxml_errors {
            g.cxml_errors = crate::domain::ErrorForm::parse(f)?;
        }
        if let Some(t) = &self.tolerances {
            g.tolerances = t.parse()?;
        }
        if let Some(f) = &self.faults {
            let plan = FaultPlan {
                kind: f.kind.as_deref().map(FaultKind::parse).transpose()?,
                remaining: f.remaining,
                // Past 255 it is past 100 too: the plan's rule refuses it.
                share_percent: f.share_percent.map(|p| u8::try_from(p).unwrap_or(u8::MAX)),
                delay_ms: f.delay_ms,
                timeout_secs: f.timeout_secs,
            };
            plan.validate()?;
            g.faults = plan;
        }
        if self.marketplace.is_some() || self.tax_exempt.is_some() {
            g.choose_marketplace(stores, self.marketplace.as_deref(), self.tax_exempt)?;
        }
        Ok(())
    }
}

#[utoipa::path(post, path = "/api/v1/groups", tag = "groups",
    request_body(content = GroupPatch, description = "the new group's settings; what is absent is generated (system login, password, PO Request URL) or defaulted (name パンチアウトグループ, LINE_WORKS, test mode, marketplace JP)"),
    responses(
        (status = 201, description = "the group, with its system login, password and PO Request URL", body = GroupView),
        (status = 400, description = "a value breaks its rule (the message names the rule)", body = ApiError),
        (status = 409, description = "the system login is another group's", body = ApiError)))]
pub async fn create_group(
    State(state): State<AppState>,
    Json(spec): Json<GroupPatch>,
) -> Result<(StatusCode, axum::Json<GroupView>), ApiError> {
    let name = spec
        .name
        .clone()
        .unwrap_or_else(|| crate::domain::account::DEFAULT_GROUP_NAME.to_owned());
    let stores = state.clone();
    let g = state
        .store
        .add_group(&name, move |g| spec.apply(g, &stores.marketplaces))
        .await?;
    tracing::info!(group = g.id, name = %g.name, "a group was created through the API");
    Ok((StatusCode::CREATED, axum::Json(group_view(&state, &g))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedView {
    /// The group that is gone, with its orders, sessions, runs and journal.
    pub deleted: u32,
}

#[utoipa::path(delete, path = "/api/v1/groups/{gid}", tag = "groups",
    params(("gid" = u32, Path, description = "group id")),
    responses(
        (status = 200, description = "the group and everything it had are gone", body = DeletedView),
        (status = 404, body = ApiError),
        (status = 409, description = "the default group (1) cannot be deleted", body = ApiError)))]
pub async fn delete_group(State(state): State<AppState>, P(gid): P<u32>) -> ApiResult<DeletedView> {
    if gid == crate::DEFAULT_GROUP {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "group 1 is the default group and cannot be deleted; reset its log instead (POST /api/v1/groups/1/reset)",
        ));
    }
    if !state.store.delete_group(gid).await? {
        return Err(ApiError::not_found(format!("there is no group {gid}")));
    }
    tracing::info!(group = gid, "a group was deleted through the API");
    Ok(axum::Json(DeletedView { deleted: gid }))
}

#[utoipa::path(post, path = "/api/v1/groups/{gid}/credentials", tag = "groups",
    params(("gid" = u32, Path, description = "group id")),
    responses((status = 200, description = "new system login, password and PO Request URL", body = GroupView), (status = 404, body = ApiError)))]
pub async fn regenerate_credentials(
    State(state): State<AppState>,
    P(gid): P<u32>,
) -> ApiResult<GroupView> {
    let g = state
        .store
        .update_group(gid, |g| {
            g.identity = generate_identity();
            g.shared_secret = generate_secret();
            g.po_token = generate_token(48);
            Ok(())
        })
        .await?;
    Ok(axum::Json(group_view(&state, &g)))
}
