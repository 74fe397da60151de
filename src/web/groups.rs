//! グループ: the groups of this absim and グループを追加.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Ctx, PageError, PageForm, render};
use crate::AppState;
use crate::domain::Group;
use crate::domain::account::Scope;
use crate::i18n::{Note, Texts};

#[derive(Template)]
#[template(path = "testing/groups.html")]
struct GroupsPage {
    t: &'static Texts,
    chrome: Chrome,
    groups: Vec<Group>,
    error: Option<String>,
}

/// グループ: the groups, and グループを追加.
pub async fn groups(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    Ok(render(&GroupsPage {
        t: ctx.t,
        chrome: ctx.chrome(ctx.t.groups_title, "groups"),
        groups: all_groups(&state, ctx.t).await?,
        error: None,
    }))
}

async fn all_groups(state: &AppState, t: &'static Texts) -> Result<Vec<Group>, PageError> {
    state
        .store
        .groups()
        .await
        .map_err(|e| PageError::internal(t, &e))
}

#[derive(Deserialize)]
pub struct NewGroupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    payment_scope: String,
    #[serde(default)]
    address_scope: String,
}

pub async fn add_group(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<NewGroupForm>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let name = form.name.trim();
    let scope = |s: &str| match s {
        "individual" => Ok(Scope::Individual),
        "shared" | "" => Ok(Scope::Shared),
        other => Err(Note::unknown_value("scope", other, &["shared", "individual"]).render(t.lang)),
    };
    let made = if name.is_empty() {
        Err(t.group_name_required.to_string())
    } else {
        match (scope(&form.payment_scope), scope(&form.address_scope)) {
            (Ok(p), Ok(a)) => state
                .store
                .add_group(name, move |g| {
                    g.payment_scope = p;
                    g.address_scope = a;
                    Ok(())
                })
                .await
                .map_err(|e| e.note().render(t.lang)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    };
    match made {
        Ok(g) => Ok(
            Redirect::to(&format!("/groups/{}/settings?done=group-added", g.id)).into_response(),
        ),
        Err(message) => {
            let mut r = render(&GroupsPage {
                t,
                chrome: ctx.chrome(t.groups_title, "groups"),
                groups: all_groups(&state, t).await?,
                error: Some(message),
            });
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
    }
}
