//! The outbox of order e-mails (PO確認のメール).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::AppState;
use crate::domain::Group;
use crate::i18n::Texts;
use crate::web::settings::group_or_404;
use crate::web::{Chrome, Ctx, PageError, PagePath, render, show_time};

/// An e-mail as the outbox shows it.
pub struct MailRow {
    pub id: i64,
    pub order_no: Option<u64>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub at: String,
    pub smtp: &'static str,
    pub smtp_error: Option<String>,
}

pub(super) fn mail_rows(t: &'static Texts, mails: Vec<crate::store::Mail>) -> Vec<MailRow> {
    mails
        .into_iter()
        .map(|m| MailRow {
            id: m.id,
            order_no: m.order_no,
            smtp: match m.smtp.as_str() {
                "sent" => t.smtp_sent.as_str(),
                "failed" => t.smtp_failed.as_str(),
                _ => t.smtp_none.as_str(),
            },
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
            at: show_time(&m.created_at),
            smtp_error: m.smtp_error,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "testing/outbox.html")]
struct OutboxPage {
    t: &'static Texts,
    chrome: Chrome,
    group: Group,
    mails: Vec<MailRow>,
    /// Showing one e-mail (with its body) rather than the list.
    single: bool,
}

/// The outbox of order e-mails (PO確認のメール).
pub async fn outbox(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(gid): PagePath<u32>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let group = group_or_404(&state, t, gid).await?;
    let mails = state
        .store
        .mails(gid, None)
        .await
        .map_err(|e| PageError::internal(t, &e))?;
    Ok(render(&OutboxPage {
        t,
        chrome: ctx.group_chrome(t.outbox_title, &group, "mail"),
        group,
        mails: mail_rows(t, mails),
        single: false,
    }))
}

/// One e-mail of the outbox.
pub async fn mail(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((gid, id)): PagePath<(u32, i64)>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    let group = group_or_404(&state, t, gid).await?;
    let mails: Vec<crate::store::Mail> = state
        .store
        .mails(gid, None)
        .await
        .map_err(|e| PageError::internal(t, &e))?
        .into_iter()
        .filter(|m| m.id == id)
        .collect();
    if mails.is_empty() {
        return Err(PageError::new(t, StatusCode::NOT_FOUND, t.not_found));
    }
    Ok(render(&OutboxPage {
        t,
        chrome: ctx.group_chrome(t.outbox_title, &group, "mail"),
        group,
        mails: mail_rows(t, mails),
        single: true,
    }))
}
