//! The purchasing-system settings screen (購入システムのセットアップ): a, b,
//! c, the Punchout URL, the buyer endpoints, the cart-return field, and the
//! switch between test and active mode; the group's marketplace (`market`).

mod market;

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Ctx, PageError, PageForm, PagePath, render};
use crate::AppState;
use crate::domain::account::PaymentMethod;
use crate::domain::account::{
    PURCHASING_SYSTEMS, PurchasingSystem, validate_endpoint, validate_identity, validate_secret,
};
use crate::domain::fault::{FAULT_KINDS, FaultKind, FaultPlan};
use crate::domain::safeguard::{Action, QuantityAction, Tolerances};
use crate::domain::{CartField, ErrorForm, Group, Mode};
use crate::i18n::{Note, Texts};
use crate::note;
use crate::store::GroupError;

pub async fn group_or_404(
    state: &AppState,
    t: &'static Texts,
    gid: u32,
) -> Result<Group, PageError> {
    state
        .store
        .group(gid)
        .await
        .map_err(|e| PageError::internal(t, &e))?
        .map(Arc::unwrap_or_clone)
        .ok_or_else(|| PageError::new(t, StatusCode::NOT_FOUND, t.not_found))
}

/// Whether the group's basic order is marked 成功 (it unlocks the optional
/// sections and silences the mode switch's warning).
pub async fn basic_passed(
    state: &AppState,
    t: &'static Texts,
    gid: u32,
) -> Result<bool, PageError> {
    // As the scenario page opens the optional tests: an order of the
    // basic scenario marked 成功.
    state
        .store
        .has_success_mark(gid, crate::domain::scenario::BASIC)
        .await
        .map_err(|e| PageError::internal(t, &e))
}

#[derive(Template)]
#[template(path = "testing/settings.html")]
struct SettingsPage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    systems: &'static [&'static str],
    punchout_url: String,
    punchout_test_url: String,
    po_url: String,
    confirmation_url: String,
    ship_notice_url: String,
    invoice_url: String,
    error: Option<String>,
    /// Each fault's id and name.
    fault_kinds: Vec<(&'static str, &'static str)>,
    fault_count: String,
    fault_share: String,
    addresses: String,
    admin_email: String,
    market: market::MarketView,
}

impl SettingsPage {
    fn payment_is(&self, method: &str) -> bool {
        matches!(
            (self.group.payment_method, method),
            (Some(PaymentMethod::CreditCard), "card") | (Some(PaymentMethod::Invoice), "invoice")
        )
    }

    fn fault_kind_is(&self, kind: &str) -> bool {
        self.group.faults.kind.is_some_and(|k| k.as_str() == kind)
    }

    fn is_active(&self) -> bool {
        self.group.mode == Mode::Active
    }

    fn field_is(&self, name: &str) -> bool {
        self.group.cart_field.name() == name
    }
}

fn page(state: &AppState, ctx: &Ctx, group: Group) -> SettingsPage {
    SettingsPage {
        t: ctx.t,
        chrome: ctx.group_chrome(ctx.t.setup_title, &group, "settings"),
        systems: &PURCHASING_SYSTEMS,
        punchout_url: state.punchout_url(),
        punchout_test_url: format!("{}/test", state.punchout_url()),
        po_url: state.po_url(&group),
        confirmation_url: group.order_confirmation_url.clone().unwrap_or_default(),
        ship_notice_url: group.ship_notice_url.clone().unwrap_or_default(),
        invoice_url: group.invoice_url.clone().unwrap_or_default(),
        fault_kinds: FAULT_KINDS
            .iter()
            .map(|k| (k.as_str(), k.name_in(ctx.t)))
            .collect(),
        fault_count: group
            .faults
            .remaining
            .map(|n| n.to_string())
            .unwrap_or_default(),
        fault_share: group
            .faults
            .share_percent
            .map(|n| n.to_string())
            .unwrap_or_default(),
        addresses: group.delivery_addresses.join("\n"),
        admin_email: group.mail.admin_email.clone().unwrap_or_default(),
        market: market::view(state, ctx.t, &group),
        group,
        error: None,
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid).await?;
    Ok(render(&page(&state, &ctx, group)))
}

/// Where a settings form goes after saving: back to the form's page (`page`)
/// saying 保存しました, or, when the change was refused, the form's page
/// with the reason (400; 500 when the store failed).
fn saved_or(
    result: Result<Group, GroupError>,
    page: &str,
    show_error: impl FnOnce(Note) -> Response,
) -> Response {
    match result {
        Ok(_) => Redirect::to(&format!("{page}?done=saved")).into_response(),
        Err(e) => {
            let status = match e {
                GroupError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
                GroupError::NotFound(_) => StatusCode::NOT_FOUND,
                GroupError::Refused(_) | GroupError::IdentityTaken(_) => StatusCode::BAD_REQUEST,
            };
            let mut r = show_error(e.note());
            *r.status_mut() = status;
            r
        }
    }
}

