//! What the entry page posts (marks, resends) and the raw documents it links.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use askama::Template;

use super::entry::{doc_label, load_order};
use crate::AppState;
use crate::domain::Group;
use crate::domain::order::{Mark, TestResult};
use crate::i18n::Texts;
use crate::web::settings::group_or_404;
use crate::web::{Chrome, render};
use crate::web::{Ctx, PageError, PageForm, PagePath, PageQuery};

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
    load_order(&state, ctx.t, gid, no).await?;
    let Some(result) = TestResult::parse(&form.result) else {
        // Back to the form, saying what is missing.
        return Ok(
            Redirect::to(&format!("/groups/{gid}/log/{no}?done=mark-missing#result"))
                .into_response(),
        );
    };
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
    let done = match result {
        TestResult::Success => "marked-success",
        TestResult::Failure => "marked-failure",
    };
    Ok(Redirect::to(&format!("/groups/{gid}/tests?done={done}")).into_response())
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
    Ok(Redirect::to(&format!("/groups/{gid}/log/{no}?done=resent")).into_response())
}

#[derive(Deserialize)]
pub struct DocQuery {
    #[serde(default)]
    download: Option<String>,
}

#[derive(Template)]
#[template(path = "testing/document.html")]
struct DocumentPage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    no: u64,
    order_id: String,
    label: &'static str,
    body: String,
}

/// A raw document: shown as escaped text in a page that leads back to its
/// entry (never rendered as markup), or downloaded as XML.
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
    if q.download.is_none() {
        let group = group_or_404(&state, ctx.t, gid).await?;
        let label = doc_label(ctx.t, doc.meta.kind);
        return Ok(render(&DocumentPage {
            t: ctx.t,
            chrome: ctx.group_chrome(label, &group, "log"),
            group,
            no,
            order_id: order.order_id.into(),
            label,
            body: String::from_utf8_lossy(&doc.body).into_owned(),
        }));
    }
    let headers = {
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
    };
    Ok((headers, doc.body).into_response())
}
