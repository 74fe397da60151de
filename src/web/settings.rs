//! The purchasing-system settings screen (購入システムのセットアップ): a, b,
//! c, the Punchout URL, the buyer endpoints, the cart-return field, and the
//! switch between test and active mode.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Ctx, PageError, PageForm, PagePath, PageQuery, render};
use crate::AppState;
use crate::domain::account::{
    PURCHASING_SYSTEMS, PurchasingSystem, validate_endpoint, validate_identity, validate_secret,
};
use crate::domain::fault::{FAULT_KINDS, FaultKind, FaultPlan};
use crate::domain::order::TestResult;
use crate::domain::{CartField, Group, Mode};
use crate::i18n::Texts;

pub fn group_or_404(state: &AppState, t: &'static Texts, gid: u32) -> Result<Group, PageError> {
    state
        .store
        .group(gid)
        .ok_or_else(|| PageError::new(t, StatusCode::NOT_FOUND, t.not_found))
}

/// Whether the group's basic order is marked 成功 (it unlocks the optional
/// sections and silences the mode switch's warning).
pub async fn basic_passed(
    state: &AppState,
    t: &'static Texts,
    gid: u32,
) -> Result<bool, PageError> {
    Ok(state
        .store
        .latest_mark(gid, crate::domain::scenario::BASIC)
        .await
        .map_err(|e| PageError::internal(t, &e))?
        .is_some_and(|m| m.result == TestResult::Success))
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
    notice: Option<String>,
    error: Option<String>,
    fault_kinds: Vec<&'static str>,
    fault_count: String,
    fault_share: String,
}

impl SettingsPage {
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
        chrome: ctx.chrome(ctx.t.setup_title, Some(group.id)),
        systems: &PURCHASING_SYSTEMS,
        punchout_url: state.punchout_url(),
        punchout_test_url: format!("{}/test", state.punchout_url()),
        po_url: state.po_url(&group),
        confirmation_url: group.order_confirmation_url.clone().unwrap_or_default(),
        ship_notice_url: group.ship_notice_url.clone().unwrap_or_default(),
        fault_kinds: FAULT_KINDS.iter().map(|k| k.as_str()).collect(),
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
        group,
        notice: None,
        error: None,
    }
}

#[derive(Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageQuery(q): PageQuery<ShowQuery>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid)?;
    let mut p = page(&state, &ctx, group);
    if q.saved.is_some() {
        p.notice = Some(ctx.t.saved.to_owned());
    }
    Ok(render(&p))
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
    cart_field: String,
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageForm(form): PageForm<SettingsForm>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid)?;
    let result = state
        .store
        .update_group(gid, |g| {
            let identity = form.identity.trim();
            let secret = form.shared_secret.trim();
            validate_identity(identity)?;
            validate_secret(secret)?;
            g.purchasing_system = PurchasingSystem::parse(&form.purchasing_system)?;
            g.identity = identity.to_owned();
            g.shared_secret = secret.to_owned();
            g.order_confirmation_url = validate_endpoint(&form.order_confirmation_url)?;
            g.ship_notice_url = validate_endpoint(&form.ship_notice_url)?;
            g.cart_field = CartField::parse(&form.cart_field)?;
            Ok(())
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/groups/{gid}/settings?saved=1")).into_response()),
        Err(message) => {
            let mut p = page(&state, &ctx, group);
            p.error = Some(message);
            let mut r = render(&p);
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
    }
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
    let group = group_or_404(&state, ctx.t, gid)?;
    Ok(render(&ModePage {
        t: ctx.t,
        chrome: ctx.chrome(ctx.t.switch_active, Some(gid)),
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
        .update_group(gid, |g| {
            g.mode = mode;
            Ok(())
        })
        .await
        .map_err(|m| PageError::new(ctx.t, StatusCode::BAD_REQUEST, m))?;
    Ok(Redirect::to(&format!("/groups/{gid}/settings")).into_response())
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

fn number<T: std::str::FromStr>(label: &str, s: &str) -> Result<Option<T>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| format!("{label}: '{s}' is not a whole number"))
}

/// Saves the group's fault injection (障害の注入).
pub async fn save_faults(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
    PageForm(form): PageForm<FaultForm>,
) -> Result<Response, PageError> {
    let group = group_or_404(&state, ctx.t, gid)?;
    let t = ctx.t;
    let plan = (|| -> Result<FaultPlan, String> {
        let kind = match form.kind.trim() {
            "" => None,
            k => Some(FaultKind::parse(k)?),
        };
        let plan = FaultPlan {
            kind,
            remaining: number(t.fault_count, &form.count)?,
            share_percent: number(t.fault_share, &form.share)?,
            delay_ms: number(t.fault_delay, &form.delay_ms)?.unwrap_or(0),
            timeout_secs: number(t.fault_timeout, &form.timeout_secs)?.unwrap_or(60),
        };
        plan.validate()?;
        Ok(plan)
    })();
    let result = match plan {
        Ok(plan) => {
            state
                .store
                .update_group(gid, |g| {
                    g.faults = plan;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/groups/{gid}/settings?saved=1")).into_response()),
        Err(message) => {
            let mut p = page(&state, &ctx, group);
            p.error = Some(message);
            let mut r = render(&p);
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
    }
}