/// The settings page with an error message.
fn settings_error(state: &AppState, ctx: &Ctx, group: Group) -> impl FnOnce(Note) -> Response {
    let mut p = page(state, ctx, group);
    let lang = ctx.t.lang;
    move |note| {
        p.error = Some(note.render(lang));
        render(&p)
    }
}

#[derive(Deserialize)]
pub struct SettingsForm {
    purchasing_system: String,
    identity: String,
    shared_secret: String,
    #[serde(default)]
    order_confirmation_url: String,
    #[serde(default)]
    ship_notice_url: String,
    /// Absent in older forms: unchanged.
    #[serde(default)]
    invoice_url: Option<String>,
    cart_field: String,
    /// code or http-200 (absent in older forms: unchanged).
    #[serde(default)]
    cxml_errors: Option<String>,
    /// A store's code (absent in older forms: the store and the exemption
    /// stay).
    #[serde(default)]
    marketplace: Option<String>,
    /// The checkbox: present when ticked.
    #[serde(default)]
    tax_exempt: Option<String>,
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageForm(form): PageForm<SettingsForm>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid).await?;
    let stores = state.clone();
    let result = state
        .store
        .update_group(gid, move |g| {
            let identity = form.identity.trim();
            let secret = form.shared_secret.trim();
            validate_identity(identity)?;
            validate_secret(secret)?;
            g.purchasing_system = PurchasingSystem::parse(&form.purchasing_system)?;
            g.identity = identity.to_owned();
            g.shared_secret = secret.to_owned();
            g.order_confirmation_url = validate_endpoint(&form.order_confirmation_url)?;
            g.ship_notice_url = validate_endpoint(&form.ship_notice_url)?;
            if let Some(u) = &form.invoice_url {
                g.invoice_url = validate_endpoint(u)?;
            }
            g.cart_field = CartField::parse(&form.cart_field)?;
            if let Some(f) = &form.cxml_errors {
                g.cxml_errors = ErrorForm::parse(f)?;
            }
            if let Some(code) = &form.marketplace {
                let exempt = form.tax_exempt.is_some();
                g.choose_marketplace(&stores.marketplaces, Some(code), Some(exempt))?;
            }
            Ok(())
        })
        .await;
    Ok(saved_or(
        result,
        &format!("/groups/{gid}/settings"),
        settings_error(&state, &ctx, group),
    ))
}

#[derive(Template)]
#[template(path = "testing/mode.html")]
struct ModePage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    basic_passed: bool,
}

/// アクティブモードに切り替える: the confirmation page, with the guide's
/// warning when the basic test is not marked successful.
pub async fn confirm_mode(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid).await?;
    Ok(render(&ModePage {
        t: ctx.t,
        chrome: ctx.group_chrome(ctx.t.switch_active, &group, "settings"),
        basic_passed: basic_passed(&state, ctx.t, gid).await?,
        group,
    }))
}

#[derive(Deserialize)]
pub struct ModeForm {
    mode: String,
}

pub async fn switch_mode(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageForm(form): PageForm<ModeForm>,
) -> Result<Response, PageError> {
    let mode = match form.mode.as_str() {
        "active" => Mode::Active,
        "test" => Mode::Test,
        other => {
            return Err(PageError::new(
                ctx.t,
                StatusCode::BAD_REQUEST,
                format!("mode '{other}' is neither test nor active"),
            ));
        }
    };
    state
        .store
        .update_group(gid, move |g| {
            g.mode = mode;
            Ok(())
        })
        .await
        .map_err(|e| PageError::new(ctx.t, StatusCode::BAD_REQUEST, e.message()))?;
    let done = match mode {
        Mode::Test => "mode-test",
        Mode::Active => "mode-active",
    };
    Ok(Redirect::to(&format!("/groups/{gid}/settings?done={done}")).into_response())
}

#[derive(Deserialize)]
pub struct FaultForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    count: String,
    #[serde(default)]
    share: String,
    #[serde(default)]
    delay_ms: String,
    #[serde(default)]
    timeout_secs: String,
}

fn number<T: std::str::FromStr>(label: &str, s: &str) -> Result<Option<T>, Note> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| note!("setting-not-whole-number", field = label, value = s))
}

/// An amount of money from a form field: empty for none.
fn amount(label: &str, s: &str) -> Result<Option<rust_decimal::Decimal>, Note> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<rust_decimal::Decimal>()
        .ok()
        .filter(|a| !a.is_sign_negative())
        .map(Some)
        .ok_or_else(|| note!("setting-not-amount", field = label, value = s))
}

