//! The scenarios of a group: their state, the selection, resets.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::groups::{GroupView, group_view};
use super::{ApiError, ApiResult, P, group_of, result_text};
use crate::AppState;
use crate::domain::scenario::Section;

#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioView {
    pub id: String,
    /// basic | checkout | safeguard | advanced
    pub section: String,
    pub name_ja: String,
    pub name_en: String,
    pub selected: bool,
    /// Each of its requirements has an order marked 成功.
    pub unlocked: bool,
    pub requires: Vec<String>,
    pub orders: usize,
    /// success | failure of the latest mark, if any
    pub mark: Option<String>,
    /// The refusal the scenario expects of absim, if any (e.g. 001-001).
    pub refusal: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/groups/{gid}/scenarios", tag = "scenarios",
    params(("gid" = u32, Path, description = "group id")),
    responses((status = 200, body = Vec<ScenarioView>), (status = 404, body = ApiError)))]
pub async fn list_scenarios(
    State(state): State<AppState>,
    P(gid): P<u32>,
) -> ApiResult<Vec<ScenarioView>> {
    let group = group_of(&state, gid).await?;
    let mut marks = std::collections::HashMap::new();
    let mut tested = std::collections::HashSet::new();
    for s in state.scenarios.all() {
        marks.insert(s.id.clone(), state.store.latest_mark(gid, &s.id).await?);
        // Open as on the scenario page: an order marked 成功, whatever came
        // after it.
        if state.store.has_success_mark(gid, &s.id).await? {
            tested.insert(s.id.clone());
        }
    }
    let passed = |id: &str| tested.contains(id);
    let mut out = Vec::new();
    for section in Section::ALL {
        for s in state.scenarios.section(section) {
            out.push(ScenarioView {
                id: s.id.clone(),
                section: section.as_str().into(),
                name_ja: s.name.ja.clone(),
                name_en: s.name.en.clone(),
                selected: group.selected_scenario == s.id,
                unlocked: s.requires.iter().all(|r| passed(r)),
                requires: s.requires.clone(),
                orders: state.store.count_orders(gid, Some(&s.id)).await?,
                mark: marks
                    .get(&s.id)
                    .and_then(|m| m.as_ref())
                    .map(|m| result_text(m.result).into()),
                refusal: s.refusal.clone(),
            });
        }
    }
    Ok(axum::Json(out))
}

#[utoipa::path(post, path = "/api/v1/groups/{gid}/scenarios/{id}/select", tag = "scenarios",
    params(("gid" = u32, Path, description = "group id"), ("id" = String, Path, description = "scenario id")),
    responses((status = 200, body = GroupView), (status = 404, body = ApiError)))]
pub async fn select_scenario(
    State(state): State<AppState>,
    P((gid, id)): P<(u32, String)>,
) -> ApiResult<GroupView> {
    if state.scenarios.get(&id).is_none() {
        return Err(ApiError::not_found(format!("there is no scenario '{id}'")));
    }
    let g = state
        .store
        .update_group(gid, move |g| {
            g.selected_scenario = id;
            Ok(())
        })
        .await?;
    Ok(axum::Json(group_view(&state, &g)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResetView {
    /// How many log entries were removed.
    pub removed: usize,
}

#[utoipa::path(post, path = "/api/v1/groups/{gid}/scenarios/{id}/reset", tag = "scenarios",
    params(("gid" = u32, Path, description = "group id"), ("id" = String, Path, description = "scenario id")),
    responses((status = 200, description = "the scenario's logs and state are gone; other scenarios stay", body = ResetView), (status = 404, body = ApiError)))]
pub async fn reset_scenario(
    State(state): State<AppState>,
    P((gid, id)): P<(u32, String)>,
) -> ApiResult<ResetView> {
    group_of(&state, gid).await?;
    if state.scenarios.get(&id).is_none() {
        return Err(ApiError::not_found(format!("there is no scenario '{id}'")));
    }
    let removed = state.store.reset_scenario(gid, &id).await?;
    Ok(axum::Json(ResetView { removed }))
}

#[utoipa::path(post, path = "/api/v1/groups/{gid}/reset", tag = "scenarios",
    params(("gid" = u32, Path, description = "group id")),
    responses((status = 200, description = "the group's whole log is gone; credentials and settings stay", body = ResetView), (status = 404, body = ApiError)))]
pub async fn reset_group(State(state): State<AppState>, P(gid): P<u32>) -> ApiResult<ResetView> {
    group_of(&state, gid).await?;
    let removed = state.store.reset_group(gid).await?;
    Ok(axum::Json(ResetView { removed }))
}
