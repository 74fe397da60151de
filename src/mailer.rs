//! Sends the outbox's e-mails by SMTP when a server is configured
//! (`--smtp-url smtp://host:port`), recording each result. Without a server
//! the e-mails stay in the outbox pages only.

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::AppState;

/// Sends an order's e-mails in the background, after the PO was answered.
pub fn send_later(state: &AppState, group_id: u32, order_no: u64) {
    let Some(url) = state.settings.smtp_url.clone() else {
        return;
    };
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = send_order_mails(&state, &url, group_id, order_no).await {
            tracing::warn!(error = %e, "sending order e-mails failed");
        }
    });
}

/// Sends every e-mail of an order not sent yet; returns how many went out.
pub async fn send_order_mails(
    state: &AppState,
    smtp_url: &str,
    group_id: u32,
    order_no: u64,
) -> anyhow::Result<usize> {
    let url = url::Url::parse(smtp_url)?;
    let host = url.host_str().unwrap_or("127.0.0.1").to_owned();
    let port = url.port().unwrap_or(25);
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .build();
    // A bare address gets absim's display name; a full mailbox is kept.
    let from: Mailbox = match state.settings.mail_from.parse::<lettre::Address>() {
        Ok(address) => Mailbox::new(Some("Amazonビジネス absim".into()), address),
        Err(_) => state.settings.mail_from.parse()?,
    };
    let mut sent = 0;
    for m in state.store.mails(group_id, Some(order_no)).await? {
        if m.smtp == "sent" {
            continue;
        }
        let result = async {
            let message = Message::builder()
                .from(from.clone())
                .to(m.recipient.parse()?)
                .subject(m.subject.clone())
                .header(ContentType::TEXT_PLAIN)
                .body(m.body.clone())?;
            transport.send(message).await?;
            anyhow::Ok(())
        }
        .await;
        let error = result.err().map(|e| format!("{e:#}"));
        if error.is_none() {
            sent += 1;
        }
        state.store.set_mail_sent(m.id, error).await?;
    }
    Ok(sent)
}
