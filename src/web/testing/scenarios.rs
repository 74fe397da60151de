//! 以下のシナリオのテスト: the catalogue as cards, selecting a scenario.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{mark_line, scenario_name};
use crate::AppState;
use crate::domain::Group;
use crate::domain::order::TestResult;
use crate::domain::scenario::{Scenario, Section};
use crate::i18n::Texts;
use crate::store::StoreError;
use crate::web::settings::group_or_404;
use crate::web::{Chrome, Ctx, PageError, PagePath, render};

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

impl SectionView {
    /// Whether no scenario of the section can be run yet: it shows as one
    /// line, as the guide does.
    pub fn all_locked(&self) -> bool {
        self.cards.iter().all(|c| !c.unlocked)
    }

    pub fn locked(&self) -> Vec<&ScenarioCard> {
        self.cards.iter().filter(|c| !c.unlocked).collect()
    }
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
    let internal = |e: StoreError| PageError::internal(t, &e);
    let group = group_or_404(&state, t, gid).await?;
    let passed = passed_scenarios(&state, t, gid).await?;
    let mut sections = Vec::new();
    for section in Section::ALL {
        let mut cards = Vec::new();
        for sc in state.scenarios.section(section) {
            cards.push(
                card(&state, t, &group, &passed, sc)
                    .await
                    .map_err(internal)?,
            );
        }
        sections.push(SectionView::new(t, section, cards));
    }
    let total_logs = state
        .store
        .count_orders(gid, None)
        .await
        .map_err(internal)?;
    Ok(render(&ScenariosPage {
        t,
        chrome: ctx.group_chrome(t.f(t.tests_title, group.label()), &group, "tests"),
        total_logs,
        sections,
        group,
    }))
}

impl SectionView {
    fn new(t: &'static Texts, section: Section, cards: Vec<ScenarioCard>) -> SectionView {
        let (title, intro, locked_text) = match section {
            Section::Basic => (t.first_test, t.first_test_desc.as_str(), ""),
            Section::Checkout => (t.optional_tests, "", t.optional_locked.as_str()),
            Section::Safeguard => (
                t.safeguard_tests,
                t.safeguard_intro.as_str(),
                t.safeguard_locked.as_str(),
            ),
            Section::Advanced => (t.advanced_tests, "", t.advanced_locked.as_str()),
        };
        SectionView {
            id: section.as_str(),
            title: title.as_str(),
            intro,
            locked_text,
            cards,
        }
    }
}

/// A scenario's card: what it is, its entries and latest mark, and whether
/// the scenarios it requires have passed (`passed`) so that it is open.
async fn card(
    state: &AppState,
    t: &'static Texts,
    group: &Group,
    passed: &[String],
    sc: &Scenario,
) -> Result<ScenarioCard, StoreError> {
    let lang = t.lang_code;
    let mark = state.store.latest_mark(group.id, &sc.id).await?;
    let waiting: Vec<String> = sc
        .requires
        .iter()
        .filter(|r| !passed.contains(*r))
        .map(|r| scenario_name(state, t, r))
        .collect();
    Ok(ScenarioCard {
        id: sc.id.clone(),
        name: sc.name.get(lang.as_str()).to_owned(),
        description: sc.description.get(lang.as_str()).to_owned(),
        steps: sc
            .steps
            .iter()
            .map(|s| s.get(lang.as_str()).to_owned())
            .collect(),
        logs: state.store.count_orders(group.id, Some(&sc.id)).await?,
        mark_failed: mark
            .as_ref()
            .is_some_and(|m| m.result == TestResult::Failure),
        mark: mark.as_ref().map(|m| mark_line(t, m)),
        selected: group.selected_scenario == sc.id,
        unlocked: waiting.is_empty(),
        waits_for: waiting.join(", "),
    })
}

/// The scenarios of a group that have been tested successfully: an order
/// of theirs is marked 成功. The guide opens the optional tests once the
/// basic order has been tested successfully; a later order marked 失敗
/// does not close them again (resetting the scenario's log does).
pub async fn passed_scenarios(
    state: &AppState,
    t: &'static Texts,
    gid: u32,
) -> Result<Vec<String>, PageError> {
    let mut out = Vec::new();
    for sc in state.scenarios.all() {
        let passed = state
            .store
            .has_success_mark(gid, &sc.id)
            .await
            .map_err(|e| PageError::internal(t, &e))?;
        if passed {
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
    Ok(Redirect::to(&format!("/groups/{gid}/tests?done=selected#{id}")).into_response())
}