/// Saves the group's fault injection (障害の注入).
pub async fn save_faults(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageForm(form): PageForm<FaultForm>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid).await?;
    let t = ctx.t;
    let plan = (|| -> Result<FaultPlan, Note> {
        let kind = match form.kind.trim() {
            "" => None,
            k => Some(FaultKind::parse(k)?),
        };
        let plan = FaultPlan {
            kind,
            remaining: number(t.fault_count.as_str(), &form.count)?,
            share_percent: number(t.fault_share.as_str(), &form.share)?,
            delay_ms: number(t.fault_delay.as_str(), &form.delay_ms)?.unwrap_or(0),
            timeout_secs: number(t.fault_timeout.as_str(), &form.timeout_secs)?.unwrap_or(60),
        };
        plan.validate()?;
        Ok(plan)
    })();
    let result = match plan {
        Ok(plan) => {
            state
                .store
                .update_group(gid, move |g| {
                    g.faults = plan;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(GroupError::Refused(e)),
    };
    Ok(saved_or(
        result,
        &format!("/groups/{gid}/settings"),
        settings_error(&state, &ctx, group),
    ))
}

#[derive(Template)]
#[template(path = "testing/tolerances.html")]
struct TolerancesPage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    error: Option<String>,
    max_shipping: String,
    /// The group's currency, which the maximum shipping price is in.
    currency: String,
    max_delivery: String,
}

impl TolerancesPage {
    fn is(&self, field: &str, value: &str) -> bool {
        let tol = &self.group.tolerances;
        match field {
            "price_action" => tol.price_action.as_str() == value,
            "quantity_action" => tol.quantity_action.as_str() == value,
            "delivery_action" => tol.delivery_action.as_str() == value,
            _ => false,
        }
    }
}

fn tolerances_page(
    state: &AppState,
    ctx: &Ctx,
    group: Group,
    error: Option<String>,
) -> TolerancesPage {
    TolerancesPage {
        t: ctx.t,
        currency: state.market(&group).pricing.currency.code.to_string(),
        chrome: ctx.group_chrome(ctx.t.tolerances_title, &group, "settings"),
        max_shipping: group
            .tolerances
            .max_shipping
            .map(|v| v.normalize().to_string())
            .unwrap_or_default(),
        max_delivery: group
            .tolerances
            .max_delivery_days
            .map(|v| v.to_string())
            .unwrap_or_default(),
        group,
        error,
    }
}

/// 許容値設定: the order safeguards.
pub async fn show_tolerances(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid).await?;
    Ok(render(&tolerances_page(&state, &ctx, group, None)))
}

#[derive(Deserialize)]
pub struct TolerancesForm {
    #[serde(default)]
    price_increase_percent: String,
    price_action: String,
    quantity_action: String,
    #[serde(default, alias = "max_shipping_yen")]
    max_shipping: String,
    #[serde(default)]
    max_delivery_days: String,
    delivery_action: String,
    #[serde(default)]
    amazon_only: Option<String>,
}

pub async fn save_tolerances(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageForm(form): PageForm<TolerancesForm>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid).await?;
    let t = ctx.t;
    let parsed = (|| -> Result<Tolerances, Note> {
        let tol = Tolerances {
            price_increase_percent: number(
                t.price_tolerance.as_str(),
                &form.price_increase_percent,
            )?
            .unwrap_or(0),
            price_action: Action::parse(&form.price_action)?,
            quantity_action: QuantityAction::parse(&form.quantity_action)?,
            max_shipping: amount(t.max_shipping.as_str(), &form.max_shipping)?,
            max_delivery_days: number(t.max_delivery.as_str(), &form.max_delivery_days)?,
            delivery_action: Action::parse(&form.delivery_action)?,
            amazon_only: form.amazon_only.is_some(),
        };
        tol.validate()?;
        Ok(tol)
    })();
    let result = match parsed {
        Ok(tol) => {
            state
                .store
                .update_group(gid, move |g| {
                    g.tolerances = tol;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(GroupError::Refused(e)),
    };
    Ok(saved_or(
        result,
        &format!("/groups/{gid}/tolerances"),
        |note| {
            render(&tolerances_page(
                &state,
                &ctx,
                group,
                Some(note.render(ctx.t.lang)),
            ))
        },
    ))
}

#[derive(Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    payment_method: String,
    #[serde(default)]
    addresses: String,
    #[serde(default)]
    mail_to_user: Option<String>,
    #[serde(default)]
    mail_to_admin: Option<String>,
    #[serde(default)]
    admin_email: String,
}

/// 支払い方法, 配送先住所 and PO確認のメール of a group.
pub async fn save_payment(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageForm(form): PageForm<PaymentForm>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid).await?;
    let result = state
        .store
        .update_group(gid, move |g| {
            g.payment_method = match form.payment_method.as_str() {
                "" => None,
                "card" => Some(PaymentMethod::CreditCard),
                "invoice" => Some(PaymentMethod::Invoice),
                other => {
                    return Err(Note::unknown_value(
                        "payment-method",
                        other,
                        &["card", "invoice"],
                    ));
                }
            };
            g.delivery_addresses = form
                .addresses
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            g.mail.to_user = form.mail_to_user.is_some();
            g.mail.to_admin = form.mail_to_admin.is_some();
            let admin = form.admin_email.trim();
            if !admin.is_empty() && !admin.contains('@') {
                return Err(note!("setting-not-email", value = admin));
            }
            g.mail.admin_email = Some(admin.to_owned()).filter(|a| !a.is_empty());
            Ok(())
        })
        .await;
    Ok(saved_or(
        result,
        &format!("/groups/{gid}/settings"),
        settings_error(&state, &ctx, group),
    ))
}
